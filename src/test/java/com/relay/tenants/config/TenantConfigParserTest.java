package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.CLI;
import static com.relay.tenants.config.ConfigFixtures.configOf;
import static com.relay.tenants.config.ConfigFixtures.json;
import static com.relay.tenants.config.ConfigFixtures.minimalWith;
import static com.relay.tenants.config.ConfigFixtures.parseJson;
import static com.relay.tenants.config.ConfigFixtures.parseYaml;
import static com.relay.tenants.config.ConfigFixtures.problem;
import static com.relay.tenants.config.ConfigFixtures.problemsOf;
import static com.relay.tenants.config.ConfigFixtures.remove;
import static com.relay.tenants.config.ConfigFixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfigParser.Format;
import com.relay.tenants.config.ValidationResult.SyntaxErrorCode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/CONTRACT.md#example-configuration example, docs/CONTRACT.md#api-and-configuration-scenarios scenarios 6–10, docs/CONTRACT.md#storage-and-cli-checks CLI check, syntax errors and format selection. */
class TenantConfigParserTest {

    /** docs/CONTRACT.md#example-configuration, verbatim: valid for the CLI only because of {@code type: local}. */
    static final String EXAMPLE_LOCAL_YAML = """
            schema_version: 1
            tenant_id: test_tenant
            timezone: America/Los_Angeles
            default_currency: USD
            vendors:
              - vendor_id: vendor_1
                inbound: {type: local}
                parser:
                  format: csv
                  delimiter: ","
                  encoding: utf-8
                  column_map: {sku: SKU, quantity_available: QTY, cost: COST, map_price: MAP}
                sku_map: {type: file, local_path: sku_map_vendor_1.csv}
              - vendor_id: vendor_2
                inbound: {type: local}
                parser:
                  format: csv
                  delimiter: ","
                  encoding: utf-8
                  column_map: {sku: SKU, quantity_available: QTY, cost: COST, map_price: MAP}
            pricing:
              base_margin_pct: 0.20
              min_price: 25.00
              shipping_handling_flat: 9.99
              map_policy: {enforce: true, map_floor_behavior: "max(price, map_price)"}
              rounding: {mode: nearest, increment: 0.99}
            merge:
              strategy: best_offer
              best_offer:
                sort_by: [in_stock_desc, lowest_landed_cost]
                landed_cost: {include_shipping_handling: true}
                fallback_lead_time_days: 7
            output:
              format: csv
              columns: [sku, quantity_available, price, vendor_id, updated_at]
            """;

    /** The API equivalent (docs/CONTRACT.md#example-configuration): s3 vendors and an s3 SKU map. */
    static final String EXAMPLE_S3_YAML = EXAMPLE_LOCAL_YAML
            .replace("inbound: {type: local}\n    parser:\n      format: csv\n      delimiter: \",\"\n      encoding: utf-8\n"
                            + "      column_map: {sku: SKU, quantity_available: QTY, cost: COST, map_price: MAP}\n"
                            + "    sku_map: {type: file, local_path: sku_map_vendor_1.csv}",
                    "inbound: {type: s3, s3_prefix: tenants/test_tenant/inbound/vendor_1/}\n    parser:\n      format: csv\n"
                            + "      delimiter: \",\"\n      encoding: utf-8\n"
                            + "      column_map: {sku: SKU, quantity_available: QTY, cost: COST, map_price: MAP}\n"
                            + "    sku_map: {type: s3, s3_key: tenants/test_tenant/maps/sku_map_vendor_1.csv}")
            .replace("inbound: {type: local}", "inbound: {type: s3, s3_prefix: tenants/test_tenant/inbound/vendor_2/}");

