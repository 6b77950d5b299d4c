package com.relay.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What json and xml records have in common (docs/ENGINE.md#vendor-file-formats): a record is a set of named values
 * (field paths, child elements, attributes) rather than a row of positions. The header is the
 * names the configuration reads (column_map values, or the canonical names); a required name
 * (sku's, quantity_available's) that the first record lacks is left out of it, so such a feed fails
 * with the csv message {@code missing columns: <name>} (docs/CONTRACT.md#header-check-and-required-columns). Later records may leave any
 * name out: its cell is then empty. Rows are numbered by record, the first record being row 1.
 */
abstract class KeyedRecords implements FeedRecords {
    protected final CsvRecordReader rows;
    protected final String vendorId;
    private final List<String> names;
    private final Set<String> required;
    /** Configured name → value position ({@link #setValue}). */
    protected final Map<String, Integer> index = new HashMap<>();
    /**
     * The current record's values, packed: value {@code i} is {@code valueChars[valueStart[i] ..
     * valueStart[i] + valueLength[i])}, {@code valueLength[i] == -1} when the record has none. Chars,
     * not a String per value: the parsers hand out char ranges and the row store copies chars, so a
     * String would be built only to be copied back (docs/PERFORMANCE.md#vendor-file-formats-issue-20).
     */
    private char[] valueChars = new char[VALUE_CHARS_KEPT];
    private int valueCharsUsed;
    private final int[] valueStart;
    private final int[] valueLength;
    /** The row error of the current record (wrong type), or null. */
    protected String problem;
    /** The names the first record has, in order (docs/CONTRACT.md#vendor-drift): bounded like a csv header. */
    private final java.util.Set<String> firstRecordNames = new java.util.LinkedHashSet<>();
    private int[] layout;
    private long ordinal;
    private boolean pending;
    private boolean ended;

    KeyedRecords(List<String> names, Set<String> required, String vendorId) {
        this.names = List.copyOf(names);
        this.required = required;
        this.vendorId = vendorId;
        this.rows = CsvRecordReader.rowStore(vendorId);
        this.valueStart = new int[names.size()];
        this.valueLength = new int[names.size()];
        for (int i = 0; i < names.size(); i++) index.put(names.get(i), i);
    }

    /** Reads the next record into its values ({@link #setValue}) and {@link #problem}; false after the last one. */
    protected abstract boolean readRecord() throws IOException, EngineFailure;

    /** Reads what follows the last record, so a document broken after it still fails. */
    protected abstract void finish() throws IOException, EngineFailure;

    @Override
    public CsvRecordReader rows() { return rows; }

    /** The first record is being read: its names are the file's columns (later records cost nothing). */
    protected final boolean recordingNames() {
        return ordinal == 0;
    }

    /** A name (field path, child element, {@code @attribute}) the record being read has. */
    protected final void sawName(String name) {
        if (recordingNames() && firstRecordNames.size() < CsvRecordReader.MAX_FIELDS) firstRecordNames.add(VendorHeader.cut(name));
    }

    /** The names of the first record (the file's own columns), not the configured ones of {@link #readHeader}. */
    @Override
    public List<String> fileColumns(List<String> header) {
        return List.copyOf(firstRecordNames);
    }

    @Override
    public List<String> readHeader() throws IOException, EngineFailure {
        pending = advance();
        List<String> header = new ArrayList<>(names.size());
        int[] positions = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            boolean lacking = pending && problem == null && !hasValue(i) && required.contains(names.get(i));
            if (lacking) continue;
            positions[header.size()] = i;
            header.add(names.get(i));
        }
        layout = Arrays.copyOf(positions, header.size());
        return header;
    }

    @Override
    public boolean nextRecord() throws IOException, EngineFailure {
        if (pending) {
            pending = false;
        } else if (!advance()) {
            return false;
        }
        rows.beginRow(ordinal);
        for (int position : layout) {
            int length = valueLength[position];
            rows.addCell(valueChars, length < 0 ? 0 : valueStart[position], Math.max(length, 0));
        }
        if (problem != null) rows.rejectRow(problem);
        return true;
    }

    @Override
    public void drainInput() throws IOException, EngineFailure {
        while (advance()) {
            // records are only parsed: the document must be well-formed to its end
        }
    }

    /** True when the current record has a value for configured name {@code i}. */
    protected final boolean hasValue(int i) {
        return valueLength[i] >= 0;
    }

    /** Sets the current record's value {@code i} (a later one of the same name replaces it). */
    protected final void setValue(int i, char[] src, int off, int len) {
        if (valueCharsUsed + len > valueChars.length) makeRoom(len);
        System.arraycopy(src, off, valueChars, valueCharsUsed, len);
        valueStart[i] = valueCharsUsed;
        valueLength[i] = len;
        valueCharsUsed += len;
    }

    /** Copies value {@code i} (set) into {@code dst} from index 0: a value a reader goes on to extend. */
    protected final void valueInto(int i, char[] dst) {
        System.arraycopy(valueChars, valueStart[i], dst, 0, valueLength[i]);
    }

    protected final void setValue(int i, String value) {
        int len = value.length();
        if (valueCharsUsed + len > valueChars.length) makeRoom(len);
        value.getChars(0, len, valueChars, valueCharsUsed);
        valueStart[i] = valueCharsUsed;
        valueLength[i] = len;
        valueCharsUsed += len;
    }

    /**
     * Room for {@code len} more chars: the live values are packed into a buffer big enough, so a
     * record repeating a name keeps only its last value (memory bounded by the configured names
     * times the longest value the parser allows, as with one String per value).
     */
    private void makeRoom(int len) {
        long live = 0;
        for (int l : valueLength) live += Math.max(l, 0);
        int size = (int) Math.max(valueChars.length, Math.min(Integer.MAX_VALUE - 16, 2 * (live + len)));
        char[] packed = new char[size];
        int used = 0;
        for (int i = 0; i < valueLength.length; i++) {
            if (valueLength[i] <= 0) continue;
            System.arraycopy(valueChars, valueStart[i], packed, used, valueLength[i]);
            valueStart[i] = used;
            used += valueLength[i];
        }
        valueChars = packed;
        valueCharsUsed = used;
    }

    private boolean advance() throws IOException, EngineFailure {
        Arrays.fill(valueLength, -1);
        valueCharsUsed = 0;
        // a huge value is not kept past its record
        if (valueChars.length > VALUE_CHARS_KEPT) valueChars = new char[VALUE_CHARS_KEPT];
        problem = null;
        if (ended) return false;
        if (!readRecord()) {
            ended = true;
            finish();
            return false;
        }
        ordinal++;
        return true;
    }

    /** Text kept of one value: one char past the cell limit, so the row store marks it oversized. */
    static final int VALUE_KEEP = CsvRecordReader.MAX_FIELD_LENGTH + 1;

    /** Value chars kept between records: a record of ordinary values never reallocates. */
    private static final int VALUE_CHARS_KEPT = 64 * 1024;
}
