package com.relay.tenants.config;

import com.relay.engine.CanonicalField;
import com.relay.tenants.config.TenantConfig.BestOffer;
import com.relay.tenants.config.TenantConfig.ColumnRange;
import com.relay.tenants.config.TenantConfig.ErrorPolicy;
import com.relay.tenants.config.TenantConfig.Inbound;
import com.relay.tenants.config.TenantConfig.MapPolicy;
import com.relay.tenants.config.TenantConfig.Merge;
import com.relay.tenants.config.TenantConfig.Output;
import com.relay.tenants.config.TenantConfig.Parser;
import com.relay.tenants.config.TenantConfig.Pricing;
import com.relay.tenants.config.TenantConfig.Rounding;
import com.relay.tenants.config.TenantConfig.RoundingMode;
import com.relay.tenants.config.TenantConfig.SkuMap;
import com.relay.tenants.config.TenantConfig.SortKey;
import com.relay.tenants.config.TenantConfig.Vendor;
import com.relay.tenants.config.FieldReader.Presence;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One validation pass over a parsed document (docs/CONTRACT.md#schema to docs/CONTRACT.md#validation): collects every problem in document
 * order (fields in the order of the specification's tables, list elements by index, unknown keys of
 * an object after its known fields) and builds the normalised {@link TenantConfig} when there is
 * none. Not thread-safe; one instance per document.
 */
final class ConfigValidator {

    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** vendors[].max_age_hours at most a year: a larger age check is no check (docs/CONFIG_SPEC.md#vendors). */
    static final BigDecimal MAX_AGE_HOURS_LIMIT = BigDecimal.valueOf(8760);
    static final String IDENTIFIER_MESSAGE = "must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

    static final String CANONICAL_COLUMNS_MESSAGE = "must be a canonical column: sku, vendor_sku, vendor_id, "
            + "quantity_available, lead_time_days, cost, map_price, price, msrp, condition, brand, title, updated_at";
    static final String SORT_BY_MESSAGE = "must be one of: in_stock_desc, lowest_landed_cost, lowest_cost, "
            + "shortest_lead_time, highest_quantity, vendor_priority";
    static final String DELIMITER_MESSAGE = "must be one of: ',', ';', '\\t', '|'";
    static final String FORMAT_MESSAGE = "must be one of: " + String.join(", ", Parser.FORMATS);
    static final Pattern RECORDS_PATH = Pattern.compile("\\$(\\.[^.\\[\\]\\s$*@]+)*\\[\\*]");
    static final String RECORDS_PATH_MESSAGE = "must be $[*] or $.<member>[*] with members joined by '.', "
            + "such as $.items[*] (a path of object members to one array)";
    static final Pattern RECORD_PATH = Pattern.compile("(/[A-Za-z_][A-Za-z0-9._-]*)+");
    static final String RECORD_PATH_MESSAGE = "must be an absolute path of element names such as /feed/item "
            + "(no wildcards, predicates, // or namespace prefixes)";
    static final Pattern FIELD_PATH = Pattern.compile("[^.\\[\\]]+(\\.[^.\\[\\]]+)*");
    static final Pattern XML_FIELD = Pattern.compile("@?[A-Za-z_][A-Za-z0-9._-]*");
    /** CsvRecordReader.MAX_FIELDS: a column past it can never be read. */
    static final int MAX_COLUMN_NUMBER = com.relay.engine.CsvRecordReader.MAX_FIELDS;
    static final int MAX_SHEETS = 65_535;
    static final int MAX_XLSX_ROWS = 1_048_576;
    /** The longest fixed_width line the engine keeps (docs/ENGINE.md#vendor-file-formats). */
    static final int MAX_FIXED_WIDTH_END = 65_536;

    static final List<SortKey> DEFAULT_SORT_BY = List.of(SortKey.IN_STOCK_DESC, SortKey.LOWEST_LANDED_COST);
    static final BigDecimal DEFAULT_INCREMENT = new BigDecimal("0.01");
    static final BigDecimal DEFAULT_MAX_INVALID_ROW_PCT = new BigDecimal("0.0");

    private final TenantConfigParser.Context context;
    private final FieldReader fields = new FieldReader();
    /** The tenant id when it is valid; the tenant-isolation checks need it (docs/CONTRACT.md#schema). */
    private String tenantId;

    ConfigValidator(TenantConfigParser.Context context) {
        this.context = context;
    }

    ValidationResult validate(DocumentNode document) {
        if (!(document instanceof DocumentNode.Mapping mapping)) {
            return new ValidationResult.Invalid(List.of(ConfigProblem.of("", "must be an object")));
        }
        // docs/CONTRACT.md#validation step 2: a document of another schema version is not checked further.
        DocumentNode schemaVersion = mapping.entries().get("schema_version");
        if (schemaVersion != null && !isIntegerOne(schemaVersion)) {
            return new ValidationResult.Invalid(List.of(new ConfigProblem("schema_version",
                    "unsupported schema_version " + schemaVersion.asWritten(), ConfigProblem.UNSUPPORTED_SCHEMA_VERSION)));
        }
        FieldReader.Obj root = fields.root(mapping);
        root.take("schema_version");

        String tenantIdValue = fields.string(root, "tenant_id", Presence.REQUIRED, null);
        if (tenantIdValue != null) {
            if (IDENTIFIER.matcher(tenantIdValue).matches()) {
                tenantId = tenantIdValue;
            } else {
                fields.problem(root.child("tenant_id"), IDENTIFIER_MESSAGE);
            }
        }
        String timezone = fields.string(root, "timezone", Presence.REQUIRED, null);
        if (timezone != null && !ValueRules.isIanaRegionId(timezone)) {
            fields.problem(root.child("timezone"), "must be a valid IANA time zone");
        }
        String currency = fields.string(root, "default_currency", Presence.REQUIRED, null);
        if (currency != null && !ValueRules.isIsoCurrency(currency)) {
            fields.problem(root.child("default_currency"), "must be an ISO 4217 currency code");
        }
        List<Vendor> vendors = vendors(root);
        Pricing pricing = pricing(fields.object(root, "pricing", Presence.REQUIRED));
        Merge merge = merge(fields.object(root, "merge", Presence.REQUIRED));
        Output output = output(fields.object(root, "output", Presence.REQUIRED));
        ErrorPolicy errorPolicy = errorPolicy(fields.object(root, "error_policy", Presence.OPTIONAL));
        NotificationsValidator notifications = new NotificationsValidator(fields, context, tenantId);
        TenantConfig.Notifications notificationsConfig =
                notifications.notifications(fields.object(root, "notifications", Presence.NULLABLE));
        TenantConfig.Schedule schedule = notifications.schedule(fields.object(root, "schedule", Presence.NULLABLE));
        TenantConfig.Publish publish = publish(fields.object(root, "publish", Presence.NULLABLE));
        root.finish();

        if (!fields.problems().isEmpty()) {
            return new ValidationResult.Invalid(fields.problems());
        }
        return new ValidationResult.Valid(new TenantConfig(1, tenantId, timezone, currency, vendors, pricing, merge,
                output, errorPolicy, notificationsConfig, schedule, publish));
    }

    /** The field paths the last {@link #validate} read (list indexes included), for ConfigSpecDocTest. */
    java.util.Set<String> fieldPathsRead() {
        return fields.pathsRead();
    }

    private static boolean isIntegerOne(DocumentNode node) {
        return node instanceof DocumentNode.Number n && n.integral() && n.value() != null && n.value().compareTo(BigDecimal.ONE) == 0;
    }

    // ---- vendors ----------------------------------------------------------------------------

    private List<Vendor> vendors(FieldReader.Obj root) {
        List<FieldReader.Element> elements = fields.list(root, "vendors", Presence.REQUIRED);
        if (elements == null) {
            return null;
        }
        if (context.maxVendors() > 0 && elements.size() > context.maxVendors()) {
            // the quota (docs/RELIABILITY.md): each vendor is fetched and parsed in every run
            fields.problem("vendors", "must list at most " + context.maxVendors()
                    + " vendors (RELAY_MAX_VENDORS_PER_RUN=" + context.maxVendors() + ")");
        }
        List<Vendor> vendors = new ArrayList<>();
        Set<String> seenIds = new HashSet<>();
        for (FieldReader.Element element : elements) {
            FieldReader.Obj vendor = fields.objectElement(element);
            if (vendor != null) {
                vendors.add(vendor(vendor, seenIds));
            }
        }
        return List.copyOf(vendors);
    }

    private Vendor vendor(FieldReader.Obj o, Set<String> seenIds) {
        String vendorId = fields.string(o, "vendor_id", Presence.REQUIRED, null);
        if (vendorId != null) {
            if (!IDENTIFIER.matcher(vendorId).matches()) {
                fields.problem(o.child("vendor_id"), IDENTIFIER_MESSAGE);
            } else if (!seenIds.add(vendorId)) {
                fields.problem(o.child("vendor_id"), "duplicate vendor_id '" + vendorId + "'");
            }
        }
        Boolean required = fields.bool(o, "required", Presence.OPTIONAL, true);
        Inbound inbound = new InboundValidator(fields, context, tenantId)
                .inbound(fields.object(o, "inbound", Presence.REQUIRED), this::checkTenantPrefix);
        Parser parser = parser(fields.object(o, "parser", Presence.REQUIRED));
        SkuMap skuMap = skuMap(fields.object(o, "sku_map", Presence.NULLABLE));
        // docs/CONTRACT.md#stale-vendor-files
        BigDecimal maxAgeHours = fields.decimal(o, "max_age_hours", Presence.NULLABLE, null);
        if (maxAgeHours != null && maxAgeHours.signum() <= 0) {
            fields.problem(o.child("max_age_hours"), "must be > 0");
        } else if (maxAgeHours != null && maxAgeHours.compareTo(MAX_AGE_HOURS_LIMIT) > 0) {
            fields.problem(o.child("max_age_hours"), "must be <= " + MAX_AGE_HOURS_LIMIT);
        }
        String stalePolicy = fields.string(o, "stale_policy", Presence.OPTIONAL, Vendor.STALE_WARN);
        if (stalePolicy != null && !stalePolicy.equals(Vendor.STALE_WARN) && !stalePolicy.equals(Vendor.STALE_FAIL)) {
            fields.problem(o.child("stale_policy"), "must be one of: warn, fail");
        }
        o.finish();
        return new Vendor(vendorId, required == null || required, inbound, parser, skuMap, maxAgeHours,
                stalePolicy == null ? Vendor.STALE_WARN : stalePolicy);
    }

    /** The key rules of {@link TenantKeys}: under the tenant's root, with no way out of it. */
    private void checkTenantPrefix(String path, String value) {
        (tenantId != null ? TenantKeys.problem(value, tenantId) : TenantKeys.shapeProblem(value))
                .ifPresent(message -> fields.problem(path, message));
    }

    private Parser parser(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        String format = fields.string(o, "format", Presence.REQUIRED, null);
        // versions stored when the format was not interpreted may say CSV: the name is case-blind
        if (format != null) format = format.toLowerCase(java.util.Locale.ROOT);
        if (format != null && !Parser.FORMATS.contains(format)) {
            fields.problem(o.child("format"), FORMAT_MESSAGE);
            format = null; // format-specific fields are then only type-checked, never held against it
        }
        boolean tsv = "tsv".equals(format);
        boolean csvLike = "csv".equals(format) || tsv;
        String delimiter = fields.string(o, "delimiter", Presence.OPTIONAL, tsv ? "\t" : ",");
        if (delimiter != null && !ValueRules.isDelimiter(delimiter)) {
            fields.problem(o.child("delimiter"), DELIMITER_MESSAGE);
        } else if (tsv && delimiter != null && !delimiter.equals("\t")) {
            fields.problem(o.child("delimiter"), "must be '\\t' when format is tsv");
        }
        String encoding = fields.string(o, "encoding", Presence.OPTIONAL, "utf-8");
        if (encoding != null && !EncodingNames.isSupported(encoding)) {
            fields.problem(o.child("encoding"), EncodingNames.ALLOWED_NAMES_MESSAGE);
        }
        Boolean header = null;
        if (applies(o, "header", format, csvLike, "csv or tsv")) {
            header = fields.bool(o, "header", Presence.OPTIONAL, true);
        }
        boolean xlsx = "xlsx".equals(format);
        String sheetName = null;
        Integer sheetIndex = null;
        Integer headerRow = null;
        if (applies(o, "sheet", format, xlsx, "xlsx")) {
            DocumentNode sheet = o.take("sheet");
            Long index = sheet == null ? Long.valueOf(1) : FieldReader.asLong(sheet);
            if (sheet instanceof DocumentNode.Text t && !t.value().isEmpty()) {
                sheetName = t.value();
            } else if (index != null && index >= 1 && index <= MAX_SHEETS) {
                sheetIndex = index.intValue();
            } else if (sheet instanceof DocumentNode.Null) {
                fields.problem(o.child("sheet"), "is required");
            } else {
                fields.problem(o.child("sheet"), "must be a sheet name or a sheet number from 1 to " + MAX_SHEETS);
            }
        }
        if (applies(o, "header_row", format, xlsx, "xlsx")) {
            Long row = fields.integer(o, "header_row", Presence.OPTIONAL, 1L);
            if (row != null && (row < 1 || row > MAX_XLSX_ROWS)) {
                fields.problem(o.child("header_row"), "must be between 1 and " + MAX_XLSX_ROWS);
            } else if (row != null) {
                headerRow = row.intValue();
            }
        }
        String recordsPath = null;
        if (applies(o, "records_path", format, "json".equals(format), "json")) {
            recordsPath = fields.string(o, "records_path", Presence.REQUIRED, null);
            if (recordsPath != null && !RECORDS_PATH.matcher(recordsPath).matches()) {
                fields.problem(o.child("records_path"), RECORDS_PATH_MESSAGE);
            }
        }
        String recordPath = null;
        if (applies(o, "record_path", format, "xml".equals(format), "xml")) {
            recordPath = fields.string(o, "record_path", Presence.REQUIRED, null);
            if (recordPath != null && !RECORD_PATH.matcher(recordPath).matches()) {
                fields.problem(o.child("record_path"), RECORD_PATH_MESSAGE);
            }
        }
        Map<String, ColumnRange> columns = null;
        boolean fixedWidth = "fixed_width".equals(format);
        if (applies(o, "columns", format, fixedWidth, "fixed_width")) {
            columns = fixedWidthColumns(fields.object(o, "columns", Presence.REQUIRED), o.child("columns"));
        }
        boolean headerless = csvLike && Boolean.FALSE.equals(header);
        Map<String, String> columnMap = columnMap(fields.object(o, "column_map", Presence.OPTIONAL), format, headerless,
                columns);
        if (fixedWidth && columns != null && columnMap != null) {
            for (String required : List.of("sku", "quantity_available")) {
                String name = columnMap.getOrDefault(required, required);
                if (!columns.containsKey(name) && !columnMap.containsKey(required)) {
                    fields.problem(o.child("columns"), "has no column for " + required
                            + " (name a column " + required + " or map " + required + " in column_map)");
                }
            }
        }
        o.finish();
        char delimiterChar = delimiter != null && delimiter.length() == 1 ? delimiter.charAt(0) : tsv ? '\t' : ',';
        return new Parser(format, delimiterChar, encoding, columnMap, header, sheetName, sheetIndex, headerRow,
                recordsPath, recordPath, columns);
    }

    /**
     * Whether a format-specific field applies. When it does not, it must be absent or null (the
     * stored form writes it as null); with an unknown format it is only taken, the format's own
     * problem says what is wrong.
     */
    private boolean applies(FieldReader.Obj o, String key, String format, boolean applies, String formats) {
        if (applies) {
            return true;
        }
        DocumentNode node = o.take(key);
        if (format != null && node != null && !(node instanceof DocumentNode.Null)) {
            fields.problem(o.child(key), "only allowed when format is " + formats);
        }
        return false;
    }

    /** fixed_width {@code columns}: name → [start, end], 1-based inclusive character positions. */
    private Map<String, ColumnRange> fixedWidthColumns(FieldReader.Obj o, String path) {
        if (o == null) {
            return null;
        }
        Map<String, DocumentNode> entries = o.takeAll();
        if (entries.isEmpty()) {
            fields.problem(path, "must not be empty");
            return null;
        }
        Map<String, ColumnRange> columns = new LinkedHashMap<>();
        boolean valid = true;
        for (Map.Entry<String, DocumentNode> entry : entries.entrySet()) {
            String columnPath = o.child(entry.getKey());
            if (entry.getKey().isEmpty()) {
                fields.problem(columnPath, "must not be an empty name");
                valid = false;
                continue;
            }
            Long start = null;
            Long end = null;
            if (entry.getValue() instanceof DocumentNode.Sequence seq && seq.items().size() == 2) {
                start = FieldReader.asLong(seq.items().get(0));
                end = FieldReader.asLong(seq.items().get(1));
            }
            if (start == null || end == null) {
                fields.problem(columnPath, "must be a list [start, end] of two integers (1-based, inclusive)");
            } else if (start < 1) {
                fields.problem(columnPath, "start must be >= 1");
            } else if (end < start) {
                fields.problem(columnPath, "end must be >= start");
            } else if (end > MAX_FIXED_WIDTH_END) {
                fields.problem(columnPath, "end must be <= " + MAX_FIXED_WIDTH_END);
            } else {
                columns.put(entry.getKey(), new ColumnRange(start.intValue(), end.intValue()));
                continue;
            }
            valid = false;
        }
        return valid ? Collections.unmodifiableMap(columns) : null;
    }

    /**
     * Keys are canonical field names (others: {@code unknown field}). Values are what the format
     * names a source column by: a header name (csv, tsv, xlsx), a column number (csv/tsv without a
     * header; a number or a string of digits, stored as digits), a field path (json), a child
     * element or {@code @attribute} (xml), a key of {@code columns} (fixed_width).
     */
    private Map<String, String> columnMap(FieldReader.Obj o, String format, boolean headerless,
                                          Map<String, ColumnRange> columns) {
        if (o == null) {
            return null;
        }
        Map<String, String> columnMap = new LinkedHashMap<>();
        for (Map.Entry<String, DocumentNode> entry : o.takeAll().entrySet()) {
            String path = o.child(entry.getKey());
            if (CanonicalField.fromColumnName(entry.getKey()).isEmpty()) {
                fields.problem(path, "unknown field");
                continue;
            }
            DocumentNode value = entry.getValue();
            if (value instanceof DocumentNode.Null) {
                fields.problem(path, "is required");
                continue;
            }
            if (headerless) {
                String digits = columnNumber(value);
                if (digits == null) {
                    fields.problem(path, "must be a column number from 1 to " + MAX_COLUMN_NUMBER + " when header is false");
                } else {
                    columnMap.put(entry.getKey(), digits);
                }
                continue;
            }
            if (!(value instanceof DocumentNode.Text header)) {
                fields.problem(path, "must be a string");
            } else if (header.value().isEmpty()) {
                fields.problem(path, "must not be empty");
            } else if ("json".equals(format) && !FIELD_PATH.matcher(header.value()).matches()) {
                fields.problem(path, "must be a field path such as price.amount (member names joined by '.')");
            } else if ("xml".equals(format) && !XML_FIELD.matcher(header.value()).matches()) {
                fields.problem(path, "must be a child element name or an @attribute of the record element");
            } else if (columns != null && !columns.containsKey(header.value())) {
                fields.problem(path, "must be a key of columns");
            } else {
                columnMap.put(entry.getKey(), header.value());
            }
        }
        if (headerless) {
            for (String required : List.of("sku", "quantity_available")) {
                if (o.peek(required) == null) {
                    fields.problem(o.child(required), "is required when header is false");
                }
            }
        }
        return Collections.unmodifiableMap(columnMap);
    }

    /** A 1-based column number written as an integer or a string of digits, as canonical digits; else null. */
    private static String columnNumber(DocumentNode value) {
        Long n = FieldReader.asLong(value);
        if (n == null && value instanceof DocumentNode.Text t && t.value().matches("[0-9]{1,9}")) {
            n = Long.parseLong(t.value());
        }
        return n != null && n >= 1 && n <= MAX_COLUMN_NUMBER ? Long.toString(n) : null;
    }

    private SkuMap skuMap(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        String type = fields.string(o, "type", Presence.REQUIRED, null);
        String s3Key = fields.string(o, "s3_key", Presence.NULLABLE, null);
        if (s3Key != null) {
            checkTenantPrefix(o.child("s3_key"), s3Key);
            if (s3Key.endsWith("/")) {
                fields.problem(o.child("s3_key"), "must not end with '/'");
            }
        }
        String localPath = fields.string(o, "local_path", Presence.NULLABLE, null);
        o.finish();
        return new SkuMap(type, s3Key, localPath);
    }

    // ---- pricing ----------------------------------------------------------------------------

    private Pricing pricing(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        BigDecimal baseMargin = nonNegative(o, "base_margin_pct", Presence.REQUIRED, null);
        BigDecimal minPrice = nonNegative(o, "min_price", Presence.REQUIRED, null);
        BigDecimal shipping = nonNegative(o, "shipping_handling_flat", Presence.REQUIRED, null);
        MapPolicy mapPolicy = mapPolicy(fields.object(o, "map_policy", Presence.REQUIRED));
        Rounding rounding = rounding(fields.object(o, "rounding", Presence.REQUIRED));
        o.finish();
        return new Pricing(baseMargin, minPrice, shipping, mapPolicy, rounding);
    }

    private BigDecimal nonNegative(FieldReader.Obj o, String key, Presence presence, BigDecimal defaultValue) {
        BigDecimal value = fields.decimal(o, key, presence, defaultValue);
        if (value != null && value.signum() < 0) {
            fields.problem(o.child(key), "must be >= 0");
        }
        return value;
    }

    private MapPolicy mapPolicy(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        Boolean enforce = fields.bool(o, "enforce", Presence.OPTIONAL, true);
        String behaviour = fields.string(o, "map_floor_behavior", Presence.OPTIONAL, MapPolicy.MAX_PRICE_MAP);
        o.finish();
        return new MapPolicy(enforce == null || enforce, behaviour);
    }

    private Rounding rounding(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        String modeName = fields.string(o, "mode", Presence.OPTIONAL, "nearest");
        RoundingMode mode = null;
        if (modeName != null) {
            for (RoundingMode candidate : RoundingMode.values()) {
                if (candidate.wireName().equals(modeName)) {
                    mode = candidate;
                }
            }
            if (mode == null) {
                fields.problem(o.child("mode"), "must be one of: nearest, up, down");
            }
        }
        BigDecimal increment = nonNegative(o, "increment", Presence.OPTIONAL, DEFAULT_INCREMENT);
        BigDecimal ending = fields.decimal(o, "ending", Presence.NULLABLE, null);
        if (ending != null && !ValueRules.isPriceEnding(ending)) {
            fields.problem(o.child("ending"), "must be >= 0 and < 1 with at most 2 decimal places");
        }
        o.finish();
        return new Rounding(mode, increment, ending);
    }

    // ---- merge, output, error policy --------------------------------------------------------

    private Merge merge(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        String strategy = fields.string(o, "strategy", Presence.REQUIRED, null);
        if (strategy != null && !"best_offer".equals(strategy)) {
            fields.problem(o.child("strategy"), "must be best_offer");
        }
        BestOffer bestOffer = null;
        DocumentNode bestOfferNode = o.peek("best_offer");
        if (bestOfferNode == null || bestOfferNode instanceof DocumentNode.Null) {
            o.take("best_offer");
            fields.problem(o.child("best_offer"),
                    "best_offer".equals(strategy) ? "is required when merge.strategy is best_offer" : "is required");
        } else {
            bestOffer = bestOffer(fields.object(o, "best_offer", Presence.REQUIRED));
        }
        o.finish();
        return new Merge(strategy, bestOffer);
    }

    private BestOffer bestOffer(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        List<SortKey> sortBy = new ArrayList<>();
        List<FieldReader.Element> elements = fields.list(o, "sort_by", Presence.OPTIONAL);
        if (elements != null) {
            for (FieldReader.Element element : elements) {
                String name = fields.stringElement(element);
                if (name == null) {
                    continue;
                }
                SortKey key = null;
                for (SortKey candidate : SortKey.values()) {
                    if (candidate.wireName().equals(name)) {
                        key = candidate;
                    }
                }
                if (key == null) {
                    fields.problem(element.path(), SORT_BY_MESSAGE);
                } else {
                    sortBy.add(key);
                }
            }
        }
        Boolean includeShipping = null;
        FieldReader.Obj landedCost = fields.object(o, "landed_cost", Presence.REQUIRED);
        if (landedCost != null) {
            includeShipping = fields.bool(landedCost, "include_shipping_handling", Presence.OPTIONAL, true);
            landedCost.finish();
        }
        Long fallbackLeadTime = fields.integer(o, "fallback_lead_time_days", Presence.OPTIONAL, 7L);
        o.finish();
        return new BestOffer(sortBy.isEmpty() ? DEFAULT_SORT_BY : List.copyOf(sortBy),
                includeShipping == null || includeShipping, fallbackLeadTime == null ? 7L : fallbackLeadTime);
    }

    private Output output(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        String format = fields.string(o, "format", Presence.OPTIONAL, "csv");
        List<String> columns = new ArrayList<>();
        List<FieldReader.Element> elements = fields.list(o, "columns", Presence.REQUIRED);
        if (elements != null) {
            if (elements.isEmpty()) {
                fields.problem(o.child("columns"), "must not be empty");
            }
            for (FieldReader.Element element : elements) {
                String name = fields.stringElement(element);
                if (name == null) {
                    continue;
                }
                if (CanonicalField.fromColumnName(name).isEmpty()) {
                    fields.problem(element.path(), CANONICAL_COLUMNS_MESSAGE);
                } else if (columns.contains(name)) {
                    fields.problem(element.path(), "duplicate column '" + name + "'");
                } else {
                    columns.add(name);
                }
            }
        }
        Boolean escapeFormulas = fields.bool(o, "escape_formulas", Presence.OPTIONAL, false);
        o.finish();
        return new Output(format, List.copyOf(columns), escapeFormulas != null && escapeFormulas);
    }

    private ErrorPolicy errorPolicy(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        Long maxInvalidRows = fields.integer(o, "max_invalid_rows", Presence.OPTIONAL, 0L);
        BigDecimal maxInvalidRowPct = fields.decimal(o, "max_invalid_row_pct", Presence.OPTIONAL, DEFAULT_MAX_INVALID_ROW_PCT);
        if (maxInvalidRowPct != null && (maxInvalidRowPct.signum() < 0 || maxInvalidRowPct.compareTo(BigDecimal.ONE) > 0)) {
            fields.problem(o.child("max_invalid_row_pct"), "must be between 0 and 1");
        }
        Boolean failOnMissingColumns = fields.bool(o, "fail_on_missing_required_columns", Presence.OPTIONAL, true);
        String missingVendorPolicy = fields.string(o, "missing_required_vendor_policy", Presence.OPTIONAL, "fail");
        if (missingVendorPolicy != null && !missingVendorPolicy.equals("fail") && !missingVendorPolicy.equals("warn_only")) {
            fields.problem(o.child("missing_required_vendor_policy"), "must be one of: fail, warn_only");
        }
        o.finish();
        return new ErrorPolicy(maxInvalidRows == null ? 0L : maxInvalidRows, maxInvalidRowPct,
                failOnMissingColumns == null || failOnMissingColumns, missingVendorPolicy);
    }

    // ---- publish (docs/CONTRACT.md#publishing-diff-delta-and-guard) ---------------------------

    private TenantConfig.Publish publish(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        TenantConfig.Guard guard = TenantConfig.Guard.NONE;
        FieldReader.Obj g = fields.object(o, "guard", Presence.OPTIONAL);
        if (g != null) {
            guard = new TenantConfig.Guard(fraction(g, "max_sku_drop_pct"), fraction(g, "max_zeroed_pct"),
                    fraction(g, "max_median_price_change_pct"), fraction(g, "max_vendor_row_drop_pct"));
            g.finish();
        }
        String policy = fields.string(o, "missing_sku_policy", Presence.OPTIONAL, TenantConfig.Publish.DROP);
        if (policy != null && !policy.equals(TenantConfig.Publish.DROP) && !policy.equals(TenantConfig.Publish.ZERO)) {
            fields.problem(o.child("missing_sku_policy"), "must be one of: drop, zero");
        }
        Long zeroDays = fields.integer(o, "zero_days", Presence.OPTIONAL, TenantConfig.Publish.DEFAULT_ZERO_DAYS);
        if (zeroDays != null && zeroDays < 1) {
            fields.problem(o.child("zero_days"), "must be >= 1");
        }
        o.finish();
        return new TenantConfig.Publish(guard, policy, zeroDays == null ? TenantConfig.Publish.DEFAULT_ZERO_DAYS : zeroDays);
    }

    /** An optional guard threshold: a fraction between 0 and 1 (0.20 = 20 %); absent = not checked. */
    private BigDecimal fraction(FieldReader.Obj o, String key) {
        BigDecimal value = fields.decimal(o, key, Presence.NULLABLE, null);
        if (value != null && (value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0)) {
            fields.problem(o.child(key), "must be between 0 and 1 (a fraction: 0.20 = 20 %)");
        }
        return value;
    }
}
