package com.relay.engine;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many priced SKUs each adjusting pricing step changed (issue 21: {@code pricing_steps} of
 * {@code run_summary.json} and {@code diff.json}): {@code min_price}, {@code rounding} (the increment
 * rounding and its floor fix together, counted when the two change the value), {@code ending} and
 * {@code map}. A {@link PricingObserver} for one {@link Pricer} at a time; not thread-safe.
 */
public final class PricingStepCounts implements PricingObserver {

    private long minPrice;
    private long rounding;
    private long ending;
    private long map;
    private BigDecimal beforeRounding;

    @Override
    public void step(PricingStep step, BigDecimal before, BigDecimal after) {
        switch (step) {
            case MIN_PRICE -> { if (changed(before, after)) minPrice++; }
            case ROUNDING -> beforeRounding = before;
            case ROUNDING_FLOOR_FIX -> { if (changed(beforeRounding, after)) rounding++; }
            case ENDING -> { if (changed(before, after)) ending++; }
            case MAP -> { if (changed(before, after)) map++; }
            default -> { }
        }
    }

    private static boolean changed(BigDecimal before, BigDecimal after) {
        return before != after && before.compareTo(after) != 0;
    }

    /** The counts by step name, always the four keys in pricing order. */
    public Map<String, Long> toMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("min_price", minPrice);
        m.put("rounding", rounding);
        m.put("ending", ending);
        m.put("map", map);
        return m;
    }
}
