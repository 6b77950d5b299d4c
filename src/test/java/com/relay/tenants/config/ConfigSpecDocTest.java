package com.relay.tenants.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIG_SPEC.md lists exactly the fields the code accepts. Two sources from the code, both
 * fed with the doc's own "every field" example (which must be valid):
 * <ul>
 *   <li>the paths the validator asks for — every {@code take} of a key, whether the document has
 *       it or not, so a field added to a rule shows up even if no example uses it;</li>
 *   <li>the paths of the normalised form ({@code TenantConfigJson}), which writes every field with
 *       its default.</li>
 * </ul>
 * {@code column_map} is a free-form map keyed by canonical field names: documented as one field.
 */
class ConfigSpecDocTest {

    private static final Path DOC = Path.of("docs/CONFIG_SPEC.md");
    private static final Set<String> FREE_FORM = Set.of("vendors[].parser.column_map", "vendors[].parser.columns");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|", Pattern.MULTILINE);
    private static final Pattern EXAMPLE = Pattern.compile(
            "## A configuration using every field\\s+```yaml\\n(.*?)```", Pattern.DOTALL);

    private static String doc;
    private static Set<String> documented;

    @BeforeAll
    static void readDoc() throws IOException {
        doc = Files.readString(DOC, StandardCharsets.UTF_8);
        documented = new TreeSet<>();
        Matcher rows = ROW.matcher(doc);
        while (rows.find()) {
            assertThat(documented.add(rows.group(1))).as("documented twice: " + rows.group(1)).isTrue();
        }
        assertThat(documented).hasSizeGreaterThan(50);
    }

    @Test
    void theValidatorReadsExactlyTheDocumentedFields() throws DocumentSyntaxException {
        ConfigValidator validator = new ConfigValidator(TenantConfigParser.Context.api(TenantConfigParser.RunMode.LOCALSTACK));
        ValidationResult result = validator.validate(YamlDocumentReader.read(example()));
        assertThat(result).as("the doc's example is valid").isInstanceOf(ValidationResult.Valid.class);
        Set<String> read = new TreeSet<>();
        validator.fieldPathsRead().forEach(p -> read.add(p.replaceAll("\\[\\d+]", "[]")));
        read.removeIf(ConfigSpecDocTest::insideFreeForm);
        assertThat(read).as("fields read by ConfigValidator vs. the rows of " + DOC).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void theNormalisedFormWritesExactlyTheDocumentedFields() {
        TenantConfig config = new TenantConfigParser().parse(example(), TenantConfigParser.Format.YAML,
                TenantConfigParser.Context.api(TenantConfigParser.RunMode.LOCALSTACK)).validConfig().orElseThrow();
        Set<String> written = new TreeSet<>();
        walk(TenantConfigJson.toObjectNode(config), "", written);
        assertThat(written).as("fields of TenantConfigJson vs. the rows of " + DOC).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void everyDocumentedDefaultIsTheStoredDefault() {
        // the minimal configuration: what the normalised form fills in must match the Default column
        String minimal = """
                {"tenant_id": "t1", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [{"vendor_id": "v1", "inbound": {"type": "s3", "s3_prefix": "tenants/t1/in/"},
                              "parser": {"format": "csv"}, "sku_map": {"type": "s3"}}],
                 "pricing": {"base_margin_pct": 0, "min_price": 0, "shipping_handling_flat": 0, "map_policy": {}, "rounding": {}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku"]},
                 "notifications": {"ntfy": {"topic": "t"}}, "schedule": {"cron": "0 0 6 * * ?"}}""";
        TenantConfig config = new TenantConfigParser().parse(minimal, TenantConfigParser.Format.JSON,
                TenantConfigParser.Context.api(TenantConfigParser.RunMode.LOCALSTACK)).validConfig().orElseThrow();
        JsonNode stored = TenantConfigJson.toObjectNode(config);
        Map<String, String> expected = Map.ofEntries(
                Map.entry("schema_version", "1"), Map.entry("vendors[].required", "true"),
                Map.entry("vendors[].parser.delimiter", "\",\""), Map.entry("vendors[].parser.encoding", "\"utf-8\""),
                Map.entry("vendors[].parser.column_map", "{}"), Map.entry("vendors[].parser.header", "true"), Map.entry("vendors[].sku_map.s3_key", "null"),
                Map.entry("pricing.map_policy.enforce", "true"),
                Map.entry("pricing.map_policy.map_floor_behavior", "\"max(price, map_price)\""),
                Map.entry("pricing.rounding.mode", "\"nearest\""), Map.entry("pricing.rounding.increment", "\"0.01\""),
                Map.entry("pricing.rounding.ending", "null"),
                Map.entry("merge.best_offer.landed_cost.include_shipping_handling", "true"),
                Map.entry("merge.best_offer.fallback_lead_time_days", "7"),
                Map.entry("output.format", "\"csv\""), Map.entry("output.escape_formulas", "false"),
                Map.entry("error_policy.max_invalid_rows", "0"), Map.entry("error_policy.max_invalid_row_pct", "\"0.0\""),
                Map.entry("error_policy.fail_on_missing_required_columns", "true"),
                Map.entry("error_policy.missing_required_vendor_policy", "\"fail\""),
                Map.entry("notifications.ntfy.enabled", "true"), Map.entry("notifications.ntfy.url", "\"https://ntfy.sh\""),
                Map.entry("notifications.ntfy.token_secret_ref", "null"),
                Map.entry("notifications.ntfy.on", "[\"SUCCEEDED\",\"FAILED\"]"),
                Map.entry("notifications.ntfy.priority.SUCCEEDED", "3"), Map.entry("notifications.ntfy.priority.FAILED", "4"),
                Map.entry("notifications.ntfy.click_url", "null"), Map.entry("schedule.enabled", "true"));
        expected.forEach((path, json) -> {
            assertThat(at(stored, path).toString()).as(path).isEqualTo(json);
            assertThat(compact(defaultCell(path))).as("Default column of " + path).contains(compact(json));
        });
    }

    private static String example() {
        Matcher m = EXAMPLE.matcher(doc);
        assertThat(m.find()).as("the doc has its example block").isTrue();
        return m.group(1);
    }

    /** Container paths and leaves; lists of objects descend as {@code []}, lists of values are leaves. */
    private static void walk(JsonNode node, String path, Set<String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
            out.add(child);
            JsonNode value = f.getValue();
            if (FREE_FORM.contains(child)) continue;
            if (value.isObject()) walk(value, child, out);
            // every element: the vendors of the example differ in their inbound type
            if (value.isArray()) value.forEach(e -> { if (e.isObject()) walk(e, child + "[]", out); });
        }
    }

    private static boolean insideFreeForm(String path) {
        return FREE_FORM.stream().anyMatch(f -> path.startsWith(f + "."));
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String segment : path.split("\\.")) {
            node = segment.endsWith("[]") ? node.get(segment.substring(0, segment.length() - 2)).get(0) : node.get(segment);
        }
        return node;
    }

    /** Without quotes, backticks and spaces: {@code `{SUCCEEDED: 3}`} and {@code {"SUCCEEDED":3}} compare equal. */
    private static String compact(String text) {
        return text.replace("`", "").replace("\"", "").replace(" ", "");
    }

    /** The Default cell (fourth column) of a path's row. */
    private static String defaultCell(String path) {
        Matcher m = Pattern.compile("^\\|\\s*`" + Pattern.quote(path) + "`\\s*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|",
                Pattern.MULTILINE).matcher(doc);
        assertThat(m.find()).as(path).isTrue();
        return m.group(3).trim();
    }
}
