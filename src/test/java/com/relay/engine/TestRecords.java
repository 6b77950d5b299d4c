package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Builders for records and configuration parts used by the engine tests. */
final class TestRecords {

    static final Instant T = Instant.parse("2020-01-01T12:00:00Z");

    private TestRecords() {}

    static BigDecimal dec(String s) {
        return s == null || s.isEmpty() ? null : new BigDecimal(s);
    }

    /** A record with the fields the merge looks at; the rest null/defaults. */
    static InventoryRecord offer(String sku, String vendorId, int vendorIndex, long row, long quantity,
                                 String cost, Long lead) {
        return new InventoryRecord(sku, null, vendorId, quantity, lead, dec(cost), null, BigDecimal.ZERO, null,
                null, null, null, T, 0, vendorIndex, row);
    }

    static Builder record() {
        return new Builder();
    }

    static final class Builder {
        String sku = "SKU";
        String vendorSku;
        String vendorId = "v1";
        long quantity;
        Long lead;
        BigDecimal cost;
        BigDecimal mapPrice;
        BigDecimal price = BigDecimal.ZERO;
        BigDecimal msrp;
        String condition;
        String brand;
        String title;
        Instant updatedAt = T;
        int mask;
        int vendorIndex;
        long row = 2;

        Builder sku(String v) { sku = v; return this; }
        Builder vendorSku(String v) { vendorSku = v; return this; }
        Builder vendorId(String v) { vendorId = v; return this; }
        Builder quantity(long v) { quantity = v; return this; }
        Builder lead(Long v) { lead = v; return this; }
        Builder cost(String v) { cost = dec(v); return this; }
        Builder mapPrice(String v) { mapPrice = dec(v); return this; }
        Builder price(String v) { price = dec(v); return this; }
        Builder msrp(String v) { msrp = dec(v); return this; }
        Builder condition(String v) { condition = v; return this; }
        Builder brand(String v) { brand = v; return this; }
        Builder title(String v) { title = v; return this; }
        Builder updatedAt(Instant v) { updatedAt = v; return this; }
        Builder updatedAt(String v) { updatedAt = Instant.parse(v); return this; }
        Builder mask(int v) { mask = v; return this; }
        Builder vendorIndex(int v) { vendorIndex = v; return this; }
        Builder row(long v) { row = v; return this; }

        InventoryRecord build() {
            return new InventoryRecord(sku, vendorSku, vendorId, quantity, lead, cost, mapPrice, price, msrp,
                    condition, brand, title, updatedAt, mask, vendorIndex, row);
        }
    }

    static TenantConfig.Pricing pricing(String margin, String min, String ship, String increment,
                                        TenantConfig.RoundingMode mode, String ending, boolean enforce,
                                        String behavior) {
        return new TenantConfig.Pricing(dec(margin), dec(min), dec(ship),
                new TenantConfig.MapPolicy(enforce, behavior),
                new TenantConfig.Rounding(mode, dec(increment), dec(ending)));
    }

    static TenantConfig.Pricing pricing(String margin, String min, String ship, String increment) {
        return pricing(margin, min, ship, increment, TenantConfig.RoundingMode.NEAREST, null, true,
                TenantConfig.MapPolicy.MAX_PRICE_MAP);
    }

    static TenantConfig.BestOffer bestOffer(List<TenantConfig.SortKey> sortBy, boolean includeShipping,
                                            long fallback) {
        return new TenantConfig.BestOffer(sortBy, includeShipping, fallback);
    }

    static TenantConfig.BestOffer defaultBestOffer() {
        return bestOffer(List.of(), true, 7);
    }
}
