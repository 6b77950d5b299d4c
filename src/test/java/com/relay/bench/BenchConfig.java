package com.relay.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

/**
 * The part of a tenant configuration (docs/CONTRACT.md#schema) that the DuckDB baseline needs, read from the
 * same YAML file Relay reads. This is not Relay's validator: it trusts the file to be valid and
 * refuses, with a clear message, the features the baseline does not model (SKU maps, encodings
 * other than UTF-8, more than 6 decimal places in pricing values).
 *
 * <p>The YAML is loaded with the failsafe schema (every scalar a string), so decimals keep
 * exactly the digits written (docs/CONTRACT.md#format-and-value-types), never passing through binary floats.
 */
public record BenchConfig(
        String tenantId,
        List<Vendor> vendors,
        Pricing pricing,
        List<String> sortBy,
        boolean includeShippingHandling,
        long fallbackLeadTimeDays,
        List<String> columns,
        boolean escapeFormulas) {

    /** docs/CONTRACT.md#merge-best-offer: an empty sort_by means this pair. */
    public static final List<String> DEFAULT_SORT_BY = List.of("in_stock_desc", "lowest_landed_cost");
    public static final Set<String> SORT_KEYS = Set.of("in_stock_desc", "lowest_landed_cost", "lowest_cost",
            "shortest_lead_time", "highest_quantity", "vendor_priority");
    /** docs/CONTRACT.md#canonical-record canonical order. */
    public static final List<String> CANONICAL_FIELDS = List.of("sku", "vendor_sku", "vendor_id",
            "quantity_available", "lead_time_days", "cost", "map_price", "price", "msrp", "condition", "brand",
            "title", "updated_at");

    public record Vendor(String vendorId, char delimiter, Map<String, String> columnMap) {
        /** docs/CONTRACT.md#header-check-and-required-columns: the header name a canonical field is read from. */
        public String sourceColumn(String field) {
            return columnMap.getOrDefault(field, field);
        }
    }

    /** docs/CONTRACT.md#schema Pricing; {@code ending} null when unset; {@code mode} nearest, up or down. */
    public record Pricing(BigDecimal baseMarginPct, BigDecimal minPrice, BigDecimal shippingHandlingFlat,
                          boolean mapFloorActive, String mode, BigDecimal increment, BigDecimal ending) {}

    public static BenchConfig load(Path file) throws IOException {
        Object doc;
        try {
            LoadSettings settings = LoadSettings.builder().setSchema(new FailsafeSchema()).build();
            doc = new Load(settings).loadFromString(Files.readString(file));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read tenant configuration " + file + ": " + e.getMessage(), e);
        }
        return fromMap(asMap(doc, "configuration"));
    }

    static BenchConfig fromMap(Map<String, Object> root) {
        String tenantId = string(root, "tenant_id", null, "tenant_id");
        List<Vendor> vendors = new ArrayList<>();
        List<Object> vendorList = list(root.get("vendors"), "vendors");
        for (int i = 0; i < vendorList.size(); i++) {
            vendors.add(vendor(asMap(vendorList.get(i), "vendors[" + i + "]"), "vendors[" + i + "]"));
        }

        Map<String, Object> pricing = asMap(root.get("pricing"), "pricing");
        Map<String, Object> mapPolicy = asMap(pricing.getOrDefault("map_policy", Map.of()), "pricing.map_policy");
        Map<String, Object> rounding = asMap(pricing.getOrDefault("rounding", Map.of()), "pricing.rounding");
        boolean enforce = bool(mapPolicy, "enforce", true, "pricing.map_policy.enforce");
        String behaviour = string(mapPolicy, "map_floor_behavior", "max(price, map_price)",
                "pricing.map_policy.map_floor_behavior");
        Object ending = rounding.get("ending");
        String mode = string(rounding, "mode", "nearest", "pricing.rounding.mode");
        if (!Set.of("nearest", "up", "down").contains(mode)) {
            throw new IllegalArgumentException("pricing.rounding.mode: must be one of: nearest, up, down");
        }
        Pricing p = new Pricing(
                decimal(pricing, "base_margin_pct", null, "pricing.base_margin_pct"),
                decimal(pricing, "min_price", null, "pricing.min_price"),
                decimal(pricing, "shipping_handling_flat", null, "pricing.shipping_handling_flat"),
                // docs/CONTRACT.md#schema: only the exact default string activates the MAP floor
                enforce && "max(price, map_price)".equals(behaviour),
                mode,
                decimal(rounding, "increment", "0.01", "pricing.rounding.increment"),
                isNull(ending) ? null
                        : decimal(rounding, "ending", null, "pricing.rounding.ending"));

        Map<String, Object> merge = asMap(root.get("merge"), "merge");
        if (!"best_offer".equals(merge.get("strategy"))) {
            throw new IllegalArgumentException("merge.strategy: must be best_offer");
        }
        Map<String, Object> bestOffer = asMap(merge.get("best_offer"), "merge.best_offer");
        List<String> sortBy = new ArrayList<>();
        for (Object key : list(bestOffer.getOrDefault("sort_by", List.of()), "merge.best_offer.sort_by")) {
            if (!SORT_KEYS.contains(key)) {
                throw new IllegalArgumentException("merge.best_offer.sort_by: unknown key " + key);
            }
            sortBy.add((String) key);
        }
        Map<String, Object> landed = asMap(bestOffer.getOrDefault("landed_cost", Map.of()),
                "merge.best_offer.landed_cost");

        Map<String, Object> output = asMap(root.get("output"), "output");
        List<String> columns = new ArrayList<>();
        for (Object column : list(output.get("columns"), "output.columns")) {
            if (!CANONICAL_FIELDS.contains(column)) {
                throw new IllegalArgumentException("output.columns: not a canonical column: " + column);
            }
            columns.add((String) column);
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("output.columns: must not be empty");
        }
        return new BenchConfig(tenantId, List.copyOf(vendors), p,
                sortBy.isEmpty() ? DEFAULT_SORT_BY : List.copyOf(sortBy),
                bool(landed, "include_shipping_handling", true, "merge.best_offer.landed_cost.include_shipping_handling"),
                Long.parseLong(string(bestOffer, "fallback_lead_time_days", "7", "merge.best_offer.fallback_lead_time_days")),
                List.copyOf(columns),
                bool(output, "escape_formulas", false, "output.escape_formulas"));
    }

    private static Vendor vendor(Map<String, Object> v, String path) {
        String id = string(v, "vendor_id", null, path + ".vendor_id");
        Map<String, Object> parser = asMap(v.get("parser"), path + ".parser");
        Object skuMap = v.get("sku_map");
        if (!isNull(skuMap)) {
            throw unsupported(path + ".sku_map", "SKU maps");
        }
        String encoding = string(parser, "encoding", "utf-8", path + ".parser.encoding")
                .strip().toLowerCase(Locale.ROOT).replace('_', '-');
        if (!encoding.isEmpty() && !encoding.equals("utf-8") && !encoding.equals("utf8")) {
            throw unsupported(path + ".parser.encoding", "encodings other than UTF-8");
        }
        String delimiter = string(parser, "delimiter", ",", path + ".parser.delimiter");
        if (delimiter.length() != 1) {
            throw new IllegalArgumentException(path + ".parser.delimiter: must be one character");
        }
        Map<String, String> columnMap = new LinkedHashMap<>();
        asMap(parser.getOrDefault("column_map", Map.of()), path + ".parser.column_map")
                .forEach((k, value) -> columnMap.put(k, String.valueOf(value)));
        return new Vendor(id, delimiter.charAt(0), columnMap);
    }

    /** The failsafe schema leaves YAML nulls as text. */
    private static boolean isNull(Object value) {
        return value == null || "".equals(value) || "null".equals(value) || "~".equals(value);
    }

    private static IllegalArgumentException unsupported(String path, String what) {
        return new IllegalArgumentException(path + ": " + what + " are not modelled by the DuckDB baseline");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String path) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(path + ": must be an object");
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String path) {
        if (!(value instanceof List)) {
            throw new IllegalArgumentException(path + ": must be a list");
        }
        return (List<Object>) value;
    }

    private static String string(Map<String, Object> map, String key, String dflt, String path) {
        Object value = map.get(key);
        if (value == null) {
            if (dflt == null) {
                throw new IllegalArgumentException(path + ": is required");
            }
            return dflt;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException(path + ": must be a string");
        }
        return s;
    }

    private static boolean bool(Map<String, Object> map, String key, boolean dflt, String path) {
        String value = string(map, key, Boolean.toString(dflt), path);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(path + ": must be a boolean");
        }
        return Boolean.parseBoolean(value);
    }

    private static BigDecimal decimal(Map<String, Object> map, String key, String dflt, String path) {
        String value = string(map, key, dflt, path);
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + ": must be a decimal number");
        }
    }
}
