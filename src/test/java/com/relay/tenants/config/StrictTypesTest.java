package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.configOf;
import static com.relay.tenants.config.ConfigFixtures.parseJson;
import static com.relay.tenants.config.ConfigFixtures.parseYaml;
import static com.relay.tenants.config.ConfigFixtures.problem;
import static com.relay.tenants.config.ConfigFixtures.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfigParser.Format;
import java.math.BigDecimal;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/CONTRACT.md#format-and-value-types value types, in JSON and YAML: each row puts one literal (as written in that format) into
 * a field of the type under test and expects either the normalised value or the exact message.
 */
class StrictTypesTest {

    /** The configuration with one marker per typed field under test. */
    static final String YAML_TEMPLATE = """
            tenant_id: acme
            timezone: UTC
            default_currency: USD
            vendors:
              - vendor_id: v1
                inbound: {type: s3, s3_prefix: tenants/acme/inbound/v1/}
                parser:
                  format: csv
                sku_map:
                  type: @STRING@
            pricing:
              base_margin_pct: 0.20
              min_price: @DECIMAL@
              shipping_handling_flat: 0
              map_policy: @OBJECT@
              rounding: {}
            merge:
              strategy: best_offer
              best_offer:
                landed_cost: {}
                fallback_lead_time_days: @INTEGER@
            output:
              columns: @LIST@
              escape_formulas: @BOOLEAN@
            """;

    static final String JSON_TEMPLATE = """
            {"tenant_id": "acme", "timezone": "UTC", "default_currency": "USD",
             "vendors": [{"vendor_id": "v1", "inbound": {"type": "s3", "s3_prefix": "tenants/acme/inbound/v1/"},
                          "parser": {"format": "csv"},
                          "sku_map": {"type": @STRING@}}],
             "pricing": {"base_margin_pct": 0.20, "min_price": @DECIMAL@, "shipping_handling_flat": 0,
                         "map_policy": @OBJECT@, "rounding": {}},
             "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}, "fallback_lead_time_days": @INTEGER@}},
             "output": {"columns": @LIST@, "escape_formulas": @BOOLEAN@}}
            """;

    enum Field {
        STRING("vendors[0].sku_map.type", "\"csv\"", "csv", c -> c.vendors().get(0).skuMap().type()),
        INTEGER("merge.best_offer.fallback_lead_time_days", "7", "7", c -> c.merge().bestOffer().fallbackLeadTimeDays()),
        BOOLEAN("output.escape_formulas", "false", "false", c -> c.output().escapeFormulas()),
        DECIMAL("pricing.min_price", "25.00", "25.00", c -> c.pricing().minPrice()),
        LIST("output.columns", "[\"sku\"]", "[sku]", c -> c.output().columns()),
        OBJECT("pricing.map_policy", "{}", "{}", c -> c.pricing().mapPolicy());

        final String path;
        final String jsonDefault;
        final String yamlDefault;
        final Function<TenantConfig, Object> read;

        Field(String path, String jsonDefault, String yamlDefault, Function<TenantConfig, Object> read) {
            this.path = path;
            this.jsonDefault = jsonDefault;
            this.yamlDefault = yamlDefault;
            this.read = read;
        }
    }

    static String document(Format format, Field field, String literal) {
        String text = format == Format.JSON ? JSON_TEMPLATE : YAML_TEMPLATE;
        for (Field f : Field.values()) {
            text = text.replace("@" + f.name() + "@", f == field ? literal : (format == Format.JSON ? f.jsonDefault : f.yamlDefault));
        }
        return text;
    }

    private static Arguments accepted(Format format, Field field, String literal, Object expected) {
        return Arguments.of(format, field, literal, expected, null);
    }

    private static Arguments rejected(Format format, Field field, String literal, String message) {
        return Arguments.of(format, field, literal, null, message);
    }

