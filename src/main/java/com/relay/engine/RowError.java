package com.relay.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An engine error entry of {@code errors.json} (RI §3.5, §4.9): a dropped row, or a vendor-level
 * problem ({@code rowNumber} 0, {@code rowData {"vendor": id}}).
 *
 * @param rowData header name → raw cell (String or null), plus key {@code "null"} → List of surplus cells
 */
public record RowError(String vendorId, long rowNumber, String reason, Map<String, Object> rowData) {

    public static RowError vendorLevel(String vendorId, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("vendor", vendorId);
        return new RowError(vendorId, 0, reason, data);
    }
}
