package com.relay.engine;

import com.relay.engine.CellParsers.DecimalKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * docs/CONTRACT.md#row-parsing-and-row-errors decimal grammar on hostile numerals (issue 17): every cell is FINITE with the JDK's exact
 * value and scale, NON_FINITE, INVALID or OUT_OF_RANGE (beyond the configuration's bound of 1000
 * significant digits and a scale within ±1000), decided without an exception and, since the bound
 * is checked on digit counts, without building huge numbers.
 */
class CellParsersTest {

    private final CellParsers parsers = new CellParsers();

    private DecimalKind parse(String cell) {
        char[] a = cell.toCharArray();
        return parsers.parseDecimal(a, 0, a.length);
    }

    static Stream<Arguments> hostileNumerals() {
        String thousandNines = "9".repeat(1000);
        return Stream.of(
                // exponents at and beyond the int range, and beyond the bound
                arguments("1e2147483647", DecimalKind.OUT_OF_RANGE, null),
                arguments("1e-2147483648", DecimalKind.OUT_OF_RANGE, null),
                arguments("1e2147483648", DecimalKind.OUT_OF_RANGE, null),
                arguments("1e99999999999999999999999999", DecimalKind.OUT_OF_RANGE, null),
                arguments("1e10000000", DecimalKind.OUT_OF_RANGE, null),
                arguments("-1e-10000000", DecimalKind.OUT_OF_RANGE, null),
                arguments("1e1001", DecimalKind.OUT_OF_RANGE, null),
                arguments("1e-1001", DecimalKind.OUT_OF_RANGE, null),
                arguments("0e1001", DecimalKind.OUT_OF_RANGE, null),
                // exactly at the bound
                arguments("1e1000", DecimalKind.FINITE, "1E+1000"),
                arguments("1e-1000", DecimalKind.FINITE, "1E-1000"),
                arguments("-0e-1000", DecimalKind.FINITE, "0E-1000"),
                arguments(thousandNines, DecimalKind.FINITE, thousandNines),
                arguments("." + thousandNines, DecimalKind.FINITE, "." + thousandNines),
                arguments(thousandNines + "9", DecimalKind.OUT_OF_RANGE, null),
                arguments("1" + "0".repeat(1000), DecimalKind.OUT_OF_RANGE, null), // trailing zeros are precision
                arguments("0." + "0".repeat(1000), DecimalKind.FINITE, "0." + "0".repeat(1000)), // scale 1000
                arguments("0." + "0".repeat(1001), DecimalKind.OUT_OF_RANGE, null), // scale 1001
                // leading zeros are free, even a million of them
                arguments("0".repeat(1_000_000) + "1.5", DecimalKind.FINITE, "1.5"),
                arguments("0." + "0".repeat(999_999) + "1e999999", DecimalKind.FINITE, "0.1"),
                arguments("1e-0000000000000000000000000003", DecimalKind.FINITE, "0.001"),
                arguments("1_000.5e+1_0", DecimalKind.FINITE, "1.0005E+13"),
                // signs and shapes
                arguments("+.5e1", DecimalKind.FINITE, "5"),
                arguments("-5.", DecimalKind.FINITE, "-5"),
                arguments("-0.00", DecimalKind.FINITE, "0.00"),
                arguments("+-1", DecimalKind.INVALID, null),
                arguments("1e+-1", DecimalKind.INVALID, null),
                arguments("1e", DecimalKind.INVALID, null),
                arguments("1e_1", DecimalKind.INVALID, null),
                arguments("1.2.3", DecimalKind.INVALID, null),
                arguments("0x10", DecimalKind.INVALID, null),
                arguments("1d", DecimalKind.INVALID, null),
                arguments("1f", DecimalKind.INVALID, null),
                arguments("1,5", DecimalKind.INVALID, null),
                arguments("١٢٫٥", DecimalKind.INVALID, null), // the Arabic decimal separator is not a point
                arguments("−1", DecimalKind.INVALID, null), // U+2212 MINUS SIGN is not a sign
                arguments("1\u00002", DecimalKind.INVALID, null),
                // special values
                arguments("NaN", DecimalKind.NON_FINITE, null),
                arguments("-nan123", DecimalKind.NON_FINITE, null),
                arguments("sNaN", DecimalKind.NON_FINITE, null),
                arguments("+Infinity", DecimalKind.NON_FINITE, null),
                arguments("-INF", DecimalKind.NON_FINITE, null),
                arguments("NaN1e5", DecimalKind.INVALID, null),
                arguments("Infinity1", DecimalKind.INVALID, null),
                arguments("∞", DecimalKind.INVALID, null),
                // Unicode decimal digits, supplementary planes included; exponent digits too
                arguments("١٢.٥", DecimalKind.FINITE, "12.5"),
                arguments("\uD835\uDFCF\uD835\uDFD0e\uD835\uDFD1", DecimalKind.FINITE, "1.2E+4"), // MATHEMATICAL BOLD 1, 2, 3
                arguments("1e١٠٠١", DecimalKind.OUT_OF_RANGE, null),
                arguments("\uD835", DecimalKind.INVALID, null), // a lone surrogate
                arguments("1\uDFCF", DecimalKind.INVALID, null));
    }

