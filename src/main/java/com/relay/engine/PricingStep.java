package com.relay.engine;

/** The steps of docs/CONTRACT.md#pricing in the order {@link Pricer} applies them. */
public enum PricingStep {
    /** A record without a cost keeps its input price (blank → 0); no other step runs. */
    INPUT_PRICE,
    /** cost → cost + shipping_handling_flat. */
    LANDED_COST,
    /** landed → landed × (1 + base_margin_pct). */
    MARGIN,
    /** raised to min_price. */
    MIN_PRICE,
    /** rounded to a multiple of rounding.increment (unchanged when the increment is 0). */
    ROUNDING,
    /** a rounded value below min_price raised to the smallest multiple of the increment not below it. */
    ROUNDING_FLOOR_FIX,
    /** the smallest value ≥ the candidate whose fraction is rounding.ending. */
    ENDING,
    /** max(candidate, map_price) when the MAP policy applies. */
    MAP;

    /** The name in reports (lower case). */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
