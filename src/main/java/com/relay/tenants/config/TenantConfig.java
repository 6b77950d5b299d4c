package com.relay.tenants.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A validated, normalised tenant configuration (docs/CONTRACT.md#schema). Every default is filled in; optional
 * objects that are absent are {@code null}. Produced only by {@link TenantConfigParser}, so code
 * that receives one may rely on every rule of docs/CONTRACT.md#validation holding.
 */
public record TenantConfig(
        int schemaVersion,
        String tenantId,
        String timezone,
        String defaultCurrency,
        List<Vendor> vendors,
        Pricing pricing,
        Merge merge,
        Output output,
        ErrorPolicy errorPolicy,
        Notifications notifications,
        Schedule schedule) {

    public record Vendor(String vendorId, boolean required, Inbound inbound, Parser parser, SkuMap skuMap) {}

    /** {@code type} is {@code s3} or {@code local} (CLI only); {@code s3Prefix} null for local. */
    public record Inbound(String type, String s3Prefix) {}

    /**
     * @param delimiter one of {@code , ; \t |}
     * @param encoding  the encoding as written (normalise with {@code EncodingNames})
     * @param columnMap canonical field name → vendor header name, insertion ordered
     */
    public record Parser(String format, char delimiter, String encoding, Map<String, String> columnMap) {}

    public record SkuMap(String type, String s3Key, String localPath) {}

    public record Pricing(BigDecimal baseMarginPct, BigDecimal minPrice, BigDecimal shippingHandlingFlat,
                          MapPolicy mapPolicy, Rounding rounding) {}

    public record MapPolicy(boolean enforce, String mapFloorBehavior) {
        public static final String MAX_PRICE_MAP = "max(price, map_price)";

        /** Only the exact default string activates the MAP floor (kept for compatibility). */
        public boolean floorActive() {
            return enforce && MAX_PRICE_MAP.equals(mapFloorBehavior);
        }
    }

    /** @param ending null when not set */
    public record Rounding(RoundingMode mode, BigDecimal increment, BigDecimal ending) {}

    public enum RoundingMode {
        NEAREST, UP, DOWN;

        public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public record Merge(String strategy, BestOffer bestOffer) {}

    /** @param sortBy never empty after normalisation: the empty list becomes the default pair */
    public record BestOffer(List<SortKey> sortBy, boolean includeShippingHandling, long fallbackLeadTimeDays) {}

    public enum SortKey {
        IN_STOCK_DESC, LOWEST_LANDED_COST, LOWEST_COST, SHORTEST_LEAD_TIME, HIGHEST_QUANTITY, VENDOR_PRIORITY;

        public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public record Output(String format, List<String> columns, boolean escapeFormulas) {}

    public record ErrorPolicy(long maxInvalidRows, BigDecimal maxInvalidRowPct,
                              boolean failOnMissingRequiredColumns, String missingRequiredVendorPolicy) {
        public boolean warnOnly() { return "warn_only".equals(missingRequiredVendorPolicy); }
    }

    /** docs/CONTRACT.md#the-notifications-section; {@code ntfy} is required when the object is present. */
    public record Notifications(Ntfy ntfy) {}

    /** @param priority outcome (SUCCEEDED/FAILED) → 1..5 */
    public record Ntfy(boolean enabled, String url, String topic, String tokenSecretRef, List<String> on,
                       Map<String, Integer> priority, String clickUrl) {}

    public record Schedule(String cron, boolean enabled) {}
}
