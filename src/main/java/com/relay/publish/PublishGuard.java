package com.relay.publish;

import com.relay.tenants.config.TenantConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The publish guard (docs/CONTRACT.md#publishing-diff-delta-and-guard): each configured threshold against what the
 * diff measured. A threshold breaches when the measured fraction is strictly above it; the
 * comparison is exact (a value exactly at the threshold never breaches). Pure.
 */
public final class PublishGuard {

    private PublishGuard() {}

    /**
     * @param rowsNow  each configured vendor's parsed rows in this run (valid records + row errors; 0 when missing)
     * @param rowsThen each vendor's rows in the published run; a vendor absent from it (or with 0) is not checked
     * @return the checks in configuration order; none for a first publication
     */
    public static List<GuardCheck> evaluate(TenantConfig.Guard guard, DiffResult diff, Map<String, Long> rowsNow,
                                            Map<String, Long> rowsThen) {
        List<GuardCheck> checks = new ArrayList<>();
        if (diff.firstPublication()) return checks; // nothing to compare with
        if (guard.maxSkuDropPct() != null) {
            long then = diff.baselineSkuCount();
            long drop = Math.max(0, then - diff.skuCount());
            checks.add(ratio("max_sku_drop_pct", null, guard.maxSkuDropPct(), drop, then,
                    "SKU count fell %s (" + then + " → " + diff.skuCount() + "), above max_sku_drop_pct %s"));
        }
        if (guard.maxZeroedPct() != null) {
            checks.add(ratio("max_zeroed_pct", null, guard.maxZeroedPct(), diff.zeroed(), diff.baselineInStock(),
                    "%s of the published in-stock SKUs went to quantity 0 (" + diff.zeroed() + " of "
                            + diff.baselineInStock() + "), above max_zeroed_pct %s"));
        }
        if (guard.maxMedianPriceChangePct() != null) {
            BigDecimal median = diff.medianPriceChange();
            BigDecimal threshold = guard.maxMedianPriceChangePct();
            boolean breached = median != null && median.compareTo(threshold) > 0;
            checks.add(new GuardCheck("max_median_price_change_pct", null, threshold, median, breached,
                    breached ? "median price change " + (diff.medianAboveRange() ? "above 1000 %" : percent(median))
                            + " over " + diff.priceCompared() + " SKUs, above max_median_price_change_pct "
                            + percent(threshold) : null));
        }
        if (guard.maxVendorRowDropPct() != null) {
            for (Map.Entry<String, Long> now : rowsNow.entrySet()) {
                Long then = rowsThen.get(now.getKey());
                if (then == null || then == 0) continue; // nothing published from it to lose
                long drop = Math.max(0, then - now.getValue());
                checks.add(ratio("max_vendor_row_drop_pct", now.getKey(), guard.maxVendorRowDropPct(), drop, then,
                        "vendor " + now.getKey() + " rows fell %s (" + then + " → " + now.getValue()
                                + "), above max_vendor_row_drop_pct %s"));
            }
        }
        return checks;
    }

    /** {@code part / whole} against {@code threshold}, exactly: {@code part > threshold × whole}; 0 when whole is 0. */
    private static GuardCheck ratio(String check, String vendorId, BigDecimal threshold, long part, long whole,
                                    String sentence) {
        BigDecimal value = whole == 0 ? BigDecimal.ZERO.setScale(4)
                : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
        boolean breached = whole > 0 && BigDecimal.valueOf(part).compareTo(threshold.multiply(BigDecimal.valueOf(whole))) > 0;
        String reason = breached ? String.format(java.util.Locale.ROOT, sentence,
                percent(BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 6, RoundingMode.HALF_UP)), percent(threshold))
                : null;
        return new GuardCheck(check, vendorId, threshold, value, breached, reason);
    }

    /** {@code 0.2 → "20.0 %"}. */
    static String percent(BigDecimal fraction) {
        return fraction.movePointRight(2).setScale(1, RoundingMode.HALF_UP).toPlainString() + " %";
    }
}
