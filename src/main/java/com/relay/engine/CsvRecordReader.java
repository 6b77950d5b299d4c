package com.relay.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pull-style reader of the one CSV dialect used for vendor feeds and SKU maps (docs/CONTRACT.md#csv-dialect).
 *
 * <ul>
 *   <li>Configured delimiter; {@code "} opens a quoted field only as the first character of a
 *       field; {@code ""} inside quotes is one quote; after the closing quote, characters up to the
 *       delimiter or line end are appended literally ({@code "ab"cd} → {@code abcd}).</li>
 *   <li>LF, CRLF and bare CR end a record (mixed allowed); inside quotes they are data.</li>
 *   <li>Empty lines are skipped and not counted ({@link #nextRecord()}); only the header read by
 *       {@link #readHeader()} may be an empty line (then it has no columns).</li>
 *   <li>A quoted field open at end of input fails with CSV_PARSE_ERROR.</li>
 *   <li>A field over {@value #MAX_FIELD_LENGTH} UTF-16 code units is marked oversized; only its first
 *       {@value #DISPLAY_PREFIX} chars are kept, the rest is counted and discarded, and reading goes
 *       on with the next record.</li>
 *   <li>A record whose fields hold more than {@value #MAX_RECORD_LENGTH} UTF-16 code units in total,
 *       or that has more than {@value #MAX_FIELDS} fields, is cut: the field where the limit is
 *       reached keeps its first {@value #DISPLAY_PREFIX} chars (marked oversized), later fields are
 *       read and discarded, and {@link #recordLimitProblem()} says which limit was exceeded. So the
 *       reader never holds more than about {@value #MAX_RECORD_LENGTH} chars and
 *       {@value #MAX_FIELDS} cells, whatever the line.</li>
 * </ul>
 *
 * Record numbers follow docs/CONTRACT.md#row-parsing-and-row-errors: the header is record 1, data records count from 2. The current
 * record is exposed through accessors that reuse internal buffers (no per-cell objects unless a
 * {@link #cell(int) String} is asked for).
 */
public final class CsvRecordReader {
    /** docs/CONTRACT.md#csv-dialect: the longest field, in UTF-16 code units, that is a normal cell. */
    public static final int MAX_FIELD_LENGTH = 1_048_576;
    /** docs/CONTRACT.md#row-parsing-and-row-errors: chars of an oversized cell shown in {@code row_data}. */
    public static final int DISPLAY_PREFIX = 100;
    /**
     * The most characters (UTF-16 code units, quotes and delimiters not counted) the fields of one
     * record may hold: four fields at the field limit. Bounds the row buffer (8 MiB of chars).
     */
    public static final int MAX_RECORD_LENGTH = 4 * MAX_FIELD_LENGTH;
    /** The most fields one record may have (a line of commas is otherwise a cell per byte). */
    public static final int MAX_FIELDS = 16_384;
    /** The row buffer never grows past this: the record limit plus one cut field's display prefix. */
    static final int MAX_ROW_BUFFER = MAX_RECORD_LENGTH + DISPLAY_PREFIX;
    static final String TRUNCATED_SUFFIX = "...[truncated]";

    private final CharSource source;
    private final char delimiter;
    private final String vendorId;
    private final boolean skuMap;

    private final char[] buf = new char[32 * 1024];
    private int pos;
    private int lim;
    private boolean eof;
    /** The previous record ended with CR: a LF right after it belongs to the same line end. */
    private boolean skipLf;
    private long recordNumber;

    // The current record: all cells back to back in rowChars, cell i = [starts[i], ends[i]).
    private char[] rowChars = new char[512];
    /** The row buffer while the current row is read in place ({@link #beginRowInPlace}): rowChars is then another array. */
    private char[] ownRowChars;
    private int rowLen;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private boolean[] oversized = new boolean[16];
    private int cellCount;
    private int firstOversized = -1;
    /** Field chars of the current record as read, stored or not. */
    private long recordChars;
    private boolean recordTooLong;
    private boolean tooManyFields;
    /** A record limit was reached: the rest of the record is parsed but not stored. */
    private boolean discarding;
    /** The row error another format's reader set for the current row ({@link #rejectRow}), or null. */
    private String rowProblem;
    /** addCell(String) copies through this, so a long String goes through the same limits as CSV chars. */
    private char[] scratch;

    // The field being read.
    private int fieldStart;
    private int fieldLength;
    private boolean fieldOversized;

    /**
     * @param vendorId for failure messages and {@link EngineFailure#vendorId()}
     * @param skuMap   true when reading a SKU map (messages say {@code (sku map)})
     */
    public CsvRecordReader(CharSource source, char delimiter, String vendorId, boolean skuMap) {
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("invalid delimiter: " + (int) delimiter);
        }
        this.source = source;
        this.delimiter = delimiter;
        this.vendorId = vendorId;
        this.skuMap = skuMap;
    }

    /**
     * Reads the header: the first line, even when it is empty (docs/CONTRACT.md#csv-dialect). Call once, before
     * {@link #nextRecord()}.
     *
     * @return the header names in order; empty for an empty input or an empty first line
     * @throws EngineFailure CSV_PARSE_ERROR when a header field is oversized (after decoding the rest
     *                       of the input, so a decode error anywhere in the file still wins), or
     *                       for an unterminated quote; DECODE_ERROR from the source
     */
    public List<String> readHeader() throws IOException, EngineFailure {
        if (!read(false)) return List.of();
        if (recordTooLong || tooManyFields) {
            drainInput();
            throw new EngineFailure("CSV_PARSE_ERROR", "NORMALIZE", "csv parse error for vendor " + label()
                    + ": header " + (recordTooLong ? "exceeds " + MAX_RECORD_LENGTH + " characters"
                    : "has more than " + MAX_FIELDS + " fields"), vendorId);
        }
        if (firstOversized >= 0) {
            drainInput();
            throw new EngineFailure("CSV_PARSE_ERROR", "NORMALIZE", "csv parse error for vendor " + label()
                    + ": header field exceeds " + MAX_FIELD_LENGTH + " characters", vendorId);
        }
        return cells();
    }

    /**
     * Advances to the next record, skipping empty lines.
     *
     * @return false at end of input
     */
    public boolean nextRecord() throws IOException, EngineFailure {
        return read(true);
    }

    /** Convenience for callers that want a fresh list: the next record's cells, or null at the end. */
    public List<String> next() throws IOException, EngineFailure {
        return nextRecord() ? cells() : null;
    }

    /** The docs/CONTRACT.md#row-parsing-and-row-errors number of the current record (header = 1). */
    public long recordNumber() { return recordNumber; }

    public int cellCount() { return cellCount; }

    /** Cell text; for an oversized cell only its first {@value #DISPLAY_PREFIX} chars. */
    public String cell(int i) {
        checkIndex(i);
        return new String(rowChars, starts[i], ends[i] - starts[i]);
    }

    public boolean isOversized(int i) {
        checkIndex(i);
        return oversized[i];
    }

    /** Index of the first oversized cell of the current record, or -1. */
    public int firstOversizedCell() { return firstOversized; }

    /**
     * The row-error reason when the current record exceeds a record limit, else null:
     * {@code row too long: exceeds 4194304 characters} or {@code too many fields: exceeds 16384
     * fields}. The cells read before the limit stay available for {@code row_data}.
     */
    public String recordLimitProblem() {
        if (rowProblem != null) return rowProblem;
        if (recordTooLong) return "row too long: exceeds " + MAX_RECORD_LENGTH + " characters";
        if (tooManyFields) return "too many fields: exceeds " + MAX_FIELDS + " fields";
        return null;
    }

    /** The row buffer's capacity in chars (tests: it never exceeds {@link #MAX_ROW_BUFFER}). */
    int rowBufferCapacity() { return (ownRowChars != null ? ownRowChars : rowChars).length; }

    /**
     * The cell as shown in {@code row_data} (docs/CONTRACT.md#row-parsing-and-row-errors): the raw text, or for an oversized cell its
     * first 100 chars followed by {@code ...[truncated]} (99 if the 100th would split a surrogate pair).
     */
    public String displayCell(int i) {
        checkIndex(i);
        if (!oversized[i]) return cell(i);
        int len = ends[i] - starts[i];
        if (len > 0 && Character.isHighSurrogate(rowChars[starts[i] + len - 1])) len--;
        return new String(rowChars, starts[i], len) + TRUNCATED_SUFFIX;
    }

    /** All cells of the current record ({@link #cell(int)} semantics). */
    public List<String> cells() {
        List<String> out = new ArrayList<>(cellCount);
        for (int i = 0; i < cellCount; i++) out.add(cell(i));
        return out;
    }

    // Package-private zero-copy access for the field parsers.
    char[] rowChars() { return rowChars; }

    int cellStart(int i) { return starts[i]; }

    int cellEnd(int i) { return ends[i]; }

    /**
     * Reads and discards the rest of the input without parsing it, so that a decode error anywhere
     * in the file surfaces even when the header already decided the outcome (docs/CONTRACT.md#decoding: an
     * undecodable file fails the run).
     */
    public void drainInput() throws IOException, EngineFailure {
        pos = lim;
        while (refill()) pos = lim;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= cellCount) throw new IndexOutOfBoundsException("cell " + i + " of " + cellCount);
    }

    // ---- Rows pushed by the reader of another format (docs/ENGINE.md#vendor-file-formats) ----------
    // xlsx, json, xml and fixed_width rows are laid out in this reader's row buffer, so the row
    // converter reads every format through one final class (the CSV hot path stays monomorphic) and
    // every format gets the same cell and record limits with the same row-error reasons.

    /** An empty store for rows pushed with {@link #beginRow}, {@link #addCell} and {@link #rejectRow}. */
    static CsvRecordReader rowStore(String vendorId) {
        return new CsvRecordReader(CharSource.of(""), ',', vendorId, false);
    }

    /** Starts a new current row numbered {@code number} (docs/CONTRACT.md#row-parsing-and-row-errors {@code row}). */
    void beginRow(long number) {
        resetRow();
        recordNumber = number;
    }

    /** Appends a cell to the current row, under the field and record limits of a CSV cell. */
    void addCell(char[] src, int off, int len) {
        beginField();
        append(src, off, len);
        endField();
    }

    /**
     * Starts a new current row numbered {@code number} whose cells are read where they are, in
     * {@code chars}, until the next row begins: the xlsx reader's rows as its reading thread wrote
     * them, not copied into the row buffer. The caller adds only cells within the field and record
     * limits ({@link #addCellInPlace}), so the row is the one {@link #addCell} would have made.
     */
    void beginRowInPlace(long number, char[] chars) {
        beginRow(number);
        ownRowChars = rowChars;
        rowChars = chars;
    }

    /** A cell of a row begun in place: its chars [start, end), no longer than a field and the row within the record limit. */
    void addCellInPlace(int start, int end) {
        if (cellCount == starts.length) growCells();
        starts[cellCount] = start;
        ends[cellCount] = end;
        oversized[cellCount] = false;
        cellCount++;
    }

    void addCell(String text) {
        int len = text.length();
        if (len <= 0) {
            addCell(src0(), 0, 0);
            return;
        }
        if (scratch == null) scratch = new char[8192];
        beginField();
        for (int i = 0; i < len; i += scratch.length) {
            int n = Math.min(scratch.length, len - i);
            text.getChars(i, i + n, scratch, 0);
            append(scratch, 0, n);
        }
        endField();
    }

    private char[] src0() {
        if (scratch == null) scratch = new char[8192];
        return scratch;
    }

    /** Makes the current row a row error with this reason; its cells stay available for {@code row_data}. */
    void rejectRow(String reason) {
        if (rowProblem == null) rowProblem = reason;
    }

    private void resetRow() {
        if (ownRowChars != null) {
            rowChars = ownRowChars;
            ownRowChars = null;
        }
        rowLen = 0;
        cellCount = 0;
        firstOversized = -1;
        recordChars = 0;
        recordTooLong = false;
        tooManyFields = false;
        discarding = false;
        rowProblem = null;
    }

    /** Reads one record into the row buffers. */
    private boolean read(boolean skipEmptyLines) throws IOException, EngineFailure {
        resetRow();
        // Record start: consume line ends that make empty lines.
        while (true) {
            if (pos == lim && !refill()) return false;
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
                if (skipEmptyLines) continue;
                recordNumber++;
                return true; // an empty header line: no columns
            }
            break;
        }
        final long thisRecord = recordNumber + 1;
        final char delim = delimiter;
        final char[] b = buf;
        while (true) { // one iteration per field
            beginField();
            if (pos == lim && !refill()) { // a delimiter right before end of input: empty last field
                endField();
                break;
            }
            if (b[pos] == '"') {
                pos++;
                boolean closedAtEof = false;
                while (true) {
                    if (pos == lim && !refill()) throw unterminatedQuote(thisRecord);
                    int p = pos;
                    final int l = lim;
                    while (p < l && b[p] != '"') p++;
                    append(b, pos, p - pos);
                    pos = p;
                    if (p == l) continue;
                    pos++; // the quote
                    if (pos == lim && !refill()) {
                        closedAtEof = true;
                        break;
                    }
                    if (b[pos] == '"') { // doubled quote: one literal quote
                        append(b, pos, 1);
                        pos++;
                        continue;
                    }
                    break; // closing quote; what follows up to the delimiter is appended literally
                }
                if (closedAtEof) {
                    endField();
                    break;
                }
            }
            boolean ended = false;
            while (true) {
                int p = pos;
                final int l = lim;
                while (p < l) {
                    char ch = b[p];
                    if (ch == delim || ch == '\n' || ch == '\r') break;
                    p++;
                }
                append(b, pos, p - pos);
                pos = p;
                if (p < l) break;
                if (!refill()) {
                    ended = true;
                    break;
                }
            }
            endField();
            if (ended) break;
            char c = b[pos++];
            if (c == delim) continue;
            skipLf = c == '\r';
            break;
        }
        recordNumber = thisRecord;
        return true;
    }

    private void beginField() {
        fieldStart = rowLen;
        fieldLength = 0;
        fieldOversized = false;
        if (cellCount == MAX_FIELDS && !discarding) {
            tooManyFields = true;
            discarding = true;
        }
    }

    private void append(char[] src, int off, int n) {
        recordChars += n;
        if (n == 0 || discarding) return;
        if (recordChars > MAX_RECORD_LENGTH) {
            // The record limit is reached in this field: cut it like an oversized field and keep
            // nothing of the rest of the record (bounded memory whatever the line).
            recordTooLong = true;
            if (!fieldOversized) keepDisplayPrefix(src, off, n);
            return;
        }
        if (fieldOversized) return;
        if ((long) fieldLength + n > MAX_FIELD_LENGTH) {
            // Keep only what row_data can show; count nothing more (docs/CONTRACT.md#csv-dialect: bounded memory).
            keepDisplayPrefix(src, off, n);
            return;
        }
        ensureRowCapacity(rowLen + n);
        System.arraycopy(src, off, rowChars, rowLen, n);
        rowLen += n;
        fieldLength += n;
    }

    /** Marks the field oversized, keeping its first {@value #DISPLAY_PREFIX} chars. */
    private void keepDisplayPrefix(char[] src, int off, int n) {
        fieldOversized = true;
        int have = Math.min(fieldLength, DISPLAY_PREFIX);
        int more = Math.min(DISPLAY_PREFIX - have, n);
        rowLen = fieldStart + have;
        ensureRowCapacity(rowLen + more);
        System.arraycopy(src, off, rowChars, rowLen, more);
        rowLen += more;
        fieldLength = have + more;
    }

    private void ensureRowCapacity(int needed) {
        if (needed > rowChars.length) {
            // Geometric growth (amortised linear copying), never past what the record limit lets
            // the row hold, so a field near the limits leaves no buffer of twice the limit behind.
            long doubled = 2L * rowChars.length;
            rowChars = Arrays.copyOf(rowChars, (int) Math.max(needed, Math.min(doubled, MAX_ROW_BUFFER)));
        }
    }

    private void endField() {
        if (discarding) return;
        if (recordTooLong) discarding = true; // this is the cut field: keep it, drop the rest
        if (cellCount == starts.length) growCells();
        starts[cellCount] = fieldStart;
        ends[cellCount] = rowLen;
        oversized[cellCount] = fieldOversized;
        if (fieldOversized && firstOversized < 0) firstOversized = cellCount;
        cellCount++;
    }

    private void growCells() {
        int n = cellCount * 2;
        starts = Arrays.copyOf(starts, n);
        ends = Arrays.copyOf(ends, n);
        oversized = Arrays.copyOf(oversized, n);
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

    private EngineFailure unterminatedQuote(long record) {
        return new EngineFailure("CSV_PARSE_ERROR", "NORMALIZE", "csv parse error for vendor " + label()
                + ": unterminated quoted field starting in row " + record, vendorId);
    }

    private String label() {
        return skuMap ? vendorId + " (sku map)" : vendorId;
    }
}
