package com.relay.engine;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An InputStream that produces a large vendor feed on the fly, so a test can parse hundreds of
 * megabytes without ever holding them: header {@code sku,quantity_available,cost,title,updated_at},
 * then rows like {@code SKU-0000000042,42,12.34,"Title, number 42",2020-01-02 03:04:05}. Every
 * {@code errorEvery}-th row has quantity {@code x} (a row error).
 */
final class GeneratedFeed extends InputStream {
    static final byte[] HEADER = "sku,quantity_available,cost,title,updated_at\n".getBytes(StandardCharsets.US_ASCII);

    private final long rows;
    private final long errorEvery;
    private final byte[] line = new byte[128];
    private int lineLength;
    private int linePos;
    private long nextRow = 1;
    private long bytesProduced;
    private boolean headerDone;
    /** End offsets (exclusive) of the most recently generated rows, by data-row index. */
    private final long[] rowEnds = new long[1 << 14];
    private long generatedEnd = HEADER.length;

    GeneratedFeed(long rows, long errorEvery) {
        this.rows = rows;
        this.errorEvery = errorEvery;
        System.arraycopy(HEADER, 0, line, 0, HEADER.length);
        lineLength = HEADER.length;
    }

    long bytesProduced() { return bytesProduced; }

    /** Byte offset just after data row {@code n} (1-based); only for rows generated recently. */
    long rowEnd(long n) {
        if (n >= nextRow || nextRow - n > rowEnds.length) throw new IllegalStateException("row " + n + " not tracked");
        return rowEnds[(int) (n & (rowEnds.length - 1))];
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) return 0;
        int written = 0;
        while (written < len) {
            if (linePos == lineLength) {
                if (!nextLine()) break;
            }
            int n = Math.min(len - written, lineLength - linePos);
            System.arraycopy(line, linePos, b, off + written, n);
            linePos += n;
            written += n;
        }
        if (written == 0) return -1;
        bytesProduced += written;
        return written;
    }

    private boolean nextLine() {
        if (!headerDone) headerDone = true;
        if (nextRow > rows) return false;
        long n = nextRow++;
        int p = 0;
        p = put("SKU-", p);
        p = putPadded(n, p);
        line[p++] = ',';
        if (errorEvery > 0 && n % errorEvery == 0) {
            line[p++] = 'x';
        } else {
            p = putNumber(n % 1000, p);
        }
        line[p++] = ',';
        p = putNumber(n % 100, p);
        line[p++] = '.';
        line[p++] = (byte) ('0' + n % 10);
        line[p++] = '5';
        p = put(",\"Title, number ", p);
        p = putNumber(n % 997, p);
        p = put("\",2020-01-02 03:04:05\n", p);
        lineLength = p;
        linePos = 0;
        generatedEnd += p;
        rowEnds[(int) (n & (rowEnds.length - 1))] = generatedEnd;
        return true;
    }

    private int put(String s, int p) {
        for (int i = 0; i < s.length(); i++) line[p++] = (byte) s.charAt(i);
        return p;
    }

    private int putPadded(long v, int p) {
        for (int i = 9; i >= 0; i--) {
            line[p + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + 10;
    }

    private int putNumber(long v, int p) {
        String s = Long.toString(v);
        return put(s, p);
    }
}
