package com.relay.engine;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One canonical record (docs/CONTRACT.md#canonical-record). Money fields keep the scale they were written with.
 * {@code BigDecimal} cannot hold a negative zero, yet an input {@code -0} must print {@code -0.00}
 * (docs/CONTRACT.md#output-csv-format, kept for compatibility), so the sign of zero-valued money inputs is kept in
 * {@code negativeZeroMask} (bits {@link #NEG_ZERO_COST}, {@link #NEG_ZERO_MAP_PRICE},
 * {@link #NEG_ZERO_MSRP}; price never needs one because a zero price becomes 0).
 *
 * @param vendorIndex position of the vendor in the configuration (tie-break and vendor_priority)
 * @param rowNumber   row number within the vendor file (docs/CONTRACT.md#row-parsing-and-row-errors, header = 1)
 */
public record InventoryRecord(
        String sku,
        String vendorSku,
        String vendorId,
        long quantityAvailable,
        Long leadTimeDays,
        BigDecimal cost,
        BigDecimal mapPrice,
        BigDecimal price,
        BigDecimal msrp,
        String condition,
        String brand,
        String title,
        Instant updatedAt,
        int negativeZeroMask,
        int vendorIndex,
        long rowNumber) {

    public static final int NEG_ZERO_COST = 1;
    public static final int NEG_ZERO_MAP_PRICE = 2;
    public static final int NEG_ZERO_MSRP = 4;

    public InventoryRecord withSku(String newSku) {
        return new InventoryRecord(newSku, vendorSku, vendorId, quantityAvailable, leadTimeDays, cost, mapPrice,
                price, msrp, condition, brand, title, updatedAt, negativeZeroMask, vendorIndex, rowNumber);
    }

    public InventoryRecord withPriceAndLeadTime(BigDecimal newPrice, Long newLeadTime) {
        return new InventoryRecord(sku, vendorSku, vendorId, quantityAvailable, newLeadTime, cost, mapPrice,
                newPrice, msrp, condition, brand, title, updatedAt, negativeZeroMask, vendorIndex, rowNumber);
    }

    public boolean isNegativeZero(CanonicalField field) {
        return switch (field) {
            case COST -> (negativeZeroMask & NEG_ZERO_COST) != 0;
            case MAP_PRICE -> (negativeZeroMask & NEG_ZERO_MAP_PRICE) != 0;
            case MSRP -> (negativeZeroMask & NEG_ZERO_MSRP) != 0;
            default -> false;
        };
    }
}
