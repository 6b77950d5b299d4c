package com.relay.engine;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sparse index of one SKU-sorted CSV (a normalized file, docs/CONTRACT.md#row-order): the SKU and byte
 * offset of the first row at or after every {@link #DEFAULT_BLOCK_BYTES} bytes (docs/ENGINE.md#explain-index).
 * The rows of a SKU lie in {@link #rangeOf}: from the last entry whose SKU sorts before it to the first
 * entry whose SKU sorts after it, so one SKU is found by reading about two blocks instead of the file.
 *
 * @param offsets   the entries' row offsets, ascending; {@code skus.get(i)} is the SKU of that row
 * @param dataStart the first data row's offset (the header's length)
 * @param bytes     the file's length
 * @param rows      data rows in the file
 */
public record SkuBlockIndex(List<String> skus, long[] offsets, long dataStart, long bytes, long rows) {

    /** One entry per 64 KiB of rows: a 400,000-SKU normalized file (~40 MB) gets ~600 entries. */
    public static final int DEFAULT_BLOCK_BYTES = 64 << 10;
    /**
     * A row whose SKU is longer is not an entry (the next row is): the index stays a small fraction
     * of the file even with hostile SKUs of up to a field's 1,048,576 characters.
     */
    public static final int MAX_ENTRY_SKU_CHARS = 1024;

    /** The byte range {@code [start, end)} holding every row whose SKU is {@code sku}. */
    public long[] rangeOf(String sku) {
        // last entry strictly before sku: rows of sku can start right after an entry of an equal SKU
        int lo = 0;
        int hi = skus.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (CodePointOrder.compareStrings(skus.get(mid), sku) < 0) lo = mid + 1;
            else hi = mid;
        }
        long start = lo == 0 ? dataStart : offsets[lo - 1];
        // first entry strictly after sku
        int a = lo;
        int b = skus.size();
        while (a < b) {
            int mid = (a + b) >>> 1;
            if (CodePointOrder.compareStrings(skus.get(mid), sku) <= 0) a = mid + 1;
            else b = mid;
        }
        long end = a == skus.size() ? bytes : offsets[a];
        return new long[] {start, end};
    }

    /** The JSON form stored in {@code reports/explain_index.json} (docs/CONTRACT.md#artifacts). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data_start", dataStart);
        m.put("bytes", bytes);
        m.put("rows", rows);
        List<Object[]> entries = new ArrayList<>(skus.size());
        for (int i = 0; i < skus.size(); i++) entries.add(new Object[] {skus.get(i), offsets[i]});
        m.put("entries", entries);
        return m;
    }

    /** Reads {@link #toJson}'s form back; a malformed index is an {@link IllegalArgumentException}. */
    public static SkuBlockIndex fromJson(JsonNode node) {
        JsonNode entries = node.path("entries");
        if (!entries.isArray() || !node.path("bytes").canConvertToLong() || !node.path("data_start").canConvertToLong()) {
            throw new IllegalArgumentException("explain index entry without bytes, data_start or entries");
        }
        List<String> skus = new ArrayList<>(entries.size());
        long[] offsets = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            if (!e.isArray() || e.size() != 2 || !e.get(0).isTextual() || !e.get(1).canConvertToLong()) {
                throw new IllegalArgumentException("explain index entry " + i + " is not [sku, offset]");
            }
            skus.add(e.get(0).asText());
            offsets[i] = e.get(1).asLong();
        }
        return new SkuBlockIndex(List.copyOf(skus), offsets, node.get("data_start").asLong(), node.get("bytes").asLong(),
                node.path("rows").asLong());
    }

    /** Collects entries while the file is written, row by row in file order. Not thread-safe. */
    public static final class Builder {
        private final int blockBytes;
        private final List<String> skus = new ArrayList<>();
        private long[] offsets = new long[16];
        private long nextAt;
        private long dataStart = -1;
        private long rows;

        public Builder() {
            this(DEFAULT_BLOCK_BYTES);
        }

        public Builder(int blockBytes) {
            if (blockBytes <= 0) throw new IllegalArgumentException("block size must be positive");
            this.blockBytes = blockBytes;
        }

        /** The header is {@code headerBytes} long: the first row starts there (and is always an entry). */
        public void header(long headerBytes) {
            dataStart = headerBytes;
            nextAt = headerBytes;
        }

        /** Whether the row at {@code offset} becomes an entry: the caller then calls {@link #add} (no SKU string otherwise). */
        public boolean wants(long offset) {
            rows++;
            return offset >= nextAt;
        }

        public void add(String sku, long offset) {
            if (sku.length() > MAX_ENTRY_SKU_CHARS) return; // the next row takes the place
            if (skus.size() == offsets.length) offsets = java.util.Arrays.copyOf(offsets, offsets.length * 2);
            offsets[skus.size()] = offset;
            skus.add(sku);
            nextAt = offset + blockBytes;
        }

        /** The index of a file of {@code bytes} bytes. */
        public SkuBlockIndex build(long bytes) {
            if (dataStart < 0) throw new IllegalStateException("no header recorded");
            return new SkuBlockIndex(List.copyOf(skus), java.util.Arrays.copyOf(offsets, skus.size()), dataStart, bytes, rows);
        }
    }
}
