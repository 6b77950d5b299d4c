package com.relay.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;

import static com.relay.engine.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/CONTRACT.md#output-formatting-vectors cell vectors (money, timestamps, quoting, formula escaping). */
class CellFormatterTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            5      | 5.00
            9.9    | 9.90
            1E+2   | 100.00
            12.345 | 12.35
            12.355 | 12.36
            12.005 | 12.01
            12.015 | 12.02
            0.015  | 0.02
            -1.005 | -1.01
            -0.004 | -0.00
            0.004  | 0.00
            1E+30  | 1000000000000000000000000000000.00
            -5     | -5.00
            0.00   | 0.00
            13.330 | 13.33
            """)
    void moneyIsHalfUpToTwoPlacesInPlainNotation(String value, String expected) {
        assertThat(CellFormatter.money(new BigDecimal(value), false)).isEqualTo(expected);
    }

    @Test
    void inputNegativeZeroPrintsMinusZero() {
        // the parser keeps the sign of "-0" in the mask; BigDecimal itself holds plain 0
        InventoryRecord r = record().cost("0").mapPrice("0.00").msrp("0")
                .mask(InventoryRecord.NEG_ZERO_COST | InventoryRecord.NEG_ZERO_MAP_PRICE | InventoryRecord.NEG_ZERO_MSRP)
                .price("0").build();
        assertThat(CellFormatter.money(r, CanonicalField.COST)).isEqualTo("-0.00");
        assertThat(CellFormatter.money(r, CanonicalField.MAP_PRICE)).isEqualTo("-0.00");
        assertThat(CellFormatter.money(r, CanonicalField.MSRP)).isEqualTo("-0.00");
        assertThat(CellFormatter.money(r, CanonicalField.PRICE)).isEqualTo("0.00");
        assertThat(CellFormatter.money(null, true)).isEmpty();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "2020-01-01T12:00:00Z, 2020-01-01T12:00:00Z",
            "2020-01-01T01:02:03.0045Z, 2020-01-01T01:02:03.004500Z",
            "2024-05-06T07:08:09.123Z, 2024-05-06T07:08:09.123000Z",
            "2024-05-06T08:46:06.046Z, 2024-05-06T08:46:06.046000Z",
            "2020-01-02T00:00:00Z, 2020-01-02T00:00:00Z",
            "0999-12-31T23:59:59.000001Z, 0999-12-31T23:59:59.000001Z"})
    void timestamps(String instant, String expected) {
        assertThat(CellFormatter.timestamp(Instant.parse(instant))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}] → [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            a,b        | "a,b"
            say "hi"   | "say ""hi\"""
            ` padded ` | ` padded `
            a;b        | a;b
            #x         | #x
            it's       | it's
            """)
    void quoting(String cell, String expected) {
        assertThat(CellFormatter.quote(cell)).isEqualTo(expected);
    }

    @Test
    void lineBreaksAreQuoted() {
        assertThat(CellFormatter.quote("l1\nl2")).isEqualTo("\"l1\nl2\"");
        assertThat(CellFormatter.quote("x\ry")).isEqualTo("\"x\ry\"");
        assertThat(CellFormatter.quote("tab\there")).isEqualTo("tab\there");
    }

    @ParameterizedTest(name = "[{0}] → [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            =SUM(A1) | '=SUM(A1)
            +1       | '+1
            -5 off   | '-5 off
            @x       | '@x
            a=b      | a=b
            """)
    void formulaEscaping(String cell, String expected) {
        assertThat(CellFormatter.escapeFormula(cell)).isEqualTo(expected);
    }

    /** Issue 17: every value a cell can hold (the ±1000 scale and 1000-digit bound) formats. */
    @Test
    void moneyAtTheDecimalBoundFormats() {
        assertThat(CellFormatter.money(new BigDecimal("1E+1000"), false)).isEqualTo("1" + "0".repeat(1000) + ".00");
        assertThat(CellFormatter.money(new BigDecimal("1E-1000"), false)).isEqualTo("0.00");
        assertThat(CellFormatter.money(new BigDecimal("-1E-1000"), false)).isEqualTo("-0.00");
        assertThat(CellFormatter.money(new BigDecimal("9".repeat(1000) + "E+1000"), false))
                .isEqualTo("9".repeat(1000) + "0".repeat(1000) + ".00");
        assertThat(CellFormatter.money(new BigDecimal("0." + "4".repeat(999) + "5"), false)).isEqualTo("0.44");
    }
}
