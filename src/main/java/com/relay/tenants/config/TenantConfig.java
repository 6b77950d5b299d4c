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
        Schedule schedule,
        Publish publish) {

    /** A configuration without a {@code publish} section (no guard, missing SKUs dropped). */
    public TenantConfig(int schemaVersion, String tenantId, String timezone, String defaultCurrency, List<Vendor> vendors,
                        Pricing pricing, Merge merge, Output output, ErrorPolicy errorPolicy,
                        Notifications notifications, Schedule schedule) {
        this(schemaVersion, tenantId, timezone, defaultCurrency, vendors, pricing, merge, output, errorPolicy,
                notifications, schedule, null);
    }

    /** The {@code publish} section, or its defaults when the configuration has none. */
    public Publish publishOrDefault() {
        return publish == null ? Publish.DEFAULT : publish;
    }

    /**
     * @param maxAgeHours the chosen file may be this many hours old at most, or null when not checked
     *                    (docs/CONTRACT.md#stale-vendor-files)
     * @param stalePolicy {@code warn} (default) or {@code fail}: what an older file does
     */
    public record Vendor(String vendorId, boolean required, Inbound inbound, Parser parser, SkuMap skuMap,
                         BigDecimal maxAgeHours, String stalePolicy) {

        public static final String STALE_WARN = "warn";
        public static final String STALE_FAIL = "fail";

        /** A vendor whose file's age is not checked. */
        public Vendor(String vendorId, boolean required, Inbound inbound, Parser parser, SkuMap skuMap) {
            this(vendorId, required, inbound, parser, skuMap, null, STALE_WARN);
        }

        /** A stale file fails the vendor (as a missing one) rather than warning. */
        public boolean failsWhenStale() {
            return STALE_FAIL.equals(stalePolicy);
        }
    }

    /**
     * Where a vendor's feed comes from (docs/CONFIG_SPEC.md "Vendor sources"): {@code type} is
     * {@code s3}, {@code local} (CLI only), {@code sftp}, {@code ftp}, {@code ftps}, {@code http} or
     * {@code email}; {@code s3Prefix} is set for s3 only, {@code remote} for the others.
     */
    public record Inbound(String type, String s3Prefix, Remote remote) {
        public Inbound(String type, String s3Prefix) {
            this(type, s3Prefix, null);
        }

        /** The sources fetched by a server of the vendor's (not our bucket, not a local file). */
        public boolean isRemote() {
            return remote != null;
        }
    }

    /**
     * A vendor's server. Secrets ({@code password}, {@code privateKey}, the auth values) are
     * references ({@code env:}, {@code ssm:}, {@code secretsmanager:}), never values; the fields of
     * other types are null (0 for numbers).
     *
     * @param directory   sftp/ftp/ftps: absolute directory, default {@code /}
     * @param filePattern sftp/ftp/ftps: file name glob, default {@code *}
     * @param hostKey     sftp: the server key's OpenSSH SHA256 fingerprint (null only in embedded mode)
     * @param folder      email: IMAP folder, default {@code INBOX}
     * @param privateKeyPassphrase sftp: a secret reference to the passphrase of an encrypted {@code privateKey}, or null
     * @param tls         ftps: {@code explicit} (AUTH TLS on the FTP port, the default) or {@code implicit} (TLS from the first byte); null otherwise
     */
    public record Remote(String host, int port, String username, String password, String privateKey, String hostKey,
                         String directory, String filePattern, long minAgeSeconds,
                         String url, HttpAuth auth,
                         String folder, String from, String subjectContains, String attachmentPattern,
                         String privateKeyPassphrase, String tls) {

        /** The fields of every type but sftp's passphrase and ftps' tls (they are null). */
        public Remote(String host, int port, String username, String password, String privateKey, String hostKey,
                      String directory, String filePattern, long minAgeSeconds,
                      String url, HttpAuth auth,
                      String folder, String from, String subjectContains, String attachmentPattern) {
            this(host, port, username, password, privateKey, hostKey, directory, filePattern, minAgeSeconds, url, auth,
                    folder, from, subjectContains, attachmentPattern, null, null);
        }

        /** ftps over implicit TLS (the connection is TLS from its first byte, port 990 by default). */
        public boolean implicitTls() {
            return "implicit".equals(tls);
        }
    }

    /** http {@code auth}: basic (username + password), bearer (token) or header (name + value); secrets are references. */
    public record HttpAuth(String type, String username, String password, String token, String name, String value) {}

    /**
     * How a vendor's feed is read (docs/CONFIG_SPEC.md#vendors, docs/ENGINE.md#vendor-file-formats). Fields
     * that do not apply to the format are null.
     *
     * @param format      one of {@link #FORMATS}
     * @param delimiter   one of {@code , ; \t |}: the feed's (csv, tsv) and always the SKU map's
     * @param encoding    the encoding as written (normalise with {@code EncodingNames}); every format but xlsx
     * @param columnMap   canonical field name → vendor header name (csv/tsv with a header, xlsx), 1-based
     *                    column number as digits (csv/tsv with {@code header: false}), field path (json),
     *                    child element name or {@code @attribute} (xml), key of {@code columns} (fixed_width)
     * @param header      csv/tsv: whether the first record is a header row; null for other formats
     * @param sheetName   xlsx: the sheet by name, or null when chosen by {@code sheetIndex}
     * @param sheetIndex  xlsx: the 1-based sheet index when {@code sheetName} is null; null for other formats
     * @param headerRow   xlsx: the 1-based row number of the header; null for other formats
     * @param recordsPath json: {@code $[*]} or {@code $.a.b[*]}; null for other formats
     * @param recordPath  xml: {@code /feed/item}; null for other formats
     * @param columns     fixed_width: column name → 1-based inclusive character range, insertion ordered; null otherwise
     */
    public record Parser(String format, char delimiter, String encoding, Map<String, String> columnMap,
                         Boolean header, String sheetName, Integer sheetIndex, Integer headerRow,
                         String recordsPath, String recordPath, Map<String, ColumnRange> columns) {

        public static final List<String> FORMATS = List.of("csv", "tsv", "xlsx", "json", "xml", "fixed_width");

        /** A csv parser with a header row (the only format before issue 20). */
        public Parser(String format, char delimiter, String encoding, Map<String, String> columnMap) {
            this(format, delimiter, encoding, columnMap, true, null, null, null, null, null, null);
        }

        /** csv or tsv without a header row: column_map values are column numbers. */
        public boolean headerless() {
            return Boolean.FALSE.equals(header);
        }
    }

    /** A fixed_width column: characters {@code start..end}, 1-based and inclusive. */
    public record ColumnRange(int start, int end) {}

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

    /**
     * docs/CONFIG_SPEC.md#publish: the publish guard and the missing-SKU policy (docs/CONTRACT.md#publishing-diff-delta-and-guard).
     *
     * @param missingSkuPolicy {@link #DROP} or {@link #ZERO}
     * @param zeroDays         zero only: days a missing SKU stays at quantity 0 before it is dropped
     */
    public record Publish(Guard guard, String missingSkuPolicy, long zeroDays) {
        public static final String DROP = "drop";
        public static final String ZERO = "zero";
        public static final long DEFAULT_ZERO_DAYS = 7;
        public static final Publish DEFAULT = new Publish(Guard.NONE, DROP, DEFAULT_ZERO_DAYS);

        public boolean zeroMissing() { return ZERO.equals(missingSkuPolicy); }
    }

    /** Guard thresholds as fractions 0..1; a null threshold is not checked. */
    public record Guard(BigDecimal maxSkuDropPct, BigDecimal maxZeroedPct, BigDecimal maxMedianPriceChangePct,
                        BigDecimal maxVendorRowDropPct) {
        public static final Guard NONE = new Guard(null, null, null, null);
    }
}
