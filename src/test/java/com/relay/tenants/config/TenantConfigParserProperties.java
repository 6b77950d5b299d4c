package com.relay.tenants.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.tenants.config.TenantConfigParser.Context;
import com.relay.tenants.config.TenantConfigParser.Format;
import com.relay.tenants.config.TenantConfigParser.RunMode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever bytes arrive, the parser answers with one of the documented outcomes (docs/CONTRACT.md#validation): a valid
 * normalised configuration, a syntax error, or a non-empty list of well-formed problems. Never an
 * exception. A valid outcome is also a fixed point of normalise → parse → normalise.
 */
class TenantConfigParserProperties {

    private static final TenantConfigParser PARSER = new TenantConfigParser();
    static final List<Context> CONTEXTS = List.of(
            Context.api(RunMode.EMBEDDED), Context.api(RunMode.AWS), Context.api(RunMode.LOCALSTACK), Context.cli(),
            Context.api(RunMode.AWS).withAllowInsecureHttp(true));

    /** Characters that matter to JSON and YAML syntax, plus some that matter to the rules. */
    private static final String SYNTAX_CHARS = "{}[]:,\"'-#&*!|>?%@`\\~ \t\n\r0123456789.eE+_/abcxyzSTU\u00a0\u00e9\u20ac\ufeff";

    private static final List<JsonNode> BASES = List.of(
            ConfigFixtures.minimal(),
            ConfigFixtures.json(TenantConfigJson.toJson(
                    ConfigFixtures.configOf(ConfigFixtures.parseYaml(TenantConfigJsonTest.FULL_YAML, Context.cli())))),
            ConfigFixtures.json(TenantConfigParserTest.EXAMPLE_NORMALISED_JSON));

    private static final List<String> TEXT_BASES = List.of(
            TenantConfigJsonTest.FULL_YAML, TenantConfigParserTest.EXAMPLE_LOCAL_YAML, ConfigFixtures.MINIMAL_JSON,
            TenantConfigParserTest.EXAMPLE_NORMALISED_JSON);

    /** Replacement values that hit many rules: identifiers, prefixes, decimals as text, enum names, URLs. */
    private static final List<JsonNode> INTERESTING_VALUES = List.of(
            node("null"), node("true"), node("false"), node("0"), node("1"), node("-1"), node("7.0"), node("0.20"),
            node("1e3"), node("1e999"), node("99999999999999999999"), node("-0.00"), node("\"\""), node("\"0.5\""),
            node("\"NaN\""), node("\"s3\""), node("\"local\""), node("\"tenants/acme/\""), node("\"tenants/test_tenant/x/\""),
            node("\"utf8\""), node("\"cp1252\""), node("\"\\t\""), node("\"best_offer\""), node("\"sku\""),
            node("\"lowest_cost\""), node("\"SUCCEEDED\""), node("\"high\""), node("\"0 0 6 * * ?\""), node("\"*/5 * * * * ?\""),
            node("\"0 0 6 * * *\""), node("\"env:RELAY_SECRET_ACME_X\""), node("\"ssm:/relay/ntfy/acme/p\""),
            node("\"https://ntfy.sh/\""), node("\"http://10.0.0.1\""), node("\"https://x/{run_id}/{y}\""), node("\"UTC\""),
            node("\"+01:00\""), node("\"usd\""), node("[]"), node("{}"), node("[\"sku\", \"sku\"]"), node("{\"sku\": \"\"}"),
            node("{\"ntfy\": {\"topic\": \"t\"}}"), node("{\"cron\": \"0 0 6 * * ?\"}"), node("[{}]"), node("[null]"));

    @Property(tries = 400)
    void random_bytes_never_escape(@ForAll @Size(max = 600) byte[] body, @ForAll("formats") Format format,
                                   @ForAll("contexts") Context context) {
        checkOutcome(PARSER.parse(body, format, context), format, context);
    }

    @Property(tries = 600)
    void random_syntax_heavy_text_never_escapes(@ForAll("syntaxText") String body, @ForAll("formats") Format format,
                                                @ForAll("contexts") Context context) {
        checkOutcome(PARSER.parse(body, format, context), format, context);
    }

    @Property(tries = 600)
    void mutated_valid_configurations_never_escape(@ForAll Random random, @ForAll @IntRange(min = 0, max = 5) int mutations,
                                                   @ForAll("formats") Format format, @ForAll("contexts") Context context) {
        JsonNode tree = BASES.get(random.nextInt(BASES.size())).deepCopy();
        for (int i = 0; i < mutations; i++) {
            tree = mutate(tree, random);
        }
        // JSON text is also a YAML 1.2 document, so the same mutated tree exercises both readers.
        ValidationResult result = PARSER.parse(ConfigFixtures.text(tree), format, context);
        checkOutcome(result, format, context);
        // Mutations must reach both sides of validation, or the property proves little.
        Statistics.label("outcome").collect(result.getClass().getSimpleName());
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("Valid").percentage(p -> p > 3);
            coverage.check("Invalid").percentage(p -> p > 50);
        });
    }

    @Property(tries = 600)
    void text_mutations_of_valid_documents_never_escape(@ForAll Random random, @ForAll @IntRange(min = 1, max = 4) int edits,
                                                        @ForAll("formats") Format format, @ForAll("contexts") Context context) {
        StringBuilder text = new StringBuilder(TEXT_BASES.get(random.nextInt(TEXT_BASES.size())));
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(text.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(8)));
                case 1 -> text.insert(at, SYNTAX_CHARS.charAt(random.nextInt(SYNTAX_CHARS.length())));
                case 2 -> {
                    if (at < text.length()) {
                        text.setCharAt(at, SYNTAX_CHARS.charAt(random.nextInt(SYNTAX_CHARS.length())));
                    }
                }
                default -> {
                    int from = random.nextInt(text.length());
                    int to = Math.min(text.length(), from + random.nextInt(40));
                    text.insert(at, text.substring(from, to)); // duplicate a slice: repeated keys, broken nesting
                }
            }
        }
        ValidationResult result = PARSER.parse(text.toString(), format, context);
        checkOutcome(result, format, context);
        Statistics.label("outcome").collect(result.getClass().getSimpleName());
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("SyntaxError").percentage(p -> p > 5);
            coverage.check("Invalid").percentage(p -> p > 5);
        });
    }

    @Property(tries = 200)
    void outcome_is_deterministic(@ForAll Random random, @ForAll("formats") Format format, @ForAll("contexts") Context context) {
        JsonNode tree = mutate(BASES.get(random.nextInt(BASES.size())).deepCopy(), random);
        String text = ConfigFixtures.text(tree);

        assertThat(PARSER.parse(text, format, context)).isEqualTo(PARSER.parse(text, format, context));
    }

    @Provide
    Arbitrary<Format> formats() {
        return Arbitraries.of(Format.values());
    }

    @Provide
    Arbitrary<Context> contexts() {
        return Arbitraries.of(CONTEXTS);
    }

    @Provide
    Arbitrary<String> syntaxText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(SYNTAX_CHARS.toCharArray()).ofMaxLength(200),
                Arbitraries.strings().all().ofMaxLength(100));
    }

    /** The documented outcomes and their invariants. */
    static void checkOutcome(ValidationResult result, Format format, Context context) {
        assertThat(result).isNotNull();
        if (result instanceof ValidationResult.SyntaxError error) {
            assertThat(error.code()).isEqualTo(format == Format.JSON
                    ? ValidationResult.SyntaxErrorCode.MALFORMED_JSON : ValidationResult.SyntaxErrorCode.MALFORMED_YAML);
            assertThat(error.message()).isNotBlank();
        } else if (result instanceof ValidationResult.Invalid invalid) {
            List<ConfigProblem> problems = invalid.problems();
            assertThat(problems).isNotEmpty();
            for (ConfigProblem p : problems) {
                assertThat(p.message()).isNotBlank();
                if (p.path().isEmpty()) {
                    assertThat(problems).containsExactly(ConfigProblem.of("", "must be an object"));
                }
                if (p.code() != null) {
                    assertThat(p.code()).isEqualTo("unsupported_schema_version");
                    assertThat(problems).hasSize(1);
                    assertThat(p.path()).isEqualTo("schema_version");
                }
            }
        } else {
            TenantConfig config = ((ValidationResult.Valid) result).config();
            assertThat(config.merge().bestOffer().sortBy()).isNotEmpty();
            assertThat(config.output().columns()).isNotEmpty();
            String normalised = TenantConfigJson.toJson(config);
            ValidationResult again = PARSER.parse(normalised, Format.JSON, context);
            assertThat(again.isValid()).as("normalised form re-validates: %s", again).isTrue();
            assertThat(TenantConfigJson.toJson(again.validConfig().orElseThrow())).isEqualTo(normalised);
        }
    }

    // ---- tree mutations -----------------------------------------------------------------------

    private static JsonNode mutate(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        int op = random.nextInt(5);
        if (target instanceof ObjectNode object) {
            List<String> keys = new ArrayList<>();
            object.fieldNames().forEachRemaining(keys::add);
            if (op == 0 || keys.isEmpty()) {
                object.set(randomKey(random, keys), randomValue(random));
            } else {
                String key = keys.get(random.nextInt(keys.size()));
                switch (op) {
                    case 1 -> object.remove(key);
                    case 2 -> object.set(key, randomValue(random));
                    case 3 -> object.set(key, object.get(key).isContainerNode() ? emptyLike(object.get(key)) : randomValue(random));
                    default -> object.set(key, JsonNodeFactory.instance.textNode(object.get(key).asText() + "x"));
                }
            }
        } else if (target instanceof ArrayNode array) {
            if (array.isEmpty() || op == 0) {
                array.add(array.isEmpty() ? randomValue(random) : array.get(0).deepCopy());
            } else {
                int index = random.nextInt(array.size());
                switch (op) {
                    case 1 -> array.remove(index);
                    case 2 -> array.set(index, randomValue(random));
                    default -> array.add(array.get(index).deepCopy()); // duplicates: vendor ids, columns
                }
            }
        }
        return root;
    }

    private static void collectContainers(JsonNode node, List<JsonNode> out) {
        if (!node.isContainerNode()) {
            return;
        }
        out.add(node);
        Iterator<JsonNode> children = node.elements();
        while (children.hasNext()) {
            collectContainers(children.next(), out);
        }
    }

    private static String randomKey(Random random, List<String> existing) {
        List<String> candidates = new ArrayList<>(List.of("schema_version", "sku_map", "s3_prefix", "ending", "notifications",
                "schedule", "priority", "FAILED", "RUNNING", "column_map", "sku", "qty", "unknown", "on", "1"));
        candidates.addAll(existing);
        return candidates.get(random.nextInt(candidates.size()));
    }

    private static JsonNode randomValue(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> JsonNodeFactory.instance.numberNode(BigDecimal.valueOf(random.nextLong() % 100_000, random.nextInt(6) - 2));
            case 1 -> JsonNodeFactory.instance.numberNode(random.nextInt(11) - 3);
            default -> INTERESTING_VALUES.get(random.nextInt(INTERESTING_VALUES.size())).deepCopy();
        };
    }

    private static JsonNode emptyLike(JsonNode container) {
        return container.isArray() ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
    }

    private static JsonNode node(String json) {
        return ConfigFixtures.json(json);
    }

}
