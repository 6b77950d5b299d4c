package com.relay.engine;

import com.relay.tenants.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static com.relay.engine.TestRecords.defaultBestOffer;
import static com.relay.engine.TestRecords.pricing;
import static com.relay.engine.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 21: the merger counts the SKUs each pricing step changed, once per merged SKU. */
class PricingStepCountsTest {

    @TempDir
    Path dir;

    @Test
    void eachStepCountsTheMergedSkusItChanged() throws IOException {
        // margin 0.2, min 25, shipping 0, increment 0.50 nearest, ending .99, MAP max
        TenantConfig.Pricing p = pricing("0.2", "25", "0", "0.50", TenantConfig.RoundingMode.NEAREST, "0.99", true,
                TenantConfig.MapPolicy.MAX_PRICE_MAP);
        List<InventoryRecord> offers = List.of(
                record().sku("A").cost("10").build(),               // 12 → min 25 → 25 (rounding no) → 25.99
                record().sku("B").cost("30.1").build(),             // 36.12 → rounding 36.00 → 36.99
                record().sku("C").cost("30").mapPrice("99").build(),// 36.00 → 36.99 → MAP 99
                record().sku("D").price("7").build(),               // no cost: no step
                record().sku("B").vendorId("v2").vendorIndex(1).cost("31").build()); // loses to B above
        List<InventoryRecord> out = new ArrayList<>();
        try (BestOfferMerger merger = new BestOfferMerger(defaultBestOffer(), p, dir, 1 << 20)) {
            for (InventoryRecord r : offers) merger.accept(r);
            merger.finish(out::add);
            assertThat(merger.pricingStepCounts())
                    .containsExactly(entry("min_price", 1), entry("rounding", 1), entry("ending", 3), entry("map", 1));
        }
        assertThat(out).extracting(r -> r.price().toPlainString()).containsExactly("25.99", "36.99", "99", "7");
    }

    @Test
    void aRoundingUndoneByTheFloorFixIsNotCounted() {
        // 10 → rounded to 9 (increment 3), below min 10 → floor fix 12: changed overall, counted once
        PricingStepCounts counts = new PricingStepCounts();
        Pricer pricer = new Pricer(pricing("0", "10", "0", "3"));
        pricer.price(record().cost("10").build(), counts);
        // 12 → rounded 12: unchanged
        pricer.price(record().cost("12").build(), counts);
        assertThat(counts.toMap()).containsEntry("rounding", 1L).containsEntry("min_price", 0L);
    }

    private static java.util.Map.Entry<String, Long> entry(String k, long v) {
        return java.util.Map.entry(k, v);
    }
}
