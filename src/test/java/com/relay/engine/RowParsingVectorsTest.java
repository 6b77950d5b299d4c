package com.relay.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.relay.engine.FeedFixtures.NOW;
import static com.relay.engine.FeedFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/CONTRACT.md#row-parsing-vectors (row parsing, docs/CONTRACT.md#row-parsing-and-row-errors), every row, plus the grammar edges the vectors imply. */
class RowParsingVectorsTest {

    /** A feed with all canonical columns (empty column_map); cells default to sku A, quantity 1. */
    static FeedFixtures.Parsed row(String... fieldAndCell) throws Exception {
        Map<String, String> cells = new LinkedHashMap<>();
        for (CanonicalField f : CanonicalField.values()) cells.put(f.columnName(), "");
        cells.put("sku", "A");
        cells.put("quantity_available", "1");
        for (int i = 0; i < fieldAndCell.length; i += 2) cells.put(fieldAndCell[i], fieldAndCell[i + 1]);
        String header = String.join(",", cells.keySet());
        String line = cells.values().stream().map(RowParsingVectorsTest::quote).collect(Collectors.joining(","));
        return parse("v1", header + "\n" + line + "\n");
    }

    static String quote(String cell) {
        return "\"" + cell.replace("\"", "\"\"") + "\"";
    }

    static InventoryRecord valid(String... fieldAndCell) throws Exception {
        return row(fieldAndCell).only();
    }

    static String reason(String... fieldAndCell) throws Exception {
        return row(fieldAndCell).onlyReason();
    }

    @Test
    void skuIsTrimmedAndRequired() throws Exception {
        assertThat(valid("sku", "  A-1 ").sku()).isEqualTo("A-1");
        assertThat(reason("sku", " ")).isEqualTo("sku is required");
        assertThat(reason("sku", "")).isEqualTo("sku is required");
        // docs/CONTRACT.md#conventions: no-break spaces are whitespace too
        assertThat(valid("sku", "\u00A0A\u3000").sku()).isEqualTo("A");
    }

    @Test
    void rawTextFieldsKeepTheirSpaces() throws Exception {
        InventoryRecord r = valid("vendor_sku", " VS ", "brand", " Brand ", "title", " Title ");
        assertThat(r.vendorSku()).isEqualTo(" VS ");
        assertThat(r.brand()).isEqualTo(" Brand ");
        assertThat(r.title()).isEqualTo(" Title ");
    }

    @Test
    void vendorIdComesFromTheConfigurationAndRowNumbersFromTheFile() throws Exception {
        InventoryRecord r = valid("vendor_id", "someone-else");
        assertThat(r.vendorId()).isEqualTo("v1");
        assertThat(r.rowNumber()).isEqualTo(2);
        assertThat(r.vendorIndex()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"New|new", "'  USED '|used", "Refurb|refurb"})
    void conditionIsTrimmedAndLowerCased(String cell, String expected) throws Exception {
        assertThat(valid("condition", cell).condition()).isEqualTo(expected);
    }

