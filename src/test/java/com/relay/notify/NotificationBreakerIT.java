package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.config.RelaySettings;
import com.relay.notify.BreakerState.State;
import com.relay.notify.Classification.BreakerOutcome;
import com.relay.notify.FakeNtfyServer.Answer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The circuit breaker in the running notifier (threshold 7 in these ITs, open 3 s, 2 half-open
 * successes, state in CIRCUIT_BREAKER_TABLE) under scripted failures, deferral while open and
 * recovery; and two breaker instances sharing one table item (docs/CONTRACT.md#circuit-breaker-vectors B13).
 */
class NotificationBreakerIT extends NotifyTestSupport {

    @Autowired RelaySettings settings;
    @Autowired CircuitBreakers appBreakers;
    @Autowired MeterRegistry registry;

    private Map<String, AttributeValue> breakerItem(String service) {
        return dynamoDb.getItem(b -> b.tableName(settings.resources().circuitBreakerTable()).consistentRead(true)
                .key(Map.of("service_name", AttributeValue.fromS(service)))).item();
    }

    private double gauge(String service) {
        return registry.find("CircuitBreakerState").tag("Service", service).tag("Environment", "test").gauge().value();
    }

    private double deferred() {
        var c = registry.find("NotificationsSent").tag("Status", "deferred").tag("Environment", "test").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void opensUnderFailuresDefersAndRecovers() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer().otherwise(Answer.status(503))) {
            String service = "ntfy:127.0.0.1:" + ntfy.port();
            String tenant = createTenant("breaker", ntfy.url());
            String key = CircuitBreakers.key(service, tenant);

            String x = failedRun(tenant, "FAILED").get("notification_id").s();
            awaitStatus(x, "failed", Duration.ofSeconds(30)); // 2 deliveries x 3 attempts = 6 counted failures
            Map<String, AttributeValue> item = breakerItem(key);
            assertThat(item.get("state").s()).isEqualTo("CLOSED");
            assertThat(item.get("failure_times").l()).hasSize(6);
            assertThat(gauge(service)).isEqualTo(0.0);

            double deferredBefore = deferred();
            String y = failedRun(tenant, "FAILED").get("notification_id").s();
            await(Duration.ofSeconds(15), () -> {
                Map<String, AttributeValue> n = notification(y);
                return n.containsKey("deferrals") && !"0".equals(n.get("deferrals").n());
            }, "y to be deferred");
            item = breakerItem(key);
            assertThat(item.get("state").s()).isEqualTo("OPEN");
            assertThat(item).containsKey("opened_at");
            assertThat(gauge(service)).isEqualTo(1.0);
            assertThat(notification(y).get("attempts").n()).isEqualTo("1"); // the 7th failure opened it; retry 1 was refused
            assertThat(notification(y).get("last_error").s()).matches("circuit open; deferred [1-3] s");
            assertThat(notification(y).get("status").s()).isEqualTo("processing");
            // counted after the deferral's SQS copy is sent, which is after the record shows it
            await(Duration.ofSeconds(5), () -> deferred() > deferredBefore, "the deferred counter to move");

            ntfy.otherwise(Answer.ok("recovered"));
            String z = failedRun(tenant, "FAILED").get("notification_id").s(); // received while OPEN: rule 6
            await(Duration.ofSeconds(10), () -> {
                Map<String, AttributeValue> n = notification(z);
                return "completed".equals(n.get("status").s())
                        || (n.containsKey("deferrals") && !"0".equals(n.get("deferrals").n()));
            }, "z deferred or delivered");
            awaitStatus(y, "completed", Duration.ofSeconds(20));
            awaitStatus(z, "completed", Duration.ofSeconds(20));
            await(Duration.ofSeconds(5), () -> "CLOSED".equals(breakerItem(key).get("state").s()), "the breaker to close");
            item = breakerItem(key);
            assertThat(item.get("failure_times").l()).isEmpty();
            assertThat(Long.parseLong(item.get("version").n())).isGreaterThan(7);
            assertThat(gauge(service)).isEqualTo(0.0);
            Map<String, AttributeValue> yRecord = notification(y);
            // y's and z's delayed copies arrive together once the breaker half-opens: whichever is
            // second may find the probe in flight and be deferred once more (a third lease, no attempt)
            assertThat(yRecord.get("deliveries").n()).isIn("2", "3");
            assertThat(yRecord.get("attempts").n()).isEqualTo("2");
            assertThat(Integer.parseInt(yRecord.get("deferrals").n())).isGreaterThanOrEqualTo(1);
            assertThat(notification(z).get("attempts").n()).isEqualTo("1");
            assertThat(ntfy.count()).isEqualTo(6 + 1 + 2);
        }
    }

    /**
     * Issue 17 defect 7 over the wire: tenant A's topic answers 429 on a host tenant B uses too.
     * A's failures open A's breaker (shared table item {@code ntfy:<host>:<port>#<A>}); B's message
     * to the same host is delivered at once, never deferred.
     */
    @Test
    void aTenantsFailuresOpenOnlyItsOwnBreakerOnASharedHost() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer().forTopic("topic-a", Answer.status(429))
                .otherwise(Answer.ok("b-ok"))) {
            String service = "ntfy:127.0.0.1:" + ntfy.port();
            String a = createTenant("cb-a", ntfy.url(), "topic-a");
            String b = createTenant("cb-b", ntfy.url(), "topic-b");

            String x = failedRun(a, "FAILED").get("notification_id").s();
            awaitStatus(x, "failed", Duration.ofSeconds(30)); // 2 deliveries x 3 attempts = 6 counted failures
            String y = failedRun(a, "FAILED").get("notification_id").s(); // the 7th opens A's breaker
            await(Duration.ofSeconds(15), () -> {
                Map<String, AttributeValue> n = notification(y);
                return n.containsKey("deferrals") && !"0".equals(n.get("deferrals").n());
            }, "y to be deferred");
            Map<String, AttributeValue> itemA = breakerItem(CircuitBreakers.key(service, a));
            assertThat(itemA.get("state").s()).isEqualTo("OPEN");
            assertThat(itemA.get("server").s()).isEqualTo(service);
            assertThat(itemA.get("tenant_id").s()).isEqualTo(a);
            assertThat(breakerItem(service)).isNullOrEmpty(); // no per-host item any more

            String z = failedRun(b, "FAILED").get("notification_id").s();
            awaitStatus(z, "completed", Duration.ofSeconds(10));
            Map<String, AttributeValue> zRecord = notification(z);
            assertThat(zRecord.get("attempts").n()).isEqualTo("1");
            assertThat(zRecord.get("deferrals").n()).isEqualTo("0");
            assertThat(ntfy.received).filteredOn(r -> r.path().equals("/topic-b")).hasSize(1);
            assertThat(ntfy.received).filteredOn(r -> r.path().equals("/topic-a")).hasSize(7);
            Map<String, AttributeValue> itemB = breakerItem(CircuitBreakers.key(service, b));
            assertThat(itemB == null || itemB.isEmpty() || "CLOSED".equals(itemB.get("state").s())).isTrue();
            assertThat(gauge(service)).isEqualTo(1.0); // per server: the worst of its tenants' breakers
        }
    }

    @Test
    void twoInstancesShareOneBreakerThroughTheTable() {
        String table = settings.resources().circuitBreakerTable();
        BreakerRules rules = new BreakerRules(5, Duration.ofSeconds(60), Duration.ofSeconds(30), 2, Duration.ofSeconds(15));
        NotifyMetrics metrics = new NotifyMetrics(registry, settings);
        CircuitBreakers a = new CircuitBreakers(rules, new DynamoBreakerStore(dynamoDb, table, Clock.systemUTC()), metrics);
        CircuitBreakers b = new CircuitBreakers(rules, new DynamoBreakerStore(dynamoDb, table, Clock.systemUTC()), metrics);
        CircuitBreakers aLocal = new CircuitBreakers(rules, null, metrics);
        CircuitBreakers bLocal = new CircuitBreakers(rules, null, metrics);
        String service = "ntfy:shared-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        Instant t = Instant.now();
        for (int i = 0; i < 3; i++) {
            a.report(service, t.plusSeconds(i), BreakerOutcome.FAILURE, "c-a");
            aLocal.report(service, t.plusSeconds(i), BreakerOutcome.FAILURE, "c-a");
        }
        for (int i = 3; i < 5; i++) {
            b.report(service, t.plusSeconds(i), BreakerOutcome.FAILURE, "c-b");
            bLocal.report(service, t.plusSeconds(i), BreakerOutcome.FAILURE, "c-b");
        }
        assertThat(a.peek(service).state()).isEqualTo(State.OPEN);
        assertThat(b.peek(service).state()).isEqualTo(State.OPEN);
        assertThat(appBreakers.peek(service).state()).isEqualTo(State.OPEN); // the application's own instance
        assertThat(a.permission(service, t.plusSeconds(6), "c").granted()).isFalse();
        assertThat(aLocal.peek(service).state()).isEqualTo(State.CLOSED);
        assertThat(bLocal.peek(service).state()).isEqualTo(State.CLOSED);
        Map<String, AttributeValue> item = breakerItem(service);
        assertThat(item.get("version").n()).isEqualTo("5");
        assertThat(item.get("failure_times").l()).hasSize(5);
        assertThat(item).containsKeys("updated_at", "ttl", "opened_at");
    }
}
