package com.relay.engine;

import com.relay.tenants.config.Decimals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.util.Arrays;

/**
 * The three cell grammars of docs/CONTRACT.md#row-parsing-and-row-errors step 3, applied to an already trimmed, non-empty char range.
 * One instance per parse (it keeps the last result in fields and reuses a scratch buffer, so the
 * hot path allocates nothing but the resulting values). Digits may be any Unicode decimal digit
 * (general category Nd, supplementary planes included).
 */
final class CellParsers {

    /** OUT_OF_RANGE: a well-formed finite number beyond {@link Decimals#MAX_DIGITS_AND_SCALE}. */
    enum DecimalKind { FINITE, NON_FINITE, INVALID, OUT_OF_RANGE }

    /** Result of {@link #parseLong}. */
    long longValue;
    /** Result of {@link #parseDecimal} when FINITE. */
    BigDecimal decimalValue;
    /** The decimal was written with a minus sign (so a zero value is a negative zero, docs/CONTRACT.md#output-csv-format). */
    boolean decimalNegative;
    /** The kind returned by the last {@link #parseDecimal}. */
    DecimalKind decimalKind;
    /** Result of {@link #parseTimestamp}. */
    Instant instantValue;

    private char[] scratch = new char[64];
    private int scratchLen;
    // Mantissa and exponent counters of the decimal being parsed.
    private long digitsRead;
    private long significantDigits;
    private long exponentValue;
    /** Set by {@link #digitAt}: chars used by the digit (2 for a supplementary code point). */
    private int digitWidth;

    /**
     * Integer: optional sign, digits with single underscores between digits. A value outside the
     * {@code long} range is rejected (documented deviation: the earlier implementation had unbounded
     * integers, but no real quantity or lead time comes near 9.2e18).
     */
    boolean parseLong(char[] a, int from, int to) {
        int i = from;
        boolean negative = false;
        if (a[i] == '+' || a[i] == '-') {
            negative = a[i] == '-';
            i++;
        }
        // Accumulate negatively so Long.MIN_VALUE is reachable (as Long.parseLong does).
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multMin = limit / 10;
        long acc = 0;
        boolean lastWasDigit = false;
        boolean any = false;
        while (i < to) {
            char c = a[i];
            if (c == '_') {
                if (!lastWasDigit) return false;
                lastWasDigit = false;
                i++;
                continue;
            }
            int d = digitAt(a, i, to);
            if (d < 0) return false;
            i += digitWidth;
            if (acc < multMin) return false;
            acc *= 10;
            if (acc < limit + d) return false;
            acc -= d;
            lastWasDigit = true;
            any = true;
        }
        if (!any || !lastWasDigit) return false;
        longValue = negative ? acc : -acc;
        return true;
    }

    /**
     * Decimal (docs/CONTRACT.md#row-parsing-and-row-errors): {@code [sign] (digits [. [digits]] | . digits) [e [sign] digits]} with
     * underscores and Unicode digits as for integers, or {@code [sign]} {@code Inf}, {@code Infinity},
     * {@code NaN[digits]}, {@code sNaN[digits]} in any ASCII letter case. The value keeps its written
     * scale.
     *
     * <p>A finite value beyond the configuration's decimal bound ({@link Decimals#MAX_DIGITS_AND_SCALE}:
     * more significant digits, or a scale outside ±1000) is OUT_OF_RANGE, decided from digit counts
     * before any {@link BigDecimal} exists: {@code 1e2147483647} or {@code 1e10000000} would
     * otherwise cost seconds or fail later in rounding (issue 17). Leading zeros are not significant,
     * so a long run of them costs only the time to read it.
     */
    DecimalKind parseDecimal(char[] a, int from, int to) {
        decimalKind = decideDecimal(a, from, to);
        return decimalKind;
    }

