package com.relay.engine.run;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.RowError;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One vendor's engine error entries (RI §3.5), serialised as they arrive into a temporary file of
 * comma-separated JSON objects. A feed of millions of bad rows therefore costs disk, not heap; the
 * entries are copied into {@code errors.json} at the end, in vendor and row order.
 */
final class ErrorLog implements Closeable {

    private final Path file;
    private final OutputStream out;
    private final JsonGenerator json;
    private long count;

    ErrorLog(ObjectMapper mapper, Path dir) throws IOException {
        Files.createDirectories(dir);
        this.file = Files.createTempFile(dir, "relay-errors-", ".jsonl");
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        this.json = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8);
        // entries are written back to back; errors.json adds the brackets
        this.json.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString(","));
    }

    void add(RowError e) throws IOException {
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
        count++;
    }

    long count() { return count; }

    /** Appends the entries (without brackets) to {@code target}. */
    void copyTo(OutputStream target) throws IOException {
        json.flush();
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(target);
        }
    }

    @Override
    public void close() {
        try {
            json.close();
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
