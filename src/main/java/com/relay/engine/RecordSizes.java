package com.relay.engine;

import java.math.BigDecimal;

/**
 * A cheap estimate of the heap bytes one held record costs (RI §3.7 memory budget), for a 64-bit
 * JVM with compressed references. Strings are counted as compact (one byte per char), which holds
 * for the Latin-1 text of typical feeds; {@code vendor_id} is not counted because every record of
 * a vendor shares the configuration's string.
 */
final class RecordSizes {

    /** The record object (12 references, 4 primitives) plus its Instant. */
    private static final long RECORD_BYTES = 88 + 24;
    /** String object plus its byte[] header. */
    private static final long STRING_BYTES = 40;
    private static final long DECIMAL_BYTES = 40;
    private static final long LONG_BOX_BYTES = 16;

    private RecordSizes() {}

    static long estimate(InventoryRecord r) {
        long bytes = RECORD_BYTES;
        bytes += string(r.sku()) + string(r.vendorSku()) + string(r.condition()) + string(r.brand())
                + string(r.title());
        bytes += decimal(r.cost()) + decimal(r.mapPrice()) + decimal(r.price()) + decimal(r.msrp());
        if (r.leadTimeDays() != null) bytes += LONG_BOX_BYTES;
        return bytes;
    }

    private static long string(String s) {
        return s == null ? 0 : STRING_BYTES + s.length();
    }

    private static long decimal(BigDecimal d) {
        if (d == null) return 0;
        // a large unscaled value carries a BigInteger and its int[] magnitude
        return d.precision() <= 18 ? DECIMAL_BYTES : DECIMAL_BYTES + 40 + d.precision() / 2;
    }
}