    private DecimalKind decideDecimal(char[] a, int from, int to) {
        int i = from;
        scratchLen = 0;
        significantDigits = 0;
        exponentValue = 0;
        decimalNegative = false;
        if (a[i] == '+' || a[i] == '-') {
            decimalNegative = a[i] == '-';
            i++;
        }
        if (i < to && isAsciiLetter(a[i])) return parseSpecial(a, i, to);
        int afterInt = digitRun(a, i, to, MANTISSA);
        if (afterInt < 0) return DecimalKind.INVALID;
        boolean digits = afterInt > i;
        i = afterInt;
        long fractionDigits = 0;
        if (i < to && a[i] == '.') {
            long before = digitsRead;
            int afterFraction = digitRun(a, i + 1, to, MANTISSA);
            if (afterFraction < 0) return DecimalKind.INVALID;
            digits |= afterFraction > i + 1;
            fractionDigits = digitsRead - before;
            i = afterFraction;
        }
        if (!digits) return DecimalKind.INVALID;
        long exponent = 0;
        if (i < to && (a[i] == 'e' || a[i] == 'E')) {
            i++;
            boolean negativeExponent = false;
            if (i < to && (a[i] == '+' || a[i] == '-')) {
                negativeExponent = a[i] == '-';
                i++;
            }
            int afterExponent = digitRun(a, i, to, EXPONENT);
            if (afterExponent < 0 || afterExponent == i) return DecimalKind.INVALID;
            exponent = negativeExponent ? -exponentValue : exponentValue;
            i = afterExponent;
        }
        if (i != to) return DecimalKind.INVALID;
        long scale = fractionDigits - exponent; // both bounded far inside the long range
        long precision = Math.max(significantDigits, 1);
        if (precision > Decimals.MAX_DIGITS_AND_SCALE || Math.abs(scale) > Decimals.MAX_DIGITS_AND_SCALE) {
            return DecimalKind.OUT_OF_RANGE;
        }
        if (scratchLen <= 18) { // fits a long: no String or BigInteger per cell on the hot path
            long unscaled = 0;
            for (int k = 0; k < scratchLen; k++) unscaled = unscaled * 10 + (scratch[k] - '0');
            decimalValue = BigDecimal.valueOf(decimalNegative ? -unscaled : unscaled, (int) scale);
            return DecimalKind.FINITE;
        }
        BigInteger unscaled = new BigInteger(new String(scratch, 0, scratchLen));
        decimalValue = new BigDecimal(decimalNegative ? unscaled.negate() : unscaled, (int) scale);
        return DecimalKind.FINITE;
    }

    /** The tail of the {@code decimal out of range} reason: the bound, as for configuration decimals. */
    static final String OUT_OF_RANGE_LIMIT = " (at most " + Decimals.MAX_DIGITS_AND_SCALE
            + " significant digits and a scale between -" + Decimals.MAX_DIGITS_AND_SCALE + " and "
            + Decimals.MAX_DIGITS_AND_SCALE + ")";

    /** Exponent digits beyond this saturate: the bound check then fails whatever the mantissa. */
    private static final long EXPONENT_SATURATION = 1L << 40;

    private DecimalKind parseSpecial(char[] a, int i, int to) {
        if (equalsIgnoreAsciiCase(a, i, to, "inf") || equalsIgnoreAsciiCase(a, i, to, "infinity")) {
            return DecimalKind.NON_FINITE;
        }
        int payload;
        if (startsWithIgnoreAsciiCase(a, i, to, "nan")) {
            payload = i + 3;
        } else if (startsWithIgnoreAsciiCase(a, i, to, "snan")) {
            payload = i + 4;
        } else {
            return DecimalKind.INVALID;
        }
        int end = digitRun(a, payload, to, NO_COPY);
        return end == to ? DecimalKind.NON_FINITE : DecimalKind.INVALID;
    }

    private static final int NO_COPY = 0;
    /** Digits of a mantissa: counted; significant ones (after leading zeros) kept up to the bound. */
    private static final int MANTISSA = 1;
    /** Digits of an exponent: accumulated into {@link #exponentValue}, saturating. */
    private static final int EXPONENT = 2;

    /**
     * Reads a possibly empty run of digits separated by single underscores starting at {@code i}.
     *
     * @return the index after the run, or -1 when underscores are misplaced
     */
    private int digitRun(char[] a, int i, int to, int mode) {
        boolean lastWasDigit = false;
        int start = i;
        while (i < to) {
            char c = a[i];
            if (c == '_') {
                if (!lastWasDigit) return -1;
                lastWasDigit = false;
                i++;
                continue;
            }
            int d = digitAt(a, i, to);
            if (d < 0) break;
            if (mode == MANTISSA) {
                digitsRead++;
                if (d != 0 || significantDigits > 0) {
                    significantDigits++;
                    if (significantDigits <= Decimals.MAX_DIGITS_AND_SCALE) put((char) ('0' + d));
                }
            } else if (mode == EXPONENT) {
                exponentValue = Math.min(exponentValue * 10 + d, EXPONENT_SATURATION);
            }
            i += digitWidth;
            lastWasDigit = true;
        }
        if (i > start && !lastWasDigit) return -1; // trailing underscore
        return i;
    }

