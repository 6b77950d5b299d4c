package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;

/** Computes the price of a merged record (RI §3.9). Stateless apart from the pricing settings. */
public final class Pricer {

    /** RI §1.4: every intermediate add, multiply and divide uses 28 significant digits, half-even. */
    public static final MathContext MC = new MathContext(28, RoundingMode.HALF_EVEN);

    private final BigDecimal shipping;
    private final BigDecimal marginFactor;
    private final BigDecimal minPrice;
    private final BigDecimal increment;
    private final RoundingMode integerRounding;
    private final BigDecimal ending;
    private final boolean mapFloorActive;
    /** ceil(min_price ÷ increment) × increment: the floor's smallest multiple, computed once. */
    private final BigDecimal minMultiple;

    public Pricer(TenantConfig.Pricing pricing) {
        Objects.requireNonNull(pricing, "pricing");
        this.shipping = pricing.shippingHandlingFlat();
        this.marginFactor = BigDecimal.ONE.add(pricing.baseMarginPct(), MC);
        this.minPrice = pricing.minPrice();
        TenantConfig.Rounding rounding = pricing.rounding();
        this.increment = rounding.increment();
        this.integerRounding = switch (rounding.mode()) {
            case NEAREST -> RoundingMode.HALF_UP;
            case UP -> RoundingMode.CEILING;
            case DOWN -> RoundingMode.FLOOR;
        };
        this.ending = rounding.ending();
        this.mapFloorActive = pricing.mapPolicy() != null && pricing.mapPolicy().floorActive();
        this.minMultiple = increment.signum() > 0
                ? minPrice.divide(increment, MC).setScale(0, RoundingMode.CEILING).multiply(increment, MC)
                : null;
    }

    /** Convenience for one-off use; prefer one {@link Pricer} per run. */
    public static BigDecimal price(InventoryRecord record, TenantConfig.Pricing pricing) {
        return new Pricer(pricing).price(record);
    }

    /**
     * The output price: a record without a cost keeps its input price (kept for compatibility, RI
     * §3.9, MAP not applied); otherwise landed cost × (1 + margin), floor, increment rounding,
     * floor fix, ending, then MAP.
     */
    public BigDecimal price(InventoryRecord record) {
        BigDecimal cost = record.cost();
        if (cost == null) {
            return record.price() == null ? BigDecimal.ZERO : record.price();
        }
        BigDecimal candidate = cost.add(shipping, MC).multiply(marginFactor, MC);
        if (candidate.compareTo(minPrice) < 0) candidate = minPrice;
        if (minMultiple != null) {
            BigDecimal q = candidate.divide(increment, MC);
            candidate = q.setScale(0, integerRounding).multiply(increment, MC);
            // fixed in RI §3.9: rounding must not take the price below min_price
            if (candidate.compareTo(minPrice) < 0) candidate = minMultiple;
        }
        if (ending != null) {
            BigDecimal e = candidate.setScale(0, RoundingMode.FLOOR).add(ending, MC);
            candidate = e.compareTo(candidate) >= 0 ? e : e.add(BigDecimal.ONE, MC);
        }
        BigDecimal map = record.mapPrice();
        if (mapFloorActive && map != null && map.compareTo(candidate) > 0) {
            candidate = map; // MAP last, not rounded, not adjusted to the ending
        }
        return candidate;
    }
}
