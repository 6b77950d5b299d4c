package com.relay.engine;

import java.util.Comparator;

/**
 * String order by Unicode code point (docs/CONTRACT.md#conventions): {@code 10 < 9 < A < B < a < Ä}, and supplementary
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

    /**
     * {@link #compareStrings} on two ranges of char arrays ({@code a[aFrom..aTo)} and
     * {@code b[bFrom..bTo)}), for callers that keep SKUs as characters instead of strings.
     */
    public static int compareChars(char[] a, int aFrom, int aTo, char[] b, int bFrom, int bTo) {
        int mismatch = java.util.Arrays.mismatch(a, aFrom, aTo, b, bFrom, bTo);
        if (mismatch < 0) return 0;
        int aLength = aTo - aFrom;
        int bLength = bTo - bFrom;
        if (mismatch == aLength || mismatch == bLength) return aLength - bLength;
        char c1 = a[aFrom + mismatch];
        char c2 = b[bFrom + mismatch];
        return c1 >= 0xD800 && c2 >= 0xD800 ? fixUp(c1) - fixUp(c2) : c1 - c2;
    }

    private static int fixUp(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /**
     * The first eight bytes of the SKU's sort stream as an unsigned 64-bit key:
     * {@code Long.compareUnsigned(prefixKey(a), prefixKey(b))}, and then the same on
     * {@link #prefixKey2}, never contradict {@link #compareStrings}; equal keys say nothing
     * (compare the strings). Sorting on the keys first avoids most string comparisons and the
     * pointer chasing that comes with them.
     *
     * <p>The stream encodes each code point below U+00FF as one byte and every other one as
     * {@code 0xFF} followed by its 21-bit value in three bytes (big-endian), and is padded with
     * zeros. The encoding preserves code point order and equal prefixes encode to equal bytes, so
     * the first differing byte decides as the first differing code point would; a NUL and the
     * padding tie, and then the strings are compared.
     */
    public static long prefixKey(String s) {
        return streamBytes(s, 0);
    }

    /** Bytes 8–15 of the same stream (see {@link #prefixKey}). */
    public static long prefixKey2(String s) {
        return streamBytes(s, 8);
    }

    /** {@link #prefixKey(String)} of characters held outside a string. */
    public static long prefixKey(CharSequence s) {
        return streamBytes(s, 0);
    }

    /** {@link #prefixKey2(String)} of characters held outside a string. */
    public static long prefixKey2(CharSequence s) {
        return streamBytes(s, 8);
    }

    private static long streamBytes(CharSequence s, int skip) {
        long key = 0;
        int produced = 0; // bytes of the stream seen so far
        int wanted = skip + 8;
        int n = s.length();
        for (int i = 0; i < n && produced < wanted; ) {
            int cp = Character.codePointAt(s, i);
            i += Character.charCount(cp);
            if (cp < 0xFF) {
                if (produced++ >= skip) key = (key << 8) | cp;
            } else {
                int[] bytes = {0xFF, (cp >> 16) & 0xFF, (cp >> 8) & 0xFF, cp & 0xFF};
                for (int b : bytes) {
                    if (produced >= wanted) break;
                    if (produced++ >= skip) key = (key << 8) | b;
                }
            }
        }
        int kept = Math.max(0, Math.min(produced, wanted) - skip);
        return kept == 0 ? 0 : key << (8 * (8 - kept));
    }
}
