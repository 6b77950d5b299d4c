package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.notify.BreakerState.State;
import com.relay.notify.NotificationDelivery.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17 defect 7: the breaker is per server and tenant. Tenant A's topic answers 429; two of its
 * messages make 5 counted failures (the default threshold) on the shared host and open A's
 * breaker — and only A's: tenant B's message to the same host is delivered, not deferred.
 */
class TenantBreakerTest {

    @RegisterExtension
    static final AwsEmulatorsExtension aws = new AwsEmulatorsExtension();

    private static final String URL = "https://ntfy.example.com";

    @Test
    void oneTenantsFailuresDoNotOpenAnotherTenantsBreakerOnTheSameHost() {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of()); // CB_FAILURE_THRESHOLD 5, 4 attempts per delivery
        h.ntfyByRequest = r -> r.uri().getPath().equals("/topic-a") ? AttemptResult.http(429, "", null)
                : AttemptResult.http(200, "{\"id\":\"b-ok\"}", null);

        String a1 = h.record("tenant_a", URL, null, "topic-a");
        assertThat(h.receive(a1)).isEqualTo(Outcome.REDELIVERY_SCHEDULED); // 4 counted failures
        h.at(10);
        String a2 = h.record("tenant_a", URL, null, "topic-a");
        assertThat(h.receive(a2)).isEqualTo(Outcome.DEFERRED); // the 5th opened A's breaker, retry 1 refused
        int requestsBeforeB = h.requests.size();

        h.at(12);
        String b = h.record("tenant_b", URL, null, "topic-b");
        assertThat(h.receive(b)).isEqualTo(Outcome.DELETED);
        assertThat(h.s(b, "status")).isEqualTo("completed");
        assertThat(h.n(b, "deferrals")).isZero();
        assertThat(h.requests).hasSize(requestsBeforeB + 1);
        assertThat(h.requests.get(requestsBeforeB).uri().getPath()).isEqualTo("/topic-b");
        assertThat(h.breakers.peek(DeliveryHarness.breakerKey("tenant_b")).state()).isEqualTo(State.CLOSED);
        assertThat(h.breakers.peek(DeliveryHarness.breakerKey("tenant_a")).state()).isEqualTo(State.OPEN);

        // A's own breaker still holds A's messages back: received while open → deferred, no request
        h.at(13);
        String a3 = h.record("tenant_a", URL, null, "topic-a");
        assertThat(h.receive(a3)).isEqualTo(Outcome.DEFERRED);
        assertThat(h.requests).hasSize(requestsBeforeB + 1);
        // the per-server gauge shows the worst tenant breaker of that server
        assertThat(h.registry.find("CircuitBreakerState").tag("Service", "ntfy:ntfy.example.com").gauge().value())
                .isEqualTo(1.0);
    }
}
