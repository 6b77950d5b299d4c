package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.CLI;
import static com.relay.tenants.config.ConfigFixtures.configOf;
import static com.relay.tenants.config.ConfigFixtures.minimalWith;
import static com.relay.tenants.config.ConfigFixtures.parseJson;
import static com.relay.tenants.config.ConfigFixtures.problem;
import static com.relay.tenants.config.ConfigFixtures.problemsOf;
import static com.relay.tenants.config.ConfigFixtures.remove;
import static com.relay.tenants.config.ConfigFixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.tenants.config.TenantConfigParser.Context;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every message of the docs/CONTRACT.md#validation table, each triggered on the minimal valid configuration. */
class ValidationMessagesTest {

    static final String ENCODING = "must be one of: utf-8, utf8, latin-1, iso-8859-1, iso8859-1, windows-1252, utf-16";
    static final String IDENTIFIER = "must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";
    static final String SORT_BY = "must be one of: in_stock_desc, lowest_landed_cost, lowest_cost, shortest_lead_time, "
            + "highest_quantity, vendor_priority";
    static final String COLUMNS = "must be a canonical column: sku, vendor_sku, vendor_id, quantity_available, "
            + "lead_time_days, cost, map_price, price, msrp, condition, brand, title, updated_at";
    static final String DELIMITER = "must be one of: ',', ';', '\\t', '|'";

    private static Arguments row(String name, Context context, UnaryOperator<ObjectNode> edit, ConfigProblem... expected) {
        return Arguments.of(name, context, edit, List.of(expected));
    }

    private static Arguments row(String name, UnaryOperator<ObjectNode> edit, ConfigProblem... expected) {
        return row(name, API, edit, expected);
    }

    private static UnaryOperator<ObjectNode> both(UnaryOperator<ObjectNode> first, UnaryOperator<ObjectNode> second) {
        return root -> second.apply(first.apply(root));
    }