    /**
     * Timestamp (docs/CONTRACT.md#row-parsing-and-row-errors), layouts tried as one grammar: {@code Y-M-D}, then either the end,
     * one or more whitespace + {@code h:m:s}, or {@code T}/{@code t} + {@code h:m:s}. Y exactly four
     * digits, M/D/h/m/s one or two digits, a one-digit day may be preceded by one space. Read as UTC.
     * Year 0000 is rejected: the calendar date must exist and the proleptic year 0 is not a
     * calendar year (the earlier implementation's minimum year was 1).
     */
    boolean parseTimestamp(char[] a, int from, int to) {
        int[] pos = {from};
        int year = fixedDigits(a, pos, to, 4);
        if (year < 0 || !literal(a, pos, to, '-')) return false;
        int month = upToTwoDigits(a, pos, to);
        if (month < 0 || !literal(a, pos, to, '-')) return false;
        int day;
        if (pos[0] < to && a[pos[0]] == ' ') {
            pos[0]++;
            day = fixedDigits(a, pos, to, 1);
        } else {
            day = upToTwoDigits(a, pos, to);
        }
        if (day < 0) return false;
        int hour = 0;
        int minute = 0;
        int second = 0;
        int i = pos[0];
        if (i < to) {
            if (a[i] == 'T' || a[i] == 't') {
                i++;
            } else if (Whitespace.is(a[i])) {
                while (i < to && Whitespace.is(a[i])) i++;
            } else {
                return false;
            }
            pos[0] = i;
            hour = upToTwoDigits(a, pos, to);
            if (hour < 0 || !literal(a, pos, to, ':')) return false;
            minute = upToTwoDigits(a, pos, to);
            if (minute < 0 || !literal(a, pos, to, ':')) return false;
            second = upToTwoDigits(a, pos, to);
            if (second < 0 || pos[0] != to) return false;
        }
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))) {
            return false;
        }
        if (hour > 23 || minute > 59 || second > 59) return false;
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        instantValue = Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second);
        return true;
    }

    private int fixedDigits(char[] a, int[] pos, int to, int count) {
        int value = 0;
        int i = pos[0];
        for (int k = 0; k < count; k++) {
            if (i >= to) return -1;
            int d = digitAt(a, i, to);
            if (d < 0) return -1;
            value = value * 10 + d;
            i += digitWidth;
        }
        pos[0] = i;
        return value;
    }

    private int upToTwoDigits(char[] a, int[] pos, int to) {
        int i = pos[0];
        if (i >= to) return -1;
        int d = digitAt(a, i, to);
        if (d < 0) return -1;
        i += digitWidth;
        int value = d;
        if (i < to) {
            int d2 = digitAt(a, i, to);
            if (d2 >= 0) {
                value = value * 10 + d2;
                i += digitWidth;
            }
        }
        pos[0] = i;
        return value;
    }

    private static boolean literal(char[] a, int[] pos, int to, char c) {
        if (pos[0] < to && a[pos[0]] == c) {
            pos[0]++;
            return true;
        }
        return false;
    }

    /** The decimal digit value at {@code a[i]} (a code point, maybe two chars), or -1. */
    private int digitAt(char[] a, int i, int to) {
        char c = a[i];
        digitWidth = 1;
        if (c >= '0' && c <= '9') return c - '0';
        if (c < 0x80) return -1;
        int cp = c;
        if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(a[i + 1])) {
            cp = Character.toCodePoint(c, a[i + 1]);
            digitWidth = 2;
        }
        // For radix 10, Character.digit is non-negative exactly for Nd (decimal digit) code points.
        return Character.digit(cp, 10);
    }

    private void put(char c) {
        if (scratchLen == scratch.length) scratch = Arrays.copyOf(scratch, scratchLen * 2);
        scratch[scratchLen++] = c;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean equalsIgnoreAsciiCase(char[] a, int from, int to, String word) {
        return to - from == word.length() && startsWithIgnoreAsciiCase(a, from, to, word);
    }

    private static boolean startsWithIgnoreAsciiCase(char[] a, int from, int to, String lowerWord) {
        if (to - from < lowerWord.length()) return false;
        for (int k = 0; k < lowerWord.length(); k++) {
            char c = a[from + k];
            if (c >= 'A' && c <= 'Z') c = (char) (c + 32);
            if (c != lowerWord.charAt(k)) return false;
        }
        return true;
    }
}
