package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Orders offers of one SKU best first (docs/CONTRACT.md#merge-best-offer): the {@code sort_by} keys in order, then
 * {@code vendor_id} by code point, then input order (vendor position, row number).
 */
public final class OfferComparator implements Comparator<InventoryRecord> {

    /** docs/CONTRACT.md#schema: an empty {@code sort_by} means this pair. */
    public static final List<TenantConfig.SortKey> DEFAULT_SORT_BY =
            List.of(TenantConfig.SortKey.IN_STOCK_DESC, TenantConfig.SortKey.LOWEST_LANDED_COST);

    private final TenantConfig.SortKey[] keys;
    private final long fallbackLeadTimeDays;

    public OfferComparator(List<TenantConfig.SortKey> sortBy, long fallbackLeadTimeDays) {
        List<TenantConfig.SortKey> effective = sortBy == null || sortBy.isEmpty() ? DEFAULT_SORT_BY : sortBy;
        this.keys = effective.toArray(new TenantConfig.SortKey[0]);
        for (TenantConfig.SortKey k : keys) Objects.requireNonNull(k, "sort key");
        this.fallbackLeadTimeDays = fallbackLeadTimeDays;
    }

    public OfferComparator(TenantConfig.BestOffer bestOffer) {
        this(bestOffer.sortBy(), bestOffer.fallbackLeadTimeDays());
    }

    @Override
    public int compare(InventoryRecord a, InventoryRecord b) {
        return compare(a.quantityAvailable(), a.leadTimeDays(), a.cost(), a.vendorId(), a.vendorIndex(), a.rowNumber(),
                b.quantityAvailable(), b.leadTimeDays(), b.cost(), b.vendorId(), b.vendorIndex(), b.rowNumber());
    }

    /** An offer against the one the merger holds at {@code row} of {@code held}. */
    int compare(InventoryRecord a, HeldOffers held, int row) {
        return compare(a.quantityAvailable(), a.leadTimeDays(), a.cost(), a.vendorId(), a.vendorIndex(), a.rowNumber(),
                held.quantity(row), held.lead(row), held.cost(row), held.vendorId(row), held.vendorIndex(row),
                held.rowNumber(row));
    }

    /** The order on the fields it reads, whatever holds them. */
    private int compare(long quantityA, Long leadA, BigDecimal costA, String vendorA, int indexA, long rowA,
                        long quantityB, Long leadB, BigDecimal costB, String vendorB, int indexB, long rowB) {
        for (TenantConfig.SortKey key : keys) {
            int c = compareBy(key, quantityA, leadA, costA, indexA, quantityB, leadB, costB, indexB);
            if (c != 0) return c;
        }
        int c = vendorA == vendorB ? 0 : CodePointOrder.compareStrings(vendorA, vendorB);
        if (c != 0) return c;
        c = Integer.compare(indexA, indexB);
        if (c != 0) return c;
        return Long.compare(rowA, rowB);
    }

    private int compareBy(TenantConfig.SortKey key, long quantityA, Long leadA, BigDecimal costA, int indexA,
                          long quantityB, Long leadB, BigDecimal costB, int indexB) {
        return switch (key) {
            case IN_STOCK_DESC -> Boolean.compare(quantityB > 0, quantityA > 0);
            // The flat shipping amount is the same for every offer, so landed cost orders
            // exactly like cost (docs/CONTRACT.md#merge-best-offer); comparing cost avoids an addition per comparison.
            case LOWEST_LANDED_COST, LOWEST_COST -> compareCost(costA, costB);
            case SHORTEST_LEAD_TIME -> Long.compare(leadTime(leadA), leadTime(leadB));
            case HIGHEST_QUANTITY -> Long.compare(quantityB, quantityA);
            case VENDOR_PRIORITY -> Integer.compare(indexA, indexB);
        };
    }

    /** The effective sort keys, in order. */
    public List<TenantConfig.SortKey> keys() {
        return List.of(keys);
    }

    /**
     * What put {@code a} before or after {@code b} (explain, issue 21): the wire name of the first
     * sort key that separates them, else {@code vendor_id}, else {@code input_order}.
     */
    public String decidedBy(InventoryRecord a, InventoryRecord b) {
        for (TenantConfig.SortKey key : keys) {
            if (compareBy(key, a.quantityAvailable(), a.leadTimeDays(), a.cost(), a.vendorIndex(),
                    b.quantityAvailable(), b.leadTimeDays(), b.cost(), b.vendorIndex()) != 0) {
                return key.wireName();
            }
        }
        return CodePointOrder.compareStrings(a.vendorId(), b.vendorId()) != 0 ? "vendor_id" : "input_order";
    }

    /** Fixed in docs/CONTRACT.md#merge-best-offer: an offer without a cost sorts after every offer with one; two tie. */
    private static int compareCost(BigDecimal a, BigDecimal b) {
        if (a == null) return b == null ? 0 : 1;
        if (b == null) return -1;
        return a.compareTo(b);
    }

    private long leadTime(Long lead) {
        return lead == null ? fallbackLeadTimeDays : lead;
    }
}
