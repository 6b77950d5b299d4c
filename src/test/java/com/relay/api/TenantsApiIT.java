package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tenant endpoints, auth, errors and correlation ids through the real routes (docs/CONTRACT.md#versioning, docs/CONTRACT.md#http-api, docs/CONTRACT.md#api-and-configuration-scenarios #1–14). */
class TenantsApiIT extends ApiTestSupport {

    @Test
    void createGetVersionsAndPutFollowVersioning() {
        String t = uniqueTenant("acme");
        Reply created = post("/v1/tenants", DEV, config(t));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/v1/tenants/" + t);
        assertThat(created.json().get("config_version").isIntegralNumber()).isTrue();
        assertThat(created.json().get("config_version").asLong()).isEqualTo(1);
        assertThat(created.json().get("created_by").asText()).isEqualTo("key:dev");
        assertThat(created.json().get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        // docs/CONTRACT.md#api-and-configuration-scenarios #8: decimals keep their digits
        assertThat(created.json().at("/config/pricing/base_margin_pct").asText()).isEqualTo("0.20");

        Reply again = post("/v1/tenants", DEV, config(t).replace("\"USD\"", "\"EUR\""));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("TENANT_EXISTS");
        assertThat(get("/v1/tenants/" + t, DEV).json().at("/config/default_currency").asText()).isEqualTo("USD");

        Reply v2 = put("/v1/tenants/" + t + "/config", DEV, config(t).replace("\"USD\"", "\"EUR\""));
        assertThat(v2.status()).isEqualTo(200);
        assertThat(v2.json().get("config_version").asLong()).isEqualTo(2);
        assertThat(get("/v1/tenants/" + t, DEV).json().get("config_version").asLong()).isEqualTo(2);
        Reply v1 = get("/v1/tenants/" + t + "?config_version=1", DEV);
        assertThat(v1.json().at("/config/default_currency").asText()).isEqualTo("USD");
        Reply missing = get("/v1/tenants/" + t + "?config_version=9", DEV);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().at("/error/message").asText()).isEqualTo("tenant " + t + " has no config version 9");

        Reply versions = get("/v1/tenants/" + t + "/versions", DEV);
        assertThat(versions.status()).isEqualTo(200);
        List<Long> numbers = new ArrayList<>();
        versions.json().get("data").forEach(v -> numbers.add(v.get("config_version").asLong()));
        assertThat(numbers).containsExactly(2L, 1L);
        assertThat(versions.json().get("pagination").toString()).isEqualTo("{\"limit\":50,\"cursor\":null,\"has_more\":false}");

        Reply page1 = get("/v1/tenants/" + t + "/versions?limit=1", DEV);
        assertThat(page1.json().at("/pagination/has_more").asBoolean()).isTrue();
        String cursor = page1.json().at("/pagination/cursor").asText();
        Reply page2 = get("/v1/tenants/" + t + "/versions?limit=1&cursor=" + cursor, DEV);
        assertThat(page2.json().at("/data/0/config_version").asLong()).isEqualTo(1);
        assertThat(page2.json().at("/pagination/has_more").asBoolean()).isFalse();
        Reply badCursor = get("/v1/tenants/" + t + "/versions?cursor=bm9wZQ", DEV);
        assertThat(badCursor.status()).isEqualTo(422);
        assertThat(badCursor.json().at("/error/details/0/path").asText()).isEqualTo("query.cursor");
        assertThat(badCursor.json().at("/error/details/0/message").asText()).isEqualTo("invalid cursor");
    }

    @Test
    void putChecksMismatchAndExistence() {
        String t = createTenant("put");
        Reply mismatch = put("/v1/tenants/" + t + "/config", DEV, config("other"));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.code()).isEqualTo("TENANT_ID_MISMATCH");
        assertThat(mismatch.json().at("/error/message").asText())
                .isEqualTo("tenant_id in body (other) does not match path (" + t + ")");
        Reply nobody = put("/v1/tenants/nobody-x1/config", DEV, config("nobody-x1"));
        assertThat(nobody.status()).isEqualTo(404);
        assertThat(nobody.code()).isEqualTo("TENANT_NOT_FOUND");
    }

    @Test
    void validationErrorsListEveryProblem() {
        String t = uniqueTenant("bad");
        Reply two = post("/v1/tenants", DEV, config(t).replace("\"parser\": {\"format\": \"csv\"}",
                "\"parser\": {\"format\": \"csv\", \"encoding\": \"cp1252\"}").replace("\"rounding\": {}", "\"rounding\": {\"increment\": -1}"));
        assertThat(two.status()).isEqualTo(422);
        assertThat(two.code()).isEqualTo("VALIDATION_ERROR");
        assertThat(two.json().at("/error/message").asText()).isEqualTo("tenant configuration is invalid");
        List<String> paths = new ArrayList<>();
        two.json().at("/error/details").forEach(d -> paths.add(d.get("path").asText()));
        assertThat(paths).containsExactlyInAnyOrder("vendors[0].parser.encoding", "pricing.rounding.increment");

        Reply schema = post("/v1/tenants", DEV, config(t).replace("\"schema_version\": 1", "\"schema_version\": 2")
                .replace("\"UTC\"", "\"Mars/Base\""));
        assertThat(schema.json().at("/error/details").toString()).isEqualTo(
                "[{\"path\":\"schema_version\",\"message\":\"unsupported schema_version 2\",\"code\":\"unsupported_schema_version\"}]");

        Reply unknown = post("/v1/tenants", DEV, config(t).replace("\"map_policy\": {}", "\"map_policy\": {}, \"margin\": 1"));
        assertThat(unknown.json().at("/error/details/0/path").asText()).isEqualTo("pricing.margin");
        assertThat(unknown.json().at("/error/details/0/message").asText()).isEqualTo("unknown field");

        Reply truncated = post("/v1/tenants", DEV, "{\"tenant_id\": ");
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.code()).isEqualTo("MALFORMED_JSON");
        assertThat(truncated.json().at("/error/message").asText()).isEqualTo("request body is not valid JSON");
    }

    @Test
    void yamlIsAcceptedAndOtherMediaTypesAre415() {
        String t = uniqueTenant("yaml");
        String yaml = config(t); // JSON is valid YAML 1.2 flow syntax
        Reply ok = send(request("/v1/tenants").header("X-API-Key", DEV).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)));
        assertThat(ok.status()).isEqualTo(201);
        Reply text = send(request("/v1/tenants").header("X-API-Key", DEV).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(config(uniqueTenant("txt")))));
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        Reply badYaml = send(request("/v1/tenants").header("X-API-Key", DEV).header("Content-Type", "text/yaml")
                .POST(HttpRequest.BodyPublishers.ofString("a: [")));
        assertThat(badYaml.code()).isEqualTo("MALFORMED_YAML");
    }

    @Test
    void oversizedBodyIs413() {
        String big = "{\"x\": \"" + "a".repeat(1_100_000) + "\"}";
        Reply r = post("/v1/tenants", DEV, big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(r.json().at("/error/message").asText()).isEqualTo("request body exceeds 1048576 bytes (API_MAX_BODY_BYTES)");
    }

    @Test
    void authenticationComesFirstAndBothCredentialsAre401() {
        Reply none = post("/v1/tenants", null, "{\"tenant_id\": ");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("UNAUTHORIZED");
        assertThat(none.header("X-Correlation-Id")).isNotBlank();
        assertThat(none.json().get("correlation_id").asText()).isEqualTo(none.header("X-Correlation-Id"));
        Reply wrong = get("/v1/tenants/acme", "wrong-key");
        assertThat(wrong.status()).isEqualTo(401);
        Reply both = send(request("/v1/tenants/acme").header("X-API-Key", DEV).header("Authorization", "Bearer x").GET());
        assertThat(both.status()).isEqualTo(401);
        Reply lowerCaseHeader = send(request("/v1/tenants/nobody-zz").header("x-api-key", DEV).GET());
        assertThat(lowerCaseHeader.status()).isEqualTo(404);
    }

    @Test
    void tenantKeySeesOnlyItsTenant() {
        String a = createTenant("iso-a");
        String b = createTenant("iso-b");
        String keyA = tenantKey(a);
        assertThat(get("/v1/tenants/" + a, keyA).status()).isEqualTo(200);
        for (String path : List.of("/v1/tenants/" + b, "/v1/tenants/" + b + "/versions")) {
            Reply r = get(path, keyA);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.code()).isEqualTo("TENANT_NOT_FOUND");
        }
        Reply putOther = put("/v1/tenants/" + b + "/config", keyA, config(b));
        assertThat(putOther.status()).isEqualTo(404);
        Reply createOther = post("/v1/tenants", keyA, config(uniqueTenant("beta")));
        assertThat(createOther.status()).isEqualTo(403);
        assertThat(createOther.code()).isEqualTo("FORBIDDEN");
        // admin-only api-keys endpoints
        assertThat(get("/v1/tenants/" + a + "/api-keys", keyA).status()).isEqualTo(403);
        assertThat(post("/v1/tenants/" + a + "/api-keys", keyA, "{}").status()).isEqualTo(403);
    }

    @Test
    void apiKeysAreShownOnceListedWithoutSecretsAndRevocable() {
        String t = createTenant("keys");
        Reply issued = post("/v1/tenants/" + t + "/api-keys", DEV, "{\"description\": \"ci\"}");
        assertThat(issued.status()).isEqualTo(201);
        String key = issued.json().get("api_key").asText();
        String keyId = issued.json().get("key_id").asText();
        assertThat(key).startsWith("rk_").hasSize(3 + 43);
        assertThat(get("/v1/tenants/" + t, key).status()).isEqualTo(200);

        Reply list = get("/v1/tenants/" + t + "/api-keys", DEV);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.raw().body()).doesNotContain(key).contains(keyId, "\"description\":\"ci\"", "last_used_at");
        assertThat(list.json().at("/data/0/last_used_at").asText()).isNotBlank();

        assertThat(delete("/v1/tenants/" + t + "/api-keys/" + keyId, DEV).status()).isEqualTo(204);
        assertThat(get("/v1/tenants/" + t, key).status()).isEqualTo(401);
        Reply again = delete("/v1/tenants/" + t + "/api-keys/" + keyId, DEV);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.code()).isEqualTo("API_KEY_NOT_FOUND");
        assertThat(post("/v1/tenants/nobody-keys/api-keys", DEV, "{}").code()).isEqualTo("TENANT_NOT_FOUND");
        assertThat(post("/v1/tenants/" + t + "/api-keys", DEV, "{\"scope\": \"admin\"}").status()).isEqualTo(422);
    }

    @Test
    void unknownRouteWrongMethodAndCorrelationIds() {
        Reply unknown = get("/v1/nothing-here", DEV);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("NOT_FOUND");
        assertThat(unknown.json().get("correlation_id").asText()).isEqualTo(unknown.header("X-Correlation-Id"));

        Reply wrongMethod = send(request("/v1/tenants").header("X-API-Key", DEV).GET());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.code()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(wrongMethod.header("Allow")).contains("POST");

        Reply echoed = send(request("/v1/tenants/nobody-c").header("X-API-Key", DEV)
                .header("X-Correlation-Id", "c-123").header("X-Secret", "s").GET());
        assertThat(echoed.header("X-Correlation-Id")).isEqualTo("c-123");
        assertThat(echoed.json().get("correlation_id").asText()).isEqualTo("c-123");
        assertThat(echoed.raw().headers().map()).doesNotContainKeys("x-secret", "x-api-key");

        Reply invalid = send(request("/v1/tenants/nobody-c").header("X-API-Key", DEV)
                .header("X-Correlation-Id", "bad id!").GET());
        assertThat(invalid.header("X-Correlation-Id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

        Reply health = get("/v1/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.header("X-Correlation-Id")).isNotBlank();
    }

    @Test
    void pathIdsThatCannotExistAre404WithoutLookup() {
        for (String id : List.of("a..b", "a%2Fb", "%C3%A9t%C3%A9", "x".repeat(65), "a%01b", "-lead")) {
            Reply r = get("/v1/tenants/" + id, DEV);
            assertThat(r.status()).as(id).isEqualTo(404);
            assertThat(r.code()).as(id).isIn("TENANT_NOT_FOUND", "NOT_FOUND");
        }
    }
}
