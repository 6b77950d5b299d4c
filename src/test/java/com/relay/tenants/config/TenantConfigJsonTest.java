package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.CLI;
import static com.relay.tenants.config.ConfigFixtures.configOf;
import static com.relay.tenants.config.ConfigFixtures.json;
import static com.relay.tenants.config.ConfigFixtures.parseJson;
import static com.relay.tenants.config.ConfigFixtures.parseYaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#tenants-table, docs/CONTRACT.md#example-configuration normalised JSON: key order, decimals as plain strings, nulls, round trip. */
class TenantConfigJsonTest {

    /** Every optional part present, in YAML, through the CLI (so a local vendor is allowed). */
    static final String FULL_YAML = """
            schema_version: 1
            tenant_id: acme_parts
            timezone: Asia/Kolkata
            default_currency: INR
            vendors:
              - vendor_id: Zulieferer-1
                required: false
                inbound: {type: local}
                parser:
                  format: csv
                  delimiter: "\\t"
                  encoding: Windows_1252
                  column_map: {title: "Bezeichnung (€)", sku: Artikel, price: "Prix é"}
                sku_map: {type: file, s3_key: tenants/acme_parts/maps/z1.csv, local_path: maps/z1.csv}
                max_age_hours: 36.50
                stale_policy: fail
              - vendor_id: v2
                inbound: {type: s3, s3_prefix: tenants/acme_parts/inbound/v2/}
                parser: {format: xml, delimiter: "|", encoding: "", record_path: /feed/item}
            pricing:
              base_margin_pct: "0.250"
              min_price: 1e3
              shipping_handling_flat: 0
              map_policy: {enforce: false, map_floor_behavior: none}
              rounding: {mode: down, increment: 0.05, ending: 0.9}
            merge:
              strategy: best_offer
              best_offer:
                sort_by: [lowest_cost, vendor_priority]
                landed_cost: {include_shipping_handling: false}
                fallback_lead_time_days: -3
            output:
              format: csv
              columns: [sku, title, price, msrp, updated_at]
              escape_formulas: true
            error_policy:
              max_invalid_rows: 12
              max_invalid_row_pct: 0.125
              fail_on_missing_required_columns: false
              missing_required_vendor_policy: warn_only
            notifications:
              ntfy:
                enabled: false
                url: https://ntfy.example.com/base/
                topic: acme_parts
                token_secret_ref: env:RELAY_SECRET_ACME_PARTS_NTFY
                on: [FAILED]
                priority: {FAILED: urgent}
                click_url: "https://console.example.com/{tenant_id}/runs/{run_id}"
            schedule: {cron: "0 30 5 ? * MON-FRI", enabled: false}
            """;

    @Test
    void keys_are_in_specification_order() {
        ObjectNode tree = TenantConfigJson.toObjectNode(configOf(parseYaml(FULL_YAML, CLI)));

        assertThat(names(tree)).containsExactly("schema_version", "tenant_id", "timezone", "default_currency", "vendors",
                "pricing", "merge", "output", "error_policy", "notifications", "schedule", "publish");
        assertThat(names(tree.at("/vendors/0"))).containsExactly("vendor_id", "required", "inbound", "parser", "sku_map",
                "max_age_hours", "stale_policy");
        assertThat(names(tree.at("/vendors/0/inbound"))).containsExactly("type", "s3_prefix");
        assertThat(names(tree.at("/vendors/0/parser"))).containsExactly("format", "delimiter", "encoding", "header", "sheet",
                "header_row", "records_path", "record_path", "columns", "column_map");
        assertThat(names(tree.at("/vendors/0/parser/column_map"))).containsExactly("title", "sku", "price");
        assertThat(names(tree.at("/vendors/0/sku_map"))).containsExactly("type", "s3_key", "local_path");
        assertThat(names(tree.at("/pricing"))).containsExactly("base_margin_pct", "min_price", "shipping_handling_flat",
                "map_policy", "rounding");
        assertThat(names(tree.at("/pricing/map_policy"))).containsExactly("enforce", "map_floor_behavior");
        assertThat(names(tree.at("/pricing/rounding"))).containsExactly("mode", "increment", "ending");
        assertThat(names(tree.at("/merge"))).containsExactly("strategy", "best_offer");
        assertThat(names(tree.at("/merge/best_offer"))).containsExactly("sort_by", "landed_cost", "fallback_lead_time_days");
        assertThat(names(tree.at("/output"))).containsExactly("format", "columns", "escape_formulas");
        assertThat(names(tree.at("/error_policy"))).containsExactly("max_invalid_rows", "max_invalid_row_pct",
                "fail_on_missing_required_columns", "missing_required_vendor_policy");
        assertThat(names(tree.at("/notifications/ntfy"))).containsExactly("enabled", "url", "topic", "token_secret_ref", "on",
                "priority", "click_url");
        assertThat(names(tree.at("/notifications/ntfy/priority"))).containsExactly("SUCCEEDED", "FAILED");
        assertThat(names(tree.at("/schedule"))).containsExactly("cron", "enabled");
    }

