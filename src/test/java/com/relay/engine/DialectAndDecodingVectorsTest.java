package com.relay.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static com.relay.engine.FeedFixtures.bytes;
import static com.relay.engine.FeedFixtures.concat;
import static com.relay.engine.FeedFixtures.parse;
import static com.relay.engine.FeedFixtures.rowData;
import static com.relay.engine.FeedFixtures.utf8;
import static com.relay.engine.FeedFixtures.vendor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** docs/CONTRACT.md#dialect-and-decoding-vectors (dialect and decoding, docs/CONTRACT.md#decoding to docs/CONTRACT.md#header-check-and-required-columns), every row, through the whole parser. */
class DialectAndDecodingVectorsTest {

    private static FeedFixtures.Parsed parseWith(char delimiter, String encoding, byte[] feed) throws Exception {
        return parse(vendor("v1", delimiter, encoding, Map.of()), feed, null, true);
    }

    private static EngineFailure failure(String vendorId, char delimiter, String encoding, byte[] feed) {
        return assertThrows(EngineFailure.class,
                () -> parse(vendor(vendorId, delimiter, encoding, Map.of()), feed, null, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void emptyLinesAreSkippedAndNotCountedWithEveryLineEnd(String eol) throws Exception {
        String feed = "sku,quantity_available\n\n\nA,1\n\n\nB,x".replace("\n", eol);
        var parsed = parse("v1", feed);
        assertThat(parsed.records()).singleElement().satisfies(r -> {
            assertThat(r.sku()).isEqualTo("A");
            assertThat(r.rowNumber()).isEqualTo(2);
        });
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.rowNumber()).isEqualTo(3);
            assertThat(e.reason()).isEqualTo("invalid int: x");
        });
    }

    @Test
    void mixedLineEnds() throws Exception {
        var parsed = parse("v1", "sku,quantity_available\rA,1\r\nB,2\nC,3\r\r\n\n\rD,4");
        assertThat(parsed.records()).extracting(InventoryRecord::sku).containsExactly("A", "B", "C", "D");
        assertThat(parsed.records()).extracting(InventoryRecord::rowNumber).containsExactly(2L, 3L, 4L, 5L);
    }

    @Test
    void utf8BomIsStripped() throws Exception {
        var parsed = parseWith(',', "utf-8", concat(bytes(0xEF, 0xBB, 0xBF), utf8("sku,quantity_available\nA,1\n")));
        assertThat(parsed.only().sku()).isEqualTo("A");
    }

    @Test
    void configuredDelimiter() throws Exception {
        assertThat(parseWith(';', "utf-8", utf8("sku;quantity_available\nA;1\n")).only().sku()).isEqualTo("A");
        EngineFailure f = failure("v1", ',', "utf-8", utf8("sku;quantity_available\nA;1\n"));
        assertThat(f.errorCode()).isEqualTo("missing_required_columns");
        // the closest-header hint (docs/CONTRACT.md#header-check-and-required-columns) shows the wrong delimiter
        assertThat(f.getMessage()).isEqualTo("missing columns: sku, quantity_available. `sku` is missing; the file has"
                + " a similar column `sku;quantity_available`");
        assertThat(parseWith('\t', "utf-8", utf8("sku\tquantity_available\nA,B\t1\n")).only().sku()).isEqualTo("A,B");
        assertThat(parseWith('|', "utf-8", utf8("sku|quantity_available\n\"A|B\"|1\n")).only().sku()).isEqualTo("A|B");
    }

    @ParameterizedTest
    @ValueSource(strings = {" sku ,quantity_available", "SKU,quantity_available"})
    void headerNamesMatchExactly(String header) {
        EngineFailure f = assertThrows(EngineFailure.class, () -> parse("v1", header + "\nA,1\n"));
        // not read, but named as the column that looks like it (docs/CONTRACT.md#header-check-and-required-columns)
        String seen = header.substring(0, header.indexOf(','));
        assertThat(f.getMessage()).isEqualTo("missing columns: sku. `sku` is missing; the file has a similar column `" + seen + "`");
    }

