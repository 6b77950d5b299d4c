package com.relay.engine;

import java.util.Locale;
import java.util.Optional;

/** The canonical record fields in canonical column order (docs/CONTRACT.md#canonical-record). */
public enum CanonicalField {
    SKU, VENDOR_SKU, VENDOR_ID, QUANTITY_AVAILABLE, LEAD_TIME_DAYS, COST, MAP_PRICE, PRICE, MSRP,
    CONDITION, BRAND, TITLE, UPDATED_AT;

    private final String columnName = name().toLowerCase(Locale.ROOT);

    /** The name used in configurations, headers and messages, e.g. {@code quantity_available}. */
    public String columnName() { return columnName; }

    public boolean isMoney() { return this == COST || this == MAP_PRICE || this == PRICE || this == MSRP; }

    /** Text columns subject to {@code escape_formulas} (docs/CONTRACT.md#output-csv-format). */
    public boolean isText() {
        return this == SKU || this == VENDOR_SKU || this == VENDOR_ID || this == CONDITION || this == BRAND || this == TITLE;
    }

    public static Optional<CanonicalField> fromColumnName(String name) {
        for (CanonicalField f : values()) {
            if (f.columnName.equals(name)) return Optional.of(f);
        }
        return Optional.empty();
    }
}
