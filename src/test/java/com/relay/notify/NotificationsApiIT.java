package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.Timestamps;
import com.relay.notify.FakeNtfyServer.Answer;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** docs/CONTRACT.md#notification-and-metrics-api endpoints: manual POST (202, then delivered), get, list, metrics, tenant isolation (docs/CONTRACT.md#ntfy-request-vectors, docs/CONTRACT.md#notification-lifecycle-scenarios, docs/CONTRACT.md#metrics-endpoint-vectors). */
class NotificationsApiIT extends NotifyTestSupport {

    private static final List<String> KEYS = List.of("notification_id", "kind", "tenant_id", "run_id", "run_status", "status",
            "created_at", "updated_at", "queued_at", "processing_started_at", "processing_completed_at", "duration_ms",
            "created_by", "requested_by", "correlation_id", "server_url", "topic", "token_configured", "title", "message",
            "body", "priority", "tags", "click_url", "deliveries", "attempts", "deferrals", "next_attempt_at", "last_error",
            "http_status", "ntfy_message_id", "error_code", "error_message");

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    private Reply postManual(String key, String correlationId, String body) {
        HttpRequest.Builder b = request("/v1/notifications").header("Content-Type", "application/json")
                .header("X-API-Key", key).POST(HttpRequest.BodyPublishers.ofString(body));
        if (correlationId != null) b.header("X-Correlation-Id", correlationId);
        return send(b);
    }

