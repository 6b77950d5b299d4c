package com.relay.engine;

import java.util.Comparator;

/**
 * String order by Unicode code point (RI §1.4): {@code 10 < 9 < A < B < a < Ä}, and supplementary
 * characters after every BMP character. {@link String#compareTo} compares UTF-16 code units, which
 * puts a supplementary character (a surrogate pair, D800–DFFF) before BMP characters E000–FFFF.
 */
public final class CodePointOrder implements Comparator<String> {

    public static final CodePointOrder INSTANCE = new CodePointOrder();

    private CodePointOrder() {}

    @Override
    public int compare(String a, String b) {
        return compareStrings(a, b);
    }

    /**
     * Compares at the first differing code unit; only when both units are at or above the surrogate
     * range are they remapped so that surrogates (D800–DFFF) rank above E000–FFFF. At the first
     * difference both strings are at the same position within a code point, so this is exact.
     */
    public static int compareStrings(String a, String b) {
        if (a == b) return 0;
        // Fast path: String.compareTo is an intrinsic. Its UTF-16 order differs from code point
        // order only when the first difference is a high surrogate (D800–DBFF) against a unit in
        // E000–FFFF, and such a difference is at least E000 − DBFF = 0x401 in magnitude. (A low
        // surrogate cannot differ first: the high surrogates before it were equal, and in
        // well-formed text — the strict decoder admits nothing else — a high surrogate is always
        // followed by a low one in both strings.) Smaller results are therefore already right.
        int c = a.compareTo(b);
        if (c > -0x401 && c < 0x401) return c;
        return slowCompare(a, b);
    }

    private static int slowCompare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char c1 = a.charAt(i);
            char c2 = b.charAt(i);
            if (c1 != c2) {
                if (c1 >= 0xD800 && c2 >= 0xD800) {
                    return fixUp(c1) - fixUp(c2);
                }
                return c1 - c2;
            }
        }
        return a.length() - b.length();
    }

    private static int fixUp(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /**
     * A 64-bit key whose unsigned order agrees with code point order: when
     * {@code Long.compareUnsigned(prefixKey(a), prefixKey(b)) != 0} its sign is the sign of
     * {@code compareStrings(a, b)}; equal keys say nothing (compare the strings). Sorting on the
     * key first avoids most string comparisons and the pointer chasing that comes with them.
     * The first eight chars below U+00FF are packed as bytes, a shorter string is padded with 0,
     * and the first char at or above U+00FF packs as 0xFF followed by zeros (so two such strings
     * tie and fall back to the full comparison).
     */
    public static long prefixKey(String s) {
        return prefixKey(s, 0);
    }

    /**
     * The same key for chars {@code [from, from + 8)}. Used as a second key (from = 8) only when
     * the first keys are equal, which means the first eight chars are equal and below U+00FF (or
     * both strings ended with the same padding); 0 when the first segment saturated, so such
     * strings still fall back to the full comparison.
     */
    public static long prefixKey(String s, int from) {
        long key = 0;
        int end = Math.min(from + 8, s.length());
        int i = from;
        if (from > 0) {
            for (int j = 0; j < Math.min(from, s.length()); j++) {
                if (s.charAt(j) >= 0xFF) return 0;
            }
        }
        for (; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 0xFF) {
                key = (key << 8) | 0xFF;
                i++;
                break;
            }
            key = (key << 8) | c;
        }
        int packed = Math.max(0, i - from);
        return packed == 0 ? 0 : key << (8 * (8 - packed));
    }
}
