package com.relay.engine;

import com.relay.tenants.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static com.relay.engine.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/CONTRACT.md#output-csv-format whole files and docs/CONTRACT.md#output-formatting-vectors vectors, compared byte for byte. */
class CsvFeedWriterTest {

    private static String write(List<String> columns, boolean escape, List<InventoryRecord> rows) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvFeedWriter w = CsvFeedWriter.merged(bytes, new TenantConfig.Output("csv", columns, escape))) {
            w.writeSorted(rows);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void deterministicOrderExampleOfSection3_10() throws IOException {
        Instant noon = Instant.parse("2020-01-01T12:00:00Z");
        List<InventoryRecord> rows = List.of(
                record().sku("SKU-002").vendorId("vendor-b").price("9.9").updatedAt(noon).build(),
                record().sku("SKU-001").vendorId("vendor-b").price("10").updatedAt(noon).build(),
                record().sku("SKU-001").vendorId("vendor-a").price("5").updatedAt(noon).build());

        assertThat(write(List.of("sku", "vendor_id", "price", "updated_at"), false, rows)).isEqualTo("""
                sku,vendor_id,price,updated_at
                SKU-001,vendor-a,5.00,2020-01-01T12:00:00Z
                SKU-001,vendor-b,10.00,2020-01-01T12:00:00Z
                SKU-002,vendor-b,9.90,2020-01-01T12:00:00Z
                """);
    }

    @Test
    void withoutVendorIdColumnEqualSkusKeepInputOrder() throws IOException {
        List<InventoryRecord> rows = List.of(
                record().sku("S").vendorId("vendor-b").quantity(1).build(),
                record().sku("S").vendorId("vendor-a").quantity(2).build());
        assertThat(write(List.of("sku", "quantity_available"), false, rows)).isEqualTo("sku,quantity_available\nS,1\nS,2\n");
    }

    @Test
    void quotingExampleAndReadBack(@TempDir Path dir) throws Exception {
        InventoryRecord row = record().sku("SKU-1").title("ACME, \"Premium\"\nWheel").quantity(5).build();
        String csv = write(List.of("sku", "title", "quantity_available"), false, List.of(row));
        assertThat(csv).isEqualTo("sku,title,quantity_available\nSKU-1,\"ACME, \"\"Premium\"\"\nWheel\",5\n");

        // reading it back with an independent CSV reader gives the original cells
        Path file = dir.resolve("out.csv");
        Files.writeString(file, csv);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM read_csv('" + file + "', header=true, all_varchar=true, "
                     + "delim=',', quote='\"', escape='\"')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("sku")).isEqualTo("SKU-1");
            assertThat(rs.getString("title")).isEqualTo("ACME, \"Premium\"\nWheel");
            assertThat(rs.getString("quantity_available")).isEqualTo("5");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void noRowsGivesTheHeaderLineOnly() throws IOException {
        assertThat(write(List.of("sku", "quantity_available", "price"), false, List.of()))
                .isEqualTo("sku,quantity_available,price\n");
    }

    @Test
    void singleEmptyCellRowIsWrittenAsTwoQuotes() throws IOException {
        assertThat(write(List.of("title"), false, List.of(record().title(null).build(), record().title("").build(),
                record().title("x").build())))
                .isEqualTo("title\n\"\"\n\"\"\nx\n");
        assertThat(write(List.of("title", "sku"), false, List.of(record().sku("A").build()))).isEqualTo("title,sku\n,A\n");
    }

    @Test
    void cellQuotingVectors() throws IOException {
        List<String> titles = List.of("a,b", "say \"hi\"", "l1\nl2", "x\ry", " padded ", "a;b", "#x", "it's", "tab\t");
        List<InventoryRecord> rows = new ArrayList<>();
        for (int i = 0; i < titles.size(); i++) rows.add(record().sku("S" + i).title(titles.get(i)).build());
        assertThat(write(List.of("sku", "title"), false, rows)).isEqualTo("sku,title\n"
                + "S0,\"a,b\"\n"
                + "S1,\"say \"\"hi\"\"\"\n"
                + "S2,\"l1\nl2\"\n"
                + "S3,\"x\ry\"\n"
                + "S4, padded \n"
                + "S5,a;b\n"
                + "S6,#x\n"
                + "S7,it's\n"
                + "S8,tab\t\n");
    }

    @Test
    void orderIsByCodePoint() throws IOException {
        String supplementary = new String(Character.toChars(0x1F600));
        List<String> expected = List.of("10", "9", "A", "B", "a", "Ä", "\uFFFD", supplementary);
        List<InventoryRecord> rows = new ArrayList<>();
        for (int i = expected.size() - 1; i >= 0; i--) rows.add(record().sku(expected.get(i)).build());
        rows.add(record().sku(null).build()); // a missing sku sorts as ""
        assertThat(write(List.of("sku"), false, rows)).isEqualTo("sku\n\"\"\n" + String.join("\n", expected) + "\n");
    }

    @Test
    void escapeFormulasInTheMergedFile() throws IOException {
        List<InventoryRecord> rows = List.of(
                record().sku("=SUM(A1)").title("+1").brand("-5 off").condition("new").vendorSku("@x").price("-5").build(),
                record().sku("a=b").title("=a,b").brand("").price("1").build(),
                record().sku("5").title("@").vendorId("-v").price("2").build());
        String csv = write(List.of("sku", "vendor_sku", "vendor_id", "title", "brand", "condition", "price"), true, rows);
        // sorted on unescaped values: "5" < "=SUM(A1)" < "a=b" although "'=SUM" would sort first
        assertThat(csv).isEqualTo("""
                sku,vendor_sku,vendor_id,title,brand,condition,price
                5,,'-v,'@,,,2.00
                '=SUM(A1),'@x,v1,'+1,'-5 off,new,-5.00
                a=b,,v1,"'=a,b",,,1.00
                """);
        // the normalized writer never escapes
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvFeedWriter w = CsvFeedWriter.normalized(bytes)) {
            w.writeRow(rows.get(0));
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("\n=SUM(A1),@x,v1,0,,,,-5.00,,new,-5 off,+1,2020-01-01T12:00:00Z\n");
    }

    @Test
    void normalizedRowsOfTheWorkedExample() throws IOException {
        Instant now = Instant.parse("2024-05-06T07:08:09.123Z");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvFeedWriter w = CsvFeedWriter.normalized(bytes)) {
            w.writeRow(record().sku("SKU-001").vendorId("v1").quantity(5).cost("10.00").mapPrice("25.00")
                    .title("ACME, \"Premium\"").updatedAt(now).build());
            w.writeRow(record().sku("SKU-002").vendorId("v1").quantity(0).cost("1.00").title("zero stock")
                    .updatedAt(now).build());
            w.writeRow(record().sku("SKUé").vendorId("v2").quantity(2).cost("5").lead(-3L).msrp("0")
                    .mask(InventoryRecord.NEG_ZERO_MSRP).vendorSku(" VS ").brand(" Brand ").condition("used")
                    .updatedAt("2020-01-02T03:04:05Z").build());
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                sku,vendor_sku,vendor_id,quantity_available,lead_time_days,cost,map_price,price,msrp,condition,brand,title,updated_at
                SKU-001,,v1,5,,10.00,25.00,0.00,,,,"ACME, ""Premium\""",2024-05-06T07:08:09.123000Z
                SKU-002,,v1,0,,1.00,,0.00,,,,zero stock,2024-05-06T07:08:09.123000Z
                SKUé, VS ,v2,2,-3,5.00,,0.00,-0.00,used, Brand ,,2020-01-02T03:04:05Z
                """);
    }

    @Test
    void writesUtf8WithoutBomAndEncodesSupplementaryCharacters() throws IOException {
        String smile = new String(Character.toChars(0x1F600));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvFeedWriter w = new CsvFeedWriter(bytes, List.of(CanonicalField.SKU), false)) {
            w.writeRow(record().sku("é€" + smile).build());
        }
        assertThat(bytes.toByteArray()).isEqualTo(("sku\né€" + smile + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(bytes.toByteArray()[0]).isEqualTo((byte) 's');
    }

    /** Many random rows (crossing the 64 KiB buffer, a cell longer than it) match a simple reference. */
    @Test
    void matchesReferenceFormattingAcrossBufferBoundaries() throws IOException {
        Random random = new Random(11);
        String[] pieces = {"a", ",", "\"", "\n", "\r", " ", "é", "€", "😀", "=", "-", "x"};
        List<InventoryRecord> rows = new ArrayList<>();
        StringBuilder expected = new StringBuilder("sku,title,brand,cost,price,quantity_available,lead_time_days,updated_at\n");
        for (int i = 0; i < 3_000; i++) {
            StringBuilder title = new StringBuilder();
            int len = i == 1_500 ? 70_000 : random.nextInt(30);
            for (int j = 0; j < len; j++) title.append(pieces[random.nextInt(pieces.length)]);
            String cost = random.nextBoolean() ? null : (random.nextInt(200_000) - 100_000) / 1000.0 + "";
            Long lead = random.nextBoolean() ? null : (long) random.nextInt(100) - 50;
            InventoryRecord r = record().sku(String.format("S%05d", i)).title(title.toString()).brand("b" + i)
                    .cost(cost).price("1.5").quantity(random.nextInt(1000)).lead(lead)
                    .updatedAt(Instant.ofEpochSecond(1_600_000_000L + random.nextInt(1000), random.nextInt(3) * 500_000))
                    .build();
            rows.add(r);
            expected.append(String.join(",", r.sku(), CellFormatter.quote(CellFormatter.escapeFormula(r.title())),
                    r.brand(), CellFormatter.money(r.cost(), false), "1.50", Long.toString(r.quantityAvailable()),
                    lead == null ? "" : lead.toString(), CellFormatter.timestamp(r.updatedAt()))).append('\n');
        }
        String csv = write(List.of("sku", "title", "brand", "cost", "price", "quantity_available", "lead_time_days",
                "updated_at"), true, rows);
        assertThat(csv).isEqualTo(expected.toString());
    }
}