    @ParameterizedTest
    @MethodSource("hostileNumerals")
    void hostileNumeralsEndInAValueOrAKindNeverAnException(String cell, DecimalKind kind, String value) {
        assertThat(parse(cell)).isEqualTo(kind);
        assertThat(parsers.decimalKind).isEqualTo(kind);
        if (kind == DecimalKind.FINITE) {
            assertThat(parsers.decimalValue).isEqualTo(new BigDecimal(value)); // equals() compares scale too
            // every finite value formats: the formatter's rounding is bounded by the same rule
            assertThat(CellFormatter.money(parsers.decimalValue, parsers.decimalNegative)).isNotEmpty();
        }
    }

    @Test
    void valuesWithinTheBoundMatchTheJdkValueAndScale() {
        Random random = new Random(7);
        String[] shapes = {"%s", "-%s", "+%s.%s", "%s.%se-12", "-.%sE+7", "%s.e3", "000%s.%s"};
        for (String shape : shapes) {
            for (int digits : new int[] {1, 17, 18, 19, 400, 700}) {
                String cell = String.format(shape, randomDigits(random, digits), randomDigits(random, digits / 3 + 1));
                assertThat(parse(cell)).as(cell).isEqualTo(DecimalKind.FINITE);
                assertThat(parsers.decimalValue).as(cell).isEqualTo(new BigDecimal(cell));
            }
        }
    }

    @Test
    void longZerosKeepTheirSignAndScale() {
        assertThat(parse("-" + "0".repeat(6000) + ".00")).isEqualTo(DecimalKind.FINITE);
        assertThat(parsers.decimalValue).isEqualTo(new BigDecimal("0.00"));
        assertThat(parsers.decimalNegative).isTrue();
    }

    @Test
    void aMillionDigitCostIsOutOfRangeNotSecondsOfWork() throws Exception {
        String digits = randomDigits(new Random(3), CsvRecordReader.MAX_FIELD_LENGTH - 3) + ".5";
        assertThat(parse(digits)).isEqualTo(DecimalKind.OUT_OF_RANGE);
        assertThat(RowParsingVectorsTest.reason("cost", digits))
                .isEqualTo("decimal out of range: " + RowError.clip(digits) + CellParsers.OUT_OF_RANGE_LIMIT); // cells in reasons are clipped
    }

    @Test
    void outOfRangeIsItsOwnRowErrorReason() throws Exception {
        assertThat(RowParsingVectorsTest.reason("price", "1e2147483647"))
                .isEqualTo("decimal out of range: 1e2147483647 (at most 1000 significant digits and a scale between -1000 and 1000)");
        assertThat(RowParsingVectorsTest.reason("msrp", " 1e-1001 "))
                .isEqualTo("decimal out of range:  1e-1001  (at most 1000 significant digits and a scale between -1000 and 1000)");
        // a syntax error stays an invalid decimal
        assertThat(RowParsingVectorsTest.reason("cost", "1e2147483647x")).isEqualTo("invalid decimal: 1e2147483647x");
    }

    private static String randomDigits(Random random, int n) {
        char[] c = new char[Math.max(n, 1)];
        for (int i = 0; i < c.length; i++) c[i] = (char) ('0' + random.nextInt(10));
        c[0] = (char) ('1' + random.nextInt(9));
        return new String(c);
    }
}
