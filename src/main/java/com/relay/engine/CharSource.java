package com.relay.engine;

import java.io.IOException;

/**
 * A pull source of decoded characters for {@link CsvRecordReader} (docs/CONTRACT.md#decoding to docs/CONTRACT.md#csv-dialect). Unlike
 * {@link java.io.Reader} it may fail with an {@link EngineFailure} (DECODE_ERROR).
 */
@FunctionalInterface
public interface CharSource {

    /**
     * Reads up to {@code len} chars into {@code dst[off..]}.
     *
     * @return the number of chars read (at least 1 when {@code len > 0}), or -1 at end of input
     */
    int read(char[] dst, int off, int len) throws IOException, EngineFailure;

    /** A source over text already in memory (tests, small inputs). */
    static CharSource of(CharSequence text) {
        String s = text.toString();
        int[] pos = {0};
        return (dst, off, len) -> {
            if (pos[0] >= s.length()) return -1;
            int n = Math.min(len, s.length() - pos[0]);
            s.getChars(pos[0], pos[0] + n, dst, off);
            pos[0] += n;
            return n;
        };
    }
}
