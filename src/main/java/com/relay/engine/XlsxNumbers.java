package com.relay.engine;

/**
 * The text of a numeric xlsx cell without reading it as a double, when its stored text is a short
 * plain decimal (docs/ENGINE.md#vendor-file-formats). A cell's number reads as the shortest decimal
 * that reads back as the stored double ({@link XlsxRecords#number}): parsing the text and writing
 * the double again cost a third of an xlsx parse. A plain decimal of at most 9 integer and 6
 * fraction digits is already that decimal once its trailing fraction zeros (and a point left
 * without digits, and the sign of a zero) are dropped: {@code 7.0} is {@code 7}, {@code 132.810}
 * is {@code 132.81}, {@code -0.0} is {@code 0}. Any other text (an exponent, more digits, leading
 * zeros, spaces) takes the double's way. {@code XlsxNumbersTest} checks both ways agree.
 */
final class XlsxNumbers {
    static final int MAX_INTEGER_DIGITS = 9;
    static final int MAX_FRACTION_DIGITS = 6;
    /** The longest text {@link #plainDecimal} writes: sign, digits, point. */
    static final int MAX_PLAIN_LENGTH = 1 + MAX_INTEGER_DIGITS + 1 + MAX_FRACTION_DIGITS;

    private XlsxNumbers() {}

    /**
     * Writes the cell text of the plain decimal {@code text[start, start + length)} to {@code out}
     * and returns its length; -1, writing nothing, when the text is not such a decimal.
     */
    static int plainDecimal(char[] text, int start, int length, char[] out) {
        int end = start + length;
        int p = start;
        if (length == 0) return -1;
        boolean negative = text[p] == '-';
        if (negative) p++;
        int integerStart = p;
        while (p < end && digit(text[p])) p++;
        int integerDigits = p - integerStart;
        if (integerDigits == 0 || integerDigits > MAX_INTEGER_DIGITS || (integerDigits > 1 && text[integerStart] == '0')) {
            return -1;
        }
        int fractionStart = p;
        int fractionEnd = p;
        if (p < end) {
            if (text[p] != '.') return -1;
            fractionStart = ++p;
            while (p < end && digit(text[p])) p++;
            if (p != end || p == fractionStart || p - fractionStart > MAX_FRACTION_DIGITS) return -1;
            fractionEnd = p;
            while (fractionEnd > fractionStart && text[fractionEnd - 1] == '0') fractionEnd--;
        }
        boolean zero = fractionEnd == fractionStart && integerDigits == 1 && text[integerStart] == '0';
        int n = 0;
        if (negative && !zero) out[n++] = '-';
        System.arraycopy(text, integerStart, out, n, integerDigits);
        n += integerDigits;
        if (fractionEnd > fractionStart) {
            out[n++] = '.';
            System.arraycopy(text, fractionStart, out, n, fractionEnd - fractionStart);
            n += fractionEnd - fractionStart;
        }
        return n;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}
