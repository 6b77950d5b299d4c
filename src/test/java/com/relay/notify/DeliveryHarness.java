package com.relay.notify;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.runs.RunCompletion;
import com.relay.tenants.config.TenantConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link NotificationDelivery} on fakes: an in-memory repository with the §3.2 conditions, a
 * recording SQS, a scripted ntfy, a clock the sleeper advances and fixed jitter. Times are
 * seconds from {@link BreakerTestSupport#ORIGIN}.
 */
final class DeliveryHarness {

    final MutableClock clock = new MutableClock(BreakerTestSupport.ORIGIN);
    final InMemoryNotificationRepository repository = new InMemoryNotificationRepository();
    final FakeSqs sqs = new FakeSqs();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final NotifyMetrics metrics;
    final CircuitBreakers breakers;
    final NotificationDelivery delivery;
    final List<Double> attemptStarts = new ArrayList<>();
    final List<NtfyRequest> requests = new ArrayList<>();
    final RelaySettings settings;
    Function<Double, AttemptResult> ntfy = t -> AttemptResult.http(200, "{\"id\":\"abc123\"}", null);
    long attemptMillis = 0;
    int receipts;

    DeliveryHarness(Map<String, String> env) {
        this(env, RelayMode.EMBEDDED);
    }

    DeliveryHarness(Map<String, String> env, RelayMode mode) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("ENVIRONMENT", "prod");
        all.putIfAbsent("NOTIFY_RETRY_JITTER_MAX_MS", "0");
        all.putIfAbsent("NOTIFY_DEFER_JITTER_MAX_SECONDS", "0");
        settings = RelaySettings.load(all::get);
        metrics = new NotifyMetrics(registry, settings);
        breakers = new CircuitBreakers(BreakerRules.of(settings.notifier()), null, metrics);
        NtfyClient client = request -> {
            double t = seconds();
            attemptStarts.add(t);
            requests.add(request);
            clock.advance(attemptMillis);
            return ntfy.apply(t);
        };
        TokenResolver tokens = new TokenResolver(mode, Map.of("RELAY_NTFY_TOKEN_ACME", "tk_example0000000000000000000000")::get,
                Duration.ofSeconds(300), clock);
        delivery = new NotificationDelivery(repository, breakers, client, tokens,
                new DestinationPolicy(mode == RelayMode.AWS, settings.notifier().allowedPrivateHosts()), metrics, sqs,
                "http://sqs/notifications", settings.notifier(), clock, max -> 0, clock::advance);
    }

    double seconds() {
        return Duration.between(BreakerTestSupport.ORIGIN, clock.instant()).toMillis() / 1000.0;
    }

    void at(double t) { clock.set(BreakerTestSupport.at(t)); }

    static TenantConfig.Ntfy ntfy(String url, String tokenRef) {
        return new TenantConfig.Ntfy(true, url, "acme-parts-relay", tokenRef, List.of("SUCCEEDED", "FAILED"),
                Map.of("SUCCEEDED", 3, "FAILED", 4), null);
    }

    /** A queued run-completion record created now; returns its id. */
    String record(String url, String tokenRef) {
        NotificationRecords records = new NotificationRecords("prod", 90);
        String id = NotificationRecords.newId();
        RunCompletion run = new RunCompletion("3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "acme_parts", 3, "FAILED", "MERGE_PRICE",
                "scheduler", "2026-11-22T14:00:00.412Z", "2026-11-22T14:00:09.118Z", 8113L, 1250, "MERGE_PRICE",
                "validation_errors", "validation errors", "5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10");
        Map<String, AttributeValue> r = records.runCompletion(ntfy(url, tokenRef), run, clock.instant(), id);
        repository.create(r);
        repository.markQueued(id, clock.instant());
        return id;
    }

    String record() { return record("https://ntfy.example.com", null); }

    static String body(String id) {
        return "{\"notification_id\":\"" + id + "\",\"tenant_id\":\"acme_parts\",\"correlation_id\":\"c-1\"}";
    }

    NotificationDelivery.Outcome receive(String id) {
        return delivery.handle(body(id), "r" + (++receipts), null);
    }

    Map<String, AttributeValue> item(String id) { return repository.items.get(id); }

    String s(String id, String k) {
        AttributeValue v = item(id).get(k);
        return v == null ? null : v.s();
    }

    long n(String id, String k) {
        AttributeValue v = item(id).get(k);
        return v == null ? 0 : Long.parseLong(v.n());
    }

    double sent(String status) { return metrics.counter("NotificationsSent", "Status", status); }

    int breakerFailures() {
        return breakers.peek("ntfy:ntfy.example.com").failureTimes().size();
    }

    Instant instant(double t) { return BreakerTestSupport.at(t); }
}
