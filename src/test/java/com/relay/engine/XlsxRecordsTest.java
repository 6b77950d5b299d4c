package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfig;
import java.io.OutputStream;
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
}
