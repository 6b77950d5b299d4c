package com.relay.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Writes one table (a header and rows of cell text, as a csv holds it) in every vendor file format,
 * streaming, for the format equivalence tests and the format benchmark (issue 20). Numbers go into
 * json and xlsx as numbers and dates into xlsx as date cells, as a vendor's export would have them.
 */
public final class FormatWriters {

    /**
     * How the table maps onto the formats.
     *
     * @param numeric   header names whose numeric-looking cells are json numbers and xlsx numeric cells
     * @param dates     header names whose ISO timestamps are xlsx date cells
     * @param jsonPaths header name → field path in a json record (default: the name)
     * @param xmlNames  header name → child element or {@code @attribute} of an xml record (default: the name)
     * @param widths    header name → fixed_width column width
     */
    public record Layout(List<String> header, Set<String> numeric, Set<String> dates, Map<String, String> jsonPaths,
                         Map<String, String> xmlNames, Map<String, Integer> widths) {

        public String jsonPath(String name) { return jsonPaths.getOrDefault(name, name); }

        public String xmlName(String name) { return xmlNames.getOrDefault(name, name); }

        /** fixed_width columns in header order: name → [start, end]. */
        public Map<String, int[]> columns() {
            Map<String, int[]> columns = new LinkedHashMap<>();
            int start = 1;
            for (String name : header) {
                int width = widths.get(name);
                columns.put(name, new int[] {start, start + width - 1});
                start += width;
            }
            return columns;
        }
    }

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private FormatWriters() {}

