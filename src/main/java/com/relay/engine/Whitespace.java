package com.relay.engine;

/** The whitespace set of docs/CONTRACT.md#conventions, used by every trim of the engine (it includes no-break spaces). */
final class Whitespace {
    private Whitespace() {}

    static boolean is(char c) {
        if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
        if (c < 0x85) return false;
        return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** First index in {@code [from, to)} that is not whitespace (or {@code to}). */
    static int skipLeading(char[] a, int from, int to) {
        while (from < to && is(a[from])) from++;
        return from;
    }

    /** One past the last index in {@code [from, to)} that is not whitespace (or {@code from}). */
    static int skipTrailing(char[] a, int from, int to) {
        while (to > from && is(a[to - 1])) to--;
        return to;
    }

    static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && is(s.charAt(from))) from++;
        while (to > from && is(s.charAt(to - 1))) to--;
        return s.substring(from, to);
    }
}
