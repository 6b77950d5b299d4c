package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.engine.FormatWriters.Layout;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfig.ColumnRange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken feeds of every non-csv format (issue 20), in the small-heap Surefire execution
 * (-Xmx256m): each ends in a specific error naming the vendor and where, or in row errors, never in
 * a hang, an OutOfMemoryError or a silent empty result; and ~50 MB feeds stream.
 */
class HostileFormatsTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Map<String, String> MAP = Map.of("sku", "SKU", "quantity_available", "QTY", "cost", "COST",
            "price", "PRICE", "title", "TITLE");

    @TempDir Path work;

    record Collected(List<InventoryRecord> records, List<RowError> errors, VendorParseResult result) {}

    static TenantConfig.Parser parser(String format, String recordsPath, String recordPath, Map<String, ColumnRange> columns,
                                      Map<String, String> columnMap) {
        return new TenantConfig.Parser(format, ',', "utf-8", columnMap, format.equals("csv") ? Boolean.TRUE : null,
                null, format.equals("xlsx") ? 2 : null, format.equals("xlsx") ? 1 : null, recordsPath, recordPath, columns);
    }

    static TenantConfig.Parser json(String recordsPath) {
        return parser("json", recordsPath, null, null, Map.of("sku", "SKU", "quantity_available", "stock.qty"));
    }

    static TenantConfig.Parser xml() {
        return parser("xml", null, "/feed/item", null, Map.of("sku", "@id", "quantity_available", "QTY"));
    }

    Collected parse(TenantConfig.Parser parser, InputStream feed) throws Exception {
        return parse(parser, feed, null);
    }

    Collected parse(TenantConfig.Parser parser, InputStream feed, Runnable onEachRecord) throws Exception {
        List<InventoryRecord> records = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        TenantConfig.Vendor vendor = new TenantConfig.Vendor("acme", true, null, parser, null);
        VendorParseResult result = new VendorFeedParser().parse(vendor, 0, feed, null, NOW, true, new RowSink() {
            @Override
            public void accept(InventoryRecord r) {
                if (onEachRecord != null) onEachRecord.run();
                if (records.size() < 1000) records.add(r);
            }

            @Override
            public void error(RowError e) {
                errors.add(e);
            }
        }, 0, work);
        return new Collected(records, errors, result);
    }

    Collected parse(TenantConfig.Parser parser, String text) throws Exception {
        return parse(parser, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static EngineFailureAssert fails(ThrowingCall call) {
        try {
            call.run();
        } catch (EngineFailure f) {
            return new EngineFailureAssert(f);
        } catch (Exception e) {
            throw new AssertionError("expected an EngineFailure, got " + e, e);
        }
        throw new AssertionError("expected an EngineFailure, got none");
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    record EngineFailureAssert(EngineFailure f) {
        EngineFailureAssert is(String code, String... parts) {
            assertThat(f.errorCode()).as(f.getMessage()).isEqualTo(code);
            assertThat(f.vendorId()).isEqualTo("acme");
            assertThat(f.stage()).isEqualTo("NORMALIZE");
            // the contract's "missing columns: …" names the vendor in the entry, not in the text
            if (!code.equals("missing_required_columns")) assertThat(f.getMessage()).contains("acme");
            for (String p : parts) assertThat(f.getMessage()).contains(p);
            return this;
        }
    }

    // ---- json --------------------------------------------------------------------------------

    @Test
    void jsonRecordsAreReadFromTheirPathAndWrongTypesAreRowErrors() throws Exception {
        Collected c = parse(json("$.data.items[*]"), """
                {"meta": {"items": [1, 2]}, "data": {"skip": [{"x": {"y": [1, {"z": "deep"}]}}], "items": [
                  {"SKU": "A", "stock": {"qty": 3, "where": {"bin": "x"}}, "other": [1, 2, {"a": null}]},
                  "not a record",
                  {"SKU": "B", "stock": {"qty": {"n": 1}}},
                  {"SKU": "C", "stock": {"qty": null}},
                  {"stock": {"qty": 1}}
                ]}, "after": {"k": [true]}}""");
        assertThat(c.records()).extracting(InventoryRecord::sku).containsExactly("A", "C");
        assertThat(c.records().get(0).quantityAvailable()).isEqualTo(3);
        assertThat(c.errors()).extracting(RowError::rowNumber, RowError::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, "record is a string, not an object"),
                org.assertj.core.groups.Tuple.tuple(3L, "stock.qty is an object, not a value"),
                org.assertj.core.groups.Tuple.tuple(5L, "sku is required"));
    }

    @Test
    void jsonWhoseFirstRecordLacksARequiredPathFailsLikeACsvWithoutTheColumn() {
        fails(() -> parse(json("$[*]"), "[{\"SKU\": \"A\", \"qty\": 1}]"))
                .is("missing_required_columns", "missing columns: stock.qty");
    }

    @Test
    void brokenJsonFailsTheVendorWithLineAndColumn() {
        fails(() -> parse(json("$[*]"), "[{\"SKU\": \"A\", \"stock\": {\"qty\": 1}},\n {\"SKU\": \"B\", \"st"))
                .is("JSON_PARSE_ERROR", "json parse error for vendor acme: ", "(line 2, column");
        fails(() -> parse(json("$[*]"), "[{\"SKU\": \"A\", \"stock\": {\"qty\": 1}} oops]"))
                .is("JSON_PARSE_ERROR", "(line 1, column");
        fails(() -> parse(json("$[*]"), "[{\"SKU\": \"A\", \"stock\": {\"qty\": 1}}] [1]"))
                .is("JSON_PARSE_ERROR", "unexpected content after the end of the JSON document");
        fails(() -> parse(json("$[*]"), "")).is("JSON_PARSE_ERROR", "the file is empty");
        fails(() -> parse(json("$[*]"), new ByteArrayInputStream(new byte[] {'[', '"', (byte) 0xC3, '"', ']'})))
                .is("DECODE_ERROR", "invalid UTF-8 byte sequence at byte offset 2");
    }

    @Test
    void aRecordsPathThatDoesNotMatchSaysWhere() {
        fails(() -> parse(json("$.data.itemz[*]"), "{\"data\": {\"items\": []}}"))
                .is("JSON_PARSE_ERROR", "records_path $.data.itemz[*] does not match: $.data has no member 'itemz'");
        fails(() -> parse(json("$.data[*]"), "{\"data\": {\"items\": []}}"))
                .is("JSON_PARSE_ERROR", "$.data is an object, not an array");
        fails(() -> parse(json("$[*]"), "{\"data\": []}")).is("JSON_PARSE_ERROR", "$ is an object, not an array");
    }

    @Test
    void jsonNestedTenThousandDeepFailsAtTheNestingLimit() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        fails(() -> parse(json("$[*]"), "[{\"SKU\": \"A\", \"stock\": {\"qty\": 1}, \"x\": " + deep + "}]"))
                .is("JSON_PARSE_ERROR", "limit exceeded", "200");
        fails(() -> parse(json("$[*]"), deep)).is("JSON_PARSE_ERROR", "limit exceeded");
        String deepObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        fails(() -> parse(json("$[*]"), "[" + deepObjects + "]")).is("JSON_PARSE_ERROR", "limit exceeded");
    }

    @Test
    void anEmptyJsonArrayIsAFeedOfNoRows() throws Exception {
        assertThat(parse(json("$.items[*]"), "{\"items\": []}").result()).isEqualTo(new VendorParseResult(0, 0));
    }

    // ---- xml ---------------------------------------------------------------------------------

    @Test
    void xmlRecordsAreTheElementsAtTheRecordPath() throws Exception {
        Collected c = parse(xml(), """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- exported -->
                <feed xmlns="urn:vendor"><meta><item id="NOT-A-RECORD"><QTY>1</QTY></item></meta>
                  <item id="A"><QTY> 3 </QTY><note><QTY>99</QTY></note></item>
                  <item id="B"><QTY><![CDATA[4]]></QTY></item>
                  <item id="C"><QTY>x&amp;y</QTY></item>
                </feed>""");
        assertThat(c.records()).extracting(InventoryRecord::sku).containsExactly("A", "B");
        assertThat(c.records()).extracting(InventoryRecord::quantityAvailable).containsExactly(3L, 4L);
        assertThat(c.errors()).extracting(RowError::rowNumber, RowError::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, "invalid int: x&y"));
    }

    @Test
    void xmlWithADoctypeFailsBeforeAnyEntityIsUsed() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <feed><item id="&xxe;"><QTY>1</QTY></item></feed>""";
        fails(() -> parse(xml(), xxe)).is("XML_PARSE_ERROR", "DOCTYPE", "DTDs and entities are not allowed", "(line");
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE feed [\n<!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
                    .append("\">\n");
        }
        laughs.append("]>\n<feed><item id=\"&lol9;\"><QTY>1</QTY></item></feed>");
        fails(() -> parse(xml(), laughs.toString())).is("XML_PARSE_ERROR", "DOCTYPE");
    }

    @Test
    void brokenOrMismatchedXmlFailsTheVendorWithLineAndColumn() {
        fails(() -> parse(xml(), "<feed>\n<item id=\"A\"><QTY>1</QTY></item>\n<item id=\"B\"><QTY>2</item></feed>"))
                .is("XML_PARSE_ERROR", "xml parse error for vendor acme: ", "(line 3, column");
        fails(() -> parse(xml(), "<catalog><item id=\"A\"/></catalog>"))
                .is("XML_PARSE_ERROR", "record_path /feed/item does not match the root element <catalog>");
        fails(() -> parse(xml(), "")).is("XML_PARSE_ERROR");
        String deep = "<a>".repeat(10_000) + "</a>".repeat(10_000);
        fails(() -> parse(xml(), "<feed>" + deep + "</feed>")).is("XML_PARSE_ERROR", "nested deeper than 200");
    }

    // ---- fixed_width -------------------------------------------------------------------------

    static TenantConfig.Parser fixed() {
        Map<String, ColumnRange> columns = new LinkedHashMap<>();
        columns.put("SKU", new ColumnRange(1, 4));
        columns.put("QTY", new ColumnRange(5, 8));
        columns.put("TITLE", new ColumnRange(9, 14));
        return parser("fixed_width", null, null, columns, Map.of("sku", "SKU", "quantity_available", "QTY", "title", "TITLE"));
    }

    @Test
    void fixedWidthShortLinesAreRowErrorsAndPaddingIsTrimmed() throws Exception {
        Collected c = parse(fixed(), "A1     3Tea   \r\n\nB2    12😀 cup \nC3  7\r" + "D4     1" + "x".repeat(1_000_000) + "\n");
        assertThat(c.records()).extracting(InventoryRecord::sku, InventoryRecord::title).containsExactly(
                org.assertj.core.groups.Tuple.tuple("A1", "Tea"), org.assertj.core.groups.Tuple.tuple("B2", "😀 cup"),
                org.assertj.core.groups.Tuple.tuple("D4", "xxxxxx"));
        assertThat(c.errors()).extracting(RowError::rowNumber, RowError::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3L, "line too short: 5 characters, the columns end at character 14"));
        assertThat(c.errors().get(0).rowData()).containsEntry("SKU", "C3").containsEntry("QTY", "7").containsEntry("TITLE", "");
    }

    @Test
    void anEmptyFixedWidthFileFailsLikeAnEmptyCsv() {
        fails(() -> parse(fixed(), "\n\r\n")).is("missing_required_columns", "missing columns: SKU, QTY");
    }

    // ---- xlsx --------------------------------------------------------------------------------

    static TenantConfig.Parser xlsx() {
        return parser("xlsx", null, null, null, MAP);
    }

    static final Layout SMALL = new Layout(List.of("SKU", "QTY", "COST", "PRICE", "TITLE"), Set.of("QTY", "COST", "PRICE"),
            Set.of(), Map.of(), Map.of(), Map.of());

    @Test
    void notAnXlsxOrAnEmptyOneFailsTheVendor() {
        fails(() -> parse(xlsx(), "SKU,QTY\nA,1\n")).is("XLSX_PARSE_ERROR", "xlsx parse error for vendor acme: not an xlsx file");
        fails(() -> parse(xlsx(), "")).is("XLSX_PARSE_ERROR", "the file is empty");
        byte[] zipOfNothing = {0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        fails(() -> parse(xlsx(), new ByteArrayInputStream(zipOfNothing))).is("XLSX_PARSE_ERROR");
    }

    @Test
    void aMissingSheetIsNamedWithTheSheetsThereAre() throws Exception {
        Path file = work.resolve("s.xlsx");
        FormatWriters.xlsx(SMALL, FormatWriters.rows("A|1|2|3|t"), file, 1, false);
        TenantConfig.Parser byName = new TenantConfig.Parser("xlsx", ',', "utf-8", MAP, null, "Prices", null, 1, null, null, null);
        fails(() -> parse(byName, Files.newInputStream(file))).is("XLSX_PARSE_ERROR", "no sheet named 'Prices' (sheets: Notes, Stock)");
        TenantConfig.Parser third = new TenantConfig.Parser("xlsx", ',', "utf-8", MAP, null, null, 3, 1, null, null, null);
        fails(() -> parse(third, Files.newInputStream(file))).is("XLSX_PARSE_ERROR", "no sheet 3: the workbook has 2 sheets");
    }

    @Test
    void aZipBombIsRefused() throws Exception {
        Path bomb = work.resolve("bomb.xlsx");
        String blob = "A".repeat(32_000);
        Iterable<List<String>> rows = () -> Stream.iterate(0, i -> i < 3_000, i -> i + 1)
                .map(i -> List.of("S" + i, "1", "1", "1", blob)).iterator();
        FormatWriters.xlsx(SMALL, rows, bomb, 1, false);
        fails(() -> parse(xlsx(), Files.newInputStream(bomb))).is("XLSX_PARSE_ERROR", "zip bomb detected");
    }

    @Test
    void sharedStringsSpillToTheRunsWorkDirectoryAndEverythingIsRemovedAfterwards() throws Exception {
        Path file = work.resolve("shared.xlsx");
        FormatWriters.xlsx(SMALL, FormatWriters.rows("A|1|2.5|3|tea", "B|2|2|3|tea", "C|3|1|1|cup"), file, 1, true);
        Path feed = Files.move(file, Files.createTempDirectory("feeds").resolve("shared.xlsx"));
        List<String> seen = new ArrayList<>();
        Collected c = parse(xlsx(), Files.newInputStream(feed), () -> {
            try (Stream<Path> files = Files.list(work)) {
                files.forEach(p -> seen.add(p.getFileName().toString()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(c.records()).extracting(InventoryRecord::title).containsExactly("tea", "tea", "cup");
        // the strings' store is a file; a feed this small is read from memory (XlsxWorkbookOpenTest: a large one is spooled)
        assertThat(seen).anyMatch(n -> n.startsWith("relay-poi-")).noneMatch(n -> n.startsWith("relay-feed-"));
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith("relay-feed-") || n.startsWith("relay-poi-"));
        }
    }

    // ---- ~50 MB of each streamed under -Xmx256m ------------------------------------------------

    static final int BIG_ROWS = 400_000;

    static Iterable<List<String>> bigRows() {
        String title = "A long enough product title for realistic rows, number ";
        return () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() { return i < BIG_ROWS; }

            @Override
            public List<String> next() {
                i++;
                return List.of("SKU-" + i, Integer.toString(i % 100), "12.50", "19.99", title + i);
            }
        };
    }

    @Test
    void fiftyMegabytesOfJsonXmlAndXlsxStreamInTheSmallHeap() throws Exception {
        Path jsonFile = work.resolve("big.json");
        FormatWriters.json(SMALL, bigRows(), jsonFile);
        assertThat(Files.size(jsonFile)).isGreaterThan(45_000_000L);
        Collected j = parse(parser("json", "$.data.items[*]", null, null, MAP), Files.newInputStream(jsonFile));
        assertThat(j.result()).isEqualTo(new VendorParseResult(BIG_ROWS, 0));
        Files.delete(jsonFile);

        Path xmlFile = work.resolve("big.xml");
        FormatWriters.xml(SMALL, bigRows(), xmlFile);
        assertThat(Files.size(xmlFile)).isGreaterThan(45_000_000L);
        Collected x = parse(parser("xml", null, "/feed/item", null, MAP), Files.newInputStream(xmlFile));
        assertThat(x.result()).isEqualTo(new VendorParseResult(BIG_ROWS, 0));
        Files.delete(xmlFile);

        // the same 400,000 rows as xlsx: ~50 MB of sheet XML, compressed to a smaller file
        Path xlsxFile = work.resolve("big.xlsx");
        FormatWriters.xlsx(SMALL, bigRows(), xlsxFile, 1, false);
        Collected s = parse(parser("xlsx", null, null, null, MAP), Files.newInputStream(xlsxFile));
        assertThat(s.result()).isEqualTo(new VendorParseResult(BIG_ROWS, 0));
    }
}