    @Test
    void headerOnlyGivesNothing() throws Exception {
        var parsed = parse("v1", "sku,quantity_available\n");
        assertThat(parsed.records()).isEmpty();
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.result()).isEqualTo(new VendorParseResult(0, 0));
    }

    @Test
    void emptyFileMissesBothColumns() {
        EngineFailure f = failure("v1", ',', "utf-8", new byte[0]);
        assertThat(f.errorCode()).isEqualTo("missing_required_columns");
        assertThat(f.stage()).isEqualTo("NORMALIZE");
        assertThat(f.getMessage()).isEqualTo("missing columns: sku, quantity_available");
        assertThat(f.vendorId()).isEqualTo("v1");
    }

    @Test
    void anEmptyFirstLineIsAHeaderWithoutColumns() {
        EngineFailure f = failure("v1", ',', "utf-8", utf8("\nsku,quantity_available\nA,1\n"));
        assertThat(f.getMessage()).isEqualTo("missing columns: sku, quantity_available");
    }

    @Test
    void missingColumnsWithoutFailingGiveOneVendorLevelEntry() throws Exception {
        var parsed = parse(vendor("v1", ',', "utf-8", Map.of("sku", "SKU", "quantity_available", "QTY")),
                utf8("sku,quantity_available\nA,1\n"), null, false);
        assertThat(parsed.records()).isEmpty();
        assertThat(parsed.result()).isEqualTo(new VendorParseResult(0, 1));
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.vendorId()).isEqualTo("v1");
            assertThat(e.rowNumber()).isZero();
            assertThat(e.reason()).isEqualTo("missing columns: SKU, QTY. `SKU` is missing; the file has a similar column `sku`"
                    + ". `QTY` is missing; the file has a similar column `quantity_available`");
            assertThat(e.rowData()).containsExactlyEntriesOf(rowData("vendor", "v1"));
        });
    }

    @Test
    void missingColumnsStillDecodeTheWholeFile() {
        byte[] feed = concat(utf8("code,qty\nA,1\n"), bytes(0xFF), utf8("\n"));
        EngineFailure f = assertThrows(EngineFailure.class, () -> parse(vendor("v1"), feed, null, false));
        assertThat(f.errorCode()).isEqualTo("DECODE_ERROR");
        assertThat(f.getMessage()).isEqualTo("decode error for vendor v1: invalid UTF-8 byte sequence at byte offset 13");
    }

    @Test
    void linesOfSpacesOrDelimitersAreRows() throws Exception {
        var parsed = parse("v1", "sku,quantity_available\n   \n,\n,,,\nA,1\n");
        assertThat(parsed.errors()).extracting(RowError::rowNumber).containsExactly(2L, 3L, 4L);
        assertThat(parsed.errors()).extracting(RowError::reason).containsOnly("sku is required");
        assertThat(parsed.errors().get(2).rowData())
                .containsExactlyEntriesOf(rowData("sku", "", "quantity_available", "", "null", List.of("", "")));
        assertThat(parsed.records()).singleElement().extracting(InventoryRecord::rowNumber).isEqualTo(5L);
    }

    @Test
    void oversizedSurplusCellFailsTheRowUnderTheNameNull() throws Exception {
        String big = "z".repeat(CsvRecordReader.MAX_FIELD_LENGTH + 1);
        var parsed = parse("v1", "sku,quantity_available\nA,1," + big + "\n");
        assertThat(parsed.onlyReason()).isEqualTo("field too long: null exceeds 1048576 characters");
        assertThat(parsed.errors().get(0).rowData()).containsExactlyEntriesOf(rowData("sku", "A",
                "quantity_available", "1", "null", List.of("z".repeat(100) + "...[truncated]")));
    }

    @Test
    void quantityOutsideTheLongRangeIsAnInvalidInt() throws Exception {
        assertThat(parse("v1", "sku,quantity_available\nA,99999999999999999999\n").onlyReason())
                .isEqualTo("invalid int: 99999999999999999999");
    }

    @Test
    void twoFieldsMayReadTheSameColumn() throws Exception {
        var v = vendor("v1", ',', "utf-8", Map.of("vendor_sku", "sku", "title", "sku"));
        InventoryRecord r = parse(v, utf8("sku,quantity_available\n A ,1\n"), null, true).only();
        assertThat(r.sku()).isEqualTo("A");
        assertThat(r.vendorSku()).isEqualTo(" A ");
        assertThat(r.title()).isEqualTo(" A ");
    }

    @Test
    void lastDuplicateHeaderWins() throws Exception {
        assertThat(parse("v1", "sku,quantity_available,quantity_available\nA,1,2\n").only().quantityAvailable())
                .isEqualTo(2);
    }

    @Test
    void duplicateHeaderInRowDataAppearsOnceAtFirstPositionWithLastValue() throws Exception {
        var parsed = parse("v1", "quantity_available,sku,quantity_available,title\n1,A,x,t\n");
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("invalid int: x");
            assertThat(e.rowData()).containsExactlyEntriesOf(rowData("quantity_available", "x", "sku", "A", "title", "t"));
        });
    }

    @Test
    void shortRowsReadAbsentCells() throws Exception {
        InventoryRecord r = parse("v1", "sku,quantity_available,cost\nA,1\n").only();
        assertThat(r.cost()).isNull();
        var err = parse("v1", "sku,quantity_available,cost,title\nA,x\n");
        assertThat(err.errors().get(0).rowData())
                .containsExactlyEntriesOf(rowData("sku", "A", "quantity_available", "x", "cost", null, "title", null));
    }

    @Test
    void longRowsIgnoreSurplusCells() throws Exception {
        assertThat(parse("v1", "sku,quantity_available\nA,1,000\n").only().quantityAvailable()).isEqualTo(1);
        var err = parse("v1", "sku,quantity_available\nA,x,extra\n");
        assertThat(err.errors()).singleElement().satisfies(e -> assertThat(e.rowData())
                .containsExactlyEntriesOf(rowData("sku", "A", "quantity_available", "x", "null", List.of("extra"))));
    }

    @Test
    void quotedLineBreaksAreKept() throws Exception {
        InventoryRecord r = parse("v1", "sku,quantity_available,title\nA,1,\"two\nlines\"\n").only();
        assertThat(r.title()).isEqualTo("two\nlines");
        var crlf = parse("v1", "sku,quantity_available,title\r\nA,1,\"two\r\nlines\rthree\"\r\nB,2,x\r\n");
        assertThat(crlf.records().get(0).title()).isEqualTo("two\r\nlines\rthree");
        assertThat(crlf.records().get(1).rowNumber()).isEqualTo(3); // a multi-line record counts once
    }

    @Test
    void quotesAreSpecialOnlyAtFieldStart() throws Exception {
        assertThat(parse("v1", "sku,quantity_available,title\nA,1,\"ab\"cd\n").only().title()).isEqualTo("abcd");
        assertThat(parse("v1", "sku,quantity_available,title\nA,1,ab\"c\"d\n").only().title()).isEqualTo("ab\"c\"d");
        var split = parse("v1", "sku,quantity_available,title\nA,1, \"a,b\"\n");
        assertThat(split.only().title()).isEqualTo(" \"a");
        var splitError = parse("v1", "sku,quantity_available,title\nA,x, \"a,b\"\n");
        assertThat(splitError.errors().get(0).rowData())
                .containsExactlyEntriesOf(rowData("sku", "A", "quantity_available", "x", "title", " \"a", "null", List.of("b\"")));
    }

    @Test
    void unterminatedQuoteFailsTheRun() {
        EngineFailure f = failure("v1", ',', "utf-8", utf8("sku,quantity_available,title\nA,1,ok\nB,2,\"open\nC,3,x\n"));
        assertThat(f.errorCode()).isEqualTo("CSV_PARSE_ERROR");
        assertThat(f.stage()).isEqualTo("NORMALIZE");
        assertThat(f.getMessage()).isEqualTo("csv parse error for vendor v1: unterminated quoted field starting in row 3");
        assertThat(f.vendorId()).isEqualTo("v1");
    }

    @Test
    void oversizedFieldIsARowErrorAndReadingContinues() throws Exception {
        char[] big = new char[CsvRecordReader.MAX_FIELD_LENGTH + 1];
        Arrays.fill(big, 't');
        String title = new String(big);
        var parsed = parse("v1", "sku,quantity_available,title\nA,1," + title + "\nB,2,ok\n");
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.rowNumber()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("field too long: title exceeds 1048576 characters");
            assertThat(e.rowData()).containsExactlyEntriesOf(rowData("sku", "A", "quantity_available", "1",
                    "title", title.substring(0, 100) + "...[truncated]"));
        });
        assertThat(parsed.records()).singleElement().satisfies(r -> {
            assertThat(r.sku()).isEqualTo("B");
            assertThat(r.rowNumber()).isEqualTo(3);
        });
        // exactly at the limit is still a normal cell
        var atLimit = parse("v1", "sku,quantity_available,title\nA,1," + title.substring(1) + "\n");
        assertThat(atLimit.only().title()).hasSize(CsvRecordReader.MAX_FIELD_LENGTH);
    }

    @Test
    void latin1Feed() throws Exception {
        byte[] feed = "sku,quantity_available,price\nSKUé,1,1.00\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(parseWith(',', "latin-1", feed).only().sku()).isEqualTo("SKUé");
        EngineFailure f = failure("vendor-a", ',', "utf-8", feed);
        assertThat(f.errorCode()).isEqualTo("DECODE_ERROR");
        assertThat(f.stage()).isEqualTo("NORMALIZE");
        assertThat(f.getMessage()).isEqualTo("decode error for vendor vendor-a: invalid UTF-8 byte sequence at byte offset 32");
        assertThat(f.vendorId()).isEqualTo("vendor-a");
    }

    @Test
    void truncatedUtf8AtEnd() {
        EngineFailure f = failure("v1", ',', "utf-8", concat(utf8("sku,quantity_available\nA"), bytes(0xC3)));
        assertThat(f.getMessage()).isEqualTo("decode error for vendor v1: invalid UTF-8 byte sequence at byte offset 24");
    }

    @Test
    void windows1252() throws Exception {
        byte[] ok = concat(utf8("sku,quantity_available\nA"), bytes(0x80), utf8(",1\n"));
        assertThat(parseWith(',', "windows-1252", ok).only().sku()).isEqualTo("A€");
        byte[] bad = concat(utf8("sku,quantity_available\nA"), bytes(0x81), utf8(",1\n"));
        EngineFailure f = failure("v1", ',', "windows-1252", bad);
        assertThat(f.getMessage()).isEqualTo("decode error for vendor v1: invalid windows-1252 byte sequence at byte offset 24");
    }

    @Test
    void utf16() throws Exception {
        String text = "sku,quantity_available\nA,1\n";
        EngineFailure f = failure("v1", ',', "utf-16", text.getBytes(StandardCharsets.UTF_16LE));
        assertThat(f.errorCode()).isEqualTo("DECODE_ERROR");
        assertThat(f.getMessage()).isEqualTo("decode error for vendor v1: missing UTF-16 byte order mark");
        byte[] le = concat(bytes(0xFF, 0xFE), text.getBytes(StandardCharsets.UTF_16LE));
        assertThat(parseWith(',', "utf-16", le).only().sku()).isEqualTo("A");
        byte[] be = concat(bytes(0xFE, 0xFF), "sku,quantity_available\nÄ𝄞,1\n".getBytes(StandardCharsets.UTF_16BE));
        assertThat(parseWith(',', "UTF_16", be).only().sku()).isEqualTo("Ä𝄞");
    }
}
