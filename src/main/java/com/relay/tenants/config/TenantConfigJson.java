package com.relay.tenants.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.tenants.config.TenantConfig.BestOffer;
import com.relay.tenants.config.TenantConfig.ErrorPolicy;
import com.relay.tenants.config.TenantConfig.Inbound;
import com.relay.tenants.config.TenantConfig.Merge;
import com.relay.tenants.config.TenantConfig.Notifications;
import com.relay.tenants.config.TenantConfig.Ntfy;
import com.relay.tenants.config.TenantConfig.Output;
import com.relay.tenants.config.TenantConfig.Parser;
import com.relay.tenants.config.TenantConfig.Pricing;
import com.relay.tenants.config.TenantConfig.Rounding;
import com.relay.tenants.config.TenantConfig.Schedule;
import com.relay.tenants.config.TenantConfig.SkuMap;
import com.relay.tenants.config.TenantConfig.SortKey;
import com.relay.tenants.config.TenantConfig.Vendor;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The normalised JSON form of a configuration (docs/CONTRACT.md#tenants-table, docs/CONTRACT.md#example-configuration): what the tenants table stores and
 * {@code GET /v1/tenants/{id}} returns. Keys in the order of the docs/CONTRACT.md#schema tables, every default
 * present, decimals as strings in plain notation ({@code "0.20"}, {@code 1E+3 → "1000"}), absent
 * optional objects as {@code null}, notification priorities as integers.
 *
 * <p>Parsing this form again yields an equal configuration, except that a decimal written with a
 * negative scale ({@code 1e3}) comes back with scale 0 ({@code 1000}): same value, plain text.
 */
public final class TenantConfigJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TenantConfigJson() {}

    /** Compact JSON text, UTF-8 characters written as themselves (docs/CONTRACT.md#conventions). */
    public static String toJson(TenantConfig config) {
        try {
            return MAPPER.writeValueAsString(toObjectNode(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    public static ObjectNode toObjectNode(TenantConfig c) {
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", c.schemaVersion());
        root.put("tenant_id", c.tenantId());
        root.put("timezone", c.timezone());
        root.put("default_currency", c.defaultCurrency());
        ArrayNode vendors = root.putArray("vendors");
        c.vendors().forEach(v -> vendors.add(vendor(v)));
        root.set("pricing", pricing(c.pricing()));
        root.set("merge", merge(c.merge()));
        root.set("output", output(c.output()));
        root.set("error_policy", errorPolicy(c.errorPolicy()));
        root.set("notifications", c.notifications() == null ? NODES.nullNode() : notifications(c.notifications()));
        root.set("schedule", c.schedule() == null ? NODES.nullNode() : schedule(c.schedule()));
        root.set("publish", c.publish() == null ? NODES.nullNode() : publish(c.publish()));
        return root;
    }

    /** The same tree as plain Java values (insertion-ordered maps, lists, strings, numbers, booleans, nulls). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(TenantConfig config) {
        return MAPPER.convertValue(toObjectNode(config), Map.class);
    }

    private static ObjectNode vendor(Vendor v) {
        ObjectNode o = NODES.objectNode();
        o.put("vendor_id", v.vendorId());
        o.put("required", v.required());
        o.set("inbound", inbound(v.inbound()));
        o.set("parser", parser(v.parser()));
        o.set("sku_map", v.skuMap() == null ? NODES.nullNode() : skuMap(v.skuMap()));
        if (v.maxAgeHours() == null) o.putNull("max_age_hours");
        else o.put("max_age_hours", decimal(v.maxAgeHours()));
        o.put("stale_policy", v.stalePolicy());
        return o;
    }

    private static ObjectNode inbound(Inbound i) {
        ObjectNode o = NODES.objectNode();
        o.put("type", i.type());
        if (!i.isRemote()) {
            o.put("s3_prefix", i.s3Prefix());
            return o;
        }
        // the references as written: a snapshot never holds a secret value
        TenantConfig.Remote r = i.remote();
        switch (i.type()) {
            case "http" -> {
                o.put("url", r.url());
                if (r.auth() != null) {
                    ObjectNode a = o.putObject("auth");
                    a.put("type", r.auth().type());
                    a.put("username", r.auth().username());
                    a.put("password", r.auth().password());
                    a.put("token", r.auth().token());
                    a.put("name", r.auth().name());
                    a.put("value", r.auth().value());
                }
            }
            case "email" -> {
                o.put("host", r.host());
                o.put("port", r.port());
                o.put("username", r.username());
                o.put("password", r.password());
                o.put("folder", r.folder());
                o.put("from", r.from());
                o.put("subject_contains", r.subjectContains());
                o.put("attachment_pattern", r.attachmentPattern());
            }
            default -> {
                o.put("host", r.host());
                o.put("port", r.port());
                o.put("username", r.username());
                o.put("password", r.password());
                if ("sftp".equals(i.type())) o.put("private_key", r.privateKey());
                if ("sftp".equals(i.type())) o.put("private_key_passphrase", r.privateKeyPassphrase());
                if ("ftps".equals(i.type())) o.put("tls", r.tls());
                if ("sftp".equals(i.type())) o.put("host_key", r.hostKey());
                o.put("directory", r.directory());
                o.put("file_pattern", r.filePattern());
                o.put("min_age_seconds", r.minAgeSeconds());
            }
        }
        return o;
    }

    private static ObjectNode parser(Parser p) {
        ObjectNode o = NODES.objectNode();
        o.put("format", p.format());
        o.put("delimiter", String.valueOf(p.delimiter()));
        o.put("encoding", p.encoding());
        // every format-specific field, null where it does not apply (docs/CONFIG_SPEC.md#vendors)
        o.put("header", p.header());
        if (p.sheetName() != null) {
            o.put("sheet", p.sheetName());
        } else {
            o.put("sheet", p.sheetIndex());
        }
        o.put("header_row", p.headerRow());
        o.put("records_path", p.recordsPath());
        o.put("record_path", p.recordPath());
        if (p.columns() == null) {
            o.putNull("columns");
        } else {
            ObjectNode columns = o.putObject("columns");
            p.columns().forEach((name, range) -> columns.putArray(name).add(range.start()).add(range.end()));
        }
        ObjectNode columnMap = o.putObject("column_map");
        p.columnMap().forEach(columnMap::put);
        return o;
    }

    private static ObjectNode skuMap(SkuMap s) {
        ObjectNode o = NODES.objectNode();
        o.put("type", s.type());
        o.put("s3_key", s.s3Key());
        o.put("local_path", s.localPath());
        return o;
    }

    private static ObjectNode pricing(Pricing p) {
        ObjectNode o = NODES.objectNode();
        o.put("base_margin_pct", decimal(p.baseMarginPct()));
        o.put("min_price", decimal(p.minPrice()));
        o.put("shipping_handling_flat", decimal(p.shippingHandlingFlat()));
        ObjectNode mapPolicy = o.putObject("map_policy");
        mapPolicy.put("enforce", p.mapPolicy().enforce());
        mapPolicy.put("map_floor_behavior", p.mapPolicy().mapFloorBehavior());
        o.set("rounding", rounding(p.rounding()));
        return o;
    }

    private static ObjectNode rounding(Rounding r) {
        ObjectNode o = NODES.objectNode();
        o.put("mode", r.mode().wireName());
        o.put("increment", decimal(r.increment()));
        o.put("ending", r.ending() == null ? null : decimal(r.ending()));
        return o;
    }

    private static ObjectNode merge(Merge m) {
        ObjectNode o = NODES.objectNode();
        o.put("strategy", m.strategy());
        BestOffer b = m.bestOffer();
        ObjectNode bestOffer = o.putObject("best_offer");
        ArrayNode sortBy = bestOffer.putArray("sort_by");
        for (SortKey key : b.sortBy()) {
            sortBy.add(key.wireName());
        }
        bestOffer.putObject("landed_cost").put("include_shipping_handling", b.includeShippingHandling());
        bestOffer.set("fallback_lead_time_days", integer(b.fallbackLeadTimeDays()));
        return o;
    }

    private static ObjectNode output(Output out) {
        ObjectNode o = NODES.objectNode();
        o.put("format", out.format());
        o.set("columns", strings(out.columns()));
        o.put("escape_formulas", out.escapeFormulas());
        return o;
    }

    private static ObjectNode errorPolicy(ErrorPolicy e) {
        ObjectNode o = NODES.objectNode();
        o.set("max_invalid_rows", integer(e.maxInvalidRows()));
        o.put("max_invalid_row_pct", decimal(e.maxInvalidRowPct()));
        o.put("fail_on_missing_required_columns", e.failOnMissingRequiredColumns());
        o.put("missing_required_vendor_policy", e.missingRequiredVendorPolicy());
        return o;
    }

    private static ObjectNode notifications(Notifications n) {
        ObjectNode o = NODES.objectNode();
        Ntfy ntfy = n.ntfy();
        ObjectNode t = o.putObject("ntfy");
        t.put("enabled", ntfy.enabled());
        t.put("url", ntfy.url());
        t.put("topic", ntfy.topic());
        t.put("token_secret_ref", ntfy.tokenSecretRef());
        t.set("on", strings(ntfy.on()));
        ObjectNode priority = t.putObject("priority");
        ntfy.priority().forEach(priority::put);
        t.put("click_url", ntfy.clickUrl());
        return o;
    }

    private static ObjectNode schedule(Schedule s) {
        ObjectNode o = NODES.objectNode();
        o.put("cron", s.cron());
        o.put("enabled", s.enabled());
        return o;
    }

    private static ObjectNode publish(TenantConfig.Publish p) {
        ObjectNode o = NODES.objectNode();
        ObjectNode guard = o.putObject("guard");
        TenantConfig.Guard g = p.guard();
        guard.put("max_sku_drop_pct", g.maxSkuDropPct() == null ? null : decimal(g.maxSkuDropPct()));
        guard.put("max_zeroed_pct", g.maxZeroedPct() == null ? null : decimal(g.maxZeroedPct()));
        guard.put("max_median_price_change_pct",
                g.maxMedianPriceChangePct() == null ? null : decimal(g.maxMedianPriceChangePct()));
        guard.put("max_vendor_row_drop_pct", g.maxVendorRowDropPct() == null ? null : decimal(g.maxVendorRowDropPct()));
        o.put("missing_sku_policy", p.missingSkuPolicy());
        o.set("zero_days", integer(p.zeroDays()));
        return o;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    /** An int node when the value fits, so that trees compare equal to parsed JSON. */
    private static JsonNode integer(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static String decimal(BigDecimal value) {
        return Decimals.plain(value);
    }
}
