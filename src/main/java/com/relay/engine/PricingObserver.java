package com.relay.engine;

import java.math.BigDecimal;

/** Receives each step of one {@link Pricer#price(InventoryRecord, PricingObserver)} call, in order. */
@FunctionalInterface
public interface PricingObserver {

    /** {@code before} is null only for {@link PricingStep#INPUT_PRICE} of a record without a price. */
    void step(PricingStep step, BigDecimal before, BigDecimal after);
}
