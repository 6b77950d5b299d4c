package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A vendor's SKU map (docs/CONTRACT.md#sku-map): {@code vendor_sku} → {@code sku}, read with the vendor's dialect and
 * encoding by the same decoder and reader as the feed. Immutable once loaded.
 *
 * <p>Held packed, with its memory counted against a limit (docs/ENGINE.md, "SKU maps"): a
 * {@code HashMap<String, String>} cost about 19 bytes of heap per byte of map file (14 MB took
 * 261 MB), so a multi-million-row map exhausted the heap. Here every key and value is stored once
 * in byte pages (one byte per char when all its chars are below U+0100, else two), with three ints
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
     * name), others ignored; both cells trimmed (docs/CONTRACT.md#conventions whitespace); rows with either cell empty or
     * absent, or with any oversized cell, or over a record limit, are skipped; a later row wins. A header without both columns
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
            if (reader.firstOversizedCell() >= 0 || reader.recordLimitProblem() != null) continue;
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

    /** {@code sku} replaced when it is a key, else unchanged (docs/CONTRACT.md#sku-map application). */
    public String map(String sku) {
        String target = table.get(sku);
        return target == null ? sku : target;
    }

    public int size() { return table.size; }

    /** Heap taken by the map: the allocated capacity of its arrays, with their headers. */
    public long heldBytes() { return table.heldBytes(); }

    /**
     * The packed table, in pages of at most 64 KiB so that no array is large: one large array
     * needs contiguous heap (G1 "humongous" regions) and a copy of itself to grow, which made the
     * real peak well above the counted size. Entry {@code e} has three ints of metadata: the
     * address of its key (page {@code << 16 |} offset), the key length and the value length (chars;
     * negative = two bytes per char); the value follows the key in the same page (an entry larger
     * than a page gets a page of its own). {@code slots} holds entry index + 1 (0 = free), linear
     * probing, at most three quarters full; it is rebuilt at twice the size, and the old and new
     * tables both count while that happens.
     */
    private static final class Table {
        private static final int META = 3;
        private static final int PAGE_BITS = 16;
        private static final int PAGE_BYTES = 1 << PAGE_BITS;
        private static final int INT_PAGE_BITS = 14; // 64 KiB of ints
        private static final int INT_PAGE = 1 << INT_PAGE_BITS;
        private static final long ARRAY_HEADER = 16;
        private static final long REFERENCE = 8;
        private static final int MAX_PAGES = 1 << 15;

        private final long maxBytes;
        private final String vendorId;
        private final String limitName;
        private byte[][] pages = new byte[0][];
        private int pageCount;
        private int current = -1; // the page new entries go to
        private int used;         // bytes used in it
        private int[][] meta = new int[0][];
        private int metaPages;
        private int[][] slots = new int[0][];
        private int capacity;     // slots, a power of two (0 = none yet)
        private long held = 3 * ARRAY_HEADER;
        private int size;

        Table(long maxBytes, String vendorId, String limitName) {
            this.maxBytes = maxBytes;
            this.vendorId = vendorId;
            this.limitName = limitName;
        }

        long heldBytes() {
            return held;
        }

        String get(String key) {
            if (size == 0) return null;
            int e = find(key, key.hashCode());
            if (e < 0) return null;
            int at = meta(e * META);
            return text(at, storedBytes(meta(e * META + 1)), meta(e * META + 2));
        }

        void put(String key, String value) throws EngineFailure {
            int hash = key.hashCode();
            int e = find(key, hash);
            if (e >= 0) { // a later row wins: in place when the new value fits, else key and value anew
                int m = e * META;
                int at = meta(m);
                int keyBytes = storedBytes(meta(m + 1));
                if (storedBytes(value) <= storedBytes(meta(m + 2))) {
                    setMeta(m + 2, store(value, at, keyBytes));
                } else {
                    at = append(keyBytes + storedBytes(value));
                    store(key, at, 0);
                    setMeta(m, at);
                    setMeta(m + 2, store(value, at, keyBytes));
                }
                return;
            }
            if ((size + 1) * 4L > capacity * 3L) growSlots();
            if ((size + 1) * (long) META > (long) metaPages * INT_PAGE) addMetaPage();
            int at = append(storedBytes(key) + storedBytes(value));
            int m = size * META;
            int keyLen = store(key, at, 0);
            setMeta(m, at);
            setMeta(m + 1, keyLen);
            setMeta(m + 2, store(value, at, storedBytes(keyLen)));
            insert(slots, capacity, size, hash);
            size++;
        }

        private int meta(int i) {
            return meta[i >>> INT_PAGE_BITS][i & (INT_PAGE - 1)];
        }

        private void setMeta(int i, int v) {
            meta[i >>> INT_PAGE_BITS][i & (INT_PAGE - 1)] = v;
        }

        private void addMetaPage() throws EngineFailure {
            if ((long) (metaPages + 1) * INT_PAGE > Integer.MAX_VALUE) tooLarge();
            long outer = metaPages == meta.length ? REFERENCE * Math.max(8, meta.length * 2L) : 0;
            reserve(ARRAY_HEADER + 4L * INT_PAGE + outer);
            if (outer > 0) {
                held -= REFERENCE * meta.length;
                meta = Arrays.copyOf(meta, Math.max(8, meta.length * 2));
            }
            meta[metaPages++] = new int[INT_PAGE];
        }

        private int find(String key, int hash) {
            if (capacity == 0) return -1;
            int mask = capacity - 1;
            for (int i = mix(hash) & mask; ; i = (i + 1) & mask) {
                int s = slots[i >>> INT_PAGE_BITS][i & (INT_PAGE - 1)];
                if (s == 0) return -1;
                int e = s - 1;
                if (sameText(key, meta(e * META), meta(e * META + 1))) return e;
            }
        }

        private static void insert(int[][] table, int capacity, int entry, int hash) {
            int mask = capacity - 1;
            int i = mix(hash) & mask;
            while (table[i >>> INT_PAGE_BITS][i & (INT_PAGE - 1)] != 0) i = (i + 1) & mask;
            table[i >>> INT_PAGE_BITS][i & (INT_PAGE - 1)] = entry + 1;
        }

        private void growSlots() throws EngineFailure {
            long next = Math.max(16, capacity * 2L);
            if (next > (1L << 30)) tooLarge();
            int n = (int) next;
            int pageInts = Math.min(n, INT_PAGE);
            int count = n / pageInts;
            long bytes = count * (ARRAY_HEADER + 4L * pageInts) + ARRAY_HEADER + REFERENCE * count;
            reserve(bytes); // the old table is still alive while the new one is filled
            int[][] table = new int[count][];
            for (int p = 0; p < count; p++) table[p] = new int[pageInts];
            for (int e = 0; e < size; e++) insert(table, n, e, hashOf(meta(e * META), meta(e * META + 1)));
            held -= slotBytes();
            slots = table;
            capacity = n;
        }

        private long slotBytes() {
            long b = ARRAY_HEADER + REFERENCE * slots.length;
            for (int[] page : slots) b += ARRAY_HEADER + 4L * page.length;
            return capacity == 0 ? ARRAY_HEADER : b;
        }

        /** Room for an entry of {@code bytes}; its address. */
        private int append(int bytes) throws EngineFailure {
            if (bytes > PAGE_BYTES) return newPage(bytes); // a page of its own
            if (current < 0 || used + bytes > PAGE_BYTES) {
                current = newPage(PAGE_BYTES) >>> PAGE_BITS;
                used = 0;
            }
            int at = (current << PAGE_BITS) | used;
            used += bytes;
            return at;
        }

        private int newPage(int bytes) throws EngineFailure {
            if (pageCount == MAX_PAGES) tooLarge();
            long outer = pageCount == pages.length ? REFERENCE * Math.max(8, pages.length * 2L) : 0;
            reserve(ARRAY_HEADER + bytes + outer);
            if (outer > 0) {
                held -= REFERENCE * pages.length;
                pages = Arrays.copyOf(pages, Math.max(8, pages.length * 2));
            }
            pages[pageCount] = new byte[bytes];
            return pageCount++ << PAGE_BITS;
        }

        /** Counts {@code moreBytes} as held, or fails when that passes the limit. */
        private void reserve(long moreBytes) throws EngineFailure {
            if (held + moreBytes > maxBytes) tooLarge();
            held += moreBytes;
        }

        private void tooLarge() throws EngineFailure {
            throw new EngineFailure(TOO_LARGE, "NORMALIZE", "sku map for vendor " + vendorId + " is too large: after "
                    + size + " entries it needs more than its limit of " + maxBytes + " bytes of memory ("
                    + limitName + "); raise ENGINE_MEMORY_BUDGET_MB or split the vendor's map", vendorId);
        }

        /** String.hashCode of a stored key, so the table can be rebuilt without keeping hashes. */
        private int hashOf(int at, int len) {
            int chars = len >= 0 ? len : -len;
            int h = 0;
            for (int i = 0; i < chars; i++) h = 31 * h + charAt(at, 0, len, i);
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

        /** Writes {@code s} at entry address {@code at} + {@code skip} bytes; its length (negative: two bytes per char). */
        private int store(String s, int at, int skip) {
            byte[] page = pages[at >>> PAGE_BITS];
            int off = (at & (PAGE_BYTES - 1)) + skip;
            if (latin1(s)) {
                for (int i = 0; i < s.length(); i++) page[off + i] = (byte) s.charAt(i);
                return s.length();
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                page[off + 2 * i] = (byte) (c >>> 8);
                page[off + 2 * i + 1] = (byte) c;
            }
            return -s.length();
        }

        private char charAt(int at, int skip, int len, int i) {
            byte[] page = pages[at >>> PAGE_BITS];
            int off = (at & (PAGE_BYTES - 1)) + skip;
            if (len >= 0) return (char) (page[off + i] & 0xFF);
            return (char) (((page[off + 2 * i] & 0xFF) << 8) | (page[off + 2 * i + 1] & 0xFF));
        }

        private boolean sameText(String s, int at, int len) {
            int chars = len >= 0 ? len : -len;
            if (chars != s.length()) return false;
            for (int i = 0; i < chars; i++) if (charAt(at, 0, len, i) != s.charAt(i)) return false;
            return true;
        }

        private String text(int at, int skip, int len) {
            if (len >= 0) {
                return new String(pages[at >>> PAGE_BITS], (at & (PAGE_BYTES - 1)) + skip, len, StandardCharsets.ISO_8859_1);
            }
            char[] chars = new char[-len];
            for (int i = 0; i < chars.length; i++) chars[i] = charAt(at, skip, len, i);
            return new String(chars);
        }
    }
}
