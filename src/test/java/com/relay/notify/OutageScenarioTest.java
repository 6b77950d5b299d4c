package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.notify.BreakerState.State;
import com.relay.notify.NotificationDelivery.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/CONTRACT.md#outage-scenario-vectors: retry, breaker and deferral together (J = 0, D = 0; 503 until t = 37, then 200). */
class OutageScenarioTest {

    @RegisterExtension
    static final AwsEmulatorsExtension aws = new AwsEmulatorsExtension();

    @Test
    void outageAndRecovery() {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of());
        h.ntfy = t -> t < 37 ? AttemptResult.http(503, "", null) : AttemptResult.http(200, "{\"id\":\"x\"}", null);
        String service = DeliveryHarness.breakerKey(DeliveryHarness.TENANT);

        String a = h.record();
        assertThat(h.receive(a)).isEqualTo(Outcome.REDELIVERY_SCHEDULED);
        assertThat(h.attemptStarts).containsExactly(0.0, 1.0, 3.0, 7.0);
        assertThat(h.n(a, "attempts")).isEqualTo(4);
        assertThat(h.n(a, "deliveries")).isEqualTo(1);
        assertThat(h.s(a, "status")).isEqualTo("processing");
        assertThat(h.visibility().get(0).visibilityTimeout()).isEqualTo(60); // visible again at 67
        assertThat(h.breakers.peek(service).state()).isEqualTo(State.CLOSED);

        h.at(7.5);
        String b = h.record();
        assertThat(h.receive(b)).isEqualTo(Outcome.DEFERRED);
        BreakerState open = h.breakers.peek(service);
        assertThat(open.state()).isEqualTo(State.OPEN);
        assertThat(open.openedAt()).isEqualTo(h.instant(7.5));
        assertThat(h.seconds()).isEqualTo(8.5); // B asked for retry 1 at 8.5 and was rejected
        assertThat(h.copies()).singleElement().satisfies(m -> assertThat(m.delaySeconds()).isEqualTo(29));
        assertThat(h.deleted()).containsExactly(h.receipt(2)); // the received message is replaced by the copy
        assertThat(h.depth()).isEqualTo(new DeliveryHarness.Depth(0, 1, 1)); // A in flight, B's copy delayed
        assertThat(h.s(b, "last_error")).isEqualTo("circuit open; deferred 29 s");
        assertThat(h.sent("deferred")).isEqualTo(1.0);

        h.at(20);
        String c = h.record();
        assertThat(h.receive(c)).isEqualTo(Outcome.DEFERRED);
        assertThat(h.copies().get(1).delaySeconds()).isEqualTo(18);
        assertThat(h.s(c, "status")).isEqualTo("queued"); // rule 6: no lease taken
        assertThat(h.attemptStarts).hasSize(5);

        h.at(37.5);
        assertThat(h.receive(b)).isEqualTo(Outcome.DELETED);
        assertThat(h.breakers.peek(service).state()).isEqualTo(State.HALF_OPEN);
        assertThat(h.breakers.peek(service).halfOpenSuccesses()).isEqualTo(1);
        assertThat(h.s(b, "status")).isEqualTo("completed");
        assertThat(h.n(b, "deliveries")).isEqualTo(2);
        assertThat(h.n(b, "attempts")).isEqualTo(2);
        assertThat(h.n(b, "deferrals")).isEqualTo(1);

        h.at(38);
        assertThat(h.receive(c)).isEqualTo(Outcome.DELETED);
        assertThat(h.breakers.peek(service).state()).isEqualTo(State.CLOSED);
        assertThat(h.s(c, "status")).isEqualTo("completed");
        assertThat(h.n(c, "attempts")).isEqualTo(1);
        assertThat(h.n(c, "deferrals")).isEqualTo(1);

        h.at(67);
        assertThat(h.receive(a)).isEqualTo(Outcome.DELETED);
        assertThat(h.s(a, "status")).isEqualTo("completed");
        assertThat(h.n(a, "deliveries")).isEqualTo(2);
        assertThat(h.n(a, "attempts")).isEqualTo(5);
        assertThat(h.sent("success")).isEqualTo(3.0);
        assertThat(h.sent("deferred")).isEqualTo(2.0);
    }
}
