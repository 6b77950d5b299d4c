package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.configOf;
import static com.relay.tenants.config.ConfigFixtures.parseYaml;
import static com.relay.tenants.config.ConfigFixtures.problem;
import static com.relay.tenants.config.ConfigFixtures.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.ValidationResult.SyntaxErrorCode;
import java.math.BigDecimal;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** YAML specifics of docs/CONTRACT.md#format-and-value-types: core schema, single mapping, duplicate keys, tags, aliases. */
class YamlDocumentTest {

    static final String VALID = """
            tenant_id: acme
            timezone: Europe/Berlin
            default_currency: EUR
            vendors:
              - vendor_id: v1
                required: false
                inbound: {type: s3, s3_prefix: tenants/acme/inbound/v1/}
                parser: &shared_parser
                  format: csv
                  delimiter: ";"
                  encoding: latin-1
                  column_map: {sku: Artikel, cost: Preis}
              - vendor_id: v2
                inbound: {type: s3, s3_prefix: "tenants/acme/inbound/v2/"}
                parser: *shared_parser
            pricing:
              base_margin_pct: 0.20
              min_price: 0
              shipping_handling_flat: 4.90
              map_policy: {enforce: false}
              rounding: {mode: up, increment: 0.05, ending: 0.99}
            merge:
              strategy: best_offer
              best_offer: {sort_by: [vendor_priority], landed_cost: {include_shipping_handling: false}}
            output: {columns: [sku, price, title], escape_formulas: true}
            """;

    @Test
    void block_and_flow_yaml_with_an_alias_is_read_exactly() {
        TenantConfig c = configOf(parseYaml(VALID, API));

        assertThat(c.vendors()).hasSize(2);
        assertThat(c.vendors().get(1).parser()).isEqualTo(c.vendors().get(0).parser());
        assertThat(c.vendors().get(0).parser().delimiter()).isEqualTo(';');
        assertThat(c.vendors().get(0).required()).isFalse();
        assertThat(c.pricing().shippingHandlingFlat()).isEqualTo(new BigDecimal("4.90"));
        assertThat(c.pricing().rounding()).isEqualTo(
                new TenantConfig.Rounding(TenantConfig.RoundingMode.UP, new BigDecimal("0.05"), new BigDecimal("0.99")));
        assertThat(c.pricing().mapPolicy().floorActive()).isFalse();
        assertThat(c.output().escapeFormulas()).isTrue();
    }

    @Test
    void yes_is_a_string_so_it_is_not_a_boolean() {
        String yaml = VALID.replace("required: false", "required: yes");

        assertThat(problemsOf(parseYaml(yaml, API))).containsExactly(problem("vendors[0].required", "must be a boolean"));
    }

    static Stream<Arguments> syntaxErrors() {
        return Stream.of(
                Arguments.of("duplicate root key", VALID + "tenant_id: other\n"),
                Arguments.of("duplicate nested key", VALID.replace("mode: up,", "mode: up, mode: down,")),
                Arguments.of("duplicate key, quoted and plain", VALID.replace("timezone: Europe/Berlin", "timezone: Europe/Berlin\n\"timezone\": UTC")),
                Arguments.of("custom local tag", VALID.replace("tenant_id: acme", "tenant_id: !tenant acme")),
                Arguments.of("custom tag on a mapping", VALID.replace("map_policy: {enforce: false}", "map_policy: !policy {enforce: false}")),
                Arguments.of("binary tag", VALID.replace("tenant_id: acme", "tenant_id: !!binary YWNtZQ==")),
                Arguments.of("timestamp tag", VALID.replace("tenant_id: acme", "tenant_id: !!timestamp 2024-01-01")),
                Arguments.of("set tag", VALID.replace("map_policy: {enforce: false}", "map_policy: !!set {a, b}")),
                Arguments.of("int tag on text", VALID.replace("min_price: 0", "min_price: !!int zero")),
                Arguments.of("bool tag on yes", VALID.replace("required: false", "required: !!bool yes")),
                Arguments.of("two documents", VALID + "---\ntenant_id: other\n"),
                Arguments.of("undefined alias", VALID.replace("parser: *shared_parser", "parser: *other")),
                Arguments.of("recursive alias", "a: &a [1, *a]\n"),
                Arguments.of("complex key", "? [a, b]\n: 1\n"),
                Arguments.of("bad indentation", "tenant_id: acme\n  timezone: UTC\n x: 1\n"),
                Arguments.of("unclosed quote", "tenant_id: \"acme\n"),
                Arguments.of("tab indentation", "pricing:\n\tmin_price: 1\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syntaxErrors")
    void syntax_errors_are_malformed_yaml(String name, String yaml) {
        ValidationResult result = parseYaml(yaml, API);

        assertThat(result).isInstanceOf(ValidationResult.SyntaxError.class);
        assertThat(((ValidationResult.SyntaxError) result).code()).isEqualTo(SyntaxErrorCode.MALFORMED_YAML);
    }

    @Test
    void duplicate_key_message_names_the_key_and_line() {
        ValidationResult.SyntaxError error = (ValidationResult.SyntaxError) parseYaml("a: 1\nb: 2\na: 3\n", API);

        assertThat(error.message()).contains("duplicate key a").contains("line 3");
    }

    @Test
    void alias_expansion_is_bounded() {
        // "Billion laughs": 10^7 nodes after expansion from a 500-byte document.
        StringBuilder yaml = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level <= 7; level++) {
            yaml.append("l").append(level).append(": &l").append(level).append(" [");
            for (int i = 0; i < 10; i++) {
                yaml.append(i == 0 ? "" : ", ").append("*l").append(level - 1);
            }
            yaml.append("]\n");
        }
        ValidationResult result = parseYaml(yaml.toString(), API);

        assertThat(result).isInstanceOf(ValidationResult.SyntaxError.class);
        assertThat(((ValidationResult.SyntaxError) result).message()).contains("too large");
    }

    @Test
    void deep_nesting_is_a_problem_not_a_stack_overflow() {
        String deep = "tenant_id: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";

        ValidationResult result = parseYaml(deep, API);

        assertThat(result.isValid()).isFalse();
        assertThat(result instanceof ValidationResult.SyntaxError || result.problems().contains(problem("tenant_id", "must be a string")))
                .isTrue();
    }

    @Test
    void non_string_keys_are_read_as_written_and_rejected_as_unknown() {
        String yaml = VALID + "1: one\ntrue: yes\n";

        assertThat(problemsOf(parseYaml(yaml, API))).containsExactly(problem("1", "unknown field"), problem("true", "unknown field"));
    }

    @Test
    void comments_and_document_markers_are_fine() {
        String yaml = "%YAML 1.2\n---\n# tenant\n" + VALID + "...\n";

        assertThat(parseYaml(yaml, API).isValid()).isTrue();
    }

    @Test
    void block_scalars_are_strings() {
        String yaml = VALID.replace("format: csv", "format: |-\n        csv");

        assertThat(configOf(parseYaml(yaml, API)).vendors().get(0).parser().format()).isEqualTo("csv");
    }
}
