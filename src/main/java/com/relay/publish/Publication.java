package com.relay.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a successful run means for the published feed (docs/CONTRACT.md#publishing-diff-delta-and-guard): the
 * decision, its reasons and the new feed's figures. The worker acts on it; the engine never
 * publishes anything itself.
 *
 * @param decision          {@link #PUBLISH}, {@link #HELD} or {@link #DRY_RUN}
 * @param reasons           the sentences of the breached checks, in check order
 * @param firstPublication  there was no published feed to compare with (nothing was checked)
 * @param baselineRunId     the published run compared with, or null
 * @param vendorRows        each configured vendor's parsed rows in this run (valid records + row errors)
 */
public record Publication(String decision, List<String> reasons, boolean firstPublication, String baselineRunId,
                          long skuCount, long totalQuantity, long inStockCount, Map<String, Long> vendorRows,
                          List<GuardCheck> checks) {

    public static final String PUBLISH = "PUBLISH";
    public static final String HELD = "HELD";
    public static final String DRY_RUN = "DRY_RUN";

    /**
     * The rules: a dry run is DRY_RUN (guard still evaluated, never published, also the first one); else
     * no published feed → PUBLISH as the first publication; any breached check → HELD; else PUBLISH.
     */
    public static Publication decide(DiffResult diff, String baselineRunId, boolean dryRun, List<GuardCheck> checks,
                                     Map<String, Long> vendorRows) {
        List<String> reasons = new ArrayList<>();
        for (GuardCheck c : checks) {
            if (c.breached()) reasons.add(c.reason());
        }
        String decision = dryRun ? DRY_RUN : diff.firstPublication() ? PUBLISH : reasons.isEmpty() ? PUBLISH : HELD;
        return new Publication(decision, List.copyOf(reasons), diff.firstPublication(), baselineRunId, diff.skuCount(),
                diff.totalQuantity(), diff.inStockCount(),
                java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vendorRows)), List.copyOf(checks));
    }

    public boolean held() {
        return HELD.equals(decision);
    }
}
