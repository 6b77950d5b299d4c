package com.relay.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.poi.ss.util.CellAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.util.XMLHelper;

/**
 * One worksheet's rows, read from its XML with a cursor StAX parser (POI's hardened factory: no
 * DTD, no external entities), one row at a time (docs/ENGINE.md#vendor-file-formats). Each cell is
 * kept as its column, its type ({@code t}, {@code n} when absent) and its raw text: the {@code <v>}
 * text, or for an inline string the text of every {@code <t>} in its {@code <is>}; null when the
 * cell has neither (a blank cell). {@link XlsxRecords} turns them into csv text.
 *
 * <p>It reads a sheet exactly as excel-streaming-reader 5.1.1 did (row and cell numbers when
 * {@code r} is absent, the first column of {@code <dimension>}, cells of a row in column order,
 * the last of two cells in one column kept) without an object per XML event and per cell, which
 * made xlsx the slowest format by far (docs/PERFORMANCE.md#vendor-file-formats-issue-20).
 */
final class XlsxSheetRows implements Closeable {
    /** Cells kept per row: one past the row store's limit, so a longer row still fails as too many fields. */
    static final int MAX_CELLS = CsvRecordReader.MAX_FIELDS + 1;

    private final InputStream in;
    private final XMLStreamReader reader;
    private final StringBuilder content = new StringBuilder();
    private int[] columns = new int[64];
    private String[] types = new String[64];
    private String[] raws = new String[64];
    private int count;
    private int rowNum;
    private int nextRowNum;
    private int nextColumn;
    private int firstColumn;
    private boolean inRow;
    private boolean inCell;
    private boolean inText;
    private boolean inInlineString;
    private int cellColumn;
    private String cellType;
    private String cellRaw;

    XlsxSheetRows(InputStream sheetXml) throws XMLStreamException {
        this.in = sheetXml;
        this.reader = XMLHelper.newXMLInputFactory().createXMLStreamReader(sheetXml);
    }

    /** The 0-based sheet row number of the current row. */
    int rowNum() { return rowNum; }

    int cellCount() { return count; }

    int column(int i) { return columns[i]; }

    String type(int i) { return types[i]; }

    /** The cell's raw text, null for a cell without a value. */
    String raw(int i) { return raws[i]; }

    /** Reads up to the end of the next {@code <row>}; false at the end of the sheet. */
    boolean next() throws XMLStreamException {
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.CHARACTERS) {
                if (inText) content.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
            } else if (event == XMLStreamConstants.START_ELEMENT) {
                if (spreadsheetElement()) start(reader.getLocalName());
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                if (spreadsheetElement() && end(reader.getLocalName())) return true;
            }
        }
        return false;
    }

    private boolean spreadsheetElement() {
        String ns = reader.getNamespaceURI();
        return ns != null && ns.endsWith("/main");
    }

    private void start(String name) {
        switch (name) {
            case "row" -> {
                String r = attribute("r");
                if (r != null) nextRowNum = Integer.parseInt(r) - 1;
                rowNum = nextRowNum;
                count = 0;
                inRow = true;
                nextColumn = firstColumn;
            }
            case "c" -> {
                String r = attribute("r");
                if (r != null) nextColumn = column(r);
                String t = attribute("t");
                cellColumn = nextColumn;
                cellType = t == null ? "n" : t;
                cellRaw = null;
                inCell = true;
            }
            case "v", "t" -> inText = true;
            case "is" -> inInlineString = true;
            case "dimension" -> {
                String ref = attribute("ref");
                if (ref != null) {
                    for (int i = 0; i < ref.length(); i++) {
                        if (!Character.isAlphabetic(ref.charAt(i))) {
                            firstColumn = CellReference.convertColStringToIndex(ref.substring(0, i));
                            break;
                        }
                    }
                }
            }
            default -> {
                // other elements carry nothing a feed reads
            }
        }
        // the text of every <t> of an inline string adds up, as rich-text runs do
        if (!inInlineString) content.setLength(0);
    }

    /** True at the end of a row. */
    private boolean end(String name) {
        switch (name) {
            case "v", "t" -> {
                inText = false;
                if (!inCell) throw new IllegalStateException("a <" + name + "> element outside a cell");
                cellRaw = content.toString();
            }
            case "c" -> {
                if (inRow) add(cellColumn, cellType, cellRaw);
                inCell = false;
                nextColumn++;
            }
            case "is" -> inInlineString = false;
            case "row" -> {
                if (inRow) {
                    nextRowNum++;
                    return true;
                }
            }
            default -> {
                // nothing to do
            }
        }
        return false;
    }

    /** Keeps the row's cells in column order, the later of two cells in one column winning. */
    private void add(int column, String type, String raw) {
        int at = count;
        while (at > 0 && columns[at - 1] > column) at--;
        if (at > 0 && columns[at - 1] == column) {
            types[at - 1] = type;
            raws[at - 1] = raw;
            return;
        }
        if (count == MAX_CELLS) return;
        if (count == columns.length) {
            int size = Math.min(MAX_CELLS, count * 2);
            columns = Arrays.copyOf(columns, size);
            types = Arrays.copyOf(types, size);
            raws = Arrays.copyOf(raws, size);
        }
        System.arraycopy(columns, at, columns, at + 1, count - at);
        System.arraycopy(types, at, types, at + 1, count - at);
        System.arraycopy(raws, at, raws, at + 1, count - at);
        columns[at] = column;
        types[at] = type;
        raws[at] = raw;
        count++;
    }

    /** An attribute without a namespace, as the sheet's {@code r}, {@code t} and {@code ref} are. */
    private String attribute(String localName) {
        for (int i = 0, n = reader.getAttributeCount(); i < n; i++) {
            String ns = reader.getAttributeNamespace(i);
            if ((ns == null || ns.isEmpty()) && localName.equals(reader.getAttributeLocalName(i))) {
                return reader.getAttributeValue(i);
            }
        }
        return null;
    }

    /** The 0-based column of a cell reference: {@code B7} → 1; anything but letters-then-digits as POI reads it. */
    static int column(String ref) {
        int i = 0;
        int column = 0;
        int n = ref.length();
        while (i < n && ref.charAt(i) >= 'A' && ref.charAt(i) <= 'Z' && i < 4) {
            column = column * 26 + (ref.charAt(i) - 'A' + 1);
            i++;
        }
        boolean digits = i > 0 && i < n && n - i <= 9;
        for (int j = i; j < n && digits; j++) digits = ref.charAt(j) >= '0' && ref.charAt(j) <= '9';
        return digits ? column - 1 : new CellAddress(ref).getColumn();
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } catch (XMLStreamException e) {
            // closing the stream below is what matters
        } finally {
            in.close();
        }
    }
}
