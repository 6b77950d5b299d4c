package com.relay.engine.run;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.RowError;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One vendor's engine error entries (docs/CONTRACT.md#row-parsing-and-row-errors), serialised as they arrive into a temporary file of
 * comma-separated JSON objects. A feed of millions of bad rows therefore costs disk, not heap; the
 * entries are copied into {@code errors.json} at the end, in vendor and row order.
 *
 * <p>Every entry is counted (the thresholds and {@code invalid_rows} need exact counts), but only
 * samples are stored (docs/ENGINE.md, "Error log caps"): no entry after the one that makes the run's
 * failure certain ({@code storeLimit}), and no entry that would take the file past {@code maxBytes}.
 * One notice entry, first in the vendor's entries, says how many were left out and why.
 */
final class ErrorLog implements Closeable {

    private final ObjectMapper mapper;
    private final String vendorId;
    private final long storeLimit;
    private final long maxBytes;
    private final Path file;
    private final OutputStream out;
    /** One entry at a time, so its size is known before it is stored. */
    private final ByteArrayOutputStream entry = new ByteArrayOutputStream(1 << 12);
    private final JsonGenerator json;
    private long count;
    private long bytes;
    private long omittedByThreshold;
    private long omittedBySize;

    /**
     * @param storeLimit entries worth storing (ErrorThresholds.samplesWorthStoring)
     * @param maxBytes   bytes of stored entries this vendor may write (its share of ENGINE_ERRORS_MAX_MB)
     */
    ErrorLog(ObjectMapper mapper, Path dir, String vendorId, long storeLimit, long maxBytes) throws IOException {
        this.mapper = mapper;
        this.vendorId = vendorId;
        this.storeLimit = storeLimit;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        this.file = Files.createTempFile(dir, "relay-errors-", ".jsonl");
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        this.json = mapper.getFactory().createGenerator(entry, JsonEncoding.UTF8);
        this.json.setRootValueSeparator(null); // entries are separated when stored
    }

    void add(RowError e) throws IOException {
        count++;
        if (count > storeLimit) {
            omittedByThreshold++;
            return;
        }
        entry.reset();
        json.writeStartObject();
        json.writeStringField("vendor_id", e.vendorId());
        json.writeNumberField("row_number", e.rowNumber());
        json.writeStringField("reason", e.reason());
        json.writeFieldName("row_data");
        json.writeStartObject();
        for (Map.Entry<String, Object> cell : e.rowData().entrySet()) {
            json.writeFieldName(cell.getKey());
            Object v = cell.getValue();
            if (v == null) {
                json.writeNull();
            } else if (v instanceof Iterable<?> surplus) {
                json.writeStartArray();
                for (Object s : surplus) json.writeString(String.valueOf(s));
                json.writeEndArray();
            } else {
                json.writeString(v.toString());
            }
        }
        json.writeEndObject();
        json.writeEndObject();
        json.flush();
        long needed = entry.size() + (bytes == 0 ? 0 : 1);
        if (bytes + needed > maxBytes) {
            omittedBySize++;
            return;
        }
        if (bytes > 0) out.write(',');
        entry.writeTo(out);
        bytes += needed;
    }

    /** Every entry added, stored or not (the run's {@code invalid_rows} counts them all). */
    long count() { return count; }

    /** Entries counted but not stored. */
    long omitted() { return omittedByThreshold + omittedBySize; }

    /** Bytes of stored entries (at most {@code maxBytes}). */
    long storedBytes() { return bytes; }

    /** Whether {@link #copyTo} writes anything. */
    boolean hasEntries() { return count > 0; }

    /** Appends the notice (when entries were left out) and the stored entries, without brackets. */
    void copyTo(OutputStream target) throws IOException {
        out.flush();
        boolean first = true;
        if (omitted() > 0) {
            target.write(mapper.writeValueAsBytes(omissionNotice()));
            first = false;
        }
        if (bytes > 0) {
            if (!first) target.write(',');
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(target);
            }
        }
    }

    /** A vendor-level entry (docs/CONTRACT.md#artifacts shape), not counted in {@code invalid_rows}. */
    Map<String, Object> omissionNotice() {
        StringBuilder why = new StringBuilder();
        if (omittedByThreshold > 0) {
            why.append(omittedByThreshold).append(" after max_invalid_rows ").append(storeLimit - 1)
                    .append(" was exceeded (the run fails validation_errors)");
        }
        if (omittedBySize > 0) {
            if (why.length() > 0) why.append(", ");
            why.append(omittedBySize).append(" beyond this vendor's ").append(maxBytes)
                    .append(" bytes of errors.json (ENGINE_ERRORS_MAX_MB)");
        }
        RowError notice = RowError.vendorLevel(vendorId, "error entries omitted: " + omitted() + " of " + count
                + " not stored: " + why);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vendor_id", notice.vendorId());
        m.put("row_number", 0L);
        m.put("reason", notice.reason());
        m.put("row_data", notice.rowData());
        return m;
    }

    @Override
    public void close() {
        try {
            json.close();
            out.close();
        } catch (IOException ignored) {
            // the file is deleted next
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // temp dir cleanup is best effort
        }
    }
}
