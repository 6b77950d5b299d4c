package com.relay.tenants.config;

/**
 * The whitespace set of docs/CONTRACT.md#conventions, used by every "trim" in the specification. Unlike
 * {@link Character#isWhitespace(int)} it includes the no-break spaces U+00A0, U+2007 and U+202F.
 */
public final class SpecWhitespace {

    private SpecWhitespace() {}

    public static boolean isWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** Removes leading and trailing docs/CONTRACT.md#conventions whitespace (all set members are BMP characters). */
    public static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }
}
