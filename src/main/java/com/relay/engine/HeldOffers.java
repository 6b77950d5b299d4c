package com.relay.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * The best offer per SKU as {@link BestOfferMerger} holds it: an open-addressing hash table over
 * parallel primitive arrays. The fields the offer order reads are array columns; the SKU's
 * characters and the other fields (packed exactly: null-ness, decimal scale, the negative-zero
 * mask, every string code unit) live in two growing arenas. Hundreds of thousands of SKUs stay
 * alive for a whole run; held as records (about fifteen objects each, plus a map node) they were
 * most of the garbage collector's work, held here they are a handful of arrays and one object per
 * SKU (its cost, shared with the record it came from).
 *
 * <p>Replacing an offer appends its new packed bytes; the dead ones are reclaimed by compacting
 * the arena when it would otherwise grow. Not thread-safe.
 */
final class HeldOffers {

    private static final byte NULL = 0;
    private static final byte LATIN1 = 1;
    private static final byte UTF16 = 2;
    private static final byte COMPACT_DECIMAL = 1;
    private static final byte BIG_DECIMAL = 2;
    private static final byte INSTANT = 1;

    /** Bytes of one row across the column arrays (ints, longs, flags, two references). */
    private static final int COLUMN_BYTES = 5 * 4 + 3 * 8 + 2 + 2 * 4 + 4;
    /** A {@code BigDecimal} cost object (compact: no {@code BigInteger} behind it). */
    private static final int DECIMAL_BYTES = 40;

    private int[] slots = new int[1 << 10]; // entry + 1; 0 = free
    private int size;

    // columns, one row per held SKU
    private int[] hashes = new int[512];
    private int[] skuStart = new int[512];
    private int[] skuLength = new int[512];
    private int[] packedStart = new int[512];
    private int[] packedLength = new int[512];
    private long[] quantity = new long[512];
    private long[] lead = new long[512];
    private boolean[] hasLead = new boolean[512];
    private boolean[] nullSku = new boolean[512];
    private BigDecimal[] cost = new BigDecimal[512];
    private String[] vendorId = new String[512];
    private int[] vendorIndex = new int[512];
    private long[] rowNumber = new long[512];

    private char[] skuChars = new char[1 << 14];
    private int skuUsed;
    private byte[] packed = new byte[1 << 16];
    private int packedUsed;
    private long packedLive;

    private byte[] scratch = new byte[256];
    private int pos;

    int size() {
        return size;
    }

    /**
     * Heap bytes the table has allocated (the memory budget's measure, docs/CONTRACT.md#orchestration-streaming-and-memory): array capacities,
     * not just the used part, so growth by doubling and dead packed bytes count too.
     */
    long heldBytes() {
        return 4L * slots.length + (long) COLUMN_BYTES * hashes.length + (long) DECIMAL_BYTES * size
                + 2L * skuChars.length + packed.length;
    }

    /** A view of the fields the offer order reads, for the entry at {@code row}. */
    long quantity(int row) { return quantity[row]; }

    Long lead(int row) { return hasLead[row] ? lead[row] : null; }

    BigDecimal cost(int row) { return cost[row]; }

    String vendorId(int row) { return vendorId[row]; }

    int vendorIndex(int row) { return vendorIndex[row]; }

    long rowNumber(int row) { return rowNumber[row]; }

