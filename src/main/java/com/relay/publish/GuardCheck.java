package com.relay.publish;

import java.math.BigDecimal;

/**
 * One guard threshold checked against the published feed (docs/CONTRACT.md#publishing-diff-delta-and-guard).
 *
 * @param check     the threshold's name, e.g. {@code max_sku_drop_pct}
 * @param vendorId  the vendor of a {@code max_vendor_row_drop_pct} check, else null
 * @param threshold the configured fraction
 * @param value     the measured fraction, rounded half-up to 4 places (null: nothing to measure)
 * @param breached  {@code value > threshold}, decided on the exact value
 * @param reason    the sentence for operators when breached, else null
 */
public record GuardCheck(String check, String vendorId, BigDecimal threshold, BigDecimal value, boolean breached,
                         String reason) {}