    /** docs/CONTRACT.md#example-configuration normalised form, with vendor_2 (omitted there "for brevity") written out. */
    static final String EXAMPLE_NORMALISED_JSON = """
            {
              "schema_version": 1, "tenant_id": "test_tenant", "timezone": "America/Los_Angeles",
              "default_currency": "USD",
              "vendors": [
                {"vendor_id": "vendor_1", "required": true,
                 "inbound": {"type": "s3", "s3_prefix": "tenants/test_tenant/inbound/vendor_1/"},
                 "parser": {"format": "csv", "delimiter": ",", "encoding": "utf-8", "header": true, "sheet": null,
                            "header_row": null, "records_path": null, "record_path": null, "columns": null,
                            "column_map": {"sku": "SKU", "quantity_available": "QTY", "cost": "COST", "map_price": "MAP"}},
                 "sku_map": {"type": "s3", "s3_key": "tenants/test_tenant/maps/sku_map_vendor_1.csv", "local_path": null},
                 "max_age_hours": null, "stale_policy": "warn"},
                {"vendor_id": "vendor_2", "required": true,
                 "inbound": {"type": "s3", "s3_prefix": "tenants/test_tenant/inbound/vendor_2/"},
                 "parser": {"format": "csv", "delimiter": ",", "encoding": "utf-8", "header": true, "sheet": null,
                            "header_row": null, "records_path": null, "record_path": null, "columns": null,
                            "column_map": {"sku": "SKU", "quantity_available": "QTY", "cost": "COST", "map_price": "MAP"}},
                 "sku_map": null, "max_age_hours": null, "stale_policy": "warn"}
              ],
              "pricing": {"base_margin_pct": "0.20", "min_price": "25.00", "shipping_handling_flat": "9.99",
                          "map_policy": {"enforce": true, "map_floor_behavior": "max(price, map_price)"},
                          "rounding": {"mode": "nearest", "increment": "0.99", "ending": null}},
              "merge": {"strategy": "best_offer",
                        "best_offer": {"sort_by": ["in_stock_desc", "lowest_landed_cost"],
                                       "landed_cost": {"include_shipping_handling": true},
                                       "fallback_lead_time_days": 7}},
              "output": {"format": "csv", "columns": ["sku", "quantity_available", "price", "vendor_id", "updated_at"],
                         "escape_formulas": false},
              "error_policy": {"max_invalid_rows": 0, "max_invalid_row_pct": "0.0",
                               "fail_on_missing_required_columns": true, "missing_required_vendor_policy": "fail"},
              "notifications": null,
              "schedule": null,
              "publish": null
            }
            """;

    @Test
    void example_with_local_vendors_is_valid_for_the_cli() {
        TenantConfig config = configOf(parseYaml(EXAMPLE_LOCAL_YAML, CLI));

        assertThat(config.tenantId()).isEqualTo("test_tenant");
        assertThat(config.vendors()).extracting(TenantConfig.Vendor::inbound)
                .containsExactly(new TenantConfig.Inbound("local", null), new TenantConfig.Inbound("local", null));
        assertThat(config.vendors().get(0).skuMap()).isEqualTo(new TenantConfig.SkuMap("file", null, "sku_map_vendor_1.csv"));
        assertThat(config.vendors().get(0).parser().columnMap().keySet())
                .containsExactly("sku", "quantity_available", "cost", "map_price");
        assertThat(config.pricing().rounding().increment()).isEqualTo(new BigDecimal("0.99"));
    }

    @Test
    void example_with_local_vendors_is_invalid_for_the_api() {
        assertThat(problemsOf(parseYaml(EXAMPLE_LOCAL_YAML, API))).containsExactly(
                problem("vendors[0].inbound.type", "must be one of: s3, sftp, ftp, ftps, http, email"),
                problem("vendors[1].inbound.type", "must be one of: s3, sftp, ftp, ftps, http, email"));
    }

    @Test
    void example_with_s3_vendors_normalises_to_the_documented_json() {
        TenantConfig config = configOf(parseYaml(EXAMPLE_S3_YAML, API));

        // docs/CONTRACT.md#conventions: tests compare parsed JSON, never JSON bytes.
        assertThat(json(TenantConfigJson.toJson(config))).isEqualTo(json(EXAMPLE_NORMALISED_JSON));
        assertThat(json(ConfigFixtures.text(TenantConfigJson.toObjectNode(config)))).isEqualTo(json(EXAMPLE_NORMALISED_JSON));
    }

    @Test
    void the_normalised_example_is_itself_a_valid_configuration_with_the_same_content() {
        TenantConfig fromYaml = configOf(parseYaml(EXAMPLE_S3_YAML, API));
        TenantConfig fromNormalisedJson = configOf(parseJson(EXAMPLE_NORMALISED_JSON, API));

        assertThat(fromNormalisedJson).isEqualTo(fromYaml);
    }

    @Test
    void scenario_6_all_problems_are_reported_in_document_order() {
        var config = minimalWith(set("vendors[0].parser.encoding", "\"cp1252\""), set("pricing.rounding.increment", "-1"));

        assertThat(problemsOf(parseJson(config, API))).containsExactly(
                problem("vendors[0].parser.encoding",
                        "must be one of: utf-8, utf8, latin-1, iso-8859-1, iso8859-1, windows-1252, utf-16"),
                problem("pricing.rounding.increment", "must be >= 0"));
    }

    @Test
    void scenario_7_unsupported_schema_version_is_the_only_problem() {
        var config = minimalWith(set("schema_version", "2"), remove("tenant_id"), set("pricing.margin", "1"),
                set("vendors[0].parser.encoding", "\"cp1252\""));

        ValidationResult result = parseJson(config, API);

        assertThat(problemsOf(result)).containsExactly(
                new ConfigProblem("schema_version", "unsupported schema_version 2", "unsupported_schema_version"));
        assertThat(((ValidationResult.Invalid) result).unsupportedSchemaVersion()).isTrue();
    }