    /**
     * The row holding {@code sku} (a missing SKU groups as "", like the merge does), or
     * {@code -1 - slot} of the free slot where it would go.
     */
    int find(String sku) {
        int h = spread(sku.hashCode());
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int e = slots[i] - 1;
            if (e < 0) return -1 - i;
            if (hashes[e] == h && sameSku(e, sku)) return e;
        }
    }

    /** Holds {@code r} (grouped as {@code sku}) in the free slot {@code find} returned ({@code -1 - result}). */
    void insert(int freeSlotCode, InventoryRecord r, String sku) {
        if (size == hashes.length) growColumns();
        int row = size;
        hashes[row] = spread(sku.hashCode());
        if (skuUsed + sku.length() > skuChars.length) {
            skuChars = Arrays.copyOf(skuChars, Math.max(skuChars.length * 2, skuUsed + sku.length()));
        }
        sku.getChars(0, sku.length(), skuChars, skuUsed);
        skuStart[row] = skuUsed;
        skuLength[row] = sku.length();
        skuUsed += sku.length();
        set(row, r, false);
        size++;
        slots[-1 - freeSlotCode] = row + 1;
        if (size * 2 > slots.length) rehash();
    }

    /** Replaces the offer held at {@code row} by {@code r} (same SKU). */
    void replace(int row, InventoryRecord r) {
        set(row, r, true);
    }

    /** The held offers as records in SKU order; a view whose {@code get} unpacks (read each once). */
    List<InventoryRecord> sortedRecords() {
        int n = size;
        long[] key1 = new long[n];
        long[] key2 = new long[n];
        for (int i = 0; i < n; i++) {
            CharBuffer sku = CharBuffer.wrap(skuChars, skuStart[i], skuLength[i]);
            key1[i] = CodePointOrder.prefixKey(sku);
            key2[i] = CodePointOrder.prefixKey2(sku);
        }
        // SKUs are unique here, so the stability of the sort does not matter
        int[] order = KeySort.order(key1, key2, n, (a, b) -> CodePointOrder.compareChars(
                skuChars, skuStart[a], skuStart[a] + skuLength[a], skuChars, skuStart[b], skuStart[b] + skuLength[b]));
        return new AbstractList<>() {
            @Override
            public InventoryRecord get(int i) {
                return record(order[i]);
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    /** The record held at {@code row}, as it was offered. */
    InventoryRecord record(int row) {
        String sku = nullSku[row] ? null : new String(skuChars, skuStart[row], skuLength[row]);
        pos = packedStart[row];
        String vendorSku = readString();
        BigDecimal mapPrice = readDecimal();
        BigDecimal price = readDecimal();
        BigDecimal msrp = readDecimal();
        String condition = readString();
        String brand = readString();
        String title = readString();
        Instant updatedAt = readInstant();
        int mask = readVarint();
        return new InventoryRecord(sku, vendorSku, vendorId[row], quantity[row], lead(row), cost[row], mapPrice, price,
                msrp, condition, brand, title, updatedAt, mask, vendorIndex[row], rowNumber[row]);
    }

    /** Writes the columns and the packed fields of row {@code row} (a held row when {@code replacing}). */
    private void set(int row, InventoryRecord r, boolean replacing) {
        nullSku[row] = r.sku() == null;
        quantity[row] = r.quantityAvailable();
        hasLead[row] = r.leadTimeDays() != null;
        lead[row] = r.leadTimeDays() == null ? 0 : r.leadTimeDays();
        cost[row] = r.cost();
        vendorId[row] = r.vendorId();
        vendorIndex[row] = r.vendorIndex();
        rowNumber[row] = r.rowNumber();
        pos = 0;
        writeString(r.vendorSku());
        writeDecimal(r.mapPrice());
        writeDecimal(r.price());
        writeDecimal(r.msrp());
        writeString(r.condition());
        writeString(r.brand());
        writeString(r.title());
        writeInstant(r.updatedAt());
        writeVarint(r.negativeZeroMask());
        if (packedUsed + pos > packed.length) makeRoom(pos);
        if (replacing) packedLive -= packedLength[row];
        System.arraycopy(scratch, 0, packed, packedUsed, pos);
        packedStart[row] = packedUsed;
        packedLength[row] = pos;
        packedUsed += pos;
        packedLive += pos;
    }

    /** Compacts the arena (rows below {@code size}) when at least half of it is dead, else grows it. */
    private void makeRoom(int more) {
        long needed = packedLive + more;
        byte[] target = packedLive * 2 <= packedUsed && needed <= packed.length
                ? new byte[packed.length]
                : new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(packed.length * 2L, needed))];
        int at = 0;
        for (int row = 0; row < size; row++) {
            System.arraycopy(packed, packedStart[row], target, at, packedLength[row]);
            packedStart[row] = at;
            at += packedLength[row];
        }
        packed = target;
        packedUsed = at;
    }

    private boolean sameSku(int row, String sku) {
        int n = sku.length();
        if (skuLength[row] != n) return false;
        int start = skuStart[row];
        for (int i = 0; i < n; i++) {
            if (skuChars[start + i] != sku.charAt(i)) return false;
        }
        return true;
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }

    private void rehash() {
        int[] grown = new int[slots.length * 2];
        int mask = grown.length - 1;
        for (int row = 0; row < size; row++) {
            int i = hashes[row] & mask;
            while (grown[i] != 0) i = (i + 1) & mask;
            grown[i] = row + 1;
        }
        slots = grown;
    }

    private void growColumns() {
        int n = hashes.length * 2;
        hashes = Arrays.copyOf(hashes, n);
        skuStart = Arrays.copyOf(skuStart, n);
        skuLength = Arrays.copyOf(skuLength, n);
        packedStart = Arrays.copyOf(packedStart, n);
        packedLength = Arrays.copyOf(packedLength, n);
        quantity = Arrays.copyOf(quantity, n);
        lead = Arrays.copyOf(lead, n);
        hasLead = Arrays.copyOf(hasLead, n);
        nullSku = Arrays.copyOf(nullSku, n);
        cost = Arrays.copyOf(cost, n);
        vendorId = Arrays.copyOf(vendorId, n);
        vendorIndex = Arrays.copyOf(vendorIndex, n);
        rowNumber = Arrays.copyOf(rowNumber, n);
    }

    // --- packing (into scratch) ---

    private void ensure(int more) {
        if (pos + more > scratch.length) scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, pos + more));
    }

    private void writeString(String s) {
        if (s == null) {
            ensure(1);
            scratch[pos++] = NULL;
            return;
        }
        int n = s.length();
        boolean latin1 = true;
        for (int i = 0; i < n && latin1; i++) latin1 = s.charAt(i) < 0x100;
        ensure(6 + (latin1 ? n : 2 * n));
        scratch[pos++] = latin1 ? LATIN1 : UTF16;
        writeVarint(n);
        if (latin1) {
            // chars below U+0100 are exactly their ISO-8859-1 bytes
            for (int i = 0; i < n; i++) scratch[pos++] = (byte) s.charAt(i);
        } else {
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                scratch[pos++] = (byte) (c >> 8);
                scratch[pos++] = (byte) c;
            }
        }
    }

    private void writeDecimal(BigDecimal d) {
        ensure(24);
        if (d == null) {
            scratch[pos++] = NULL;
        } else if (d.precision() <= 18) {
            scratch[pos++] = COMPACT_DECIMAL;
            writeVarint(d.scale());
            writeLong(d.unscaledValue().longValueExact());
        } else {
            byte[] magnitude = d.unscaledValue().toByteArray();
            scratch[pos++] = BIG_DECIMAL;
            writeVarint(d.scale());
            writeVarint(magnitude.length);
            ensure(magnitude.length);
            System.arraycopy(magnitude, 0, scratch, pos, magnitude.length);
            pos += magnitude.length;
        }
    }

    private void writeInstant(Instant t) {
        ensure(14);
        if (t == null) {
            scratch[pos++] = NULL;
            return;
        }
        scratch[pos++] = INSTANT;
        writeLong(t.getEpochSecond());
        writeVarint(t.getNano());
    }

    /** An int as 1–5 bytes, zig-zag so small negative values stay short. */
    private void writeVarint(int v) {
        ensure(5);
        int z = (v << 1) ^ (v >> 31);
        while ((z & ~0x7F) != 0) {
            scratch[pos++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        scratch[pos++] = (byte) z;
    }

    private void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) scratch[pos++] = (byte) (v >>> shift);
    }

    // --- unpacking (from the arena at pos) ---

    private String readString() {
        byte tag = packed[pos++];
        if (tag == NULL) return null;
        int n = readVarint();
        if (tag == LATIN1) {
            String s = new String(packed, pos, n, StandardCharsets.ISO_8859_1);
            pos += n;
            return s;
        }
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) (((packed[pos] & 0xFF) << 8) | (packed[pos + 1] & 0xFF));
            pos += 2;
        }
        return new String(chars);
    }

    private BigDecimal readDecimal() {
        byte tag = packed[pos++];
        if (tag == NULL) return null;
        int scale = readVarint();
        if (tag == COMPACT_DECIMAL) return BigDecimal.valueOf(readLong(), scale);
        int length = readVarint();
        BigInteger unscaled = new BigInteger(packed, pos, length);
        pos += length;
        return new BigDecimal(unscaled, scale);
    }

    private Instant readInstant() {
        if (packed[pos++] == NULL) return null;
        long seconds = readLong();
        return Instant.ofEpochSecond(seconds, readVarint());
    }

    private int readVarint() {
        int z = 0;
        int shift = 0;
        while (true) {
            byte x = packed[pos++];
            z |= (x & 0x7F) << shift;
            if (x >= 0) break;
            shift += 7;
        }
        return (z >>> 1) ^ -(z & 1);
    }

    private long readLong() {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (packed[pos++] & 0xFF);
        return v;
    }
}
