package com.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfig;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/CONTRACT.md#publishing-diff-delta-and-guard: each threshold breached, not breached, and exactly at it (not breached). */
class PublishGuardTest {

    /** A diff of a 1000-SKU published feed (800 in stock) with the given figures now. */
    static DiffResult diff(long skusNow, long zeroed, String median) {
        return new DiffResult(false, 1000, 5000, 800, skusNow, 0, 0, 0, 0, 0, 0, 0, 0, zeroed, 0, 0, 10,
                median == null ? null : new BigDecimal(median), false, Map.of(), List.of(), List.of(), 0);
    }

    static TenantConfig.Guard guard(String sku, String zeroed, String median, String vendor) {
        return new TenantConfig.Guard(dec(sku), dec(zeroed), dec(median), dec(vendor));
    }

    static BigDecimal dec(String s) {
        return s == null ? null : new BigDecimal(s);
    }

    @ParameterizedTest
    @CsvSource({
            "801, false, 0.1990",   // 19.9 % drop
            "800, false, 0.2000",   // exactly 20 %: not above
            "799, true, 0.2010",    // 20.1 %
            "200, true, 0.8000",
            "1200, false, 0.0000"}) // growth is no drop
    void sku_drop(long skusNow, boolean breached, String value) {
        List<GuardCheck> checks = PublishGuard.evaluate(guard("0.20", null, null, null), diff(skusNow, 0, null), Map.of(), Map.of());

        assertThat(checks).hasSize(1);
        assertThat(checks.get(0).check()).isEqualTo("max_sku_drop_pct");
        assertThat(checks.get(0).breached()).isEqualTo(breached);
        assertThat(checks.get(0).value()).isEqualTo(new BigDecimal(value));
        assertThat(checks.get(0).threshold()).isEqualTo(new BigDecimal("0.20"));
    }

    @Test
    void sku_drop_sentence() {
        GuardCheck c = PublishGuard.evaluate(guard("0.20", null, null, null), diff(200, 0, null), Map.of(), Map.of()).get(0);

        assertThat(c.reason()).isEqualTo("SKU count fell 80.0 % (1000 → 200), above max_sku_drop_pct 20.0 %");
    }

    @ParameterizedTest
    @CsvSource({"239, false", "240, false", "241, true"}) // 240 of 800 in stock = 30 % exactly
    void zeroed(long zeroed, boolean breached) {
        GuardCheck c = PublishGuard.evaluate(guard(null, "0.30", null, null), diff(1000, zeroed, null), Map.of(), Map.of()).get(0);

        assertThat(c.check()).isEqualTo("max_zeroed_pct");
        assertThat(c.breached()).isEqualTo(breached);
        if (breached) {
            assertThat(c.reason()).isEqualTo("30.1 % of the published in-stock SKUs went to quantity 0 (241 of 800),"
                    + " above max_zeroed_pct 30.0 %");
        } else {
            assertThat(c.reason()).isNull();
        }
    }

    @ParameterizedTest
    @CsvSource({"0.2499, false", "0.2500, false", "0.2501, true"})
    void median_price_change(String median, boolean breached) {
        GuardCheck c = PublishGuard.evaluate(guard(null, null, "0.25", null), diff(1000, 0, median), Map.of(), Map.of()).get(0);

        assertThat(c.check()).isEqualTo("max_median_price_change_pct");
        assertThat(c.value()).isEqualTo(new BigDecimal(median));
        assertThat(c.breached()).isEqualTo(breached);
        if (breached) {
            assertThat(c.reason()).isEqualTo("median price change 25.0 % over 10 SKUs, above max_median_price_change_pct 25.0 %");
        }
    }

    @Test
    void median_with_no_price_to_compare_is_not_breached() {
        GuardCheck c = PublishGuard.evaluate(guard(null, null, "0", null), diff(1000, 0, null), Map.of(), Map.of()).get(0);

        assertThat(c.value()).isNull();
        assertThat(c.breached()).isFalse();
    }

    @Test
    void vendor_row_drop_per_vendor_with_published_rows() {
        Map<String, Long> now = new LinkedHashMap<>();
        now.put("a", 500L);   // exactly 50 %: not breached
        now.put("b", 499L);   // above
        now.put("c", 0L);     // missing now
        now.put("d", 10L);    // not in the published run: not checked
        now.put("e", 3L);     // published 0 rows: not checked
        Map<String, Long> then = Map.of("a", 1000L, "b", 1000L, "c", 40L, "e", 0L, "gone", 100L);

        List<GuardCheck> checks = PublishGuard.evaluate(guard(null, null, null, "0.5"), diff(1000, 0, null), now, then);

        assertThat(checks).extracting(GuardCheck::vendorId).containsExactly("a", "b", "c");
        assertThat(checks).extracting(GuardCheck::breached).containsExactly(false, true, true);
        assertThat(checks.get(1).reason()).isEqualTo("vendor b rows fell 50.1 % (1000 → 499), above max_vendor_row_drop_pct 50.0 %");
        assertThat(checks.get(2).value()).isEqualTo(new BigDecimal("1.0000"));
    }

    @Test
    void absent_thresholds_are_not_checked_and_a_first_publication_checks_nothing() {
        assertThat(PublishGuard.evaluate(TenantConfig.Guard.NONE, diff(0, 1000, "9"), Map.of("a", 0L), Map.of("a", 9L))).isEmpty();
        DiffResult first = new DiffResult(true, 0, 0, 0, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, false, Map.of(),
                List.of(), List.of(), 5);
        assertThat(PublishGuard.evaluate(guard("0", "0", "0", "0"), first, Map.of("a", 5L), Map.of())).isEmpty();
    }

    @Test
    void decision_rules() {
        GuardCheck ok = new GuardCheck("max_sku_drop_pct", null, BigDecimal.ONE, BigDecimal.ZERO, false, null);
        GuardCheck bad = new GuardCheck("max_zeroed_pct", null, BigDecimal.ZERO, BigDecimal.ONE, true, "why");
        DiffResult later = diff(1000, 0, null);
        DiffResult first = new DiffResult(true, 0, 0, 0, 5, 7, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, false, Map.of(),
                List.of(), List.of(), 5);

        assertThat(Publication.decide(first, null, false, List.of(), Map.of()).decision()).isEqualTo("PUBLISH");
        assertThat(Publication.decide(first, null, true, List.of(), Map.of()).decision()).isEqualTo("DRY_RUN");
        assertThat(Publication.decide(later, "r1", false, List.of(ok), Map.of()).decision()).isEqualTo("PUBLISH");
        Publication held = Publication.decide(later, "r1", false, List.of(ok, bad), Map.of("v", 3L));
        assertThat(held.decision()).isEqualTo("HELD");
        assertThat(held.reasons()).containsExactly("why");
        assertThat(held.baselineRunId()).isEqualTo("r1");
        Publication dry = Publication.decide(later, "r1", true, List.of(bad), Map.of());
        assertThat(dry.decision()).isEqualTo("DRY_RUN");
        assertThat(dry.reasons()).containsExactly("why");
        Publication p = Publication.decide(first, null, false, List.of(), Map.of());
        assertThat(p.firstPublication()).isTrue();
        assertThat(List.of(p.skuCount(), p.totalQuantity(), p.inStockCount())).containsExactly(5L, 7L, 4L);
    }
}
