package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The {@code best_offer} merge (docs/CONTRACT.md#merge-best-offer) as a streaming accumulator. {@link #accept} keeps only the
 * best record per SKU, packed in {@link HeldOffers}, so memory is bounded by distinct SKUs; above the memory budget the held
 * records are spilled as a run sorted by SKU and {@link #finish} merges the runs (docs/CONTRACT.md#orchestration-streaming-and-memory). The
 * result is identical with and without spilling because the offer order is total.
 *
 * <p>{@link #finish} emits one record per SKU in output order (SKU by code point, docs/CONTRACT.md#row-order),
 * with the fallback lead time applied and the price computed (docs/CONTRACT.md#pricing). Not thread-safe.
 */
public final class BestOfferMerger implements RecordConsumer, Closeable {

    static final Comparator<InventoryRecord> BY_SKU =
            (a, b) -> CodePointOrder.compareStrings(skuOf(a), skuOf(b));

    private final OfferComparator offerOrder;
    private final Pricer pricer;
    private final long fallbackLeadTimeDays;
    private final long memoryBudgetBytes;
    private final SpillRuns spill;
    private final PricingStepCounts stepCounts = new PricingStepCounts();

    private HeldOffers best = new HeldOffers();
    private long acceptedCount;
    private boolean finished;

    public BestOfferMerger(TenantConfig.BestOffer bestOffer, TenantConfig.Pricing pricing, Path spillDir,
                           long memoryBudgetBytes) {
        this(bestOffer, pricing, spillDir, memoryBudgetBytes, SpillRuns.DEFAULT_FAN_IN);
    }

    BestOfferMerger(TenantConfig.BestOffer bestOffer, TenantConfig.Pricing pricing, Path spillDir,
                    long memoryBudgetBytes, int fanIn) {
        Objects.requireNonNull(bestOffer, "bestOffer");
        this.offerOrder = new OfferComparator(bestOffer);
        this.pricer = new Pricer(pricing);
        this.fallbackLeadTimeDays = bestOffer.fallbackLeadTimeDays();
        if (memoryBudgetBytes <= 0) throw new IllegalArgumentException("memory budget must be positive");
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.spill = new SpillRuns(spillDir, "relay-merge-", fanIn);
    }

    /** Offers one valid, mapped record (any vendor, input order not required). */
    @Override
    public void accept(InventoryRecord record) throws IOException {
        if (finished) throw new IllegalStateException("merger already finished");
        acceptedCount++;
        String sku = skuOf(record);
        int row = best.find(sku);
        if (row < 0) {
            best.insert(row, record, sku);
        } else if (offerOrder.compare(record, best, row) < 0) {
            best.replace(row, record);
        } else {
            return;
        }
        if (best.heldBytes() > memoryBudgetBytes) spillHeld();
    }

    /** Records offered so far. */
    public long acceptedCount() {
        return acceptedCount;
    }

    /** Sorted runs written to the spill directory so far (0 when everything fit the budget). */
    public int spilledRuns() {
        return spill.runCount();
    }

    /**
     * Emits the merged, priced records in output order and returns how many. Spill files are
     * deleted afterwards, also when {@code out} fails.
     */
    public long finish(RecordConsumer out) throws IOException {
        if (finished) throw new IllegalStateException("merger already finished");
        finished = true;
        try {
            List<InventoryRecord> tail = best.sortedRecords();
            long[] count = new long[1];
            RecordConsumer priced = r -> {
                count[0]++;
                out.accept(finalizeChosen(r));
            };
            if (spill.runCount() == 0) {
                for (InventoryRecord r : tail) priced.accept(r);
            } else {
                spill.mergeAll(SpillRuns.ofList(tail), this::keepBestPerSku, priced);
            }
            return count[0];
        } finally {
            spill.close();
        }
    }

    /** docs/CONTRACT.md#merge-best-offer fallback lead time, then docs/CONTRACT.md#pricing price, for the chosen record of a SKU. */
    private InventoryRecord finalizeChosen(InventoryRecord r) {
        Long lead = r.leadTimeDays() == null ? Long.valueOf(fallbackLeadTimeDays) : r.leadTimeDays();
        return r.withPriceAndLeadTime(pricer.price(r, stepCounts), lead);
    }

    /** How many merged SKUs each pricing step changed ({@link PricingStepCounts#toMap}); complete after {@link #finish}. */
    public java.util.Map<String, Long> pricingStepCounts() {
        return stepCounts.toMap();
    }

    private void spillHeld() throws IOException {
        spill.addRun(best.sortedRecords());
        best = new HeldOffers(); // a fresh, small table: the budget counts allocated arrays
    }

    /** Merge step over SKU-sorted sources: all records of one SKU meet; the best one is kept. */
    private void keepBestPerSku(List<SpillRuns.RecordSource> sources, RecordConsumer out) throws IOException {
        PriorityQueue<SpillRuns.Head> heap = SpillRuns.heapOf(sources, BY_SKU);
        while (!heap.isEmpty()) {
            SpillRuns.Head head = heap.poll();
            InventoryRecord chosen = head.source.peek();
            String sku = skuOf(chosen);
            advance(heap, head);
            while (!heap.isEmpty() && skuOf(heap.peek().source.peek()).equals(sku)) {
                SpillRuns.Head other = heap.poll();
                InventoryRecord candidate = other.source.peek();
                if (offerOrder.compare(candidate, chosen) < 0) chosen = candidate;
                advance(heap, other);
            }
            out.accept(chosen);
        }
    }

    private static void advance(PriorityQueue<SpillRuns.Head> heap, SpillRuns.Head head) throws IOException {
        head.source.advance();
        if (head.source.peek() != null) heap.add(head);
    }

    /** A missing sku sorts and groups as "" (docs/CONTRACT.md#row-order). */
    static String skuOf(InventoryRecord r) {
        return r.sku() == null ? "" : r.sku();
    }


    /** Deletes any spill files; safe to call more than once and after {@link #finish}. */
    @Override
    public void close() {
        finished = true;
        best = new HeldOffers();
        spill.close();
    }
}
