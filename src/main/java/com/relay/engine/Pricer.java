package com.relay.engine;

import com.relay.tenants.config.TenantConfig;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;

/** Computes the price of a merged record (docs/CONTRACT.md#pricing). Stateless apart from the pricing settings. */
public final class Pricer {

    /** docs/CONTRACT.md#conventions: every intermediate add, multiply and divide uses 28 significant digits, half-even. */
    public static final MathContext MC = new MathContext(28, RoundingMode.HALF_EVEN);

    private static final BigInteger LONG_FAST_LIMIT = BigInteger.valueOf(1_000_000_000L);
    /** 10^0 … 10^18. */
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
    }

    private final BigDecimal shipping;
    private final BigDecimal marginFactor;
    private final BigDecimal minPrice;
    private final BigDecimal increment;
    private final RoundingMode integerRounding;
    private final BigDecimal ending;
    private final boolean mapFloorActive;
    /** ceil(min_price ÷ increment) × increment: the floor's smallest multiple, computed once. */
    private final BigDecimal minMultiple;
    /** The increment as unscaled long and scale, for the exact long-arithmetic fast path; -1 if unusable. */
    private final long incrementUnscaled;
    private final int incrementScale;

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
        this.incrementScale = increment.scale();
        this.incrementUnscaled = increment.signum() > 0 && increment.unscaledValue().compareTo(LONG_FAST_LIMIT) < 0
                ? increment.unscaledValue().longValueExact() : -1;
    }

    /** Convenience for one-off use; prefer one {@link Pricer} per run. */
    public static BigDecimal price(InventoryRecord record, TenantConfig.Pricing pricing) {
        return new Pricer(pricing).price(record);
    }

    /**
     * n × increment where n = round(q) with the configured mode and q = candidate ÷ increment to 28
     * digits half-even (docs/CONTRACT.md#pricing). Exactly {@link #roundToIncrementReference}, computed with longs
     * when the numbers are small: with q below 10^9 at least 19 fraction digits survive the 28-digit
     * rounding, and a fraction r/den with den < 10^19 can never be moved across a rounding boundary
     * by rounding at the 19th digit, so rounding the exact quotient gives the same integer.
     */
    BigDecimal roundToIncrement(BigDecimal candidate) {
        if (incrementUnscaled > 0 && candidate.signum() >= 0 && candidate.precision() <= 18) {
            long a = candidate.unscaledValue().longValue();
            int sa = candidate.scale();
            int common = Math.max(sa, incrementScale);
            int shiftA = common - sa;
            int shiftB = common - incrementScale;
            if (shiftA < POW10.length && shiftB < POW10.length) {
                long num = multiplyOrNegative(a, POW10[shiftA]);
                long den = multiplyOrNegative(incrementUnscaled, POW10[shiftB]);
                if (num >= 0 && den > 0) {
                    long qi = num / den;
                    long r = num % den;
                    if (qi < 1_000_000_000L) {
                        long n = switch (integerRounding) {
                            case HALF_UP -> r >= den - r ? qi + 1 : qi;
                            case CEILING -> r > 0 ? qi + 1 : qi;
                            default -> qi; // FLOOR: q ≥ 0
                        };
                        // n ≤ 10^9 and the increment < 10^9: the product is exact within 28 digits
                        return BigDecimal.valueOf(n * incrementUnscaled, incrementScale);
                    }
                }
            }
        }
        return roundToIncrementReference(candidate);
    }

    /** The literal docs/CONTRACT.md#pricing computation. */
    BigDecimal roundToIncrementReference(BigDecimal candidate) {
        BigDecimal q = candidate.divide(increment, MC);
        return q.setScale(0, integerRounding).multiply(increment, MC);
    }

    private static long multiplyOrNegative(long x, long y) {
        long hi = Math.multiplyHigh(x, y);
        long lo = x * y;
        return hi == 0 && lo >= 0 ? lo : -1;
    }

    /**
     * The output price: a record without a cost keeps its input price (kept for compatibility,
     * docs/CONTRACT.md#pricing, MAP not applied); otherwise landed cost × (1 + margin), floor, increment rounding,
     * floor fix, ending, then MAP.
     */
    public BigDecimal price(InventoryRecord record) {
        return price(record, (PricingObserver) null);
    }

    /**
     * {@link #price(InventoryRecord)} reporting every step to {@code observer} (null: none, the hot
     * path): the one pricing computation, so an explanation can never disagree with the feed.
     * With a cost, every step of {@link PricingStep} is reported once, in order, also when it
     * changes nothing or is not configured; without one only {@link PricingStep#INPUT_PRICE}.
     */
    public BigDecimal price(InventoryRecord record, PricingObserver observer) {
        BigDecimal cost = record.cost();
        if (cost == null) {
            BigDecimal kept = record.price() == null ? BigDecimal.ZERO : record.price();
            if (observer != null) observer.step(PricingStep.INPUT_PRICE, record.price(), kept);
            return kept;
        }
        BigDecimal landed = cost.add(shipping, MC);
        BigDecimal candidate = landed.multiply(marginFactor, MC);
        if (observer != null) {
            observer.step(PricingStep.LANDED_COST, cost, landed);
            observer.step(PricingStep.MARGIN, landed, candidate);
        }
        BigDecimal before = candidate;
        if (candidate.compareTo(minPrice) < 0) candidate = minPrice;
        if (observer != null) observer.step(PricingStep.MIN_PRICE, before, candidate);
        if (minMultiple != null) {
            before = candidate;
            candidate = roundToIncrement(candidate);
            if (observer != null) observer.step(PricingStep.ROUNDING, before, candidate);
            before = candidate;
            // fixed in docs/CONTRACT.md#pricing: rounding must not take the price below min_price
            if (candidate.compareTo(minPrice) < 0) candidate = minMultiple;
            if (observer != null) observer.step(PricingStep.ROUNDING_FLOOR_FIX, before, candidate);
        } else if (observer != null) {
            observer.step(PricingStep.ROUNDING, candidate, candidate);
            observer.step(PricingStep.ROUNDING_FLOOR_FIX, candidate, candidate);
        }
        before = candidate;
        if (ending != null) {
            BigDecimal e = candidate.setScale(0, RoundingMode.FLOOR).add(ending, MC);
            candidate = e.compareTo(candidate) >= 0 ? e : e.add(BigDecimal.ONE, MC);
        }
        if (observer != null) observer.step(PricingStep.ENDING, before, candidate);
        before = candidate;
        BigDecimal map = record.mapPrice();
        if (mapFloorActive && map != null && map.compareTo(candidate) > 0) {
            candidate = map; // MAP last, not rounded, not adjusted to the ending
        }
        if (observer != null) observer.step(PricingStep.MAP, before, candidate);
        return candidate;
    }
}