    @Test
    void full_configuration_serialises_with_exact_values() {
        JsonNode tree = json(TenantConfigJson.toJson(configOf(parseYaml(FULL_YAML, CLI))));

        assertThat(tree).isEqualTo(json("""
                {"schema_version": 1, "tenant_id": "acme_parts", "timezone": "Asia/Kolkata", "default_currency": "INR",
                 "vendors": [
                   {"vendor_id": "Zulieferer-1", "required": false, "inbound": {"type": "local", "s3_prefix": null},
                    "parser": {"format": "csv", "delimiter": "\\t", "encoding": "Windows_1252", "header": true,
                               "sheet": null, "header_row": null, "records_path": null, "record_path": null, "columns": null,
                               "column_map": {"title": "Bezeichnung (€)", "sku": "Artikel", "price": "Prix é"}},
                    "sku_map": {"type": "file", "s3_key": "tenants/acme_parts/maps/z1.csv", "local_path": "maps/z1.csv"},
                    "max_age_hours": "36.50", "stale_policy": "fail"},
                   {"vendor_id": "v2", "required": true, "inbound": {"type": "s3", "s3_prefix": "tenants/acme_parts/inbound/v2/"},
                    "parser": {"format": "xml", "delimiter": "|", "encoding": "", "header": null, "sheet": null,
                               "header_row": null, "records_path": null, "record_path": "/feed/item", "columns": null,
                               "column_map": {}}, "sku_map": null, "max_age_hours": null, "stale_policy": "warn"}],
                 "pricing": {"base_margin_pct": "0.250", "min_price": "1000", "shipping_handling_flat": "0",
                             "map_policy": {"enforce": false, "map_floor_behavior": "none"},
                             "rounding": {"mode": "down", "increment": "0.05", "ending": "0.9"}},
                 "merge": {"strategy": "best_offer", "best_offer": {"sort_by": ["lowest_cost", "vendor_priority"],
                           "landed_cost": {"include_shipping_handling": false}, "fallback_lead_time_days": -3}},
                 "output": {"format": "csv", "columns": ["sku", "title", "price", "msrp", "updated_at"], "escape_formulas": true},
                 "error_policy": {"max_invalid_rows": 12, "max_invalid_row_pct": "0.125",
                                  "fail_on_missing_required_columns": false, "missing_required_vendor_policy": "warn_only"},
                 "notifications": {"ntfy": {"enabled": false, "url": "https://ntfy.example.com/base", "topic": "acme_parts",
                                   "token_secret_ref": "env:RELAY_SECRET_ACME_PARTS_NTFY", "on": ["FAILED"],
                                   "priority": {"SUCCEEDED": 3, "FAILED": 5},
                                   "click_url": "https://console.example.com/{tenant_id}/runs/{run_id}"}},
                 "schedule": {"cron": "0 30 5 ? * MON-FRI", "enabled": false}, "publish": null}
                """));
    }

    @Test
    void non_ascii_characters_are_written_as_themselves() {
        String text = TenantConfigJson.toJson(configOf(parseYaml(FULL_YAML, CLI)));

        assertThat(text).contains("Bezeichnung (€)").contains("Prix é").doesNotContain("\\u");
    }

    @Test
    void round_trip_gives_an_equal_configuration() {
        TenantConfig original = configOf(parseYaml(FULL_YAML.replace("min_price: 1e3", "min_price: 1000.00"), CLI));

        TenantConfig reparsed = configOf(parseJson(TenantConfigJson.toJson(original), CLI));

        assertThat(reparsed).isEqualTo(original);
        assertThat(reparsed.pricing().minPrice().scale()).isEqualTo(2);
    }

    @Test
    void negative_scale_comes_back_as_the_same_value_in_plain_form_and_is_then_stable() {
        TenantConfig original = configOf(parseYaml(FULL_YAML, CLI));
        assertThat(original.pricing().minPrice()).isEqualTo(new BigDecimal("1E+3"));

        String once = TenantConfigJson.toJson(original);
        TenantConfig reparsed = configOf(parseJson(once, CLI));

        assertThat(reparsed.pricing().minPrice()).isEqualTo(new BigDecimal("1000"));
        assertThat(reparsed.pricing().minPrice()).isEqualByComparingTo(original.pricing().minPrice());
        assertThat(TenantConfigJson.toJson(reparsed)).isEqualTo(once);
    }

    @Test
    void minimal_api_configuration_round_trips() {
        TenantConfig original = configOf(parseJson(ConfigFixtures.MINIMAL_JSON, API));

        assertThat(configOf(parseJson(TenantConfigJson.toJson(original), API))).isEqualTo(original);
        assertThat(configOf(parseYaml(TenantConfigJson.toJson(original), API))).isEqualTo(original);
    }

    @Test
    void map_form_has_the_same_content_and_order() {
        TenantConfig config = configOf(parseYaml(FULL_YAML, CLI));

        Map<String, Object> map = TenantConfigJson.toMap(config);

        assertThat(map.keySet()).containsExactly("schema_version", "tenant_id", "timezone", "default_currency", "vendors",
                "pricing", "merge", "output", "error_policy", "notifications", "schedule", "publish");
        assertThat((JsonNode) ConfigFixtures.MAPPER.valueToTree(map)).isEqualTo(json(TenantConfigJson.toJson(config)));
        @SuppressWarnings("unchecked")
        Map<String, Object> pricing = (Map<String, Object>) map.get("pricing");
        assertThat(pricing.get("base_margin_pct")).isEqualTo("0.250");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
