package com.relay.tenants.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.tenants.config.TenantConfigParser.Context;
import com.relay.tenants.config.TenantConfigParser.Format;
import com.relay.tenants.config.TenantConfigParser.RunMode;
import java.util.List;
import java.util.function.UnaryOperator;

/** Shared fixtures: a minimal valid API configuration and a path-based way to break it. */
final class ConfigFixtures {

    static final TenantConfigParser PARSER = new TenantConfigParser();
    static final Context API = Context.api(RunMode.EMBEDDED);
    static final Context API_AWS = Context.api(RunMode.AWS);
    static final Context CLI = Context.cli();

    /** Keeps decimals exact (0.20 stays 0.20) when fixtures are edited as trees. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    /** Only required fields (plus one column_map and one sku_map), every default left out. */
    static final String MINIMAL_JSON = """
            {
              "schema_version": 1,
              "tenant_id": "acme",
              "timezone": "America/Los_Angeles",
              "default_currency": "USD",
              "vendors": [
                {"vendor_id": "vendor_1",
                 "inbound": {"type": "s3", "s3_prefix": "tenants/acme/inbound/vendor_1/"},
                 "parser": {"format": "csv", "column_map": {"sku": "SKU"}},
                 "sku_map": {"type": "s3", "s3_key": "tenants/acme/maps/vendor_1.csv"}},
                {"vendor_id": "vendor_2",
                 "inbound": {"type": "s3", "s3_prefix": "tenants/acme/inbound/vendor_2/"},
                 "parser": {"format": "csv"}}
              ],
              "pricing": {"base_margin_pct": 0.20, "min_price": 25.00, "shipping_handling_flat": 9.99,
                          "map_policy": {}, "rounding": {}},
              "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
              "output": {"columns": ["sku", "price"]}
            }
            """;

    private ConfigFixtures() {}

    static ObjectNode minimal() {
        return (ObjectNode) json(MINIMAL_JSON);
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ValidationResult parseJson(String text, Context context) {
        return PARSER.parse(text, Format.JSON, context);
    }

    static ValidationResult parseYaml(String text, Context context) {
        return PARSER.parse(text, Format.YAML, context);
    }

    static ValidationResult parseJson(JsonNode node, Context context) {
        return parseJson(text(node), context);
    }

    /** Sets {@code path} (dots and [i], as in problem paths) to the JSON value {@code jsonValue}. */
    static UnaryOperator<ObjectNode> set(String path, String jsonValue) {
        return root -> {
            Target t = locate(root, path, true);
            JsonNode value = json(jsonValue);
            if (t.parent instanceof ObjectNode o) {
                o.set(t.key, value);
            } else {
                ((ArrayNode) t.parent).set(t.index, value);
            }
            return root;
        };
    }

    static UnaryOperator<ObjectNode> remove(String path) {
        return root -> {
            Target t = locate(root, path, false);
            if (t.parent instanceof ObjectNode o) {
                o.remove(t.key);
            } else {
                ((ArrayNode) t.parent).remove(t.index);
            }
            return root;
        };
    }

    @SafeVarargs
    static ObjectNode minimalWith(UnaryOperator<ObjectNode>... edits) {
        ObjectNode root = minimal();
        for (UnaryOperator<ObjectNode> edit : edits) {
            root = edit.apply(root);
        }
        return root;
    }

    static ConfigProblem problem(String path, String message) {
        return ConfigProblem.of(path, message);
    }

    static List<ConfigProblem> problemsOf(ValidationResult result) {
        if (!(result instanceof ValidationResult.Invalid invalid)) {
            throw new AssertionError("expected problems but got " + result);
        }
        return invalid.problems();
    }

    static TenantConfig configOf(ValidationResult result) {
        if (!(result instanceof ValidationResult.Valid valid)) {
            throw new AssertionError("expected a valid configuration but got " + result);
        }
        return valid.config();
    }

    private record Target(JsonNode parent, String key, int index) {}

    /** Walks all but the last path segment, creating objects on the way when asked. */
    private static Target locate(ObjectNode root, String path, boolean create) {
        List<String> segments = segments(path);
        JsonNode current = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            String s = segments.get(i);
            JsonNode next = s.startsWith("[") ? current.get(Integer.parseInt(s.substring(1, s.length() - 1))) : current.get(s);
            if (next == null && create) {
                next = ((ObjectNode) current).putObject(s);
            }
            current = next;
        }
        String last = segments.get(segments.size() - 1);
        return last.startsWith("[")
                ? new Target(current, null, Integer.parseInt(last.substring(1, last.length() - 1)))
                : new Target(current, last, -1);
    }

    private static List<String> segments(String path) {
        List<String> segments = new java.util.ArrayList<>();
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            if (bracket < 0) {
                segments.add(part);
                continue;
            }
            if (bracket > 0) {
                segments.add(part.substring(0, bracket));
            }
            for (String index : part.substring(bracket).split("(?=\\[)")) {
                segments.add(index);
            }
        }
        return segments;
    }
}