    /** csv or tsv, quoted where the dialect needs it; without the header row when {@code header} is false. */
    public static void csv(Layout layout, Iterable<List<String>> rows, Path out, char delimiter, boolean header)
            throws IOException {
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            if (header) line(w, layout.header(), delimiter);
            for (List<String> row : rows) line(w, row, delimiter);
        }
    }

    private static void line(Writer w, List<String> cells, char delimiter) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) w.write(delimiter);
            String c = cells.get(i);
            boolean quote = c.indexOf(delimiter) >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0 || c.startsWith("\"");
            if (quote) {
                w.write('"');
                w.write(c.replace("\"", "\"\""));
                w.write('"');
            } else {
                w.write(c);
            }
        }
        w.write('\n');
    }

    /** {"data": {"items": [records]}}: records_path {@code $.data.items[*]}. */
    public static void json(Layout layout, Iterable<List<String>> rows, Path out) throws IOException {
        try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
             JsonGenerator g = new JsonFactory().createGenerator(os)) {
            g.writeStartObject();
            g.writeObjectFieldStart("data");
            g.writeStringField("vendor", "acme");
            g.writeArrayFieldStart("items");
            for (List<String> row : rows) {
                // group dotted paths into nested objects, in header order
                Map<String, Object> record = new LinkedHashMap<>();
                for (int i = 0; i < layout.header().size(); i++) {
                    String name = layout.header().get(i);
                    String[] path = layout.jsonPath(name).split("\\.");
                    Map<String, Object> at = record;
                    for (int k = 0; k < path.length - 1; k++) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> child = (Map<String, Object>) at.computeIfAbsent(path[k], x -> new LinkedHashMap<>());
                        at = child;
                    }
                    String cell = i < row.size() ? row.get(i) : "";
                    at.put(path[path.length - 1], layout.numeric().contains(name) ? number(cell) : cell);
                }
                writeObject(g, record);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /** A numeric-looking cell as a json number, an empty one as null, anything else as a string. */
    private static Object number(String cell) {
        if (cell.isEmpty()) return null;
        return NUMBER.matcher(cell).matches() ? new java.math.BigDecimal(cell) : cell;
    }

    private static void writeObject(JsonGenerator g, Map<String, Object> object) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : object.entrySet()) {
            g.writeFieldName(e.getKey());
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> child = (Map<String, Object>) m;
                writeObject(g, child);
            } else if (v instanceof java.math.BigDecimal d) {
                g.writeNumber(d.toPlainString()); // as written, 12.50 stays 12.50
            } else if (v == null) {
                g.writeNull();
            } else {
                g.writeString((String) v);
            }
        }
        g.writeEndObject();
    }

    /** {@code <feed><item ...>...</item></feed>}: record_path {@code /feed/item}. */
    public static void xml(Layout layout, Iterable<List<String>> rows, Path out) throws IOException {
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            XMLStreamWriter x = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(w);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeStartElement("feed");
            x.writeCharacters("\n");
            for (List<String> row : rows) {
                x.writeStartElement("item");
                for (int i = 0; i < layout.header().size(); i++) {
                    String name = layout.xmlName(layout.header().get(i));
                    if (name.startsWith("@")) x.writeAttribute(name.substring(1), i < row.size() ? row.get(i) : "");
                }
                for (int i = 0; i < layout.header().size(); i++) {
                    String name = layout.xmlName(layout.header().get(i));
                    if (name.startsWith("@")) continue;
                    x.writeStartElement(name);
                    x.writeCharacters(i < row.size() ? row.get(i) : "");
                    x.writeEndElement();
                }
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException(e);
        }
    }

    /** One sheet "Stock", the header in row {@code headerRow}; {@code sharedStrings}: strings in the shared-strings table. */
    public static void xlsx(Layout layout, Iterable<List<String>> rows, Path out, int headerRow, boolean sharedStrings)
            throws IOException {
        SXSSFWorkbook wb = sharedStrings ? new SXSSFWorkbook(new XSSFWorkbook(), 100, true, true) : new SXSSFWorkbook(100);
        try {
            wb.setCompressTempFiles(true);
            Sheet notes = wb.createSheet("Notes");
            notes.createRow(0).createCell(0).setCellValue("not the data");
            Sheet sheet = wb.createSheet("Stock");
            CellStyle dateStyle = wb.createCellStyle();
            dateStyle.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("yyyy-mm-dd hh:mm:ss"));
            int r = headerRow - 1;
            if (headerRow > 1) sheet.createRow(0).createCell(0).setCellValue("Stock list, exported by the vendor");
            Row head = sheet.createRow(r++);
            for (int i = 0; i < layout.header().size(); i++) head.createCell(i).setCellValue(layout.header().get(i));
            for (List<String> cells : rows) {
                Row row = sheet.createRow(r++);
                for (int i = 0; i < cells.size(); i++) {
                    String name = layout.header().get(i);
                    String cell = cells.get(i);
                    if (cell.isEmpty()) continue;
                    if (layout.numeric().contains(name) && NUMBER.matcher(cell).matches()) {
                        row.createCell(i).setCellValue(Double.parseDouble(cell));
                    } else if (layout.dates().contains(name)) {
                        var c = row.createCell(i);
                        c.setCellValue(LocalDateTime.parse(cell.replace(' ', 'T')));
                        c.setCellStyle(dateStyle);
                    } else {
                        row.createCell(i).setCellValue(cell);
                    }
                }
            }
            try (OutputStream os = Files.newOutputStream(out)) {
                wb.write(os);
            }
        } finally {
            wb.close();
        }
    }

    /** Each cell left-aligned in its column's width (code points), padded with spaces. */
    public static void fixedWidth(Layout layout, Iterable<List<String>> rows, Path out) throws IOException {
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (List<String> row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < layout.header().size(); i++) {
                    String cell = i < row.size() ? row.get(i) : "";
                    int width = layout.widths().get(layout.header().get(i));
                    int cps = cell.codePointCount(0, cell.length());
                    if (cps > width) throw new IllegalArgumentException("cell wider than its column: " + cell);
                    line.append(cell).append(" ".repeat(width - cps));
                }
                w.write(line.toString());
                w.write("\r\n");
            }
        }
    }

    /** All rows of a csv table (test data), cells as strings. */
    public static List<List<String>> rows(String... lines) {
        List<List<String>> rows = new ArrayList<>();
        for (String l : lines) rows.add(List.of(l.split("\\|", -1)));
        return rows;
    }
}
