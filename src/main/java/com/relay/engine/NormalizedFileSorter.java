package com.relay.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private ArrayList<InventoryRecord> buffer = new ArrayList<>();
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
        buffer.add(record);
        count++;
        heldBytes += RecordSizes.estimate(record) + SLOT_BYTES;
        if (heldBytes > memoryBudgetBytes) {
            sortBuffer();
            spill.addRun(buffer);
            buffer = new ArrayList<>();
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
            sortBuffer();
            if (spill.runCount() == 0) {
                for (InventoryRecord r : buffer) out.accept(r);
            } else {
                // ties go to the earlier run, and runs are in input order: the merge is stable
                spill.mergeAll(SpillRuns.ofList(buffer),
                        (sources, sink) -> SpillRuns.mergeOrdered(sources, BestOfferMerger.BY_SKU, sink), out);
            }
            return count;
        } finally {
            buffer = new ArrayList<>();
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

    /** List.sort is a stable merge sort: equal SKUs keep input order. */
    private void sortBuffer() {
        buffer.sort(BestOfferMerger.BY_SKU);
    }

    @Override
    public void close() {
        finished = true;
        buffer = new ArrayList<>();
        spill.close();
    }
}
