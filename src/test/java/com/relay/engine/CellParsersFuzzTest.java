package com.relay.engine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.relay.engine.CellParsers.DecimalKind;
import com.relay.tenants.config.Decimals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the docs/CONTRACT.md#row-parsing-and-row-errors cell grammars, each against the JDK as oracle on
 * the ASCII subset where the two grammars coincide. The input is the cell as UTF-8 (malformed
 * bytes become U+FFFD); seeds under {@code CellParsersFuzzTestInputs/<method>/} replay in the
 * normal build, {@code JAZZER_FUZZ=1} fuzzes.
 */
class CellParsersFuzzTest {

    /** The decimal grammar without underscores, Unicode digits and special values. */
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern PLAIN_INTEGER = Pattern.compile("[+-]?[0-9]+");

    @FuzzTest(maxDuration = "3m")
    void decimalsAreExactAndBounded(byte[] input) {
        String cell = new String(input, StandardCharsets.UTF_8);
        if (cell.isEmpty()) return;
        CellParsers parsers = new CellParsers();
        DecimalKind kind = parsers.parseDecimal(cell.toCharArray(), 0, cell.length());
        if (kind == DecimalKind.FINITE) {
            BigDecimal value = parsers.decimalValue;
            assertThat(value.precision()).isLessThanOrEqualTo(Decimals.MAX_DIGITS_AND_SCALE);
            assertThat(Math.abs(value.scale())).isLessThanOrEqualTo(Decimals.MAX_DIGITS_AND_SCALE);
            assertThat(CellFormatter.money(value, parsers.decimalNegative)).isNotEmpty();
        }
        if (PLAIN_DECIMAL.matcher(cell).matches() && cell.length() < 20_000) {
            BigDecimal jdk;
            try {
                jdk = new BigDecimal(cell);
            } catch (NumberFormatException e) { // exponent outside the int range
                assertThat(kind).as(cell).isEqualTo(DecimalKind.OUT_OF_RANGE);
                return;
            }
            boolean inBound = jdk.precision() <= Decimals.MAX_DIGITS_AND_SCALE
                    && Math.abs((long) jdk.scale()) <= Decimals.MAX_DIGITS_AND_SCALE;
            assertThat(kind).as(cell).isEqualTo(inBound ? DecimalKind.FINITE : DecimalKind.OUT_OF_RANGE);
            if (inBound) assertThat(parsers.decimalValue).as(cell).isEqualTo(jdk);
        } else if (isAsciiWithoutUnderscore(cell) && !cell.matches("(?i)[+-]?(inf|infinity|s?nan[0-9]*)")) {
            assertThat(kind).as(cell).isEqualTo(DecimalKind.INVALID);
        }
    }

    @FuzzTest(maxDuration = "90s")
    void integersMatchLongParseLong(byte[] input) {
        String cell = new String(input, StandardCharsets.UTF_8);
        if (cell.isEmpty()) return;
        CellParsers parsers = new CellParsers();
        boolean parsed = parsers.parseLong(cell.toCharArray(), 0, cell.length());
        if (PLAIN_INTEGER.matcher(cell).matches()) {
            Long jdk;
            try {
                jdk = Long.parseLong(cell);
            } catch (NumberFormatException e) {
                jdk = null; // outside the long range
            }
            assertThat(parsed).as(cell).isEqualTo(jdk != null);
            if (jdk != null) assertThat(parsers.longValue).isEqualTo(jdk);
        } else if (isAsciiWithoutUnderscore(cell)) {
            assertThat(parsed).as(cell).isFalse();
        }
    }

    @FuzzTest(maxDuration = "90s")
    void timestampsAreRealDatesThatFormatBack(byte[] input) {
        String cell = new String(input, StandardCharsets.UTF_8);
        if (cell.isEmpty()) return;
        CellParsers parsers = new CellParsers();
        if (!parsers.parseTimestamp(cell.toCharArray(), 0, cell.length())) return;
        LocalDateTime t = LocalDateTime.ofInstant(parsers.instantValue, ZoneOffset.UTC);
        assertThat(t.getYear()).isBetween(1, 9999);
        assertThat(parsers.instantValue.getNano()).isZero();
        String formatted = CellFormatter.timestamp(parsers.instantValue);
        // the formatted value reads back as the same instant (without its Z, as docs/CONTRACT.md#row-parsing-and-row-errors's third layout)
        String back = formatted.substring(0, formatted.length() - 1);
        assertThat(parsers.parseTimestamp(back.toCharArray(), 0, back.length())).as(formatted).isTrue();
        assertThat(CellFormatter.timestamp(parsers.instantValue)).isEqualTo(formatted);
    }

    private static boolean isAsciiWithoutUnderscore(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == '_') return false;
        }
        return true;
    }
}
