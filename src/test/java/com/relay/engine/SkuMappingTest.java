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

/** RI §9.5 (SKU map, §3.6), every row, plus dialect and failure cases. */
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
}
