package com.relay.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An engine error entry of {@code errors.json} (docs/CONTRACT.md#row-parsing-and-row-errors, docs/CONTRACT.md#artifacts): a dropped row, or a vendor-level
 * problem ({@code rowNumber} 0, {@code rowData {"vendor": id}}).
 *
 * <p>What one entry may hold is capped (docs/ENGINE.md, "Error log caps"): a 1 MB header name
 * copied into every row error turned a 1 MB feed into a 1 GB {@code errors.json}. Every header
 * name, cell and cell quoted in a reason is cut to {@link #TEXT_LIMIT} characters followed by
 * {@link #TRUNCATED}; once an entry's {@code row_data} holds {@link #ROW_DATA_TEXT_BUDGET}
 * characters the remaining cells are left out and counted under the key {@link #OMITTED_CELLS_KEY}.
 *
 * @param rowData header name → raw cell (String or null), plus key {@code "null"} → List of surplus cells
 */
public record RowError(String vendorId, long rowNumber, String reason, Map<String, Object> rowData) {

    /** Characters of one header name, cell or quoted cell kept in an entry. */
    public static final int TEXT_LIMIT = 1024;
    /** Marker after a cut text (the one docs/CONTRACT.md#row-parsing-and-row-errors uses for oversized cells). */
    public static final String TRUNCATED = "...[truncated]";
    /** Characters of names and values one entry's {@code row_data} holds before cells are left out. */
    public static final int ROW_DATA_TEXT_BUDGET = 64 * 1024;
    /** {@code row_data} key whose value says how many cells were left out. */
    public static final String OMITTED_CELLS_KEY = "...[omitted]";
    /** What a null cell counts against the budget, so a million empty columns are capped too. */
    static final int MIN_CELL_COST = 8;

    public static RowError vendorLevel(String vendorId, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("vendor", vendorId);
        return new RowError(vendorId, 0, reason, data);
    }

    /** {@code text} itself when at most {@link #TEXT_LIMIT} characters, else its start and {@link #TRUNCATED}. */
    public static String clip(String text) {
        if (text == null || text.length() <= TEXT_LIMIT) return text;
        int end = TEXT_LIMIT;
        if (Character.isHighSurrogate(text.charAt(end - 1))) end--; // never split a surrogate pair
        return text.substring(0, end) + TRUNCATED;
    }
}
