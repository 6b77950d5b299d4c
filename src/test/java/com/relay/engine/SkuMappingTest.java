package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static com.relay.engine.FeedFixtures.parser;
import static com.relay.engine.FeedFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** docs/CONTRACT.md#sku-map-vectors (SKU map, docs/CONTRACT.md#sku-map), every row, plus dialect and failure cases. */
class SkuMappingTest {

    static SkuMapping load(String text) throws Exception {
        return SkuMapping.load(new ByteArrayInputStream(utf8(text)), parser(',', "utf-8"), "v1");
    }

    @Test
    void mapsAndLeavesVendorSkuUntouched() throws Exception {
        SkuMapping map = load("vendor_sku,sku\nVEND-1,SKU-001\n");
        assertThat(map.lookup("VEND-1")).contains("SKU-001");
        var parsed = FeedFixtures.parse(FeedFixtures.vendor("v1"),
                utf8("sku,vendor_sku,quantity_available\nVEND-1,orig,1\nVEND-9,x,1\nvend-1,y,1\n"), map, true);
        assertThat(parsed.records()).extracting(InventoryRecord::sku).containsExactly("SKU-001", "VEND-9", "vend-1");
        assertThat(parsed.records().get(0).vendorSku()).isEqualTo("orig");
    }

    @Test
    void trimsSkipsBlanksAndLaterRowsWin() throws Exception {
        SkuMapping map = load("vendor_sku,sku\n VEND-2 , SKU-002 \nVEND-3,\nVEND-4,X\nVEND-4,Y\n,Z\nVEND-5\n");
        assertThat(map.lookup("VEND-2")).contains("SKU-002");
        assertThat(map.lookup("VEND-3")).isEmpty();
        assertThat(map.lookup("VEND-4")).contains("Y");
        assertThat(map.lookup("")).isEmpty();
        assertThat(map.lookup("VEND-5")).isEmpty();
        assertThat(map.size()).isEqualTo(2);
        assertThat(map.map("VEND-3")).isEqualTo("VEND-3");
    }

    @Test
    void mapWithoutBothColumnsIsEmpty() throws Exception {
        assertThat(load("code,target\nA,B\n").size()).isZero();
        assertThat(load("vendor_sku\nA\n").size()).isZero();
        assertThat(load("").size()).isZero();
    }

    @Test
    void otherColumnsAreIgnoredAndMultiLineCellsWork() throws Exception {
        SkuMapping map = load("note,sku,vendor_sku\n\"multi\nline\",S1,V1\r\nx,\"S\n2\",V2\rvendor,S3,V3");
        assertThat(map.lookup("V1")).contains("S1");
        assertThat(map.lookup("V2")).contains("S\n2");
        assertThat(map.lookup("V3")).contains("S3");
    }

    @Test
    void latin1MapWithVendorEncoding() throws Exception {
        byte[] bytes = "vendor_sku,sku\nVENDé,SKU-9\n".getBytes(StandardCharsets.ISO_8859_1);
        SkuMapping map = SkuMapping.load(new ByteArrayInputStream(bytes), parser(',', "latin-1"), "v1");
        assertThat(map.lookup("VENDé")).contains("SKU-9");
    }

    @Test
    void vendorDelimiterApplies() throws Exception {
        SkuMapping map = SkuMapping.load(new ByteArrayInputStream(utf8("vendor_sku;sku\nA,1;B\n")), parser(';', "utf-8"), "v1");
        assertThat(map.lookup("A,1")).contains("B");
    }

    @Test
    void oversizedRowsAreSkipped() throws Exception {
        String big = "x".repeat(CsvRecordReader.MAX_FIELD_LENGTH + 1);
        SkuMapping map = load("vendor_sku,sku,note\nA,B," + big + "\n" + big + ",C\nD,E\n");
        assertThat(map.lookup("A")).isEmpty();
        assertThat(map.lookup("D")).contains("E");
        assertThat(map.size()).isEqualTo(1);
    }