    static Stream<Arguments> typeTable() {
        Format json = Format.JSON;
        Format yaml = Format.YAML;
        return Stream.of(
                // string
                accepted(json, Field.STRING, "\"csv\"", "csv"),
                accepted(json, Field.STRING, "\"\"", ""),
                rejected(json, Field.STRING, "5", "must be a string"),
                rejected(json, Field.STRING, "true", "must be a string"),
                rejected(json, Field.STRING, "null", "is required"),
                rejected(json, Field.STRING, "[\"csv\"]", "must be a string"),
                accepted(yaml, Field.STRING, "csv", "csv"),
                accepted(yaml, Field.STRING, "'123'", "123"),
                accepted(yaml, Field.STRING, "yes", "yes"),
                accepted(yaml, Field.STRING, "on", "on"),
                accepted(yaml, Field.STRING, "2024-01-01", "2024-01-01"),
                accepted(yaml, Field.STRING, "!!str 123", "123"),
                rejected(yaml, Field.STRING, "123", "must be a string"),
                rejected(yaml, Field.STRING, "1.5", "must be a string"),
                rejected(yaml, Field.STRING, "true", "must be a string"),
                rejected(yaml, Field.STRING, "~", "is required"),
                rejected(yaml, Field.STRING, "", "is required"),
                rejected(yaml, Field.STRING, "Null", "is required"),

                // integer
                accepted(json, Field.INTEGER, "7", 7L),
                accepted(json, Field.INTEGER, "-2", -2L),
                accepted(json, Field.INTEGER, "-0", 0L),
                accepted(json, Field.INTEGER, "9223372036854775807", Long.MAX_VALUE),
                rejected(json, Field.INTEGER, "7.0", "must be an integer"),
                rejected(json, Field.INTEGER, "7e0", "must be an integer"),
                rejected(json, Field.INTEGER, "1E3", "must be an integer"),
                rejected(json, Field.INTEGER, "\"7\"", "must be an integer"),
                rejected(json, Field.INTEGER, "true", "must be an integer"),
                rejected(json, Field.INTEGER, "9223372036854775808", "must be an integer"),
                rejected(json, Field.INTEGER, "null", "is required"),
                accepted(yaml, Field.INTEGER, "7", 7L),
                accepted(yaml, Field.INTEGER, "-2", -2L),
                accepted(yaml, Field.INTEGER, "+7", 7L),
                accepted(yaml, Field.INTEGER, "0x1F", 31L),
                accepted(yaml, Field.INTEGER, "0o17", 15L),
                accepted(yaml, Field.INTEGER, "!!int 7", 7L),
                rejected(yaml, Field.INTEGER, "7.0", "must be an integer"),
                rejected(yaml, Field.INTEGER, "7.", "must be an integer"),
                rejected(yaml, Field.INTEGER, "1e3", "must be an integer"),
                rejected(yaml, Field.INTEGER, "\"7\"", "must be an integer"),
                rejected(yaml, Field.INTEGER, "'7'", "must be an integer"),
                rejected(yaml, Field.INTEGER, "!!float 7", "must be an integer"),
                rejected(yaml, Field.INTEGER, "true", "must be an integer"),
                rejected(yaml, Field.INTEGER, "seven", "must be an integer"),
                rejected(yaml, Field.INTEGER, ".inf", "must be an integer"),
                rejected(yaml, Field.INTEGER, "~", "is required"),

                // boolean
                accepted(json, Field.BOOLEAN, "true", true),
                accepted(json, Field.BOOLEAN, "false", false),
                rejected(json, Field.BOOLEAN, "\"true\"", "must be a boolean"),
                rejected(json, Field.BOOLEAN, "1", "must be a boolean"),
                rejected(json, Field.BOOLEAN, "0", "must be a boolean"),
                rejected(json, Field.BOOLEAN, "\"yes\"", "must be a boolean"),
                accepted(yaml, Field.BOOLEAN, "true", true),
                accepted(yaml, Field.BOOLEAN, "false", false),
                // YAML 1.2 core schema spellings (docs/CONTRACT.md#format-and-value-types names the core schema)
                accepted(yaml, Field.BOOLEAN, "True", true),
                accepted(yaml, Field.BOOLEAN, "FALSE", false),
                rejected(yaml, Field.BOOLEAN, "yes", "must be a boolean"),
                rejected(yaml, Field.BOOLEAN, "no", "must be a boolean"),
                rejected(yaml, Field.BOOLEAN, "on", "must be a boolean"),
                rejected(yaml, Field.BOOLEAN, "off", "must be a boolean"),
                rejected(yaml, Field.BOOLEAN, "y", "must be a boolean"),
                rejected(yaml, Field.BOOLEAN, "Yes", "must be a boolean"),
                rejected(yaml, Field.BOOLEAN, "\"true\"", "must be a boolean"),
                rejected(yaml, Field.BOOLEAN, "1", "must be a boolean"),

                // decimal: exact, scale kept, also from a string in decimal syntax
                accepted(json, Field.DECIMAL, "25.00", new BigDecimal("25.00")),
                accepted(json, Field.DECIMAL, "0.20", new BigDecimal("0.20")),
                accepted(json, Field.DECIMAL, "7", new BigDecimal("7")),
                accepted(json, Field.DECIMAL, "1e3", new BigDecimal("1E+3")),
                accepted(json, Field.DECIMAL, "2.5E+3", new BigDecimal("2.5E+3")),
                accepted(json, Field.DECIMAL, "-0", BigDecimal.ZERO),
                accepted(json, Field.DECIMAL, "-0.00", new BigDecimal("0.00")),
                accepted(json, Field.DECIMAL, "\"0.20\"", new BigDecimal("0.20")),
                accepted(json, Field.DECIMAL, "\".5\"", new BigDecimal("0.5")),
                accepted(json, Field.DECIMAL, "\"5.\"", new BigDecimal("5")),
                accepted(json, Field.DECIMAL, "\"+5\"", new BigDecimal("5")),
                accepted(json, Field.DECIMAL, "\"1e-2\"", new BigDecimal("0.01")),
                accepted(json, Field.DECIMAL, "\"2.5E+3\"", new BigDecimal("2.5E+3")),
                accepted(json, Field.DECIMAL, "\"-0.00\"", new BigDecimal("0.00")),
                rejected(json, Field.DECIMAL, "\"NaN\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\"Infinity\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\"1,5\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\"$5\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\" 5\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\"\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\".\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\"0x10\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\"\u0665\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "\"1e99999999999\"", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "1e5000", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "true", "must be a decimal number"),
                rejected(json, Field.DECIMAL, "{}", "must be a decimal number"),
                accepted(yaml, Field.DECIMAL, "0.20", new BigDecimal("0.20")),
                accepted(yaml, Field.DECIMAL, "25.00", new BigDecimal("25.00")),
                accepted(yaml, Field.DECIMAL, ".5", new BigDecimal("0.5")),
                accepted(yaml, Field.DECIMAL, "5.", new BigDecimal("5")),
                accepted(yaml, Field.DECIMAL, "1e3", new BigDecimal("1E+3")),
                accepted(yaml, Field.DECIMAL, "-0.0", new BigDecimal("0.0")),
                accepted(yaml, Field.DECIMAL, "0x10", new BigDecimal("16")),
                accepted(yaml, Field.DECIMAL, "'0.20'", new BigDecimal("0.20")),
                accepted(yaml, Field.DECIMAL, "!!float 0.20", new BigDecimal("0.20")),
                rejected(yaml, Field.DECIMAL, ".inf", "must be a decimal number"),
                rejected(yaml, Field.DECIMAL, "-.inf", "must be a decimal number"),
                rejected(yaml, Field.DECIMAL, ".nan", "must be a decimal number"),
                rejected(yaml, Field.DECIMAL, "NaN", "must be a decimal number"),
                rejected(yaml, Field.DECIMAL, "1,5", "must be a decimal number"),
                rejected(yaml, Field.DECIMAL, "true", "must be a decimal number"),
                rejected(yaml, Field.DECIMAL, "yes", "must be a decimal number"),

                // list and object
                accepted(json, Field.LIST, "[\"sku\", \"price\"]", java.util.List.of("sku", "price")),
                rejected(json, Field.LIST, "\"sku\"", "must be a list"),
                rejected(json, Field.LIST, "{\"0\": \"sku\"}", "must be a list"),
                accepted(yaml, Field.LIST, "\n    - sku\n    - price", java.util.List.of("sku", "price")),
                rejected(yaml, Field.LIST, "sku", "must be a list"),
                rejected(json, Field.OBJECT, "[]", "must be an object"),
                rejected(json, Field.OBJECT, "\"enforce\"", "must be an object"),
                rejected(yaml, Field.OBJECT, "[enforce]", "must be an object"),
                rejected(yaml, Field.OBJECT, "true", "must be an object"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("typeTable")
    void strict_types(Format format, Field field, String literal, Object expected, String message) {
        String document = document(format, field, literal);
        ValidationResult result = format == Format.JSON ? parseJson(document, API) : parseYaml(document, API);

        if (message != null) {
            assertThat(problemsOf(result)).containsExactly(problem(field.path, message));
        } else {
            Object value = field.read.apply(configOf(result));
            assertThat(value).isEqualTo(expected);
            if (expected instanceof BigDecimal decimal) {
                assertThat(((BigDecimal) value).scale()).as("scale kept as written").isEqualTo(decimal.scale());
            }
        }
    }
}
