package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.configOf;
import static com.relay.tenants.config.ConfigFixtures.parseJson;
import static com.relay.tenants.config.ConfigFixtures.problem;
import static com.relay.tenants.config.ConfigFixtures.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.relay.tenants.config.TenantConfig.ColumnRange;
import com.relay.tenants.config.TenantConfig.Parser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** vendors[].parser for every format (docs/CONFIG_SPEC.md#vendors, issue 20): defaults, messages, the stored form. */
class ParserFormatsConfigTest {

    static final String P = "vendors[0].parser";

    static String config(String parser) {
        return """
                {"tenant_id": "acme", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [{"vendor_id": "v1", "inbound": {"type": "s3", "s3_prefix": "tenants/acme/inbound/v1/"},
                              "parser": %s}],
                 "pricing": {"base_margin_pct": 0.2, "min_price": 0, "shipping_handling_flat": 0, "map_policy": {}, "rounding": {}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku"]}}""".formatted(parser);
    }

    static Parser parser(String parser) {
        TenantConfig c = configOf(parseJson(config(parser), API));
        // the stored form reads back to the same configuration (a fixed point)
        assertThat(configOf(parseJson(TenantConfigJson.toJson(c), API))).isEqualTo(c);
        return c.vendors().get(0).parser();
    }

    static java.util.List<ConfigProblem> problems(String parser) {
        return problemsOf(parseJson(config(parser), API));
    }

    @Test
    void formatIsOneOfTheSixFormats() {
        assertThat(problems("{\"format\": \"txt\"}")).containsExactly(
                problem(P + ".format", "must be one of: csv, tsv, xlsx, json, xml, fixed_width"));
        // a version stored when the format was not read may say CSV: the name is case-blind and stored lower-case
        assertThat(parser("{\"format\": \"CSV\"}").format()).isEqualTo("csv");
        assertThat(parser("{\"format\": \"Fixed_Width\", \"columns\": {\"sku\": [1, 4], \"quantity_available\": [5, 6]}}")
                .format()).isEqualTo("fixed_width");
    }

    @Test
    void csvDefaultsKeepTheFormerMeaning() {
        assertThat(parser("{\"format\": \"csv\"}")).isEqualTo(new Parser("csv", ',', "utf-8", Map.of()));
    }

    @Test
    void tsvIsTabDelimitedAndNothingElse() {
        assertThat(parser("{\"format\": \"tsv\"}").delimiter()).isEqualTo('\t');
        assertThat(parser("{\"format\": \"tsv\", \"delimiter\": \"\\t\"}").delimiter()).isEqualTo('\t');
        assertThat(problems("{\"format\": \"tsv\", \"delimiter\": \",\"}"))
                .containsExactly(problem(P + ".delimiter", "must be '\\t' when format is tsv"));
    }

    @Test
    void headerlessColumnMapTakesColumnNumbersAsNumbersOrDigits() {
        Parser p = parser("{\"format\": \"csv\", \"header\": false, \"column_map\": {\"sku\": 2, \"quantity_available\": \"03\"}}");
        assertThat(p.headerless()).isTrue();
        assertThat(p.columnMap()).containsExactly(Map.entry("sku", "2"), Map.entry("quantity_available", "3"));
        String message = "must be a column number from 1 to 16384 when header is false";
        assertThat(problems("{\"format\": \"tsv\", \"header\": false, \"column_map\": {\"sku\": \"SKU\", "
                + "\"quantity_available\": 0, \"cost\": 16385, \"price\": 1.5}}")).containsExactly(
                problem(P + ".column_map.sku", message), problem(P + ".column_map.quantity_available", message),
                problem(P + ".column_map.cost", message), problem(P + ".column_map.price", message));
        assertThat(problems("{\"format\": \"csv\", \"header\": false, \"column_map\": {\"cost\": 3}}")).containsExactly(
                problem(P + ".column_map.sku", "is required when header is false"),
                problem(P + ".column_map.quantity_available", "is required when header is false"));
        assertThat(problems("{\"format\": \"csv\", \"column_map\": {\"sku\": 2}}"))
                .containsExactly(problem(P + ".column_map.sku", "must be a string"));
    }

    @Test
    void fieldsOfOtherFormatsAreRejectedButNullIsAccepted() {
        assertThat(problems("{\"format\": \"xlsx\", \"header\": false, \"records_path\": \"$[*]\", \"record_path\": \"/a\", "
                + "\"columns\": {\"A\": [1, 2]}}")).containsExactly(
                problem(P + ".header", "only allowed when format is csv or tsv"),
                problem(P + ".records_path", "only allowed when format is json"),
                problem(P + ".record_path", "only allowed when format is xml"),
                problem(P + ".columns", "only allowed when format is fixed_width"));
        assertThat(problems("{\"format\": \"csv\", \"sheet\": 2, \"header_row\": 1}")).containsExactly(
                problem(P + ".sheet", "only allowed when format is xlsx"),
                problem(P + ".header_row", "only allowed when format is xlsx"));
        assertThat(parser("{\"format\": \"json\", \"records_path\": \"$[*]\", \"header\": null, \"sheet\": null}").header())
                .isNull();
    }

    @Test
    void xlsxSheetByIndexOrNameAndHeaderRow() {
        Parser defaults = parser("{\"format\": \"xlsx\"}");
        assertThat(defaults.sheetIndex()).isEqualTo(1);
        assertThat(defaults.sheetName()).isNull();
        assertThat(defaults.headerRow()).isEqualTo(1);
        assertThat(defaults.header()).isNull();
        Parser named = parser("{\"format\": \"xlsx\", \"sheet\": \"Stock 2026\", \"header_row\": 3}");
        assertThat(named.sheetName()).isEqualTo("Stock 2026");
        assertThat(named.sheetIndex()).isNull();
        assertThat(named.headerRow()).isEqualTo(3);
        assertThat(parser("{\"format\": \"xlsx\", \"sheet\": 2}").sheetIndex()).isEqualTo(2);
        String sheet = "must be a sheet name or a sheet number from 1 to 65535";
        assertThat(problems("{\"format\": \"xlsx\", \"sheet\": 0, \"header_row\": 0}")).containsExactly(
                problem(P + ".sheet", sheet), problem(P + ".header_row", "must be between 1 and 1048576"));
        assertThat(problems("{\"format\": \"xlsx\", \"sheet\": \"\"}")).containsExactly(problem(P + ".sheet", sheet));
        assertThat(problems("{\"format\": \"xlsx\", \"sheet\": true}")).containsExactly(problem(P + ".sheet", sheet));
    }

    @Test
    void jsonRecordsPathIsAPathOfMembersToOneArray() {
        assertThat(parser("{\"format\": \"json\", \"records_path\": \"$[*]\"}").recordsPath()).isEqualTo("$[*]");
        assertThat(parser("{\"format\": \"json\", \"records_path\": \"$.data.items[*]\", "
                + "\"column_map\": {\"price\": \"price.amount\"}}").columnMap()).containsEntry("price", "price.amount");
        assertThat(problems("{\"format\": \"json\"}")).containsExactly(problem(P + ".records_path", "is required"));
        String message = "must be $[*] or $.<member>[*] with members joined by '.', such as $.items[*] "
                + "(a path of object members to one array)";
        for (String bad : new String[] {"$.items", "$..items[*]", "$.items[0]", "$.items[*].x", "items[*]", "$.a[*][*]",
                "$['a'][*]", "$.*[*]", "$.a b[*]"}) {
            assertThat(problems("{\"format\": \"json\", \"records_path\": \"" + bad + "\"}")).as(bad)
                    .containsExactly(problem(P + ".records_path", message));
        }
        assertThat(problems("{\"format\": \"json\", \"records_path\": \"$[*]\", \"column_map\": {\"price\": \"price..x\"}}"))
                .containsExactly(problem(P + ".column_map.price",
                        "must be a field path such as price.amount (member names joined by '.')"));
    }

    @Test
    void xmlRecordPathIsAnAbsolutePathOfElementNames() {
        Parser p = parser("{\"format\": \"xml\", \"record_path\": \"/feed/item\", \"column_map\": {\"sku\": \"@id\", "
                + "\"quantity_available\": \"stock\"}}");
        assertThat(p.recordPath()).isEqualTo("/feed/item");
        assertThat(p.columnMap()).containsEntry("sku", "@id");
        assertThat(problems("{\"format\": \"xml\"}")).containsExactly(problem(P + ".record_path", "is required"));
        for (String bad : new String[] {"feed/item", "//item", "/feed/*", "/feed/item[1]", "/ns:feed/item", "/"}) {
            assertThat(problems("{\"format\": \"xml\", \"record_path\": \"" + bad + "\"}")).as(bad).containsExactly(
                    problem(P + ".record_path", "must be an absolute path of element names such as /feed/item "
                            + "(no wildcards, predicates, // or namespace prefixes)"));
        }
        assertThat(problems("{\"format\": \"xml\", \"record_path\": \"/a/b\", \"column_map\": {\"sku\": \"price/amount\"}}"))
                .containsExactly(problem(P + ".column_map.sku",
                        "must be a child element name or an @attribute of the record element"));
    }

    @Test
    void fixedWidthColumnsAreOneBasedInclusiveRanges() {
        Parser p = parser("{\"format\": \"fixed_width\", \"columns\": {\"SKU\": [1, 12], \"QTY\": [13, 18], "
                + "\"cost\": [19, 19]}, \"column_map\": {\"sku\": \"SKU\", \"quantity_available\": \"QTY\"}}");
        assertThat(p.columns()).containsExactly(Map.entry("SKU", new ColumnRange(1, 12)),
                Map.entry("QTY", new ColumnRange(13, 18)), Map.entry("cost", new ColumnRange(19, 19)));
        assertThat(parser("{\"format\": \"fixed_width\", \"columns\": {\"sku\": [1, 2], \"quantity_available\": [3, 4]}}")
                .columns()).hasSize(2);
        assertThat(problems("{\"format\": \"fixed_width\"}")).containsExactly(problem(P + ".columns", "is required"));
        assertThat(problems("{\"format\": \"fixed_width\", \"columns\": {}}"))
                .containsExactly(problem(P + ".columns", "must not be empty"));
        assertThat(problems("{\"format\": \"fixed_width\", \"columns\": {\"A\": [0, 3], \"B\": [5, 4], \"C\": [1, 65537], "
                + "\"D\": \"1-3\", \"E\": [1], \"F\": [1.5, 3]}}")).containsExactly(
                problem(P + ".columns.A", "start must be >= 1"), problem(P + ".columns.B", "end must be >= start"),
                problem(P + ".columns.C", "end must be <= 65536"),
                problem(P + ".columns.D", "must be a list [start, end] of two integers (1-based, inclusive)"),
                problem(P + ".columns.E", "must be a list [start, end] of two integers (1-based, inclusive)"),
                problem(P + ".columns.F", "must be a list [start, end] of two integers (1-based, inclusive)"));
        assertThat(problems("{\"format\": \"fixed_width\", \"columns\": {\"SKU\": [1, 2], \"QTY\": [3, 4]}, "
                + "\"column_map\": {\"sku\": \"SKU\", \"quantity_available\": \"QTY\", \"cost\": \"COST\"}}"))
                .containsExactly(problem(P + ".column_map.cost", "must be a key of columns"));
        assertThat(problems("{\"format\": \"fixed_width\", \"columns\": {\"SKU\": [1, 2]}, \"column_map\": {\"sku\": \"SKU\"}}"))
                .containsExactly(problem(P + ".columns", "has no column for quantity_available "
                        + "(name a column quantity_available or map quantity_available in column_map)"));
    }
}