    @Test
    void failuresNameTheSkuMap() {
        EngineFailure decode = assertThrows(EngineFailure.class, () -> SkuMapping.load(
                new ByteArrayInputStream("vendor_sku,sku\nVENDé,S\n".getBytes(StandardCharsets.ISO_8859_1)),
                parser(',', "utf-8"), "v1"));
        assertThat(decode.errorCode()).isEqualTo("DECODE_ERROR");
        assertThat(decode.getMessage()).isEqualTo("decode error for vendor v1 (sku map): invalid UTF-8 byte sequence at byte offset 19");
        EngineFailure undecodableTail = assertThrows(EngineFailure.class, () -> SkuMapping.load(
                new ByteArrayInputStream("code,target\nA,é\n".getBytes(StandardCharsets.ISO_8859_1)),
                parser(',', "utf-8"), "v1"));
        assertThat(undecodableTail.getMessage()).endsWith("byte offset 14");
        EngineFailure quote = assertThrows(EngineFailure.class, () -> load("vendor_sku,sku\nA,B\n\"C,D\n"));
        assertThat(quote.errorCode()).isEqualTo("CSV_PARSE_ERROR");
        assertThat(quote.getMessage()).isEqualTo("csv parse error for vendor v1 (sku map): unterminated quoted field starting in row 3");
    }

    @Test
    void ofAndEmpty() {
        assertThat(SkuMapping.of(Map.of("a", "b")).map("a")).isEqualTo("b");
        assertThat(SkuMapping.empty().lookup("a")).isEqualTo(Optional.empty());
    }

    static String bigMap(int rows) {
        StringBuilder sb = new StringBuilder("vendor_sku,sku\n");
        for (int i = 0; i < rows; i++) sb.append("VENDOR-SKU-").append(i).append(",SKU-").append(i).append('\n');
        return sb.toString();
    }

    @Test
    void packedMapCountsItsMemoryHonestlyAndFindsEveryEntry() throws Exception {
        // issue 17 #1: a HashMap<String, String> took ~19 bytes of heap per byte of map file
        String text = bigMap(200_000);
        SkuMapping map = load(text);
        assertThat(map.size()).isEqualTo(200_000);
        for (int i = 0; i < 200_000; i += 997) assertThat(map.map("VENDOR-SKU-" + i)).isEqualTo("SKU-" + i);
        assertThat(map.lookup("VENDOR-SKU-200000")).isEmpty();
        // chars once (one byte each here), 12 bytes of metadata and ≤ 8 of table per entry, ≤ 25 % growth slack
        long chars = text.length() - "vendor_sku,sku\n".length() - 2L * 200_000;
        assertThat(map.heldBytes()).isLessThan((long) ((chars + 20L * 200_000) * 1.3));
    }

    @Test
    void laterRowsWinAlsoWithLongerValuesAndWideCharacters() throws Exception {
        SkuMapping map = load("vendor_sku,sku\nA,1\nB,β\nA,longer-value\nΩ,x\nA,2\nB,b\n");
        assertThat(map.lookup("A")).contains("2");
        assertThat(map.lookup("B")).contains("b");
        assertThat(map.lookup("Ω")).contains("x");
        assertThat(map.size()).isEqualTo(3);
    }

    @Test
    void mapOverItsLimitFailsWithSkuMapTooLargeAndStopsReading() throws Exception {
        EngineFailure f = assertThrows(EngineFailure.class, () -> SkuMapping.load(
                new ByteArrayInputStream(utf8(bigMap(100_000))), parser(',', "utf-8"), "v1", 256 * 1024,
                "an eighth of ENGINE_MEMORY_BUDGET_MB=2"));
        assertThat(f.errorCode()).isEqualTo(SkuMapping.TOO_LARGE);
        assertThat(f.stage()).isEqualTo("NORMALIZE");
        assertThat(f.vendorId()).isEqualTo("v1");
        assertThat(f.getMessage()).matches("sku map for vendor v1 is too large: after \\d+ entries it needs more than its "
                + "limit of 262144 bytes of memory \\(an eighth of ENGINE_MEMORY_BUDGET_MB=2\\); raise "
                + "ENGINE_MEMORY_BUDGET_MB or split the vendor's map");
        // the same map under a limit it fits in: held bytes never pass the limit
        SkuMapping fits = SkuMapping.load(new ByteArrayInputStream(utf8(bigMap(5_000))), parser(',', "utf-8"), "v1",
                256 * 1024, "test");
        assertThat(fits.size()).isEqualTo(5_000);
        assertThat(fits.heldBytes()).isLessThanOrEqualTo(256 * 1024);
    }
}
