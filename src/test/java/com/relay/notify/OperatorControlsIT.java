package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.Timestamps;
import com.relay.notify.Classification.BreakerOutcome;
import com.relay.notify.FakeNtfyServer.Answer;
import com.relay.runs.RunRepository;
import com.relay.scheduler.ScheduleClaims.Outcome;
import com.relay.scheduler.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The operator procedures of docs/RUNBOOK.md, driven over HTTP exactly as the runbook writes them
 * ("Resetting a circuit breaker by hand", "Pausing run creation", "Firing a tenant's schedule by
 * hand"), against the real application (worker, notifier and shared breaker table on; the
 * notification ITs' context, see {@link NotifyTestSupport}). Every assertion is on what the client
 * receives, what a loopback ntfy server receives, or what the tables hold afterwards.
 */
class OperatorControlsIT extends NotifyTestSupport {

    @Autowired CircuitBreakers appBreakers;
    @Autowired MeterRegistry registry;
    @Autowired Scheduler scheduler;
    @Autowired RunRepository runs;

    Reply put(String path, String key, String body) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("X-API-Key", key);
        return send(b);
    }

    Reply delete(String path, String key) {
        HttpRequest.Builder b = request(path).DELETE();
        if (key != null) b.header("X-API-Key", key);
        return send(b);
    }

    private Map<String, AttributeValue> breakerItem(String key) {
        return dynamoDb.getItem(b -> b.tableName("relay-it-circuit-breakers").consistentRead(true)
                .key(Map.of("service_name", AttributeValue.fromS(key)))).item();
    }

    private double gauge(String service) {
        return registry.find("CircuitBreakerState").tag("Service", service).tag("Environment", "test").gauge().value();
    }

    private double skipped(String reason) {
        var c = registry.find("ScheduledRunsSkipped").tag("Reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static Object field(ILoggingEvent e, String key) {
        return e.getKeyValuePairs() == null ? null : e.getKeyValuePairs().stream().filter(p -> p.key.equals(key))
                .map(p -> p.value).findFirst().orElse(null);
    }

    /**
     * A tenant whose cron fires once, on 2020-01-01 at {@code hour}:00 UTC: the live tick never fires
     * it, and each test ticks its own hour, so no test's tick claims another test's fire.
     */
    private String scheduledTenant(String base, int hour) {
        String tenant = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        String json = config(tenant, "http://127.0.0.1:9", "[\"FAILED\"]").replace(
                "\"output\":", "\"schedule\": {\"cron\": \"0 0 " + hour + " 1 1 ? 2020\", \"enabled\": true}, \"output\":");
        Reply r = post("/v1/tenants", DEV, json);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return tenant;
    }

    /** A tenant without a schedule whose (succeeding) runs notify nobody. */
    private String plainTenant(String base) {
        String tenant = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        Reply r = post("/v1/tenants", DEV, config(tenant, "http://127.0.0.1:9", "[\"FAILED\"]"));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return tenant;
    }

    private String awaitRunEnded(String runId) {
        String[] status = new String[1];
        await(Duration.ofSeconds(60), () -> {
            status[0] = get("/v1/runs/" + runId, DEV).json().get("status").asText();
            return status[0].equals("SUCCEEDED") || status[0].equals("FAILED");
        }, "run " + runId + " to end");
        return status[0];
    }

    @Test
    void aBreakerIsListedResetByHandAndTheDeferredNotificationGoesOut() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger breakerLog = (Logger) LoggerFactory.getLogger(CircuitBreakers.class);
        breakerLog.addAppender(logs);
        try (FakeNtfyServer ntfy = new FakeNtfyServer().otherwise(Answer.ok("delivered"))) {
            String server = "127.0.0.1:" + ntfy.port();
            String service = "ntfy:" + server;
            String tenant = createTenant("ops-cb", ntfy.url());
            String key = CircuitBreakers.key(service, tenant);
            // seven counted failures (CB_FAILURE_THRESHOLD in this context) open the breaker; dated
            // 20 s ahead so it stays OPEN for 23 s (3 s CB_OPEN_SECONDS) however slow this machine is
            Instant opened = Instant.now().plusSeconds(20);
            for (int i = 0; i < 7; i++) appBreakers.report(key, opened, BreakerOutcome.FAILURE, "ops-it");
            assertThat(breakerItem(key).get("state").s()).isEqualTo("OPEN");

            // runbook step 1: list
            Reply list = get("/v1/admin/circuit-breakers", DEV);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().get("scope").asText()).isEqualTo("shared");
            JsonNode mine = null;
            for (JsonNode b : list.json().get("data")) if (b.get("service_name").asText().equals(key)) mine = b;
            assertThat(mine).as(list.raw().body()).isNotNull();
            assertThat(mine.get("server").asText()).isEqualTo(service);
            assertThat(mine.get("tenant_id").asText()).isEqualTo(tenant);
            assertThat(mine.get("state").asText()).isEqualTo("OPEN");
            assertThat(mine.get("failures").asInt()).isEqualTo(7);
            assertThat(mine.get("opened_at").asText()).isEqualTo(Timestamps.format(opened));

            // a message sent while it is open is deferred, not sent
            Reply deferred = post("/v1/notifications", DEV, "{\"tenant_id\": \"" + tenant + "\", \"message\": \"while open\"}");
            assertThat(deferred.status()).isEqualTo(202);
            String y = deferred.json().get("notification_id").asText();
            await(Duration.ofSeconds(15), () -> {
                Map<String, AttributeValue> n = notification(y);
                return n.containsKey("deferrals") && !"0".equals(n.get("deferrals").n());
            }, "the message to be deferred");
            assertThat(ntfy.count()).isZero();
            assertThat(gauge(service)).isEqualTo(1.0);

            // who may not: a tenant key; what is refused: a malformed server or tenant, an unknown breaker
            String tenantKey = tenantKey(tenant);
            assertThat(post("/v1/admin/circuit-breakers/" + server + "/" + tenant + "/reset", tenantKey, "").status()).isEqualTo(403);
            assertThat(get("/v1/admin/circuit-breakers", tenantKey).status()).isEqualTo(403);
            Reply malformed = post("/v1/admin/circuit-breakers/bad_host!/-x/reset", DEV, "");
            assertThat(malformed.status()).isEqualTo(422);
            assertThat(malformed.json().get("error").get("details").toString()).contains("path.server", "path.tenant_id");
            Reply unknown = post("/v1/admin/circuit-breakers/" + server + "/nobody-here/reset", DEV, "");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.code()).isEqualTo("BREAKER_NOT_FOUND");

            // runbook step 2: reset
            Reply reset = post("/v1/admin/circuit-breakers/" + server + "/" + tenant + "/reset", DEV, "");
            assertThat(reset.status()).as(reset.raw().body()).isEqualTo(200);
            assertThat(reset.json().get("previous_state").asText()).isEqualTo("OPEN");
            assertThat(reset.json().get("state").asText()).isEqualTo("CLOSED");
            assertThat(reset.json().get("scope").asText()).isEqualTo("shared");
            assertThat(reset.json().get("reset_by").asText()).isEqualTo("key:dev");
            Map<String, AttributeValue> item = breakerItem(key);
            assertThat(item.get("state").s()).isEqualTo("CLOSED");
            assertThat(item.get("failure_times").l()).isEmpty();
            assertThat(item).doesNotContainKey("opened_at");
            assertThat(gauge(service)).isEqualTo(0.0);
            ILoggingEvent line = logs.list.stream().filter(e -> "manual_reset".equals(field(e, "reason"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no manual_reset line in " + logs.list));
            assertThat(field(line, "event")).isEqualTo("circuit_breaker_state_changed");
            assertThat(field(line, "from")).hasToString("OPEN");
            assertThat(field(line, "to")).hasToString("CLOSED");
            assertThat(field(line, "reset_by")).isEqualTo("key:dev");
            assertThat(field(line, "tenant_id")).isEqualTo(tenant);
            JsonNode after = null;
            for (JsonNode b : get("/v1/admin/circuit-breakers", DEV).json().get("data")) {
                if (b.get("service_name").asText().equals(key)) after = b;
            }
            assertThat(after.get("state").asText()).isEqualTo("CLOSED");
            assertThat(after.get("failures").asInt()).isZero();

            // the breaker would still be OPEN without the reset: a new message goes out at once
            Reply fresh = post("/v1/notifications", DEV, "{\"tenant_id\": \"" + tenant + "\", \"message\": \"after reset\"}");
            String z = fresh.json().get("notification_id").asText();
            awaitStatus(z, "completed", Duration.ofSeconds(15));
            assertThat(notification(z).get("deferrals").n()).isEqualTo("0");
            assertThat(notification(z).get("attempts").n()).isEqualTo("1");
            // and the deferred one is delivered when its delayed copy comes back (by its next_attempt_at)
            awaitStatus(y, "completed", Duration.ofSeconds(45));
            assertThat(notification(y).get("attempts").n()).isEqualTo("1");
            assertThat(ntfy.received).extracting(FakeNtfyServer.Received::body)
                    .anyMatch(b -> b.startsWith("while open")).anyMatch(b -> b.startsWith("after reset"));
            assertThat(ntfy.count()).isEqualTo(2);
        } finally {
            breakerLog.detachAppender(logs);
        }
    }

    @Test
    void pausedRunCreationAnswers503AndSkipsTheSchedulerUntilResumed() {
        String tenant = scheduledTenant("ops-pause", 3);
        String other = plainTenant("ops-other");
        String tenantKey = tenantKey(tenant);
        String body = "{\"tenant_id\": \"" + tenant + "\"}";

        // a run queued before the pause finishes normally
        Reply before = post("/v1/runs", DEV, body);
        assertThat(before.status()).isEqualTo(202);
        String earlier = before.json().get("run_id").asText();

        // refused: tenant keys, no reason, unknown tenant
        assertThat(put("/v1/admin/pauses/tenants/" + tenant, tenantKey, "{\"reason\": \"x\"}").status()).isEqualTo(403);
        assertThat(get("/v1/admin/pauses", tenantKey).status()).isEqualTo(403);
        Reply noReason = put("/v1/admin/pauses/tenants/" + tenant, DEV, "{}");
        assertThat(noReason.status()).isEqualTo(422);
        assertThat(noReason.json().get("error").get("details").get(0).get("path").asText()).isEqualTo("reason");
        assertThat(put("/v1/admin/pauses/tenants/nobody-here", DEV, "{\"reason\": \"x\"}").code()).isEqualTo("TENANT_NOT_FOUND");

        // runbook: pause one tenant
        Reply paused = put("/v1/admin/pauses/tenants/" + tenant, DEV, "{\"reason\": \"vendor-a feed is being replaced\"}");
        assertThat(paused.status()).as(paused.raw().body()).isEqualTo(200);
        assertThat(paused.json().get("scope").asText()).isEqualTo("tenant");
        assertThat(paused.json().get("paused_by").asText()).isEqualTo("key:dev");
        Reply state = get("/v1/admin/pauses", DEV);
        assertThat(state.json().get("global").isNull()).isTrue();
        assertThat(state.json().get("tenants").toString()).contains(tenant, "vendor-a feed is being replaced");

        for (String key : List.of(DEV, tenantKey)) {
            Reply refused = post("/v1/runs", key, body);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.code()).isEqualTo("RUN_CREATION_PAUSED");
            assertThat(refused.header("Retry-After")).isEqualTo("60");
            assertThat(refused.json().get("pause").get("scope").asText()).isEqualTo("tenant");
            assertThat(refused.json().get("pause").get("reason").asText()).isEqualTo("vendor-a feed is being replaced");
            assertThat(refused.json().get("pause").has("paused_by")).isFalse();
        }
        // other tenants are not affected
        Reply otherRun = post("/v1/runs", DEV, "{\"tenant_id\": \"" + other + "\"}");
        assertThat(otherRun.status()).isEqualTo(202);

        // the scheduler's fire is claimed and skipped
        double skippedBefore = skipped("paused");
        List<Scheduler.FireResult> fires = scheduler.tick(Instant.parse("2020-01-01T03:00:00Z"));
        assertThat(fires).filteredOn(f -> f.tenantId().equals(tenant))
                .containsExactly(new Scheduler.FireResult(tenant, Instant.parse("2020-01-01T03:00:00Z"), Outcome.SKIPPED_PAUSED, null));
        assertThat(skipped("paused")).isEqualTo(skippedBefore + 1);
        assertThat(awaitRunEnded(earlier)).isEqualTo("SUCCEEDED");

        // runbook: pause everything, then lift it
        assertThat(put("/v1/admin/pauses/global", DEV, "{\"reason\": \"database migration\"}").status()).isEqualTo(200);
        awaitRunEnded(otherRun.json().get("run_id").asText());
        Reply global = post("/v1/runs", DEV, "{\"tenant_id\": \"" + other + "\"}");
        assertThat(global.status()).isEqualTo(503);
        assertThat(global.json().get("pause").get("scope").asText()).isEqualTo("global");
        assertThat(delete("/v1/admin/pauses/global", DEV).status()).isEqualTo(204);
        assertThat(delete("/v1/admin/pauses/global", DEV).code()).isEqualTo("PAUSE_NOT_FOUND");

        // runbook: resume the tenant → runs are accepted again
        assertThat(delete("/v1/admin/pauses/tenants/" + tenant, DEV).status()).isEqualTo(204);
        assertThat(delete("/v1/admin/pauses/tenants/" + tenant, DEV).code()).isEqualTo("PAUSE_NOT_FOUND");
        assertThat(get("/v1/admin/pauses", DEV).json().get("tenants").toString()).doesNotContain(tenant);
        Reply resumed = post("/v1/runs", DEV, body);
        assertThat(resumed.status()).as(resumed.raw().body()).isEqualTo(202);
        awaitRunEnded(resumed.json().get("run_id").asText());
    }

    @Test
    void aScheduleFiredByHandCreatesTheSchedulersRunAndRespectsTheLock() {
        String tenant = scheduledTenant("ops-fire", 4);
        String unscheduled = plainTenant("ops-nosched");
        String path = "/v1/admin/tenants/" + tenant + "/schedule/fire";

        assertThat(post(path, tenantKey(tenant), "").status()).isEqualTo(403);
        assertThat(post("/v1/admin/tenants/nobody-here/schedule/fire", DEV, "").code()).isEqualTo("TENANT_NOT_FOUND");
        Reply noSchedule = post("/v1/admin/tenants/" + unscheduled + "/schedule/fire", DEV, "");
        assertThat(noSchedule.status()).isEqualTo(422);
        assertThat(noSchedule.code()).isEqualTo("SCHEDULE_NOT_CONFIGURED");

        // runbook: fire it
        Reply fired = send(request(path).header("X-API-Key", DEV).header("X-Correlation-Id", "ops-fire-1")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(fired.status()).as(fired.raw().body()).isEqualTo(202);
        String runId = fired.json().get("run_id").asText();
        assertThat(fired.header("Location")).isEqualTo("/v1/runs/" + runId);
        assertThat(fired.json().get("created_by").asText()).isEqualTo("scheduler");
        assertThat(fired.json().get("requested_by").asText()).isEqualTo("key:dev");
        assertThat(fired.json().get("correlation_id").asText()).isEqualTo("ops-fire-1");
        assertThat(fired.json().get("config_version").asInt()).isEqualTo(1);
        assertThat(awaitRunEnded(runId)).isEqualTo("SUCCEEDED");

        // the same lock as every run: with an active run the answer is 409 naming it
        String active = UUID.randomUUID().toString();
        String now = Timestamps.format(Instant.now());
        Map<String, AttributeValue> run = new HashMap<>();
        run.put("run_id", AttributeValue.fromS(active));
        run.put("item_type", AttributeValue.fromS("RUN"));
        run.put("tenant_id", AttributeValue.fromS(tenant));
        run.put("config_version", AttributeValue.fromN("1"));
        run.put("status", AttributeValue.fromS("RUNNING"));
        run.put("stage", AttributeValue.fromS("NORMALIZE"));
        run.put("requested_at", AttributeValue.fromS(now));
        run.put("created_by", AttributeValue.fromS("api"));
        assertThat(runs.createWithLock(run, now)).isEqualTo(RunRepository.TxOutcome.COMMITTED);
        Reply locked = post(path, DEV, "");
        assertThat(locked.status()).isEqualTo(409);
        assertThat(locked.code()).isEqualTo("TENANT_ALREADY_RUNNING");
        assertThat(locked.json().get("active_run_id").asText()).isEqualTo(active);

        // the schedule's own fire is still there: the hand-fired run wrote no claim for it
        List<Scheduler.FireResult> fires = scheduler.tick(Instant.parse("2020-01-01T04:00:00Z"));
        assertThat(fires).filteredOn(f -> f.tenantId().equals(tenant)).extracting(Scheduler.FireResult::outcome)
                .containsExactly(Outcome.SKIPPED_ACTIVE);
    }
}
