package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Opaque pagination cursors (docs/CONTRACT.md#pagination): base64url JSON of the DynamoDB start key plus the filters
 * it was issued for. A cursor that does not decode, or names other filters → 422 {@code invalid cursor}.
 */
public final class Cursors {

    private Cursors() {}

    public static String encode(Map<String, AttributeValue> key, String filters) {
        ObjectNode k = Json.MAPPER.createObjectNode();
        key.forEach((name, v) -> {
            if (v.s() != null) k.put(name, "S:" + v.s());
            else if (v.n() != null) k.put(name, "N:" + v.n());
            else throw new IllegalArgumentException("unsupported key attribute " + name);
        });
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.set("k", k);
        root.put("f", filters);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(root));
    }

    public static Map<String, AttributeValue> decode(String cursor, String filters) {
        try {
            JsonNode root = Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            if (!root.isObject() || !root.path("f").isTextual() || !root.path("f").asText().equals(filters)
                    || !root.path("k").isObject() || root.path("k").isEmpty()) {
                throw invalid();
            }
            Map<String, AttributeValue> key = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.path("k").properties()) {
                String v = e.getValue().asText();
                if (!e.getValue().isTextual() || v.length() < 2) throw invalid();
                if (v.startsWith("S:")) key.put(e.getKey(), AttributeValue.fromS(v.substring(2)));
                else if (v.startsWith("N:") && v.substring(2).matches("-?[0-9]{1,38}")) key.put(e.getKey(), AttributeValue.fromN(v.substring(2)));
                else throw invalid();
            }
            return key;
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw invalid();
        }
    }

    private static ApiException invalid() {
        return ApiException.invalid("query.cursor", "invalid cursor");
    }
}
