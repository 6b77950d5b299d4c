package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** xlsx cells read as the same data reads in a csv (docs/ENGINE.md#vendor-file-formats). */
class XlsxRecordsTest {

    @TempDir Path dir;

    @Test
    void numbersAreTheShortestPlainDecimalWithoutATrailingPointZero() {
        assertThat(XlsxRecords.number(3.0)).isEqualTo("3");
        assertThat(XlsxRecords.number(-42.0)).isEqualTo("-42");
        assertThat(XlsxRecords.number(12.5)).isEqualTo("12.5");
        assertThat(XlsxRecords.number(19.99)).isEqualTo("19.99");
        assertThat(XlsxRecords.number(0.001)).isEqualTo("0.001");
        assertThat(XlsxRecords.number(1e-7)).isEqualTo("0.0000001");
        assertThat(XlsxRecords.number(1e20)).isEqualTo("100000000000000000000");
        assertThat(XlsxRecords.number(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(XlsxRecords.number(-0.0)).isEqualTo("0");
    }

    @Test
    void formulasBooleansErrorsDatesAndSparseRowsReadAsTheirCsvText() throws Exception {
        Path file = dir.resolve("cells.xlsx");
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            Sheet sheet = wb.createSheet("Stock");
            Row head = sheet.createRow(0);
            String[] names = {"SKU", "QTY", "TITLE", "BRAND", "UPDATED", "COST"};
            for (int i = 0; i < names.length; i++) head.createCell(i).setCellValue(names[i]);
            Row r = sheet.createRow(1);
            r.createCell(0).setCellValue("A");
            r.createCell(1).setCellFormula("1+2");
            r.createCell(2).setCellValue(true);
            r.createCell(3).setCellErrorValue(FormulaError.NA.getCode());
            r.createCell(4).setCellValue(LocalDateTime.parse("2026-02-03T04:05:06")); // no date style: a number
            r.createCell(5).setCellValue(7.25);
            sheet.createRow(2); // an empty row: skipped, like an empty csv line
            Row sparse = sheet.createRow(4);
            sparse.createCell(0).setCellValue("B");
            sparse.createCell(1).setCellValue(5);
            wb.getCreationHelper().createFormulaEvaluator().evaluateAll();
            try (OutputStream out = Files.newOutputStream(file)) {
                wb.write(out);
            }
        }
        TenantConfig.Parser parser = new TenantConfig.Parser("xlsx", ',', "utf-8",
                Map.of("sku", "SKU", "quantity_available", "QTY", "title", "TITLE", "brand", "BRAND", "updated_at", "UPDATED",
                        "cost", "COST"), null, null, 1, 1, null, null, null);
        List<InventoryRecord> records = new ArrayList<>();
        new VendorFeedParser().parse(new TenantConfig.Vendor("acme", true, null, parser, null), 0, Files.newInputStream(file),
                null, Instant.parse("2026-01-01T00:00:00Z"), true, new RowSink() {
                    @Override
                    public void accept(InventoryRecord record) {
                        records.add(record);
                    }

                    @Override
                    public void error(RowError error) {
                        throw new AssertionError(error.toString());
                    }
                }, 0, dir);
        assertThat(records).hasSize(2);
        InventoryRecord a = records.get(0);
        assertThat(a.quantityAvailable()).isEqualTo(3);
        assertThat(a.title()).isEqualTo("TRUE");
        assertThat(a.brand()).isEqualTo("#N/A");
        assertThat(a.updatedAt()).isEqualTo(Instant.parse("2026-02-03T04:05:06Z"));
        assertThat(a.cost()).isEqualByComparingTo("7.25");
        InventoryRecord b = records.get(1);
        assertThat(b.sku()).isEqualTo("B");
        assertThat(b.rowNumber()).isEqualTo(5); // the sheet's row number
        assertThat(b.title()).isEmpty();
    }

    /** A sheet column's letters (0-based index): 0 is A, 16383 is XFD. */
    private static String letters(int column) {
        StringBuilder s = new StringBuilder();
        for (int c = column + 1; c > 0; c = (c - 1) / 26) s.insert(0, (char) ('A' + (c - 1) % 26));
        return s.toString();
    }

    private static String letters(java.util.Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = (char) ('a' + random.nextInt(26));
        return new String(chars);
    }

    private static String cell(int row, int column, String text) {
        return "<c r=\"" + letters(column) + row + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
    }

    private static String number(int row, int column, String value) {
        return "<c r=\"" + letters(column) + row + "\" t=\"n\"><v>" + value + "</v></c>";
    }

    /** The records and row errors of a feed, as strings. */
    private List<String> parsed(TenantConfig.Parser parser, InputStream feed) throws Exception {
        List<String> out = new ArrayList<>();
        new VendorFeedParser().parse(new TenantConfig.Vendor("acme", true, null, parser, null), 0, feed, null,
                Instant.parse("2026-01-01T00:00:00Z"), true, new RowSink() {
                    @Override
                    public void accept(InventoryRecord record) {
                        out.add("record " + record);
                    }

                    @Override
                    public void error(RowError error) {
                        out.add("error " + error);
                    }
                }, 0, dir);
        return out;
    }

    /**
     * Rows at the field, record and field-count limits, and a negative zero, read as the same rows
     * of a csv: the rows laid out where the reading thread wrote them
     * (XlsxRecords.layOutInPlace) and the ones copied give the same records and row errors.
     */
    @Test
    void rowsAtTheCellAndRowLimitsReadAsTheSameCsv() throws Exception {
        int field = CsvRecordReader.MAX_FIELD_LENGTH;
        // letters at random: a sheet of repeated ones compresses past the zip bomb check's ratio
        java.util.Random random = new java.util.Random(7);
        String long1 = letters(random, field + 1);
        String big = letters(random, 1_000_000); // five of them: past the record limit of 4,194,304
        String wide = ",".repeat(CsvRecordReader.MAX_FIELDS - 4) + "w"; // a cell in column XFD: 16,384 fields
        StringBuilder sheet = new StringBuilder();
        StringBuilder csv = new StringBuilder("SKU,QTY,COST,TITLE\n");
        sheet.append("<row r=\"1\">").append(cell(1, 0, "SKU")).append(cell(1, 1, "QTY")).append(cell(1, 2, "COST"))
                .append(cell(1, 3, "TITLE")).append("</row>");
        sheet.append("<row r=\"2\">").append(cell(2, 0, "A")).append(number(2, 1, "1.0")).append(number(2, 2, "2.50"))
                .append(cell(2, 3, "t")).append("</row>");
        csv.append("A,1,2.5,t\n");
        sheet.append("<row r=\"3\">").append(cell(3, 0, "B")).append(number(3, 1, "2")).append(number(3, 2, "3"))
                .append(cell(3, 3, long1)).append("</row>");
        csv.append("B,2,3,").append(long1).append('\n');
        sheet.append("<row r=\"4\">").append(cell(4, 0, "C")).append(number(4, 1, "-0.0")).append(number(4, 2, "1"))
                .append("</row>");
        csv.append("C,0,1,\n");
        sheet.append("<row r=\"5\">").append(cell(5, 0, "D"));
        for (int c = 3; c < 8; c++) sheet.append(cell(5, c, big));
        sheet.append("</row>");
        csv.append("D,,,").append(String.join(",", java.util.Collections.nCopies(5, big))).append('\n');
        sheet.append("<row r=\"6\">").append(cell(6, 0, "E")).append(number(6, 1, "5")).append(number(6, 2, "1.5"))
                .append(cell(6, 3, "ok")).append(cell(6, CsvRecordReader.MAX_FIELDS - 1, "w")).append("</row>");
        csv.append("E,5,1.5,ok").append(wide).append('\n');
        sheet.append("<row r=\"7\">").append(cell(7, 0, "F")).append(number(7, 1, "6")).append(number(7, 2, "2"))
                .append(cell(7, CsvRecordReader.MAX_FIELDS, "v")).append("</row>");
        csv.append("F,6,2,").append(wide).append(",v\n");
        sheet.append("<row r=\"8\">").append(cell(8, 0, "G")).append(number(8, 1, "7")).append(number(8, 2, "0.25"))
                .append("</row>");
        csv.append("G,7,0.25,\n");

        Map<String, String> map = Map.of("sku", "SKU", "quantity_available", "QTY", "cost", "COST", "title", "TITLE");
        TenantConfig.Parser xlsx = new TenantConfig.Parser("xlsx", ',', "utf-8", map, null, null, null, 1, null, null, null);
        TenantConfig.Parser csvParser = new TenantConfig.Parser("csv", ',', "utf-8", map, null, null, null, null, null, null, null);
        List<String> fromXlsx = parsed(xlsx, new ByteArrayInputStream(XlsxWorkbookOpenTest.workbook(sheet.toString(), null)));
        List<String> fromCsv = parsed(csvParser, new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(fromXlsx).hasSize(7).isEqualTo(fromCsv);
        assertThat(fromXlsx).filteredOn(line -> line.startsWith("error ")).hasSize(3)
                .anyMatch(line -> line.contains("row too long")).anyMatch(line -> line.contains("too many fields"));
    }
}
