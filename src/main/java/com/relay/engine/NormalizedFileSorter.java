package com.relay.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Orders one vendor's valid records for its normalized file (RI §3.10.3): by {@code sku} in code
 * point order, input order among equal SKUs ({@code vendor_id} is the same for every row). Records
 * must be offered in input order. Above the memory budget, stably sorted runs are spilled and
 * merged at the end (RI §3.7), so memory does not grow with the file size. Not thread-safe.
 */
public final class NormalizedFileSorter implements RecordConsumer, Closeable {

    /** ArrayList slot per held record, on top of the record itself. */
    private static final long SLOT_BYTES = 8;

    private final long memoryBudgetBytes;
    private final SpillRuns spill;

    private InventoryRecord[] buffer = new InventoryRecord[1024];
    private int size;
    private long heldBytes;
    private long count;
    private boolean finished;

    public NormalizedFileSorter(Path spillDir, long memoryBudgetBytes) {
        this(spillDir, memoryBudgetBytes, SpillRuns.DEFAULT_FAN_IN);
    }

    NormalizedFileSorter(Path spillDir, long memoryBudgetBytes, int fanIn) {
        if (memoryBudgetBytes <= 0) throw new IllegalArgumentException("memory budget must be positive");
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.spill = new SpillRuns(spillDir, "relay-normalized-", fanIn);
    }

    @Override
    public void accept(InventoryRecord record) throws IOException {
        if (finished) throw new IllegalStateException("sorter already finished");
        if (size == buffer.length) buffer = Arrays.copyOf(buffer, size * 2);
        buffer[size++] = record;
        count++;
        heldBytes += RecordSizes.estimate(record) + SLOT_BYTES;
        if (heldBytes > memoryBudgetBytes) {
            spill.addRun(sortedHeld());
            Arrays.fill(buffer, 0, size, null);
            size = 0;
            heldBytes = 0;
        }
    }

    /** Records offered so far (the vendor's valid record count). */
    public long count() {
        return count;
    }

    public int spilledRuns() {
        return spill.runCount();
    }

    /** Emits every record in normalized-file order; spill files are deleted afterwards. */
    public long finish(RecordConsumer out) throws IOException {
        if (finished) throw new IllegalStateException("sorter already finished");
        finished = true;
        try {
            List<InventoryRecord> tail = sortedHeld();
            if (spill.runCount() == 0) {
                for (InventoryRecord r : tail) out.accept(r);
            } else {
                // ties go to the earlier run, and runs are in input order: the merge is stable
                spill.mergeAll(SpillRuns.ofList(tail),
                        (sources, sink) -> SpillRuns.mergeOrdered(sources, BestOfferMerger.BY_SKU, sink), out);
            }
            return count;
        } finally {
            release();
            spill.close();
        }
    }

    /** Writes the normalized CSV (13 canonical columns, RI §3.10) and flushes {@code out}. */
    public long writeCsv(OutputStream out) throws IOException {
        CsvFeedWriter writer = CsvFeedWriter.normalized(out);
        long rows = finish(writer);
        writer.flush();
        return rows;
    }

    /**
     * Sorts on a prefix key first (see {@link CodePointOrder#prefixKey}); Arrays.sort is stable
     * for objects, so equal SKUs keep input order. Vendors are sorted on several threads already,
     * hence no parallelSort here.
     */
    private List<InventoryRecord> sortedHeld() {
        Keyed[] keyed = new Keyed[size];
        for (int i = 0; i < size; i++) keyed[i] = Keyed.of(buffer[i]);
        Arrays.sort(keyed, Keyed.ORDER);
        for (int i = 0; i < size; i++) buffer[i] = keyed[i].record;
        return Arrays.asList(buffer).subList(0, size);
    }

    private static String skuOf(InventoryRecord r) {
        return r.sku() == null ? "" : r.sku();
    }

    /** A record with its sort key, so most comparisons touch neither the record nor its SKU. */
    record Keyed(long key, long key2, InventoryRecord record) {
        static final java.util.Comparator<Keyed> ORDER = (a, b) -> {
            int c = Long.compareUnsigned(a.key, b.key);
            if (c != 0) return c;
            c = Long.compareUnsigned(a.key2, b.key2);
            return c != 0 ? c : CodePointOrder.compareStrings(skuOf(a.record), skuOf(b.record));
        };

        static Keyed of(InventoryRecord r) {
            String sku = skuOf(r);
            return new Keyed(CodePointOrder.prefixKey(sku), CodePointOrder.prefixKey(sku, 8), r);
        }
    }

    private void release() {
        buffer = new InventoryRecord[0];
        size = 0;
    }

    @Override
    public void close() {
        finished = true;
        release();
        spill.close();
    }
}
