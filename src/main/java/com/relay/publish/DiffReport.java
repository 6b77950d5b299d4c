package com.relay.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code reports/diff.json} and the {@code publish} object of {@code run_summary.json} (docs/CONTRACT.md#publishing-diff-delta-and-guard). */
public final class DiffReport {

    private DiffReport() {}

    /**
     * @param generatedAt  the run's {@code now}, as reports write it
     * @param rowsThen     the published run's vendor rows (empty when unknown)
     * @param pricingSteps SKUs hit by each pricing step (may be empty)
     */
    public static Map<String, Object> diffJson(String runId, String tenantId, String generatedAt, DiffResult diff,
                                               Publication publication, Map<String, Long> rowsThen,
                                               Map<String, Long> pricingSteps, Map<String, Object> vendorDrift) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("tenant_id", tenantId);
        m.put("generated_at", generatedAt);
        if (diff.firstPublication()) {
            m.put("baseline", null);
        } else {
            Map<String, Object> baseline = new LinkedHashMap<>();
            baseline.put("run_id", publication.baselineRunId());
            baseline.put("sku_count", diff.baselineSkuCount());
            baseline.put("total_quantity", diff.baselineTotalQuantity());
            baseline.put("in_stock_count", diff.baselineInStock());
            m.put("baseline", baseline);
        }
        m.put("first_publication", diff.firstPublication());
        m.put("feed", feed(publication));
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("added", diff.added());
        counts.put("removed", diff.removed());
        counts.put("changed", diff.changed());
        counts.put("unchanged", diff.unchanged());
        counts.put("zeroed", diff.zeroed());
        counts.put("carried", diff.carried());
        counts.put("zeroed_missing", diff.newlyCarried());
        counts.put("quantity_changed", diff.quantityChanged());
        counts.put("price_changed", diff.priceChanged());
        counts.put("delta_rows", diff.deltaRows());
        m.put("counts", counts);
        m.put("samples", diff.samples());
        m.put("largest_quantity_moves", moves(diff.quantityMoves(), "change"));
        m.put("largest_price_moves", moves(diff.priceMoves(), "change_pct"));
        Map<String, Object> median = new LinkedHashMap<>();
        median.put("value", diff.medianPriceChange() == null ? null : diff.medianPriceChange().toPlainString());
        median.put("above_range", diff.medianAboveRange());
        median.put("skus_compared", diff.priceCompared());
        m.put("median_price_change_pct", median);
        Map<String, Object> vendors = new LinkedHashMap<>();
        publication.vendorRows().forEach((vendor, now) -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("now", now);
            v.put("then", rowsThen.get(vendor));
            vendors.put(vendor, v);
        });
        m.put("vendor_rows", vendors);
        m.put("guard", checks(publication.checks()));
        m.put("decision", publication.decision());
        m.put("reasons", publication.reasons());
        m.put("pricing_steps", new LinkedHashMap<>(pricingSteps));
        // header drift against each vendor's last successful run (docs/CONTRACT.md#vendor-drift)
        m.put("vendor_drift", vendorDrift == null ? Map.of() : vendorDrift);
        return m;
    }

    /** run_summary.json's {@code publish} object. */
    public static Map<String, Object> summary(Publication publication, DiffResult diff) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decision", publication.decision());
        m.put("reasons", publication.reasons());
        m.put("first_publication", publication.firstPublication());
        m.put("baseline_run_id", publication.baselineRunId());
        m.putAll(feed(publication));
        m.put("added", diff.added());
        m.put("removed", diff.removed());
        m.put("changed", diff.changed());
        m.put("zeroed", diff.zeroed());
        m.put("vendor_rows", publication.vendorRows());
        return m;
    }

    private static Map<String, Object> feed(Publication p) {
        Map<String, Object> feed = new LinkedHashMap<>();
        feed.put("sku_count", p.skuCount());
        feed.put("total_quantity", p.totalQuantity());
        feed.put("in_stock_count", p.inStockCount());
        return feed;
    }

    private static List<Map<String, Object>> moves(List<TopMoves.Move> moves, String changeName) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TopMoves.Move move : moves) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("sku", move.sku());
            e.put("before", move.before());
            e.put("after", move.after());
            e.put(changeName, move.change());
            out.add(e);
        }
        return out;
    }

    private static List<Map<String, Object>> checks(List<GuardCheck> checks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (GuardCheck c : checks) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("check", c.check());
            if (c.vendorId() != null) e.put("vendor_id", c.vendorId());
            e.put("threshold", c.threshold().toPlainString());
            e.put("value", c.value() == null ? null : c.value().toPlainString());
            e.put("breached", c.breached());
            if (c.reason() != null) e.put("reason", c.reason());
            out.add(e);
        }
        return out;
    }
}
