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
        int end = plainEnd(text, start, length);
        if (end < 0) return -1;
        int from = negativeZero(text, start, end) ? start + 1 : start;
        System.arraycopy(text, from, out, 0, end - from);
        return end - from;
    }

    /**
     * The length of the start of {@code text[start, start + length)} that is its cell text, when the
     * text is a plain decimal whose cell text is a start of it (all of them but a negative zero):
     * the caller keeps it where it is. -1 otherwise.
     */
    static int plainPrefix(char[] text, int start, int length) {
        int end = plainEnd(text, start, length);
        return end < 0 || negativeZero(text, start, end) ? -1 : end - start;
    }

    /** Where the plain decimal's cell text ends (trailing fraction zeros and a bare point dropped); -1 when it is not one. */
    private static int plainEnd(char[] text, int start, int length) {
        int end = start + length;
        int p = start;
        if (length == 0) return -1;
        if (text[p] == '-') p++;
        int integerStart = p;
        while (p < end && digit(text[p])) p++;
        int integerDigits = p - integerStart;
        if (integerDigits == 0 || integerDigits > MAX_INTEGER_DIGITS || (integerDigits > 1 && text[integerStart] == '0')) {
            return -1;
        }
        if (p == end) return end;
        if (text[p] != '.') return -1;
        int integerEnd = p;
        int fractionStart = ++p;
        while (p < end && digit(text[p])) p++;
        if (p != end || p == fractionStart || p - fractionStart > MAX_FRACTION_DIGITS) return -1;
        int fractionEnd = p;
        while (fractionEnd > fractionStart && text[fractionEnd - 1] == '0') fractionEnd--;
        return fractionEnd > fractionStart ? fractionEnd : integerEnd;
    }

    /** {@code -0} once trimmed (no leading zeros are taken, so it is the only zero with a sign): its cell text is {@code 0}. */
    private static boolean negativeZero(char[] text, int start, int end) {
        return end - start == 2 && text[start] == '-' && text[start + 1] == '0';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}
