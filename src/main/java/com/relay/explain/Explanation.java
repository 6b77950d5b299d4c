package com.relay.explain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One SKU's explanation (docs/API.md#explain-a-sku): the candidates best first, the winner, the tie-break
 * against the runner-up (null with one candidate) and the winner's pricing steps.
 *
 * @param candidateCount offers of the SKU in the run ({@code candidates} holds the best {@value SkuExplainer#MAX_CANDIDATES})
 * @param price          the computed price; {@code priceCsv} as the merged feed prints it
 */
public record Explanation(String runId, String tenantId, String sku, List<String> sortBy, long candidateCount,
                          List<Candidate> candidates, String winnerVendorId, TieBreak tieBreak, List<Step> pricingSteps,
                          BigDecimal price, String priceCsv) {

    /**
     * @param vendorPosition the vendor's position in the configuration (vendor_priority and input order)
     * @param rowInSku       the offer's position among this vendor's rows of the SKU (input order)
     */
    public record Candidate(int rank, String vendorId, String vendorSku, int vendorPosition, long rowInSku,
                            long quantityAvailable, BigDecimal cost, BigDecimal landedCost, Long leadTimeDays,
                            long effectiveLeadTimeDays, boolean leadTimeFallbackApplied, BigDecimal mapPrice,
                            BigDecimal inputPrice, Map<String, Object> sortKeys) { }

    /** @param decidedBy a sort key's name, {@code vendor_id} or {@code input_order} */
    public record TieBreak(String decidedBy, String runnerUpVendorId, Object winnerValue, Object runnerUpValue) { }

    public record Step(String step, BigDecimal before, BigDecimal after) {
        public boolean changed() {
            return before == null ? after != null : after == null || before.compareTo(after) != 0;
        }
    }

    /** The response body of docs/API.md#explain-a-sku. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("tenant_id", tenantId);
        m.put("sku", sku);
        m.put("sort_by", sortBy);
        m.put("candidate_count", candidateCount);
        List<Map<String, Object>> cs = new ArrayList<>();
        for (Candidate c : candidates) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("rank", c.rank());
            e.put("vendor_id", c.vendorId());
            e.put("vendor_sku", c.vendorSku());
            e.put("quantity_available", c.quantityAvailable());
            e.put("cost", plain(c.cost()));
            e.put("landed_cost", plain(c.landedCost()));
            e.put("lead_time_days", c.leadTimeDays());
            e.put("effective_lead_time_days", c.effectiveLeadTimeDays());
            e.put("lead_time_fallback_applied", c.leadTimeFallbackApplied());
            e.put("map_price", plain(c.mapPrice()));
            e.put("input_price", plain(c.inputPrice()));
            Map<String, Object> keys = new LinkedHashMap<>();
            c.sortKeys().forEach((k, v) -> keys.put(k, v instanceof BigDecimal d ? plain(d) : v));
            e.put("sort_keys", keys);
            e.put("input_order", Map.of("vendor_position", c.vendorPosition(), "row_in_sku", c.rowInSku()));
            cs.add(e);
        }
        m.put("candidates", cs);
        Map<String, Object> winner = new LinkedHashMap<>();
        winner.put("vendor_id", winnerVendorId);
        if (tieBreak == null) {
            winner.put("decided_by", "only_offer");
        } else {
            winner.put("decided_by", tieBreak.decidedBy());
            winner.put("runner_up_vendor_id", tieBreak.runnerUpVendorId());
            winner.put("winner_value", tieBreak.winnerValue() instanceof BigDecimal d ? plain(d) : tieBreak.winnerValue());
            winner.put("runner_up_value", tieBreak.runnerUpValue() instanceof BigDecimal d ? plain(d) : tieBreak.runnerUpValue());
        }
        m.put("winner", winner);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (Step s : pricingSteps) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("step", s.step());
            e.put("before", plain(s.before()));
            e.put("after", plain(s.after()));
            e.put("changed", s.changed());
            steps.add(e);
        }
        Map<String, Object> pricing = new LinkedHashMap<>();
        pricing.put("steps", steps);
        pricing.put("price", plain(price));
        pricing.put("price_csv", priceCsv);
        m.put("pricing", pricing);
        return m;
    }

    /** Decimals as JSON numbers in plain notation whatever mapper writes them (1E+3 → 1000). */
    private static BigDecimal plain(BigDecimal v) {
        return v == null || v.scale() >= 0 ? v : v.setScale(0);
    }
}
