package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Writes the CSV files of docs/CONTRACT.md#output-csv-format: normalized files (13 canonical columns) and the merged file
 * ({@code output.columns}, optional {@code escape_formulas}). The header is written on creation;
 * rows are written in the order given (see {@link #rowOrder}). UTF-8 without BOM, {@code ,} as
 * delimiter, LF after every line. Encodes straight into its own byte buffer for speed; a string
 * with an unpaired surrogate is written with {@code ?} in its place, like Java's UTF-8 encoder.
 */
public final class CsvFeedWriter implements RecordConsumer, Flushable, Closeable {

    public static final List<CanonicalField> CANONICAL_COLUMNS = List.of(CanonicalField.values());

    private static final int BUFFER_BYTES = 1 << 16;

    private final OutputStream out;
    private final CanonicalField[] columns;
    private final boolean escapeFormulas;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    /** Bytes handed to {@code out} so far; with {@code pos}, the absolute output position. */
    private long drainedBytes;
    private long rowCount;
    private final StringBuilder scratch = new StringBuilder(32);
    /** Most rows of a run share one updated_at (the run's now): reuse its text. */
    private Instant lastInstant;
    private String lastInstantText;

    /** Creates the writer and writes the header line. */
    public CsvFeedWriter(OutputStream out, List<CanonicalField> columns, boolean escapeFormulas) throws IOException {
        this(out, columns, escapeFormulas, null);
    }

    private CsvFeedWriter(OutputStream out, List<CanonicalField> columns, boolean escapeFormulas, String trailingColumn)
            throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        if (columns == null || columns.isEmpty()) throw new IllegalArgumentException("columns must not be empty");
        this.columns = columns.toArray(new CanonicalField[0]);
        this.escapeFormulas = escapeFormulas;
        for (int i = 0; i < this.columns.length; i++) {
            if (i > 0) put((byte) ',');
            writeUtf8(this.columns[i].columnName());
        }
        if (trailingColumn != null) {
            put((byte) ',');
            writeUtf8(trailingColumn);
        }
        put((byte) '\n');
    }

    /**
     * The feed state writer (docs/CONTRACT.md#publishing-diff-delta-and-guard): the normalized file's canonical columns
     * plus {@code missing_since}; rows through {@link #writeRow(InventoryRecord, Instant)}.
     */
    public static CsvFeedWriter feedState(OutputStream out) throws IOException {
        return new CsvFeedWriter(out, CANONICAL_COLUMNS, false, "missing_since");
    }

    /** The header line (column names joined by {@code ,}, then LF) as UTF-8 bytes. */
    public static byte[] headerLine(List<CanonicalField> columns) {
        StringBuilder sb = new StringBuilder();
        for (CanonicalField c : columns) {
            if (sb.length() > 0) sb.append(',');
            sb.append(c.columnName());
        }
        return sb.append('\n').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A normalized file writer: canonical columns, never escaped (docs/CONTRACT.md#output-columns). */
    public static CsvFeedWriter normalized(OutputStream out) throws IOException {
        return new CsvFeedWriter(out, CANONICAL_COLUMNS, false);
    }

    /** The merged file writer: {@code output.columns} and {@code output.escape_formulas}. */
    public static CsvFeedWriter merged(OutputStream out, TenantConfig.Output output) throws IOException {
        return new CsvFeedWriter(out, columnsOf(output.columns()), output.escapeFormulas());
    }

    /** Column names to fields; names are validated by the configuration parser (docs/CONTRACT.md#validation). */
    public static List<CanonicalField> columnsOf(List<String> names) {
        List<CanonicalField> fields = new ArrayList<>(names.size());
        for (String name : names) {
            fields.add(CanonicalField.fromColumnName(name).orElseThrow(
                    () -> new IllegalArgumentException("not a canonical column: " + name)));
        }
        return fields;
    }

    /**
     * docs/CONTRACT.md#row-order row order: {@code sku}, then {@code vendor_id} when it is an output column, by code
     * point on the unescaped values, a missing sku as "". Use with a stable sort.
     */
    public static Comparator<InventoryRecord> rowOrder(List<CanonicalField> columns) {
        if (!columns.contains(CanonicalField.VENDOR_ID)) return BestOfferMerger.BY_SKU;
        return BestOfferMerger.BY_SKU.thenComparing(
                (a, b) -> CodePointOrder.compareStrings(nullToEmpty(a.vendorId()), nullToEmpty(b.vendorId())));
    }

    /** Writes {@code records} in docs/CONTRACT.md#row-order order (stable sort of a copy). */
    public void writeSorted(Collection<InventoryRecord> records) throws IOException {
        List<InventoryRecord> copy = new ArrayList<>(records);
        copy.sort(rowOrder(List.of(columns)));
        for (InventoryRecord r : copy) writeRow(r);
    }

    @Override
    public void accept(InventoryRecord record) throws IOException {
        writeRow(record);
    }

    public void writeRow(InventoryRecord r) throws IOException {
        long rowStart = drainedBytes + pos;
        for (int i = 0; i < columns.length; i++) {
            if (i > 0) put((byte) ',');
            writeCell(r, columns[i]);
        }
        // docs/CONTRACT.md#quoting: a one-column row with an empty cell is written "" (kept for compatibility)
        if (columns.length == 1 && drainedBytes + pos == rowStart) {
            put((byte) '"');
            put((byte) '"');
        }
        put((byte) '\n');
        rowCount++;
    }

    /** A feed state row: the canonical cells, then the trailing timestamp cell (empty when null). */
    public void writeRow(InventoryRecord r, Instant trailing) throws IOException {
        for (int i = 0; i < columns.length; i++) {
            if (i > 0) put((byte) ',');
            writeCell(r, columns[i]);
        }
        put((byte) ',');
        writeTimestamp(trailing);
        put((byte) '\n');
        rowCount++;
    }

    public long rowCount() {
        return rowCount;
    }

    private void writeCell(InventoryRecord r, CanonicalField field) throws IOException {
        switch (field) {
            case SKU -> writeText(r.sku(), field);
            case VENDOR_SKU -> writeText(r.vendorSku(), field);
            case VENDOR_ID -> writeText(r.vendorId(), field);
            case QUANTITY_AVAILABLE -> writeLong(r.quantityAvailable());
            case LEAD_TIME_DAYS -> {
                if (r.leadTimeDays() != null) writeLong(r.leadTimeDays());
            }
            case COST -> writeMoney(r.cost(), (r.negativeZeroMask() & InventoryRecord.NEG_ZERO_COST) != 0);
            case MAP_PRICE -> writeMoney(r.mapPrice(), (r.negativeZeroMask() & InventoryRecord.NEG_ZERO_MAP_PRICE) != 0);
            case PRICE -> writeMoney(r.price(), false);
            case MSRP -> writeMoney(r.msrp(), (r.negativeZeroMask() & InventoryRecord.NEG_ZERO_MSRP) != 0);
            case CONDITION -> writeText(r.condition(), field);
            case BRAND -> writeText(r.brand(), field);
            case TITLE -> writeText(r.title(), field);
            case UPDATED_AT -> writeTimestamp(r.updatedAt());
        }
    }

    private void writeMoney(BigDecimal value, boolean negativeZero) throws IOException {
        if (value != null) writeUtf8(CellFormatter.money(value, negativeZero));
    }

    private void writeTimestamp(Instant instant) throws IOException {
        if (instant == null) return;
        if (!instant.equals(lastInstant)) {
            scratch.setLength(0);
            CellFormatter.appendTimestamp(scratch, instant);
            lastInstantText = scratch.toString();
            lastInstant = instant;
        }
        writeUtf8(lastInstantText);
    }

    /** Escaping first, then quoting (docs/CONTRACT.md#cell-text, docs/CONTRACT.md#quoting). */
    private void writeText(String text, CanonicalField field) throws IOException {
        if (text == null || text.isEmpty()) return;
        boolean escape = escapeFormulas && CellFormatter.needsFormulaEscape(text);
        int n = text.length();
        // Fast path, one pass: plain ASCII without a character that forces quoting.
        if (n + 1 <= BUFFER_BYTES) {
            if (BUFFER_BYTES - pos < n + 1) drain();
            int start = pos;
            if (escape) buf[pos++] = '\'';
            int i = 0;
            for (; i < n; i++) {
                char c = text.charAt(i);
                if (c >= 0x80 || c == ',' || c == '"' || c == '\n' || c == '\r') break;
                buf[pos++] = (byte) c;
            }
            if (i == n) return;
            pos = start; // fall back to the general path for this cell
        }
        if (!CellFormatter.needsQuoting(text)) {
            if (escape) put((byte) '\'');
            writeUtf8(text);
            return;
        }
        put((byte) '"');
        if (escape) put((byte) '\'');
        int from = 0;
        for (int q = text.indexOf('"'); q >= 0; q = text.indexOf('"', q + 1)) {
            writeUtf8(text, from, q + 1);
            put((byte) '"');
            from = q + 1;
        }
        writeUtf8(text, from, text.length());
        put((byte) '"');
    }

    private final byte[] digits = new byte[20];

    /** Decimal digits straight into the buffer (no String per number). */
    private void writeLong(long v) throws IOException {
        if (v >= 0 && v < 10) {
            put((byte) ('0' + v));
            return;
        }
        if (v == Long.MIN_VALUE) {
            writeUtf8(Long.toString(v));
            return;
        }
        if (BUFFER_BYTES - pos < 21) drain();
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        int d = digits.length;
        do {
            digits[--d] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        int len = digits.length - d;
        System.arraycopy(digits, d, buf, pos, len);
        pos += len;
    }

    private void writeUtf8(String s) throws IOException {
        writeUtf8(s, 0, s.length());
    }

    private void writeUtf8(String s, int from, int to) throws IOException {
        int i = from;
        // ASCII run while it fits the buffer (the common case), then the general encoder
        if (to - from <= BUFFER_BYTES) {
            if (BUFFER_BYTES - pos < to - from) drain();
            for (; i < to; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) break;
                buf[pos++] = (byte) c;
            }
        }
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (pos > BUFFER_BYTES - 4) drain();
            if (c < 0x80) {
                buf[pos++] = (byte) c;
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xC0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                char low = i + 1 < to ? s.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(c, low);
                    buf[pos++] = (byte) (0xF0 | (cp >> 18));
                    buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[pos++] = (byte) (0x80 | (cp & 0x3F));
                    i++;
                } else {
                    buf[pos++] = '?';
                }
            } else {
                buf[pos++] = (byte) (0xE0 | (c >> 12));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void put(byte b) throws IOException {
        if (pos == BUFFER_BYTES) drain();
        buf[pos++] = b;
    }

    private void drain() throws IOException {
        out.write(buf, 0, pos);
        drainedBytes += pos;
        pos = 0;
    }

    /** Writes buffered bytes and flushes the stream (leaves it open). */
    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    /** Flushes and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        try (out) {
            drain();
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