    static Stream<Arguments> unsupportedSchemaVersions() {
        return Stream.of(
                Arguments.of("2", "unsupported schema_version 2"),
                Arguments.of("0", "unsupported schema_version 0"),
                Arguments.of("1.0", "unsupported schema_version 1.0"),
                Arguments.of("1e0", "unsupported schema_version 1e0"),
                Arguments.of("\"1\"", "unsupported schema_version \"1\""),
                Arguments.of("true", "unsupported schema_version true"),
                Arguments.of("null", "unsupported schema_version null"),
                Arguments.of("-3", "unsupported schema_version -3"));
    }

    @ParameterizedTest(name = "schema_version {0}")
    @MethodSource("unsupportedSchemaVersions")
    void schema_version_other_than_integer_one_stops_validation(String value, String message) {
        // Edited as text: a tree edit would re-serialise 1e0 as 1.
        String config = ConfigFixtures.MINIMAL_JSON.replace("\"schema_version\": 1,", "\"schema_version\": " + value + ",");
        assertThat(problemsOf(parseJson(config, API)))
                .containsExactly(new ConfigProblem("schema_version", message, "unsupported_schema_version"));
    }

    @Test
    void schema_version_defaults_to_1() {
        assertThat(configOf(parseJson(minimalWith(remove("schema_version")), API)).schemaVersion()).isEqualTo(1);
    }

    @Test
    void cli_schema_version_2_gives_the_documented_standard_error_lines() {
        // docs/CONTRACT.md#storage-and-cli-checks: otherwise minimal configuration with schema_version 2.
        String yaml = """
                schema_version: 2
                tenant_id: acme
                vendors: []
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku]}
                """;
        ValidationResult.Invalid result = (ValidationResult.Invalid) parseYaml(yaml, CLI);

        assertThat(result.unsupportedSchemaVersion()).isTrue();
        assertThat(result.problems().get(0).code()).isEqualTo("unsupported_schema_version");
        assertThat(result.problems()).extracting(ConfigProblem::toCliLine)
                .containsExactly("schema_version: unsupported schema_version 2");
    }

    @Test
    void scenario_8_decimal_json_number_keeps_its_scale() {
        TenantConfig config = configOf(parseJson(minimalWith(set("pricing.base_margin_pct", "0.20")), API));

        assertThat(config.pricing().baseMarginPct()).isEqualTo(new BigDecimal("0.20"));
        assertThat(config.pricing().baseMarginPct().scale()).isEqualTo(2);
        assertThat(TenantConfigJson.toObjectNode(config).at("/pricing/base_margin_pct").textValue()).isEqualTo("0.20");
    }

    @Test
    void scenario_9_unknown_key_is_reported_at_its_path() {
        assertThat(problemsOf(parseJson(minimalWith(set("pricing.margin", "0.1")), API)))
                .containsExactly(problem("pricing.margin", "unknown field"));
    }

