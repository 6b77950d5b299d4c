package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A vendor's SKU map (RI §3.6): {@code vendor_sku} → {@code sku}, read with the vendor's dialect and
 * encoding by the same decoder and reader as the feed. Immutable once loaded.
 *
 * <p>Held packed, with its memory counted against a limit (docs/ENGINE.md, "SKU maps"): a
 * {@code HashMap<String, String>} cost about 19 bytes of heap per byte of map file (14 MB took
 * 261 MB), so a multi-million-row map exhausted the heap. Here every key and value is stored once
 * in a byte arena (one byte per char when all its chars are below U+0100, else two), with five ints
 * of metadata per entry and an open-addressing table of ints: no object per entry. What is counted
 * is the allocated capacity of those arrays; a map that needs more than its limit fails the run
 * with {@value #TOO_LARGE} instead of exhausting the heap.
 */
public final class SkuMapping {
    /** Run error code of a map over its memory limit (stage NORMALIZE, with the vendor id). */
    public static final String TOO_LARGE = "SKU_MAP_TOO_LARGE";

    private static final SkuMapping EMPTY = new SkuMapping(new Table(Long.MAX_VALUE, "none", "none"));

    private final Table table;

    private SkuMapping(Table table) {
        this.table = table;
    }

    /** {@link #load(InputStream, TenantConfig.Parser, String, long, String)} without a memory limit. */
    public static SkuMapping load(InputStream in, TenantConfig.Parser parser, String vendorId)
            throws EngineFailure, IOException {
        return load(in, parser, vendorId, Long.MAX_VALUE, "no limit");
    }

    /**
     * Loads a map: header columns exactly {@code vendor_sku} and {@code sku} (the last of a repeated
     * name), others ignored; both cells trimmed (RI §1.4 whitespace); rows with either cell empty or
     * absent, or with any oversized cell, are skipped; a later row wins. A header without both columns
     * gives an empty map (the rest is still decoded, so an undecodable map fails).
     *
     * @param maxBytes  heap the loaded map may take, counted as {@link #heldBytes()}
     * @param limitName how the limit is set, for the error message (e.g. {@code ENGINE_MEMORY_BUDGET_MB=256 / 8})
     * @throws EngineFailure DECODE_ERROR / CSV_PARSE_ERROR with {@code (sku map)} in the message;
     *                       {@value #TOO_LARGE} as soon as the map would need more than {@code maxBytes}
     */
    public static SkuMapping load(InputStream in, TenantConfig.Parser parser, String vendorId, long maxBytes,
                                  String limitName) throws EngineFailure, IOException {
        CsvRecordReader reader = new CsvRecordReader(
                FeedDecoder.open(in, parser.encoding(), vendorId, true), parser.delimiter(), vendorId, true);
        java.util.List<String> header = reader.readHeader();
        int vendorSkuColumn = header.lastIndexOf("vendor_sku");
        int skuColumn = header.lastIndexOf("sku");
        if (vendorSkuColumn < 0 || skuColumn < 0) {
            reader.drainInput();
            return EMPTY;
        }
        Table targets = new Table(maxBytes, vendorId, limitName);
        while (reader.nextRecord()) {
            if (reader.firstOversizedCell() >= 0) continue;
            if (vendorSkuColumn >= reader.cellCount() || skuColumn >= reader.cellCount()) continue;
            String vendorSku = Whitespace.trim(reader.cell(vendorSkuColumn));
            String sku = Whitespace.trim(reader.cell(skuColumn));
            if (vendorSku.isEmpty() || sku.isEmpty()) continue;
            targets.put(vendorSku, sku);
        }
        return new SkuMapping(targets);
    }

    /** A map from given pairs (tests, callers that build maps themselves); keys and values as given. */
    public static SkuMapping of(Map<String, String> targets) {
        Table table = new Table(Long.MAX_VALUE, "none", "none");
        try {
            for (Map.Entry<String, String> e : targets.entrySet()) table.put(e.getKey(), e.getValue());
        } catch (EngineFailure impossible) {
            throw new IllegalStateException(impossible);
        }
        return new SkuMapping(table);
    }

    public static SkuMapping empty() { return EMPTY; }

    /** The mapped sku for an exact (case-sensitive) {@code vendor_sku} key. */
    public Optional<String> lookup(String vendorSku) {
        return Optional.ofNullable(table.get(vendorSku));
    }

    /** {@code sku} replaced when it is a key, else unchanged (RI §3.6 application). */
    public String map(String sku) {
        String target = table.get(sku);
        return target == null ? sku : target;
    }

    public int size() { return table.size; }

    /** Heap taken by the map: the allocated capacity of its arrays, with their headers. */
    public long heldBytes() { return table.heldBytes(); }

    /**
     * The packed table. Entry {@code e} has three ints in {@code meta}: start of its key in the
     * arena, key length and value length (chars; negative = two bytes per char); the value follows
     * the key. {@code slots} holds entry index + 1 (0 = free), linear probing, at most three
     * quarters full. Arrays grow by a quarter, never past the limit.
     */
    private static final class Table {
        private static final int META = 3;
        private static final long ARRAY_HEADER = 16;

        private final long maxBytes;
        private final String vendorId;
        private final String limitName;
        private byte[] arena = new byte[0];
        private int used;
        private int[] meta = new int[0];
        private int[] slots = new int[0];
        private int size;

        Table(long maxBytes, String vendorId, String limitName) {
            this.maxBytes = maxBytes;
            this.vendorId = vendorId;
            this.limitName = limitName;
        }

        long heldBytes() {
            return 3 * ARRAY_HEADER + arena.length + 4L * meta.length + 4L * slots.length;
        }

        String get(String key) {
            if (size == 0) return null;
            int e = find(key, key.hashCode());
            if (e < 0) return null;
            int m = e * META;
            return text(meta[m] + storedBytes(meta[m + 1]), meta[m + 2]);
        }

        void put(String key, String value) throws EngineFailure {
            int hash = key.hashCode();
            int e = find(key, hash);
            if (e >= 0) { // a later row wins: in place when the new value fits, else key and value anew
                int m = e * META;
                int valueAt = meta[m] + storedBytes(meta[m + 1]);
                if (storedBytes(value) <= storedBytes(meta[m + 2])) {
                    meta[m + 2] = store(value, valueAt);
                } else {
                    int at = append(storedBytes(key) + storedBytes(value));
                    meta[m] = at;
                    meta[m + 1] = store(key, at);
                    meta[m + 2] = store(value, at + storedBytes(meta[m + 1]));
                }
                return;
            }
            if ((size + 1) * 4L > slots.length * 3L) growSlots();
            if ((size + 1) * (long) META > meta.length) meta = grow(meta, (size + 1) * (long) META);
            int at = append(storedBytes(key) + storedBytes(value));
            int m = size * META;
            meta[m] = at;
            meta[m + 1] = store(key, at);
            meta[m + 2] = store(value, at + storedBytes(meta[m + 1]));
            insert(size, hash);
            size++;
        }

        private int find(String key, int hash) {
            if (slots.length == 0) return -1;
            int mask = slots.length - 1;
            for (int i = mix(hash) & mask; ; i = (i + 1) & mask) {
                int s = slots[i];
                if (s == 0) return -1;
                int e = s - 1;
                if (sameText(key, meta[e * META], meta[e * META + 1])) return e;
            }
        }

        private void insert(int entry, int hash) {
            int mask = slots.length - 1;
            int i = mix(hash) & mask;
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = entry + 1;
        }

        private void growSlots() throws EngineFailure {
            int capacity = Math.max(16, slots.length * 2);
            if (capacity <= 0) tooLarge();
            reserve(4L * capacity - 4L * slots.length);
            slots = new int[capacity];
            for (int e = 0; e < size; e++) insert(e, hashOf(meta[e * META], meta[e * META + 1]));
        }

        private int[] grow(int[] a, long needed) throws EngineFailure {
            if (needed > Integer.MAX_VALUE - 8L) tooLarge();
            long capacity = Math.max(needed, Math.min(Integer.MAX_VALUE - 8L, Math.max(16, a.length + (a.length >> 2))));
            capacity = Math.min(capacity, needed + roomFor(4L * (capacity - needed)) / 4);
            reserve(4L * (capacity - a.length));
            return Arrays.copyOf(a, (int) capacity);
        }

        /** Room for {@code bytes} more at the end of the arena; its start. */
        private int append(int bytes) throws EngineFailure {
            long needed = (long) used + bytes;
            if (needed > arena.length) {
                if (needed > Integer.MAX_VALUE - 8L) tooLarge();
                long capacity = Math.min(Integer.MAX_VALUE - 8L, Math.max(needed, Math.max(4096, arena.length + (arena.length >> 2))));
                capacity = Math.min(capacity, needed + roomFor(capacity - needed));
                reserve(capacity - arena.length);
                arena = Arrays.copyOf(arena, (int) capacity);
            }
            int at = used;
            used = (int) needed;
            return at;
        }

        /** Growth beyond what is needed only as far as the limit allows. */
        private long roomFor(long extra) {
            long left = maxBytes - heldBytes();
            return Math.max(0, Math.min(extra, left));
        }

        private void reserve(long moreBytes) throws EngineFailure {
            if (heldBytes() + moreBytes > maxBytes) tooLarge();
        }

        private void tooLarge() throws EngineFailure {
            throw new EngineFailure(TOO_LARGE, "NORMALIZE", "sku map for vendor " + vendorId + " is too large: after "
                    + size + " entries it needs more than its limit of " + maxBytes + " bytes of memory ("
                    + limitName + "); raise ENGINE_MEMORY_BUDGET_MB or split the vendor's map", vendorId);
        }

        /** String.hashCode of a stored text, so the table can be rebuilt without keeping hashes. */
        private int hashOf(int at, int len) {
            int chars = len >= 0 ? len : -len;
            int h = 0;
            for (int i = 0; i < chars; i++) h = 31 * h + charAt(at, len, i);
            return h;
        }

        private static int mix(int h) {
            h = (h ^ (h >>> 16)) * 0x9E3779B9;
            return h ^ (h >>> 15); // the table masks low bits: fold the well-mixed high bits in
        }

        private static boolean latin1(String s) {
            for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0xFF) return false;
            return true;
        }

        private static int storedBytes(String s) {
            return latin1(s) ? s.length() : 2 * s.length();
        }

        private static int storedBytes(int len) {
            return len >= 0 ? len : -2 * len;
        }

        /** Writes {@code s} at {@code at}; its encoded length (negative for two bytes per char). */
        private int store(String s, int at) {
            if (latin1(s)) {
                for (int i = 0; i < s.length(); i++) arena[at + i] = (byte) s.charAt(i);
                return s.length();
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                arena[at + 2 * i] = (byte) (c >>> 8);
                arena[at + 2 * i + 1] = (byte) c;
            }
            return -s.length();
        }

        private char charAt(int at, int len, int i) {
            if (len >= 0) return (char) (arena[at + i] & 0xFF);
            return (char) (((arena[at + 2 * i] & 0xFF) << 8) | (arena[at + 2 * i + 1] & 0xFF));
        }

        private boolean sameText(String s, int at, int len) {
            int chars = len >= 0 ? len : -len;
            if (chars != s.length()) return false;
            for (int i = 0; i < chars; i++) if (charAt(at, len, i) != s.charAt(i)) return false;
            return true;
        }

        private String text(int at, int len) {
            if (len >= 0) return new String(arena, at, len, StandardCharsets.ISO_8859_1);
            char[] chars = new char[-len];
            for (int i = 0; i < chars.length; i++) chars[i] = charAt(at, len, i);
            return new String(chars);
        }
    }
}
