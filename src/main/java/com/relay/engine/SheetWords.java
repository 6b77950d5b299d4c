package com.relay.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes of sheet XML judged at once (docs/ENGINE.md#vendor-file-formats): the byte reader's
 * text runs are mostly printable ASCII, and a word-at-a-time test finds the first byte that needs
 * the per-byte rules without a branch per byte.
 */
final class SheetWords {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private SheetWords() {}

    /**
     * How many of the 8 bytes at {@code from} (all inside {@code bytes}) are plain text, counted from
     * the first: ASCII from 0x20 up other than {@code <}, {@code &}, {@code ]} and {@code >}, the
     * bytes that end text, start a reference or may close {@code ]]>}. 8 when all are.
     */
    static int plainText(byte[] bytes, int from) {
        long word = (long) LONGS.get(bytes, from);
        long special = word & HIGHS // non-ASCII
                | below(word, 0x20) // control characters
                | zeroByte(word ^ ONES * '<')
                | zeroByte(word ^ ONES * '&')
                | zeroByte(word ^ ONES * ']')
                | zeroByte(word ^ ONES * '>');
        return Long.numberOfTrailingZeros(special) >>> 3;
    }

    /** The 8 bytes at {@code from} (all inside {@code bytes}) as a little-endian long. */
    static long word(byte[] bytes, int from) {
        return (long) LONGS.get(bytes, from);
    }

    /** A fixed run of bytes (8 to 16 long) compared as two words, the second overlapping the first when shorter. */
    static final class Literal {
        final int length;
        private final long first;
        private final long last;

        Literal(String text) {
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (bytes.length < Long.BYTES || bytes.length > 2 * Long.BYTES) throw new IllegalArgumentException(text);
            length = bytes.length;
            first = word(bytes, 0);
            last = word(bytes, length - Long.BYTES);
        }

        /** Whether the bytes at {@code from} (length of them inside {@code bytes}) are this literal. */
        boolean at(byte[] bytes, int from) {
            return word(bytes, from) == first && word(bytes, from + length - Long.BYTES) == last;
        }
    }

    /** The high bit of each byte that is zero (exact for every byte, so any one of them may be the first). */
    static long zeroByte(long word) {
        return ~(((word & ~HIGHS) + ~HIGHS) | word | ~HIGHS);
    }

    /** The high bit of each byte below {@code n} (1 to 128), exact for every byte (bytes of 0x80 and up are not below). */
    static long below(long word, int n) {
        return ~(((word & ~HIGHS) + ONES * (0x80 - n)) | word) & HIGHS;
    }
}