    static Stream<Arguments> malformedDocuments() {
        return Stream.of(
                Arguments.of(Format.JSON, "{\"tenant_id\": ", SyntaxErrorCode.MALFORMED_JSON),  // docs/CONTRACT.md#api-and-configuration-scenarios #10
                Arguments.of(Format.JSON, "", SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.JSON, "{\"a\": 1} {\"b\": 2}", SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.JSON, "{\"a\": 1, \"a\": 2}", SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.JSON, "{\"a\": NaN}", SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.JSON, "{\"a\": Infinity}", SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.JSON, "{\"a\": 01}", SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.JSON, "{a: 1}", SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.JSON, "{\"a\": 1} // comment", SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.JSON, "[".repeat(5000), SyntaxErrorCode.MALFORMED_JSON),
                Arguments.of(Format.YAML, "a: [1, 2", SyntaxErrorCode.MALFORMED_YAML),
                Arguments.of(Format.YAML, "a: 1\na: 2\n", SyntaxErrorCode.MALFORMED_YAML),
                Arguments.of(Format.YAML, "a: 1\n---\nb: 2\n", SyntaxErrorCode.MALFORMED_YAML),
                Arguments.of(Format.YAML, "a: *missing\n", SyntaxErrorCode.MALFORMED_YAML),
                Arguments.of(Format.YAML, "a: !custom x\n", SyntaxErrorCode.MALFORMED_YAML),
                Arguments.of(Format.YAML, "a:\n\tb: 1\n", SyntaxErrorCode.MALFORMED_YAML));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("malformedDocuments")
    void malformed_documents_are_syntax_errors(Format format, String body, SyntaxErrorCode code) {
        ValidationResult result = ConfigFixtures.PARSER.parse(body, format, API);

        assertThat(result).isInstanceOf(ValidationResult.SyntaxError.class);
        assertThat(((ValidationResult.SyntaxError) result).code()).isEqualTo(code);
        assertThat(((ValidationResult.SyntaxError) result).message()).isNotBlank();
    }

    @Test
    void invalid_utf8_is_a_syntax_error_of_the_requested_format() {
        byte[] body = "{\"tenant_id\": \"ac\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(ConfigFixtures.PARSER.parse(body, Format.JSON, API))
                .isEqualTo(new ValidationResult.SyntaxError(SyntaxErrorCode.MALFORMED_JSON, "the document is not valid UTF-8"));
        assertThat(ConfigFixtures.PARSER.parse(body, Format.YAML, API))
                .isEqualTo(new ValidationResult.SyntaxError(SyntaxErrorCode.MALFORMED_YAML, "the document is not valid UTF-8"));
    }

    @Test
    void a_utf8_byte_order_mark_is_ignored() {
        assertThat(ConfigFixtures.PARSER.parse("\uFEFF" + ConfigFixtures.MINIMAL_JSON, Format.JSON, API).isValid()).isTrue();
        assertThat(ConfigFixtures.PARSER.parse("\uFEFF" + ConfigFixtures.MINIMAL_JSON, Format.YAML, API).isValid()).isTrue();
    }

    static Stream<Arguments> nonObjectDocuments() {
        return Stream.of(
                Arguments.of(Format.JSON, "[1, 2]"), Arguments.of(Format.JSON, "\"config\""),
                Arguments.of(Format.JSON, "null"), Arguments.of(Format.JSON, "42"),
                Arguments.of(Format.YAML, "- a\n- b\n"), Arguments.of(Format.YAML, "just text"),
                Arguments.of(Format.YAML, ""), Arguments.of(Format.YAML, "# only a comment\n"),
                Arguments.of(Format.YAML, "---\n"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("nonObjectDocuments")
    void a_document_that_is_not_an_object_is_one_problem_at_the_root(Format format, String body) {
        assertThat(problemsOf(ConfigFixtures.PARSER.parse(body, format, API))).containsExactly(problem("", "must be an object"));
    }

    @Test
    void json_parsed_as_yaml_gives_the_same_configuration() {
        // JSON is (nearly) a subset of YAML 1.2: the same text must mean the same configuration.
        assertThat(configOf(parseYaml(ConfigFixtures.MINIMAL_JSON, API)))
                .isEqualTo(configOf(parseJson(ConfigFixtures.MINIMAL_JSON, API)));
    }

    static Stream<Arguments> contentTypes() {
        return Stream.of(
                Arguments.of("application/json", Optional.of(Format.JSON)),
                Arguments.of("application/json; charset=utf-8", Optional.of(Format.JSON)),
                Arguments.of("Application/JSON", Optional.of(Format.JSON)),
                Arguments.of("application/yaml", Optional.of(Format.YAML)),
                Arguments.of("application/x-yaml", Optional.of(Format.YAML)),
                Arguments.of("text/yaml;charset=UTF-8", Optional.of(Format.YAML)),
                Arguments.of("text/plain", Optional.empty()),
                Arguments.of("application/xml", Optional.empty()),
                Arguments.of("", Optional.empty()),
                Arguments.of(null, Optional.empty()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("contentTypes")
    void format_from_content_type(String contentType, Optional<Format> expected) {
        assertThat(Format.fromContentType(contentType)).isEqualTo(expected);
    }

    @Test
    void format_from_file_name() {
        assertThat(Format.fromFileName("tenant.json")).contains(Format.JSON);
        assertThat(Format.fromFileName("conf/tenant.yaml")).contains(Format.YAML);
        assertThat(Format.fromFileName("tenant.YML")).contains(Format.YAML);
        assertThat(Format.fromFileName("tenant.txt")).isEmpty();
        assertThat(Format.fromFileName("yaml")).isEmpty();
    }

    @Test
    void one_parser_instance_is_safe_to_share_between_threads() {
        List<String> documents = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> i % 2 == 0 ? EXAMPLE_S3_YAML : EXAMPLE_S3_YAML.replace("increment: 0.99", "increment: -" + i))
                .toList();

        List<ValidationResult> sequential = documents.stream().map(d -> parseYaml(d, API)).toList();
        List<ValidationResult> parallel = documents.parallelStream().map(d -> parseYaml(d, API)).toList();

        assertThat(parallel).isEqualTo(sequential);
        assertThat(sequential.get(1).problems()).containsExactly(problem("pricing.rounding.increment", "must be >= 0"));
    }

    @Test
    void run_mode_names() {
        assertThat(TenantConfigParser.RunMode.fromName("localstack")).contains(TenantConfigParser.RunMode.LOCALSTACK);
        assertThat(TenantConfigParser.RunMode.fromName("AWS")).isEmpty();
        assertThat(List.of(TenantConfigParser.RunMode.values())).hasSize(3);
    }
}
