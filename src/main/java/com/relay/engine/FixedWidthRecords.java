package com.relay.engine;

import com.relay.tenants.config.TenantConfig.ColumnRange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fixed_width feed (docs/ENGINE.md#vendor-file-formats): every non-empty line is a record (LF, CRLF or CR end it;
 * empty lines are skipped and not counted, as in csv; the first record is row 1); {@code columns}
 * gives each column's characters, 1-based and inclusive, counted in code points. A cell is its
 * characters with the padding spaces (U+0020) on both sides removed. A line that ends before the
 * last column does is a row error ({@code line too short}). Only the characters up to the last
 * column are kept: a line of any length takes bounded memory.
 */
final class FixedWidthRecords implements FeedRecords {
    private final CharSource source;
    private final CsvRecordReader rows;
    private final List<String> names;
    private final int[] starts;
    private final int[] ends;
    private final int maxEnd;
    private final char[] buf = new char[32 * 1024];
    private int pos;
    private int lim;
    private boolean eof;
    private boolean skipLf;
    /** The current line: its first {@code kept} chars, and its whole length in chars. */
    private final char[] line;
    private int kept;
    private long length;
    private long record;
    /** readHeader() read the first line already. */
    private boolean pending;

    FixedWidthRecords(CharSource source, Map<String, ColumnRange> columns, String vendorId) {
        this.source = source;
        this.rows = CsvRecordReader.rowStore(vendorId);
        this.names = new ArrayList<>(columns.keySet());
        starts = new int[names.size()];
        ends = new int[names.size()];
        int max = 0;
        int i = 0;
        for (ColumnRange range : columns.values()) {
            starts[i] = range.start();
            ends[i] = range.end();
            max = Math.max(max, range.end());
            i++;
        }
        maxEnd = max;
        line = new char[2 * max]; // maxEnd code points are at most 2 * maxEnd chars
    }

    @Override
    public CsvRecordReader rows() { return rows; }

    /**
     * The column names; none for a file without a non-empty line, which then fails like an empty
     * csv ({@code missing columns: …}) rather than passing as a feed of no rows.
     */
    @Override
    public List<String> readHeader() throws IOException, EngineFailure {
        pending = nextLine();
        return pending ? List.copyOf(names) : List.of();
    }

    private boolean nextLine() throws IOException, EngineFailure {
        do {
            if (!readLine()) return false;
        } while (length == 0);
        return true;
    }

    @Override
    public boolean nextRecord() throws IOException, EngineFailure {
        if (pending) {
            pending = false;
        } else if (!nextLine()) {
            return false;
        }
        rows.beginRow(++record);
        boolean surrogates = false;
        for (int i = 0; i < kept && !surrogates; i++) surrogates = Character.isSurrogate(line[i]);
        // code points of the line (all of it: chars past the kept ones count as one each at least,
        // and the kept part already holds maxEnd code points whenever anything was dropped)
        long codePoints = surrogates ? Character.codePointCount(line, 0, kept) + (length - kept) : length;
        for (int c = 0; c < starts.length; c++) {
            int from = charIndex(starts[c] - 1, codePoints, surrogates);
            int to = charIndex(ends[c], codePoints, surrogates);
            while (from < to && line[from] == ' ') from++;
            while (to > from && line[to - 1] == ' ') to--;
            rows.addCell(line, from, to - from);
        }
        if (codePoints < maxEnd) {
            rows.rejectRow("line too short: " + codePoints + " characters, the columns end at character " + maxEnd);
        }
        return true;
    }

    /** The char index of code point {@code cp}, clamped to the line's end. */
    private int charIndex(int cp, long codePoints, boolean surrogates) {
        if (cp >= codePoints) return kept;
        return surrogates ? Character.offsetByCodePoints(line, 0, kept, 0, cp) : cp;
    }

    /** Reads the next line into {@link #line}; false at end of input. */
    private boolean readLine() throws IOException, EngineFailure {
        kept = 0;
        length = 0;
        while (true) {
            if (pos == lim && !refill()) return length > 0;
            char c = buf[pos];
            if (skipLf) {
                skipLf = false;
                if (c == '\n') {
                    pos++;
                    continue;
                }
            }
            if (c == '\n' || c == '\r') {
                pos++;
                skipLf = c == '\r';
                return true;
            }
            int p = pos;
            while (p < lim && buf[p] != '\n' && buf[p] != '\r') p++;
            int n = p - pos;
            int room = Math.min(n, line.length - kept);
            System.arraycopy(buf, pos, line, kept, room);
            kept += room;
            length += n;
            pos = p;
        }
    }

    private boolean refill() throws IOException, EngineFailure {
        if (eof) return false;
        int n = source.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            pos = 0;
            lim = 0;
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    @Override
    public void drainInput() throws IOException, EngineFailure {
        pos = lim;
        while (refill()) pos = lim;
    }
}