    static Stream<Arguments> messageTable() {
        return Stream.of(
                // required / null
                row("missing tenant_id", remove("tenant_id"), problem("tenant_id", "is required")),
                row("missing timezone", remove("timezone"), problem("timezone", "is required")),
                row("missing default_currency", remove("default_currency"), problem("default_currency", "is required")),
                row("missing vendors", remove("vendors"), problem("vendors", "is required")),
                row("missing pricing", remove("pricing"), problem("pricing", "is required")),
                row("missing merge", remove("merge"), problem("merge", "is required")),
                row("missing output", remove("output"), problem("output", "is required")),
                row("missing vendor_id", remove("vendors[0].vendor_id"), problem("vendors[0].vendor_id", "is required")),
                row("missing inbound", remove("vendors[0].inbound"), problem("vendors[0].inbound", "is required")),
                row("missing inbound.type", remove("vendors[0].inbound.type"), problem("vendors[0].inbound.type", "is required")),
                row("missing parser", remove("vendors[0].parser"), problem("vendors[0].parser", "is required")),
                row("missing parser.format", remove("vendors[1].parser.format"), problem("vendors[1].parser.format", "is required")),
                row("missing sku_map.type", remove("vendors[0].sku_map.type"), problem("vendors[0].sku_map.type", "is required")),
                row("missing base_margin_pct", remove("pricing.base_margin_pct"), problem("pricing.base_margin_pct", "is required")),
                row("missing min_price", remove("pricing.min_price"), problem("pricing.min_price", "is required")),
                row("missing shipping", remove("pricing.shipping_handling_flat"), problem("pricing.shipping_handling_flat", "is required")),
                row("missing map_policy", remove("pricing.map_policy"), problem("pricing.map_policy", "is required")),
                row("missing rounding", remove("pricing.rounding"), problem("pricing.rounding", "is required")),
                row("missing strategy", remove("merge.strategy"), problem("merge.strategy", "is required")),
                row("missing landed_cost", remove("merge.best_offer.landed_cost"), problem("merge.best_offer.landed_cost", "is required")),
                row("missing columns", remove("output.columns"), problem("output.columns", "is required")),
                row("null tenant_id", set("tenant_id", "null"), problem("tenant_id", "is required")),
                row("null optional boolean", set("vendors[0].required", "null"), problem("vendors[0].required", "is required")),
                row("null optional string", set("vendors[0].parser.delimiter", "null"), problem("vendors[0].parser.delimiter", "is required")),
                row("null optional object", set("error_policy", "null"), problem("error_policy", "is required")),
                row("null column_map value", set("vendors[0].parser.column_map.sku", "null"), problem("vendors[0].parser.column_map.sku", "is required")),

                // unknown keys at every level
                row("unknown root key", set("tenant", "\"acme\""), problem("tenant", "unknown field")),
                row("unknown vendor key", set("vendors[1].priority", "1"), problem("vendors[1].priority", "unknown field")),
                row("unknown inbound key", set("vendors[0].inbound.bucket", "\"b\""), problem("vendors[0].inbound.bucket", "unknown field")),
                row("unknown parser key", set("vendors[0].parser.quote", "\"'\""), problem("vendors[0].parser.quote", "unknown field")),
                row("unknown sku_map key", set("vendors[0].sku_map.path", "\"x\""), problem("vendors[0].sku_map.path", "unknown field")),
                row("unknown column_map key", set("vendors[0].parser.column_map.qty", "\"QTY\""),
                        problem("vendors[0].parser.column_map.qty", "unknown field")),
                row("unknown pricing key (docs/CONTRACT.md#api-and-configuration-scenarios #9)", set("pricing.margin", "0.2"), problem("pricing.margin", "unknown field")),
                row("unknown map_policy key", set("pricing.map_policy.floor", "1"), problem("pricing.map_policy.floor", "unknown field")),
                row("unknown rounding key", set("pricing.rounding.digits", "2"), problem("pricing.rounding.digits", "unknown field")),
                row("unknown merge key", set("merge.tie_break", "\"x\""), problem("merge.tie_break", "unknown field")),
                row("unknown best_offer key", set("merge.best_offer.sort", "[]"), problem("merge.best_offer.sort", "unknown field")),
                row("unknown landed_cost key", set("merge.best_offer.landed_cost.tax", "true"),
                        problem("merge.best_offer.landed_cost.tax", "unknown field")),
                row("unknown output key", set("output.header", "true"), problem("output.header", "unknown field")),
                row("unknown error_policy key", set("error_policy.max_rows", "1"), problem("error_policy.max_rows", "unknown field")),

                // wrong JSON type
                row("string expected", set("tenant_id", "5"), problem("tenant_id", "must be a string")),
                row("string expected, got boolean", set("vendors[0].parser.format", "true"), problem("vendors[0].parser.format", "must be a string")),
                row("integer expected", set("merge.best_offer.fallback_lead_time_days", "7.0"),
                        problem("merge.best_offer.fallback_lead_time_days", "must be an integer")),
                row("boolean expected", set("output.escape_formulas", "\"true\""), problem("output.escape_formulas", "must be a boolean")),
                row("decimal expected", set("pricing.min_price", "\"$5\""), problem("pricing.min_price", "must be a decimal number")),
                row("list expected", set("output.columns", "\"sku\""), problem("output.columns", "must be a list")),
                row("list expected for vendors", set("vendors", "{}"), problem("vendors", "must be a list")),
                row("object expected", set("pricing", "5"), problem("pricing", "must be an object")),
                row("object expected for a vendor", set("vendors[1]", "\"vendor_2\""), problem("vendors[1]", "must be an object")),
                row("object expected for column_map", set("vendors[0].parser.column_map", "[]"),
                        problem("vendors[0].parser.column_map", "must be an object")),
                row("string expected for a column", set("output.columns", "[\"sku\", 5]"), problem("output.columns[1]", "must be a string")),
                row("string expected for a column_map value", set("vendors[0].parser.column_map.sku", "1"),
                        problem("vendors[0].parser.column_map.sku", "must be a string")),

                // identifiers
                row("tenant_id pattern", set("tenant_id", "\"-acme\""), problem("tenant_id", IDENTIFIER)),
                row("tenant_id too long", set("tenant_id", "\"a" + "b".repeat(64) + "\""), problem("tenant_id", IDENTIFIER)),
                row("vendor_id pattern", set("vendors[0].vendor_id", "\"vendor 1\""), problem("vendors[0].vendor_id", IDENTIFIER)),
                row("duplicate vendor_id on the later occurrence", set("vendors[1].vendor_id", "\"vendor_1\""),
                        problem("vendors[1].vendor_id", "duplicate vendor_id 'vendor_1'")),

                // the vendors-per-run quota (RELAY_MAX_VENDORS_PER_RUN): the minimal config has two
                row("vendors over the quota", API.withMaxVendors(1), root -> root,
                        problem("vendors", "must list at most 1 vendors (RELAY_MAX_VENDORS_PER_RUN=1)")),

                // inbound
                row("inbound.type through the API", set("vendors[0].inbound", "{\"type\": \"local\"}"),
                        problem("vendors[0].inbound.type", "must be one of: s3, sftp, ftp, ftps, http, email")),
                row("inbound.type through the CLI", CLI, set("vendors[0].inbound.type", "\"gopher\""),
                        problem("vendors[0].inbound.type", "must be one of: s3, sftp, ftp, ftps, http, email, local")),
                row("s3_prefix missing", remove("vendors[0].inbound.s3_prefix"),
                        problem("vendors[0].inbound.s3_prefix", "is required when inbound.type is s3")),
                row("s3_prefix null", set("vendors[0].inbound.s3_prefix", "null"),
                        problem("vendors[0].inbound.s3_prefix", "is required when inbound.type is s3")),
                row("s3_prefix of another tenant", set("vendors[0].inbound.s3_prefix", "\"tenants/beta/inbound/\""),
                        problem("vendors[0].inbound.s3_prefix", "must start with 'tenants/acme/'")),
                row("s3_prefix of the whole bucket", set("vendors[0].inbound.s3_prefix", "\"\""),
                        problem("vendors[0].inbound.s3_prefix", "must start with 'tenants/acme/'"),
                        problem("vendors[0].inbound.s3_prefix", "must end with '/'")),
                row("s3_prefix suffix", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/inbound/vendor_1\""),
                        problem("vendors[0].inbound.s3_prefix", "must end with '/'")),
                row("s3_prefix with local", CLI, set("vendors[0].inbound", "{\"type\": \"local\", \"s3_prefix\": \"tenants/acme/x/\"}"),
                        problem("vendors[0].inbound.s3_prefix", "must be null when inbound.type is local")),
                row("s3_key of another tenant", set("vendors[0].sku_map.s3_key", "\"tenants/beta/maps/m.csv\""),
                        problem("vendors[0].sku_map.s3_key", "must start with 'tenants/acme/'")),
                row("s3_key suffix", set("vendors[0].sku_map.s3_key", "\"tenants/acme/maps/\""),
                        problem("vendors[0].sku_map.s3_key", "must not end with '/'")),

                // keys that leave the tenant's root (issue 17 #5): refused whatever the first characters
                row("s3_prefix climbing into another tenant", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/../globex/inbound/v1/\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain '.' or '..' segments or '//'")),
                row("s3_prefix ending in ..", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/inbound/../\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain '.' or '..' segments or '//'")),
                row("s3_prefix with a . segment", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/./inbound/\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain '.' or '..' segments or '//'")),
                row("s3_prefix with an empty segment", set("vendors[0].inbound.s3_prefix", "\"tenants/acme//inbound/\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain '.' or '..' segments or '//'")),
                row("s3_prefix with fullwidth dots", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/\\uFF0E\\uFF0E/globex/\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain '.' or '..' segments or '//'")),
                row("s3_prefix with a backslash", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/..\\\\globex/\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain a backslash")),
                row("s3_prefix with NUL", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/in\\u0000bound/\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain control, format, unassigned or surrogate characters")),
                row("s3_prefix with a bidi override", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/\\u202Ebound/\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain control, format, unassigned or surrogate characters")),
                row("s3_prefix with a zero-width space", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/in\\u200Bbound/\""),
                        problem("vendors[0].inbound.s3_prefix", "must not contain control, format, unassigned or surrogate characters")),
                row("s3_prefix over 1024 bytes", set("vendors[0].inbound.s3_prefix", "\"tenants/acme/" + "\\u00e9".repeat(510) + "/\""),
                        problem("vendors[0].inbound.s3_prefix", "must be at most 1024 bytes in UTF-8")),
                row("s3_key climbing into another tenant", set("vendors[0].sku_map.s3_key", "\"tenants/acme/../globex/maps/m.csv\""),
                        problem("vendors[0].sku_map.s3_key", "must not contain '.' or '..' segments or '//'")),
                row("s3_key with a trailing ..", set("vendors[0].sku_map.s3_key", "\"tenants/acme/maps/..\""),
                        problem("vendors[0].sku_map.s3_key", "must not contain '.' or '..' segments or '//'")),
                row("s3_key with a line separator", set("vendors[0].sku_map.s3_key", "\"tenants/acme/maps/m\\u2028.csv\""),
                        problem("vendors[0].sku_map.s3_key", "must not contain control, format, unassigned or surrogate characters")),

                // merge
                row("merge.strategy", set("merge.strategy", "\"cheapest\""), problem("merge.strategy", "must be best_offer")),
                row("merge.best_offer missing", remove("merge.best_offer"),
                        problem("merge.best_offer", "is required when merge.strategy is best_offer")),
                row("merge.best_offer null", set("merge.best_offer", "null"),
                        problem("merge.best_offer", "is required when merge.strategy is best_offer")),
                row("sort_by element", set("merge.best_offer.sort_by", "[\"in_stock_desc\", \"cheapest\"]"),
                        problem("merge.best_offer.sort_by[1]", SORT_BY)),

                // pricing
                row("rounding.mode", set("pricing.rounding.mode", "\"half_up\""), problem("pricing.rounding.mode", "must be one of: nearest, up, down")),
                row("rounding.mode is case sensitive", set("pricing.rounding.mode", "\"UP\""),
                        problem("pricing.rounding.mode", "must be one of: nearest, up, down")),
                row("negative base_margin_pct", set("pricing.base_margin_pct", "-0.01"), problem("pricing.base_margin_pct", "must be >= 0")),
                row("negative min_price", set("pricing.min_price", "\"-1\""), problem("pricing.min_price", "must be >= 0")),
                row("negative shipping", set("pricing.shipping_handling_flat", "-5"), problem("pricing.shipping_handling_flat", "must be >= 0")),
                row("negative increment (docs/CONTRACT.md#api-and-configuration-scenarios #6)", set("pricing.rounding.increment", "-1"), problem("pricing.rounding.increment", "must be >= 0")),
                row("ending 1", set("pricing.rounding.ending", "1"),
                        problem("pricing.rounding.ending", "must be >= 0 and < 1 with at most 2 decimal places")),
                row("ending with 3 places", set("pricing.rounding.ending", "0.999"),
                        problem("pricing.rounding.ending", "must be >= 0 and < 1 with at most 2 decimal places")),
                row("negative ending", set("pricing.rounding.ending", "-0.01"),
                        problem("pricing.rounding.ending", "must be >= 0 and < 1 with at most 2 decimal places")),

                // output
                row("columns empty", set("output.columns", "[]"), problem("output.columns", "must not be empty")),
                row("column not canonical", set("output.columns", "[\"sku\", \"qty\"]"), problem("output.columns[1]", COLUMNS)),
                row("duplicate column", set("output.columns", "[\"sku\", \"price\", \"sku\"]"),
                        problem("output.columns[2]", "duplicate column 'sku'")),

                // parser
                row("column_map value empty", set("vendors[0].parser.column_map.sku", "\"\""),
                        problem("vendors[0].parser.column_map.sku", "must not be empty")),
                row("encoding (docs/CONTRACT.md#api-and-configuration-scenarios #6)", set("vendors[0].parser.encoding", "\"cp1252\""), problem("vendors[0].parser.encoding", ENCODING)),
                row("delimiter of two characters", set("vendors[0].parser.delimiter", "\";;\""), problem("vendors[0].parser.delimiter", DELIMITER)),
                row("delimiter colon", set("vendors[0].parser.delimiter", "\":\""), problem("vendors[0].parser.delimiter", DELIMITER)),
                row("delimiter empty", set("vendors[0].parser.delimiter", "\"\""), problem("vendors[0].parser.delimiter", DELIMITER)),
                row("delimiter backslash-t text", set("vendors[0].parser.delimiter", "\"\\\\t\""), problem("vendors[0].parser.delimiter", DELIMITER)),

                // root values
                row("timezone offset", set("timezone", "\"+01:00\""), problem("timezone", "must be a valid IANA time zone")),
                row("timezone Z", set("timezone", "\"Z\""), problem("timezone", "must be a valid IANA time zone")),
                row("timezone unknown region", set("timezone", "\"Mars/Olympus_Mons\""), problem("timezone", "must be a valid IANA time zone")),
                row("timezone wrong case", set("timezone", "\"america/los_angeles\""), problem("timezone", "must be a valid IANA time zone")),
                row("timezone short id", set("timezone", "\"PST\""), problem("timezone", "must be a valid IANA time zone")),
                row("currency lower case", set("default_currency", "\"usd\""), problem("default_currency", "must be an ISO 4217 currency code")),
                row("currency unknown", set("default_currency", "\"ABC\""), problem("default_currency", "must be an ISO 4217 currency code")),
                row("currency numeric", set("default_currency", "\"840\""), problem("default_currency", "must be an ISO 4217 currency code")),

                // staleness (docs/CONTRACT.md#stale-vendor-files)
                row("max_age_hours zero", set("vendors[0].max_age_hours", "0"),
                        problem("vendors[0].max_age_hours", "must be > 0")),
                row("max_age_hours negative", set("vendors[0].max_age_hours", "\"-1.5\""),
                        problem("vendors[0].max_age_hours", "must be > 0")),
                row("max_age_hours over a year", set("vendors[0].max_age_hours", "8760.5"),
                        problem("vendors[0].max_age_hours", "must be <= 8760")),
                row("max_age_hours not a number", set("vendors[0].max_age_hours", "\"a day\""),
                        problem("vendors[0].max_age_hours", "must be a decimal number")),
                row("stale_policy unknown", set("vendors[0].stale_policy", "\"skip\""),
                        problem("vendors[0].stale_policy", "must be one of: warn, fail")),
                row("stale_policy null", set("vendors[0].stale_policy", "null"),
                        problem("vendors[0].stale_policy", "is required")),

                // error policy
                row("missing_required_vendor_policy", set("error_policy.missing_required_vendor_policy", "\"ignore\""),
                        problem("error_policy.missing_required_vendor_policy", "must be one of: fail, warn_only")),
                row("max_invalid_row_pct above 1", set("error_policy.max_invalid_row_pct", "1.5"),
                        problem("error_policy.max_invalid_row_pct", "must be between 0 and 1")),
                row("max_invalid_row_pct negative", set("error_policy.max_invalid_row_pct", "\"-0.1\""),
                        problem("error_policy.max_invalid_row_pct", "must be between 0 and 1")),

                // several problems: in document (table) order, unknown keys after the known fields of their object
                row("problems in document order", both(both(set("zzz", "1"), set("output.columns", "[]")),
                                both(set("tenant_id", "\"bad id\""), set("vendors[1].parser.encoding", "\"ascii\""))),
                        problem("tenant_id", IDENTIFIER),
                        problem("vendors[1].parser.encoding", ENCODING),
                        problem("output.columns", "must not be empty"),
                        problem("zzz", "unknown field")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messageTable")
    void each_rule_has_its_exact_message_and_path(String name, Context context, UnaryOperator<ObjectNode> edit, List<ConfigProblem> expected) {
        assertThat(problemsOf(parseJson(edit.apply(ConfigFixtures.minimal()), context))).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> acceptedValues() {
        return Stream.of(
                Arguments.of("tab delimiter", set("vendors[0].parser.delimiter", "\"\\t\"")),
                Arguments.of("semicolon delimiter", set("vendors[0].parser.delimiter", "\";\"")),
                Arguments.of("bar delimiter", set("vendors[0].parser.delimiter", "\"|\"")),
                Arguments.of("encoding with spaces and underscore", set("vendors[0].parser.encoding", "\" UTF_8 \"")),
                Arguments.of("empty encoding", set("vendors[0].parser.encoding", "\"\"")),
                Arguments.of("ending 0.99", set("pricing.rounding.ending", "0.99")),
                Arguments.of("ending 0", set("pricing.rounding.ending", "0")),
                Arguments.of("ending 0.990", set("pricing.rounding.ending", "0.990")),
                Arguments.of("ending null", set("pricing.rounding.ending", "null")),
                Arguments.of("increment 0 disables rounding", set("pricing.rounding.increment", "0")),
                Arguments.of("max_invalid_row_pct 1", set("error_policy.max_invalid_row_pct", "1")),
                Arguments.of("max_invalid_rows negative", set("error_policy.max_invalid_rows", "-5")),
                Arguments.of("warn_only", set("error_policy.missing_required_vendor_policy", "\"warn_only\"")),
                Arguments.of("fallback lead time negative", set("merge.best_offer.fallback_lead_time_days", "-2")),
                Arguments.of("timezone UTC", set("timezone", "\"UTC\"")),
                Arguments.of("timezone Etc/GMT+2", set("timezone", "\"Etc/GMT+2\"")),
                Arguments.of("currency EUR", set("default_currency", "\"EUR\"")),
                Arguments.of("no vendors", set("vendors", "[]")),
                Arguments.of("sku_map null", set("vendors[0].sku_map", "null")),
                Arguments.of("sku_map without keys", set("vendors[0].sku_map", "{\"type\": \"file\"}")),
                Arguments.of("sku_map local_path through the API", set("vendors[0].sku_map.local_path", "\"maps/v1.csv\"")),
                Arguments.of("any map_floor_behavior", set("pricing.map_policy.map_floor_behavior", "\"off\"")),
                Arguments.of("two column_map keys to one header", set("vendors[0].parser.column_map.vendor_sku", "\"SKU\"")),
                Arguments.of("error_policy all given", set("error_policy", "{\"max_invalid_rows\": 3, \"max_invalid_row_pct\": \"0.5\", "
                        + "\"fail_on_missing_required_columns\": false, \"missing_required_vendor_policy\": \"fail\"}")),
                Arguments.of("notifications null", set("notifications", "null")),
                Arguments.of("schedule null", set("schedule", "null")),
                Arguments.of("the minimal configuration itself (API and CLI)", UnaryOperator.<ObjectNode>identity()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedValues")
    void accepted_values(String name, UnaryOperator<ObjectNode> edit) {
        ObjectNode config = edit.apply(ConfigFixtures.minimal());
        assertThat(parseJson(config, API).problems()).isEmpty();
        assertThat(parseJson(config, CLI).problems()).isEmpty();
    }

    @Test
    void an_empty_key_has_a_visible_path() {
        assertThat(problemsOf(parseJson(minimalWith(set("pricing", "{\"\": 1}")), API))).contains(problem("pricing.\"\"", "unknown field"));
        assertThat(problemsOf(ConfigFixtures.PARSER.parse(ConfigFixtures.MINIMAL_JSON.replace("{\n  \"schema", "{\"\": 0, \"schema"),
                TenantConfigParser.Format.JSON, API))).containsExactly(problem("\"\"", "unknown field"));
    }

    @Test
    void cli_accepts_local_inbound_and_normalises_the_prefix_to_null() {
        TenantConfig config = configOf(parseJson(minimalWith(set("vendors[0].inbound", "{\"type\": \"local\", \"s3_prefix\": null}")), CLI));

        assertThat(config.vendors().get(0).inbound()).isEqualTo(new TenantConfig.Inbound("local", null));
    }

    @Test
    void tenant_isolation_is_not_checked_against_an_invalid_tenant_id() {
        // The tenant id problem is reported once; prefixes cannot be judged against a bad id.
        assertThat(problemsOf(parseJson(minimalWith(set("tenant_id", "\"a b\"")), API)))
                .containsExactly(problem("tenant_id", IDENTIFIER));
    }

    @Test
    void defaults_are_filled_in() {
        TenantConfig c = configOf(parseJson(ConfigFixtures.minimal(), API));

        assertThat(c.schemaVersion()).isEqualTo(1);
        TenantConfig.Vendor v = c.vendors().get(1);
        assertThat(v.required()).isTrue();
        assertThat(v.parser()).isEqualTo(new TenantConfig.Parser("csv", ',', "utf-8", java.util.Map.of()));
        assertThat(v.skuMap()).isNull();
        assertThat(c.pricing().mapPolicy()).isEqualTo(new TenantConfig.MapPolicy(true, "max(price, map_price)"));
        assertThat(c.pricing().rounding()).isEqualTo(
                new TenantConfig.Rounding(TenantConfig.RoundingMode.NEAREST, new java.math.BigDecimal("0.01"), null));
        assertThat(c.merge().bestOffer()).isEqualTo(new TenantConfig.BestOffer(
                List.of(TenantConfig.SortKey.IN_STOCK_DESC, TenantConfig.SortKey.LOWEST_LANDED_COST), true, 7));
        assertThat(c.output()).isEqualTo(new TenantConfig.Output("csv", List.of("sku", "price"), false));
        assertThat(c.errorPolicy()).isEqualTo(new TenantConfig.ErrorPolicy(0, new java.math.BigDecimal("0.0"), true, "fail"));
        assertThat(c.errorPolicy().maxInvalidRowPct().scale()).isEqualTo(1);
        assertThat(c.notifications()).isNull();
        assertThat(c.schedule()).isNull();
    }

    @Test
    void empty_sort_by_means_the_default_pair_and_a_given_order_is_kept() {
        assertThat(configOf(parseJson(minimalWith(set("merge.best_offer.sort_by", "[]")), API)).merge().bestOffer().sortBy())
                .containsExactly(TenantConfig.SortKey.IN_STOCK_DESC, TenantConfig.SortKey.LOWEST_LANDED_COST);
        assertThat(configOf(parseJson(minimalWith(set("merge.best_offer.sort_by",
                "[\"vendor_priority\", \"highest_quantity\", \"shortest_lead_time\", \"lowest_cost\"]")), API)).merge().bestOffer().sortBy())
                .containsExactly(TenantConfig.SortKey.VENDOR_PRIORITY, TenantConfig.SortKey.HIGHEST_QUANTITY,
                        TenantConfig.SortKey.SHORTEST_LEAD_TIME, TenantConfig.SortKey.LOWEST_COST);
    }

    @Test
    void delimiter_and_column_map_order_are_kept() {
        TenantConfig c = configOf(parseJson(minimalWith(set("vendors[0].parser.delimiter", "\"\\t\""),
                set("vendors[0].parser.column_map", "{\"title\": \"Name\", \"sku\": \"Item\", \"cost\": \"Cost\"}")), API));

        assertThat(c.vendors().get(0).parser().delimiter()).isEqualTo('\t');
        assertThat(c.vendors().get(0).parser().columnMap().keySet()).containsExactly("title", "sku", "cost");
    }
}