    @Test
    void conditionEmptyIsNullAndOthersFail() throws Exception {
        assertThat(valid("condition", "").condition()).isNull();
        assertThat(reason("condition", "   ")).isEqualTo("condition must be new, used, or refurb");
        assertThat(reason("condition", "refurbished")).isEqualTo("condition must be new, used, or refurb");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''|0", "' 7 '|7", "+5|5", "1_0|10", "０５|5", "0005|5", "١٢|12", "-0|0",
            "9223372036854775807|9223372036854775807", "\uD835\uDFCF\uD835\uDFD0|12"})
    void quantityConversions(String cell, long expected) throws Exception {
        assertThat(valid("quantity_available", cell).quantityAvailable()).isEqualTo(expected);
    }

    @Test
    void negativeQuantityFailsValidation() throws Exception {
        assertThat(reason("quantity_available", "-1")).isEqualTo("quantity_available must be >= 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"5.0", "1e2", "0x10", "1 2", "_1", "1__0", "1_", "+", "-", "+-1", "x",
            "9223372036854775808", "-9223372036854775809", "1_000_000_000_000_000_000_000"})
    void invalidIntegers(String cell) throws Exception {
        assertThat(reason("quantity_available", cell)).isEqualTo("invalid int: " + cell);
    }

    @Test
    void invalidIntReasonShowsTheUntrimmedCell() throws Exception {
        assertThat(reason("quantity_available", " 5.0 ")).isEqualTo("invalid int:  5.0 ");
    }

    @Test
    void priceBlankOrZeroIsZeroWithoutSign() throws Exception {
        for (String cell : new String[] {"", "0.000", "-0", "-0e3"}) {
            InventoryRecord r = valid("price", cell);
            assertThat(r.price()).as(cell).isSameAs(BigDecimal.ZERO);
            assertThat(r.negativeZeroMask()).as(cell).isZero();
        }
        assertThat(valid("price", "12.50").price()).isEqualTo(new BigDecimal("12.50")); // equals() checks the scale
    }

    @Test
    void costKeepsWrittenScaleAndNegativeZero() throws Exception {
        assertThat(valid("cost", "1_000").cost()).isEqualTo(new BigDecimal("1000"));
        assertThat(valid("cost", "1e3").cost()).isEqualTo(new BigDecimal("1E+3"));
        assertThat(valid("cost", "1e3").cost().toString()).isEqualTo("1E+3");
        assertThat(valid("cost", ".5").cost()).isEqualTo(new BigDecimal("0.5"));
        assertThat(valid("cost", "5.").cost()).isEqualTo(new BigDecimal("5"));
        assertThat(valid("cost", "+.5e1").cost()).isEqualTo(new BigDecimal("5"));
        assertThat(valid("cost", "1_000.5").cost()).isEqualTo(new BigDecimal("1000.5"));
        assertThat(valid("cost", "١.٥").cost()).isEqualTo(new BigDecimal("1.5"));
        assertThat(valid("cost", "1e400").cost()).isEqualTo(new BigDecimal("1E+400"));
        assertThat(valid("cost", "-2.50").cost()).isEqualTo(new BigDecimal("-2.50"));
        InventoryRecord negZero = valid("cost", "-0");
        assertThat(negZero.cost()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(negZero.isNegativeZero(CanonicalField.COST)).isTrue();
        assertThat(valid("cost", "0").negativeZeroMask()).isZero();
        assertThat(valid("cost", "").cost()).isNull();
    }

    @Test
    void negativeZeroMaskPerMoneyField() throws Exception {
        InventoryRecord r = valid("cost", "-0.00", "map_price", "-0", "msrp", "-0e5", "price", "-0");
        assertThat(r.negativeZeroMask())
                .isEqualTo(InventoryRecord.NEG_ZERO_COST | InventoryRecord.NEG_ZERO_MAP_PRICE | InventoryRecord.NEG_ZERO_MSRP);
        assertThat(valid("map_price", "-0").negativeZeroMask()).isEqualTo(InventoryRecord.NEG_ZERO_MAP_PRICE);
        assertThat(valid("msrp", "-0.004").negativeZeroMask()).isZero(); // negative, not zero: the writer's case
    }

    static Stream<Arguments> nonFinite() {
        return Stream.of(
                Arguments.of("cost", "NaN", "cost must be a finite number"),
                Arguments.of("msrp", "-Infinity", "msrp must be a finite number"),
                Arguments.of("map_price", "inf", "map_price must be a finite number"),
                Arguments.of("price", "+INFINITY", "price must be a finite number"),
                Arguments.of("cost", "sNaN", "cost must be a finite number"),
                Arguments.of("cost", "nan123", "cost must be a finite number"),
                Arguments.of("cost", "-SNAN4_5", "cost must be a finite number"));
    }

    @ParameterizedTest
    @MethodSource("nonFinite")
    void specialValuesParseThenFailTheFiniteCheck(String field, String cell, String expected) throws Exception {
        assertThat(reason(field, cell)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"$5", "'1,5'", "abc", ".", "e5", "1e", "1e+", "1_.5", "1._5", "_1", "1__0",
            "--1", "infinit", "nanx", "Infinity1", "1.2.3", "5 0"})
    void invalidDecimals(String cell) throws Exception {
        assertThat(reason("cost", cell)).isEqualTo("invalid decimal: " + cell);
    }

    @Test
    void leadTime() throws Exception {
        assertThat(valid("lead_time_days", "-3").leadTimeDays()).isEqualTo(-3L);
        assertThat(valid("lead_time_days", "").leadTimeDays()).isNull();
        assertThat(reason("lead_time_days", "x")).isEqualTo("invalid int: x");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2020-01-02 03:04:05|2020-01-02T03:04:05Z",
            "2020-01-02|2020-01-02T00:00:00Z",
            "2020-01-02T03:04:05|2020-01-02T03:04:05Z",
            "2020-01-02t03:04:05|2020-01-02T03:04:05Z",
            "2020-1-2 3:4:5|2020-01-02T03:04:05Z",
            "2020-01-02   03:04:05|2020-01-02T03:04:05Z",
            "'2020-01- 2'|2020-01-02T00:00:00Z",
            "'2020-01- 2 03:04:05'|2020-01-02T03:04:05Z",
            "2020-01-02\t\u00A003:04:05|2020-01-02T03:04:05Z",
            "２０２０-０１-０２|2020-01-02T00:00:00Z",
            "2024-02-29 23:59:59|2024-02-29T23:59:59Z",
            "0001-01-01|0001-01-01T00:00:00Z",
            "' 2020-01-02 '|2020-01-02T00:00:00Z"})
    void timestamps(String cell, String expected) throws Exception {
        assertThat(valid("updated_at", cell).updatedAt()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void emptyUpdatedAtIsTheRunsNow() throws Exception {
        assertThat(valid("updated_at", "").updatedAt()).isEqualTo(NOW);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"2020-01-02T03:04:05Z", "2020-01-02T03:04:05.123", "01/02/2020", "2020-02-30",
            "2020-01-02 24:00:00", "2020-01-02 03:04:60", "20200102", "2021-02-29", "2020-13-01", "2020-00-01",
            "2020-01-00", "2020-01-32", "0000-01-01", "20-01-02", "2020-001-02", "'2020-01-  2'", "'2020-01- 12'",
            "2020-01-02T 03:04:05", "2020-01-02 03:04", "2020-01-02 03:04:05:06", "2020-01-02x03:04:05",
            "2020-01-02 003:04:05"})
    void invalidTimestamps(String cell) throws Exception {
        assertThat(reason("updated_at", cell)).isEqualTo("invalid datetime: " + cell);
    }

    @Test
    void firstConversionFailureWins() throws Exception {
        assertThat(reason("quantity_available", "x", "cost", "$5")).isEqualTo("invalid int: x");
        assertThat(reason("cost", "$5", "lead_time_days", "x")).isEqualTo("invalid decimal: $5");
        assertThat(reason("updated_at", "2020-02-30", "sku", " ")).isEqualTo("invalid datetime: 2020-02-30");
        // the full docs/CONTRACT.md#row-parsing-and-row-errors order: quantity, cost, map_price, msrp, lead_time_days, price, updated_at
        String[] all = {"quantity_available", "q", "cost", "c", "map_price", "m", "msrp", "s",
                "lead_time_days", "l", "price", "p", "updated_at", "u"};
        String[] expected = {"invalid int: q", "invalid decimal: c", "invalid decimal: m", "invalid decimal: s",
                "invalid int: l", "invalid decimal: p", "invalid datetime: u"};
        for (int k = 0; k < expected.length; k++) {
            assertThat(reason(Arrays.copyOfRange(all, 2 * k, all.length))).isEqualTo(expected[k]);
        }
    }

    @Test
    void validationProblemsAreJoinedInCanonicalOrder() throws Exception {
        String header = "sku,quantity_available,condition,cost";
        assertThat(parse("v1", header + "\n ,-3,bogus,1\n").onlyReason())
                .isEqualTo("sku is required; quantity_available must be >= 0; condition must be new, used, or refurb");
        assertThat(parse("v1", header + "\n ,1,bogus,NaN\n").onlyReason())
                .isEqualTo("sku is required; cost must be a finite number; condition must be new, used, or refurb");
        assertThat(reason("sku", "", "quantity_available", "-1", "cost", "nan", "map_price", "inf", "price", "-inf",
                "msrp", "snan", "condition", "x")).isEqualTo("sku is required; quantity_available must be >= 0; "
                + "cost must be a finite number; map_price must be a finite number; price must be a finite number; "
                + "msrp must be a finite number; condition must be new, used, or refurb");
    }

    @Test
    void earlierUnitVectors() throws Exception {
        var vendor = FeedFixtures.vendor("v1", ',', "utf-8",
                Map.of("sku", "SKU", "quantity_available", "QTY", "cost", "COST"));
        InventoryRecord r = FeedFixtures.parse(vendor, FeedFixtures.utf8("SKU,QTY,COST\nSKU1,5,10.5\n"), null, true).only();
        assertThat(r.sku()).isEqualTo("SKU1");
        assertThat(r.quantityAvailable()).isEqualTo(5);
        assertThat(r.cost()).isEqualTo(new BigDecimal("10.5"));

        var bad = FeedFixtures.parse(vendor, FeedFixtures.utf8("SKU,QTY,COST\nSKU1,not-a-number,10.5\n"), null, true);
        assertThat(bad.records()).isEmpty();
        assertThat(bad.errors()).singleElement().satisfies(e -> {
            assertThat(e.rowNumber()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("invalid int: not-a-number");
            assertThat(e.vendorId()).isEqualTo("v1");
            assertThat(e.rowData()).containsExactlyEntriesOf(
                    FeedFixtures.rowData("SKU", "SKU1", "QTY", "not-a-number", "COST", "10.5"));
        });

        EngineFailure f = org.junit.jupiter.api.Assertions.assertThrows(EngineFailure.class,
                () -> FeedFixtures.parse(vendor, FeedFixtures.utf8("SKU,COST\nSKU1,10.5\n"), null, true));
        assertThat(f.errorCode()).isEqualTo("missing_required_columns");
        assertThat(f.stage()).isEqualTo("NORMALIZE");
        assertThat(f.getMessage()).isEqualTo("missing columns: QTY");
        assertThat(f.vendorId()).isEqualTo("v1");
    }

    @Test
    void workedExampleRowError() throws Exception {
        // docs/CONTRACT.md#end-to-end-worked-example vendor v1: the row_data of the dropped row and the record numbering.
        var vendor = FeedFixtures.vendor("v1", ',', "utf-8", Map.of("sku", "SKU", "quantity_available", "QTY",
                "cost", "COST", "map_price", "MAP", "title", "TITLE"));
        String feed = "SKU,QTY,COST,MAP,TITLE\nVEND-1,5,10.00,25.00,\"ACME, \"\"Premium\"\"\"\nVEND-2,x,1,1,t\n"
                + "SKU-002,0,1.00,,zero stock\n";
        var parsed = FeedFixtures.parse(vendor, FeedFixtures.utf8(feed),
                SkuMapping.of(Map.of("VEND-1", "SKU-001")), true);
        assertThat(parsed.records()).extracting(InventoryRecord::sku).containsExactly("SKU-001", "SKU-002");
        assertThat(parsed.records().get(0).title()).isEqualTo("ACME, \"Premium\"");
        assertThat(parsed.records().get(0).vendorSku()).isNull();
        assertThat(parsed.records().get(0).cost()).isEqualTo(new BigDecimal("10.00"));
        assertThat(parsed.records().get(1).rowNumber()).isEqualTo(4);
        assertThat(parsed.errors()).singleElement().satisfies(e -> {
            assertThat(e.rowNumber()).isEqualTo(3);
            assertThat(e.reason()).isEqualTo("invalid int: x");
            assertThat(e.rowData()).containsExactlyEntriesOf(
                    FeedFixtures.rowData("SKU", "VEND-2", "QTY", "x", "COST", "1", "MAP", "1", "TITLE", "t"));
        });
    }
}