    @Test
    void manualMessageIsAcceptedThenDelivered() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer().then(Answer.ok("manual-1"))) {
            String tenant = createTenant("manual", ntfy.url());
            String key = tenantKey(tenant);
            Reply r = postManual(key, "ops-7", "{\"tenant_id\": \"" + tenant + "\", \"message\": \"Vendor 2 feed delayed until 10:00\","
                    + " \"priority\": \"high\", \"tags\": [\"warning\"]}");
            assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
            String id = r.json().get("notification_id").asText();
            assertThat(r.header("Location")).isEqualTo("/v1/notifications/" + id);
            assertThat(r.header("X-Correlation-Id")).isEqualTo("ops-7");
            assertThat(keys(r.json())).containsExactlyElementsOf(KEYS);
            assertThat(r.json().get("status").asText()).isIn("queued", "processing", "completed");
            assertThat(r.json().get("kind").asText()).isEqualTo("manual");
            assertThat(r.json().get("created_by").asText()).isEqualTo("api");
            assertThat(r.json().get("requested_by").asText()).startsWith("key:");
            assertThat(r.json().get("correlation_id").asText()).isEqualTo("ops-7");
            assertThat(r.json().get("token_configured").asBoolean()).isFalse();
            assertThat(r.json().get("run_id").isNull()).isTrue();
            assertThat(r.json().get("priority").asInt()).isEqualTo(4);
            awaitStatus(id, "completed", Duration.ofSeconds(20));
            FakeNtfyServer.Received got = ntfy.received.get(0);
            assertThat(got.headers().get("Title")).containsExactly("[test] Relay message: " + tenant);
            assertThat(got.headers().get("Priority")).containsExactly("4");
            assertThat(got.headers().get("Tags")).containsExactly("warning");
            assertThat(got.headers()).doesNotContainKeys("Click", "Authorization", "X-Correlation-Id");
            assertThat(got.body()).isEqualTo("Vendor 2 feed delayed until 10:00\n\ncorrelation_id: ops-7");

            Reply one = get("/v1/notifications/" + id, key);
            assertThat(one.status()).isEqualTo(200);
            assertThat(keys(one.json())).containsExactlyElementsOf(KEYS);
            assertThat(one.json().get("status").asText()).isEqualTo("completed");
            assertThat(one.json().get("ntfy_message_id").asText()).isEqualTo("manual-1");
            assertThat(one.json().get("attempts").asInt()).isEqualTo(1);
            assertThat(one.json().get("tags").toString()).isEqualTo("[\"warning\"]");
        }
    }

    /** Loopback ntfy for tests that create notifications but do not look at their delivery (never the real ntfy.sh). */
    private static FakeNtfyServer sink;

    private static synchronized String sinkUrl() throws java.io.IOException {
        if (sink == null) sink = new FakeNtfyServer();
        return sink.url();
    }

    @org.junit.jupiter.api.AfterAll
    static void closeSink() {
        if (sink != null) sink.close();
    }

    @Test
    void manualMessageValidationAndConfiguration() throws Exception {
        String tenant = createTenant("valid", sinkUrl());
        String longMessage = "x".repeat(3901);
        Reply tooLong = postManual(DEV, null, "{\"tenant_id\": \"" + tenant + "\", \"message\": \"" + longMessage + "\"}");
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.json().at("/error/details/0/path").asText()).isEqualTo("message"); // N13
        assertThat(postManual(DEV, null, "{\"tenant_id\": \"" + tenant + "\", \"message\": \"" + "x".repeat(3900) + "\"}").status())
                .isEqualTo(202);
        Reply unknown = postManual(DEV, null, "{\"tenant_id\": \"" + tenant + "\", \"message\": \"m\", \"colour\": 1}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().at("/error/details/0/path").asText()).isEqualTo("colour");
        Reply bad = postManual(DEV, null, "{\"tenant_id\": \"" + tenant + "\", \"message\": \"m\", \"priority\": 9,"
                + " \"tags\": [\"no spaces\"], \"title\": \"caf\u00e9\", \"click_url\": \"ftp://x\"}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().at("/error/details").size()).isEqualTo(4);
        assertThat(postManual(DEV, null, "{\"message\": \"m\"}").status()).isEqualTo(422);
        assertThat(postManual(DEV, null, "{nope").code()).isEqualTo("MALFORMED_JSON");
        assertThat(send(request("/v1/notifications").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).status()).isEqualTo(401);

        String other = createTenant("other", sinkUrl());
        Reply foreign = postManual(tenantKey(other), null, "{\"tenant_id\": \"" + tenant + "\", \"message\": \"m\"}");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo("TENANT_NOT_FOUND");
        assertThat(postManual(DEV, null, "{\"tenant_id\": \"nobody-here\", \"message\": \"m\"}").code()).isEqualTo("TENANT_NOT_FOUND");

        String disabled = "off-" + UUID.randomUUID().toString().substring(0, 8);
        String cfg = config(disabled, "https://ntfy.sh", "[\"FAILED\"]").replace("\"url\": \"https://ntfy.sh\"",
                "\"enabled\": false, \"url\": \"https://ntfy.sh\"");
        assertThat(post("/v1/tenants", DEV, cfg).status()).isEqualTo(201);
        Reply off = postManual(DEV, null, "{\"tenant_id\": \"" + disabled + "\", \"message\": \"m\"}");
        assertThat(off.status()).isEqualTo(422); // N12
        assertThat(off.code()).isEqualTo("NOTIFICATIONS_NOT_CONFIGURED");
        assertThat(off.json().at("/error/message").asText()).isEqualTo("tenant " + disabled + " has no enabled ntfy notifications");
    }

    /** Issue 17 quota "notifications per minute" (3 in these ITs): the 4th is 429, nothing is created for it. */
    @Test
    void manualMessagesAreRateLimitedPerTenant() throws Exception {
        String tenant = createTenant("quota", sinkUrl());
        String key = tenantKey(tenant);
        String body = "{\"tenant_id\": \"" + tenant + "\", \"message\": \"m\"}";
        for (int i = 0; i < 3; i++) assertThat(postManual(key, null, body).status()).as("message %d", i + 1).isEqualTo(202);
        Reply limited = postManual(key, "quota-4", body);
        assertThat(limited.status()).as(limited.raw().body()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo("RATE_LIMITED");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 20); // one token every 20 s
        assertThat(limited.json().at("/error/message").asText()).isEqualTo("tenant " + tenant
                + " may send at most 3 notifications per minute (NOTIFY_MANUAL_PER_TENANT_PER_MINUTE); retry after "
                + limited.header("Retry-After") + " s");
        assertThat(limited.json().at("/error/details/0/path").asText()).isEqualTo("tenant_id");
        assertThat(limited.json().get("limit").toString()).isEqualTo(
                "{\"name\":\"notifications per minute\",\"value\":3,\"setting\":\"NOTIFY_MANUAL_PER_TENANT_PER_MINUTE\"}");
        assertThat(limited.json().get("correlation_id").asText()).isEqualTo("quota-4");
        // the refused message was not recorded: the tenant has exactly the 3 accepted ones
        Reply listed = get("/v1/notifications?tenant_id=" + tenant, key);
        assertThat(listed.json().get("data").size()).isEqualTo(3);
        // another tenant is not affected
        String other = createTenant("quota-other", sinkUrl());
        assertThat(postManual(DEV, null, "{\"tenant_id\": \"" + other + "\", \"message\": \"m\"}").status()).isEqualTo(202);
    }

    @Test
    void getAndListAreScopedToTheTenant() throws Exception {
        String a = createTenant("list-a", sinkUrl());
        String b = createTenant("list-b", sinkUrl());
        String keyA = tenantKey(a);
        String keyB = tenantKey(b);
        Map<String, AttributeValue> runA = failedRun(a, "FAILED");
        failedRun(a, "SUCCEEDED");
        Map<String, AttributeValue> runB = failedRun(b, "FAILED");
        String idA = runA.get("notification_id").s();
        String idB = runB.get("notification_id").s();

        assertThat(get("/v1/notifications/" + idA, keyA).status()).isEqualTo(200);
        Reply hidden = get("/v1/notifications/" + idB, keyA);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.code()).isEqualTo("NOTIFICATION_NOT_FOUND");
        assertThat(get("/v1/notifications/not-a-uuid", DEV).code()).isEqualTo("NOTIFICATION_NOT_FOUND");
        assertThat(get("/v1/notifications/" + UUID.randomUUID(), DEV).code()).isEqualTo("NOTIFICATION_NOT_FOUND");

        Reply mine = get("/v1/notifications", keyA);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().get("data").size()).isEqualTo(2);
        mine.json().get("data").forEach(n -> assertThat(n.get("tenant_id").asText()).isEqualTo(a));
        assertThat(mine.json().at("/data/0/created_at").asText()).isGreaterThanOrEqualTo(mine.json().at("/data/1/created_at").asText());
        assertThat(get("/v1/notifications?tenant_id=" + b, keyA).code()).isEqualTo("TENANT_NOT_FOUND");

        Reply admin = get("/v1/notifications", DEV);
        assertThat(admin.status()).isEqualTo(422); // N15
        assertThat(admin.json().at("/error/details/0/path").asText()).isEqualTo("query.tenant_id");
        assertThat(admin.json().at("/error/details/0/message").asText()).isEqualTo("tenant_id, status or run_id is required");

        Reply byRun = get("/v1/notifications?run_id=" + runA.get("run_id").s(), keyA); // N14
        assertThat(byRun.json().get("data").size()).isEqualTo(1);
        assertThat(byRun.json().at("/data/0/notification_id").asText()).isEqualTo(idA);
        assertThat(byRun.json().at("/pagination/has_more").asBoolean()).isFalse();
        assertThat(get("/v1/notifications?run_id=" + runB.get("run_id").s(), keyA).code()).isEqualTo("RUN_NOT_FOUND");
        assertThat(get("/v1/notifications?run_id=" + runA.get("run_id").s() + "&status=created", keyA).json().get("data").size())
                .isZero();

        Reply page1 = get("/v1/notifications?tenant_id=" + a + "&limit=1", DEV);
        assertThat(page1.json().get("data").size()).isEqualTo(1);
        assertThat(page1.json().at("/pagination/has_more").asBoolean()).isTrue();
        String cursor = page1.json().at("/pagination/cursor").asText();
        Reply page2 = get("/v1/notifications?tenant_id=" + a + "&limit=1&cursor=" + cursor, DEV);
        assertThat(page2.json().get("data").size()).isEqualTo(1);
        assertThat(page2.json().at("/data/0/notification_id").asText()).isNotEqualTo(page1.json().at("/data/0/notification_id").asText());
        assertThat(get("/v1/notifications?tenant_id=" + b + "&limit=1&cursor=" + cursor, DEV).json().at("/error/details/0/message")
                .asText()).isEqualTo("invalid cursor");
        assertThat(get("/v1/notifications?tenant_id=" + a + "&colour=red", DEV).json().at("/error/details/0/path").asText())
                .isEqualTo("query.colour");
        assertThat(get("/v1/notifications?status=sent", DEV).json().at("/error/details/0/path").asText()).isEqualTo("query.status");
        assertThat(get("/v1/notifications?status=completed&limit=100", DEV).status()).isEqualTo(200);
        assertThat(get("/v1/notifications?tenant_id=" + a + "&limit=0", DEV).status()).isEqualTo(422);

        String json = get("/v1/notifications/" + idA, DEV).raw().body();
        assertThat(json).doesNotContain("delivery_token", "lease_expires_at", "token_secret_ref", "\"ttl\"");
    }

    /**
     * Issue 17 defect 10: a window of 2,345 runs and 1,234 notifications (three Query pages of
     * runs) gives the numbers computed here from what was written.
     */
    @Test
    void metricsOverManyPagesGiveTheNumbersOfEveryItem() throws Exception {
        String tenant = createTenant("metrics-many", sinkUrl());
        Instant now = Instant.now();
        String[] statuses = {"SUCCEEDED", "FAILED", "RUNNING", "SUCCEEDED", "QUEUED"};
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> runs = new ArrayList<>();
        long[] counts = new long[4]; // QUEUED, RUNNING, SUCCEEDED, FAILED
        long durationSum = 0;
        long durations = 0;
        for (int i = 0; i < 2_345; i++) {
            String status = statuses[i % statuses.length];
            counts[List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED").indexOf(status)]++;
            Long durationMs = null;
            if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
                durationMs = 1_000L + i;
                durationSum += durationMs;
                durations++;
            }
            Map<String, AttributeValue> run = runItem(tenant, status, "api", now.minusSeconds(10 + i), durationMs);
            runs.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder().putRequest(p -> p.item(run)).build());
        }
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> notes = new ArrayList<>();
        for (int i = 0; i < 1_234; i++) {
            notes.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder().putRequest(p -> p.item(Map.of(
                    "notification_id", AttributeValue.fromS(UUID.randomUUID().toString()),
                    "tenant_id", AttributeValue.fromS(tenant), "status", AttributeValue.fromS(notes.size() % 3 == 0 ? "failed" : "completed"),
                    "created_at", AttributeValue.fromS(Timestamps.format(now.minusSeconds(5 + notes.size())))))).build());
        }
        batchWrite(resources.runsTable(), runs);
        batchWrite(resources.notificationsTable(), notes);

        JsonNode m = get("/v1/metrics?tenant_id=" + tenant, DEV).json();
        assertThat(m.at("/runs/total").asLong()).isEqualTo(2_345);
        assertThat(m.at("/runs/status_counts").toString()).isEqualTo("{\"QUEUED\":" + counts[0] + ",\"RUNNING\":" + counts[1]
                + ",\"SUCCEEDED\":" + counts[2] + ",\"FAILED\":" + counts[3] + "}");
        assertThat(m.at("/runs/success_rate").decimalValue()).isEqualByComparingTo(WindowMetrics.rate(counts[2], counts[3]));
        assertThat(m.at("/runs/average_duration_ms").asLong()).isEqualTo(Math.round((double) durationSum / durations));
        assertThat(m.at("/runs/recent").size()).isEqualTo(10);
        assertThat(m.at("/runs/recent/0/requested_at").asText()).isEqualTo(Timestamps.format(now.minusSeconds(10)));
        assertThat(m.at("/runs/recent/9/requested_at").asText()).isEqualTo(Timestamps.format(now.minusSeconds(19)));
        long failed = (1_234 + 2) / 3;
        assertThat(m.at("/notifications/status_counts").toString()).isEqualTo(
                "{\"created\":0,\"queued\":0,\"processing\":0,\"completed\":" + (1_234 - failed) + ",\"failed\":" + failed + "}");
    }

    private void batchWrite(String table, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> requests) {
        for (int i = 0; i < requests.size(); i += 25) {
            List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> batch = requests.subList(i, Math.min(requests.size(), i + 25));
            Map<String, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest>> pending = Map.of(table, batch);
            while (!pending.isEmpty()) {
                Map<String, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest>> left = pending;
                pending = dynamoDb.batchWriteItem(b -> b.requestItems(left)).unprocessedItems();
            }
        }
    }

    private void putRun(String tenant, String status, Instant requested, Long durationMs) {
        Map<String, AttributeValue> run = runItem(tenant, status, "scheduler", requested, durationMs);
        dynamoDb.putItem(b -> b.tableName(resources.runsTable()).item(run));
    }

    /** A run item as the worker leaves it, enough for the metrics endpoint. */
    private static Map<String, AttributeValue> runItem(String tenant, String status, String createdBy, Instant requested,
                                                       Long durationMs) {
        Map<String, AttributeValue> run = new HashMap<>();
        run.put("run_id", AttributeValue.fromS(UUID.randomUUID().toString()));
        run.put("item_type", AttributeValue.fromS("RUN"));
        run.put("tenant_id", AttributeValue.fromS(tenant));
        run.put("status", AttributeValue.fromS(status));
        run.put("stage", AttributeValue.fromS("NORMALIZE"));
        run.put("created_by", AttributeValue.fromS(createdBy));
        run.put("requested_at", AttributeValue.fromS(Timestamps.format(requested)));
        if (durationMs != null) run.put("duration_ms", AttributeValue.fromN(durationMs.toString()));
        return run;
    }

    private void putNotification(String tenant, String status, Instant created) {
        dynamoDb.putItem(b -> b.tableName(resources.notificationsTable()).item(Map.of(
                "notification_id", AttributeValue.fromS(UUID.randomUUID().toString()),
                "tenant_id", AttributeValue.fromS(tenant), "status", AttributeValue.fromS(status),
                "created_at", AttributeValue.fromS(Timestamps.format(created)))));
    }

    @Test
    void metricsOfAWindow() throws Exception {
        String tenant = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(post("/v1/tenants", DEV, config(tenant, sinkUrl(), "[\"FAILED\"]")).status()).isEqualTo(201);
        Instant now = Instant.now();
        putRun(tenant, "SUCCEEDED", now.minusSeconds(4000), 10_000L);
        putRun(tenant, "SUCCEEDED", now.minusSeconds(3000), 20_000L);
        putRun(tenant, "FAILED", now.minusSeconds(2000), 15_000L);
        putRun(tenant, "RUNNING", now.minusSeconds(1000), null);
        putRun(tenant, "SUCCEEDED", now.minusSeconds(25 * 3600), 99_000L); // outside the 24 h window
        putNotification(tenant, "completed", now.minusSeconds(100));
        putNotification(tenant, "completed", now.minusSeconds(90));
        putNotification(tenant, "failed", now.minusSeconds(80));
        String key = tenantKey(tenant);

        Reply r = get("/v1/metrics", key);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(keys(m)).containsExactly("tenant_id", "hours", "window_start", "generated_at", "runs", "notifications");
        assertThat(m.get("tenant_id").asText()).isEqualTo(tenant);
        assertThat(m.get("hours").asInt()).isEqualTo(24);
        assertThat(m.at("/runs/total").asInt()).isEqualTo(4);
        assertThat(m.at("/runs/status_counts").toString()).isEqualTo("{\"QUEUED\":0,\"RUNNING\":1,\"SUCCEEDED\":2,\"FAILED\":1}");
        assertThat(m.at("/runs/success_rate").decimalValue()).isEqualByComparingTo("0.6667");
        assertThat(m.at("/runs/average_duration_ms").asLong()).isEqualTo(15_000);
        assertThat(m.at("/runs/recent").size()).isEqualTo(4);
        assertThat(m.at("/runs/recent/0/status").asText()).isEqualTo("RUNNING");
        assertThat(m.at("/runs/recent/3/duration_ms").asLong()).isEqualTo(10_000);
        assertThat(keys(m.at("/runs/recent/0"))).containsExactly("run_id", "tenant_id", "status", "stage", "created_by",
                "requested_at", "finished_at", "duration_ms", "error_code");
        assertThat(m.at("/notifications/total").asInt()).isEqualTo(3);
        assertThat(m.at("/notifications/status_counts").toString())
                .isEqualTo("{\"created\":0,\"queued\":0,\"processing\":0,\"completed\":2,\"failed\":1}");
        assertThat(m.at("/notifications/success_rate").decimalValue()).isEqualByComparingTo("0.6667");

        JsonNode week = get("/v1/metrics?hours=168", DEV + "").json();
        assertThat(week.get("tenant_id").isNull()).isTrue(); // admin without tenant_id: all tenants
        assertThat(week.at("/runs/total").asInt()).isGreaterThanOrEqualTo(5);

        Reply invalid = get("/v1/metrics?hours=5", key);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().at("/error/details/0/message").asText()).isEqualTo("must be one of 1, 6, 24, 168");
        String other = createTenant("metrics-other", sinkUrl());
        assertThat(get("/v1/metrics?tenant_id=" + other, key).code()).isEqualTo("TENANT_NOT_FOUND");

        JsonNode empty = get("/v1/metrics?hours=1", tenantKey(other)).json();
        assertThat(empty.at("/runs/total").asInt()).isZero();
        assertThat(empty.at("/runs/success_rate").isNull()).isTrue();
        assertThat(empty.at("/runs/average_duration_ms").isNull()).isTrue();
        assertThat(empty.at("/runs/recent").size()).isZero();
        assertThat(empty.at("/notifications/success_rate").isNull()).isTrue();
    }
}
