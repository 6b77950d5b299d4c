package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Shared base of the API integration tests: the real application, real routes and the embedded
 * emulators, with the same properties as {@code EmbeddedFoundationIT} so Spring reuses one context.
 * Authentication uses the embedded development key and keys issued through the API.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0",
        // these tests read the jobs queue themselves and stand in for the worker's terminal write
        "WORKER_ENABLED=false"})
public abstract class ApiTestSupport {

    protected static final String DEV = "relay-dev-key";
    @LocalServerPort protected int port;
    protected final HttpClient http = HttpClient.newHttpClient();

    public record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        public String header(String name) { return raw.headers().firstValue(name).orElse(null); }
        public String code() { return json.path("error").path("code").asText(null); }
    }

    /** The JSON log lines captured so far; a line that starts with '{' and does not parse fails the test. */
    protected static List<JsonNode> jsonLines(CapturedOutput output) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.getOut().split("\n")) {
            if (!line.startsWith("{")) continue;
            try {
                lines.add(Json.MAPPER.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return lines;
    }

    protected static String uniqueTenant(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static String config(String tenant) {
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [{"vendor_id": "vendor-a", "required": false,
                              "inbound": {"type": "s3", "s3_prefix": "tenants/%s/inbound/vendor-a/"},
                              "parser": {"format": "csv"}}],
                 "pricing": {"base_margin_pct": 0.20, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku", "quantity_available", "price"]}}
                """.formatted(tenant, tenant);
    }

    protected HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    protected Reply send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = r.body() == null || r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
            return new Reply(r.statusCode(), json, r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected Reply get(String path, String key) {
        HttpRequest.Builder b = request(path).GET();
        if (key != null) b.header("X-API-Key", key);
        return send(b);
    }

    protected Reply post(String path, String key, String body) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("X-API-Key", key);
        return send(b);
    }

    protected Reply put(String path, String key, String body) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("X-API-Key", key);
        return send(b);
    }

    protected Reply delete(String path, String key) {
        HttpRequest.Builder b = request(path).DELETE();
        if (key != null) b.header("X-API-Key", key);
        return send(b);
    }

    /** Creates a tenant (version 1) and returns its id. */
    protected String createTenant(String base) {
        String tenant = uniqueTenant(base);
        Reply r = post("/v1/tenants", DEV, config(tenant));
        if (r.status() != 201) throw new AssertionError("tenant not created: " + r.raw().body());
        return tenant;
    }

    /** Issues a tenant-scoped key through the API. */
    protected String tenantKey(String tenant) {
        Reply r = post("/v1/tenants/" + tenant + "/api-keys", DEV, "{\"description\": \"test\"}");
        if (r.status() != 201) throw new AssertionError("key not issued: " + r.raw().body());
        return r.json().get("api_key").asText();
    }
}
