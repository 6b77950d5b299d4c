package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.Json;
import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import com.relay.runs.RunCompletion;
import com.relay.tenants.config.TenantConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The real application, routes and emulators, with the notifier's waits shrunk (retry base 100 ms,
 * cap 400 ms, no jitter, 1 s request timeout, redelivery after 1 s then 2 s), 3 attempts per
 * delivery, 2 deliveries, a breaker threshold of 7 (so one exhausted notification — 6 failures —
 * does not open it), 3 s open, the shared breaker table and 3 manual messages per tenant and minute. Every notification IT uses exactly
 * these properties so Spring keeps one context for all of them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0", "ENVIRONMENT=test",
        "NOTIFY_RETRY_BASE_MS=100", "NOTIFY_RETRY_MAX_DELAY_MS=400", "NOTIFY_RETRY_JITTER_MAX_MS=0",
        "NOTIFY_REQUEST_TIMEOUT_MS=1000", "NOTIFY_CONNECT_TIMEOUT_MS=500", "NOTIFY_VISIBILITY_TIMEOUT_SECONDS=30",
        "NOTIFY_MAX_RETRIES=2", "NOTIFY_MAX_DELIVERIES=2", "NOTIFY_REDELIVERY_DELAY_SECONDS=1",
        "NOTIFY_DEFER_JITTER_MAX_SECONDS=0", "NOTIFY_SWEEP_INTERVAL_SECONDS=1", "NOTIFY_SWEEP_AGE_SECONDS=2",
        "CB_FAILURE_THRESHOLD=7", "CB_OPEN_SECONDS=3", "CIRCUIT_BREAKER_TABLE=relay-it-circuit-breakers",
        "NOTIFY_MANUAL_PER_TENANT_PER_MINUTE=3", "NOTIFIER_RECEIVE_WAIT_SECONDS=1"})
abstract class NotifyTestSupport {

    static final String DEV = "relay-dev-key";
    @LocalServerPort int port;
    @Autowired DynamoDbClient dynamoDb;
    @Autowired ProvisionedResources resources;
    @Autowired RunNotifications runNotifications;
    @Autowired PinnedConfigs pinnedConfigs;
    final HttpClient http = HttpClient.newHttpClient();

    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        String code() { return json.path("error").path("code").asText(null); }
        String header(String name) { return raw.headers().firstValue(name).orElse(null); }
    }

    static String config(String tenant, String ntfyUrl, String on) {
        return config(tenant, ntfyUrl, on, "acme-parts-relay");
    }

    static String config(String tenant, String ntfyUrl, String on, String topic) {
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [{"vendor_id": "vendor-a", "required": false,
                              "inbound": {"type": "s3", "s3_prefix": "tenants/%s/inbound/vendor-a/"},
                              "parser": {"format": "csv"}}],
                 "pricing": {"base_margin_pct": 0.20, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku", "quantity_available", "price"]},
                 "notifications": {"ntfy": {"url": "%s", "topic": "%s", "on": %s,
                                            "priority": {"FAILED": "high"},
                                            "click_url": "https://console.example.com/runs/{run_id}"}}}
                """.formatted(tenant, tenant, ntfyUrl, topic, on);
    }

    String createTenant(String base, String ntfyUrl) {
        return createTenant(base, ntfyUrl, "acme-parts-relay");
    }

    String createTenant(String base, String ntfyUrl, String topic) {
        String tenant = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        Reply r = post("/v1/tenants", DEV, config(tenant, ntfyUrl, "[\"SUCCEEDED\", \"FAILED\"]", topic));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return tenant;
    }

    String tenantKey(String tenant) {
        Reply r = post("/v1/tenants/" + tenant + "/api-keys", DEV, "{\"description\": \"test\"}");
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("api_key").asText();
    }

    /**
     * What the worker's terminal write does (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): one transaction with the run FAILED and
     * PENDING naming the record, and the record's Put; then {@link RunNotifications#enqueue}.
     */
    Map<String, AttributeValue> failedRun(String tenant, String status) {
        String runId = UUID.randomUUID().toString();
        Instant now = Timestamps.now(java.time.Clock.systemUTC());
        boolean ok = "SUCCEEDED".equals(status);
        RunCompletion completion = new RunCompletion(runId, tenant, 1, status, ok ? "COMPLETE" : "MERGE_PRICE", "api",
                Timestamps.format(now.minusSeconds(9)), Timestamps.format(now), 8113L, 1250, ok ? null : "MERGE_PRICE",
                ok ? null : "validation_errors", ok ? null : "validation errors", "corr-" + runId.substring(0, 8));
        TenantConfig config = pinnedConfigs.load(tenant, 1);
        Map<String, AttributeValue> record = runNotifications.recordFor(config, completion, now).orElseThrow();
        Map<String, AttributeValue> run = new HashMap<>();
        run.put("run_id", AttributeValue.fromS(runId));
        run.put("item_type", AttributeValue.fromS("RUN"));
        run.put("tenant_id", AttributeValue.fromS(tenant));
        run.put("config_version", AttributeValue.fromN("1"));
        run.put("status", AttributeValue.fromS(status));
        run.put("stage", AttributeValue.fromS(completion.stage()));
        run.put("requested_at", AttributeValue.fromS(completion.requestedAt()));
        run.put("finished_at", AttributeValue.fromS(completion.finishedAt()));
        run.put("duration_ms", AttributeValue.fromN("8113"));
        run.put("created_by", AttributeValue.fromS("api"));
        run.put("notification_status", AttributeValue.fromS("PENDING"));
        run.put("notification_id", record.get("notification_id"));
        dynamoDb.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(resources.runsTable()).item(run)
                        .conditionExpression("attribute_not_exists(run_id)")).build(),
                TransactWriteItem.builder().put(p -> p.tableName(runNotifications.table()).item(record)
                        .conditionExpression("attribute_not_exists(notification_id)")).build()));
        runNotifications.enqueue(record);
        return record;
    }

    Map<String, AttributeValue> notification(String id) {
        return dynamoDb.getItem(b -> b.tableName(resources.notificationsTable()).consistentRead(true)
                .key(Map.of("notification_id", AttributeValue.fromS(id)))).item();
    }

    Map<String, AttributeValue> run(String id) {
        return dynamoDb.getItem(b -> b.tableName(resources.runsTable()).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(id)))).item();
    }

    String status(String notificationId) {
        Map<String, AttributeValue> n = notification(notificationId);
        return n == null || n.isEmpty() ? null : n.get("status").s();
    }

    static void await(Duration max, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    void awaitStatus(String id, String expected, Duration max) {
        await(max, () -> expected.equals(status(id)), "notification " + id + " to be " + expected + " (is " + status(id) + ")");
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    Reply send(HttpRequest.Builder builder) {
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

    Reply get(String path, String key) {
        HttpRequest.Builder b = request(path).GET();
        if (key != null) b.header("X-API-Key", key);
        return send(b);
    }

    Reply post(String path, String key, String body) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("X-API-Key", key);
        return send(b);
    }
}
