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
    /** Configured name → position in {@link #values}. */
    protected final Map<String, Integer> index = new HashMap<>();
    /** The current record's value per configured name; null when the record has none. */
    protected final String[] values;
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
        this.values = new String[names.size()];
        for (int i = 0; i < names.size(); i++) index.put(names.get(i), i);
    }

    /** Reads the next record into {@link #values} and {@link #problem}; false after the last one. */
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
            boolean lacking = pending && problem == null && values[i] == null && required.contains(names.get(i));
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
            String v = values[position];
            rows.addCell(v == null ? "" : v);
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

    private boolean advance() throws IOException, EngineFailure {
        Arrays.fill(values, null);
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
}
