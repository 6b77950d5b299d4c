package com.relay.notify;

import com.relay.secrets.SecretResolver;
import com.relay.secrets.SecretStores;
import com.relay.secrets.AwsSecretStores;
import static org.assertj.core.api.Assertions.assertThat;

import com.relay.config.RelayMode;
import com.relay.notify.NotificationDelivery.Outcome;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/CONTRACT.md#processing-a-notification-message rules, docs/CONTRACT.md#notification-retry-timing-vectors delivery budget and timing, docs/CONTRACT.md#classification-vectors classification, docs/CONTRACT.md#notification-lifecycle-scenarios N5 N6 N8 N9 N10 on the emulators. */
class DeliveryRulesTest {

    @RegisterExtension
    static final AwsEmulatorsExtension aws = new AwsEmulatorsExtension();

    private static Deque<AttemptResult> script(AttemptResult... results) {
        return new ArrayDeque<>(List.of(results));
    }

    private static AttemptResult http(int status) { return AttemptResult.http(status, "", null); }

    private DeliveryHarness harness(Deque<AttemptResult> answers) {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of("CB_FAILURE_THRESHOLD", "1000"));
        h.ntfy = t -> answers.isEmpty() ? http(200) : answers.poll();
        return h;
    }

    @Test
    void success200StoresTheNtfyId() {
        DeliveryHarness h = harness(script(AttemptResult.http(200, "{\"id\":\"abc123\",\"event\":\"message\"}", null)));
        String id = h.record();
        assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
        assertThat(h.s(id, "status")).isEqualTo("completed");
        assertThat(h.s(id, "ntfy_message_id")).isEqualTo("abc123");
        assertThat(h.n(id, "http_status")).isEqualTo(200);
        assertThat(h.n(id, "attempts")).isEqualTo(1);
        assertThat(h.n(id, "deliveries")).isEqualTo(1);
        assertThat(h.deleted()).containsExactly(h.receipt(1));
        assertThat(h.depth()).isEqualTo(new DeliveryHarness.Depth(0, 0, 0));
        assertThat(h.runNotificationStatus(id)).isEqualTo("SENT");
        assertThat(h.sent("success")).isEqualTo(1.0);
        assertThat(h.breakerFailures()).isZero();
    }

    @Test
    void success200WithPlainBody() {
        DeliveryHarness h = harness(script(AttemptResult.http(200, "ok", null)));
        String id = h.record();
        h.receive(id);
        assertThat(h.s(id, "status")).isEqualTo("completed");
        assertThat(h.item(id)).doesNotContainKey("ntfy_message_id");
    }

    @Test
    void twoRetryableFailuresThenSuccessWithTheRetryWaits() {
        DeliveryHarness h = harness(script(http(503), http(503), http(200)));
        String id = h.record();
        h.receive(id);
        assertThat(h.attemptStarts).containsExactly(0.0, 1.0, 3.0);
        assertThat(h.s(id, "status")).isEqualTo("completed");
        assertThat(h.n(id, "attempts")).isEqualTo(3);
        assertThat(h.breakerFailures()).isEqualTo(2);
    }

    @Test
    void four429sScheduleARedelivery() {
        DeliveryHarness h = harness(script(http(429), http(429), http(429), http(429)));
        String id = h.record();
        assertThat(h.receive(id)).isEqualTo(Outcome.REDELIVERY_SCHEDULED);
        assertThat(h.s(id, "status")).isEqualTo("processing");
        assertThat(h.visibility()).singleElement().satisfies(v -> {
            assertThat(v.visibilityTimeout()).isEqualTo(60);
            assertThat(v.receiptHandle()).isEqualTo(h.receipt(1));
        });
        assertThat(h.s(id, "lease_expires_at")).isEqualTo("2026-11-22T14:00:07.000Z"); // released at the outcome
        assertThat(h.s(id, "next_attempt_at")).isEqualTo("2026-11-22T14:01:07.000Z");
        assertThat(h.breakerFailures()).isEqualTo(4);
        assertThat(h.deleted()).isEmpty();
        assertThat(h.depth()).isEqualTo(new DeliveryHarness.Depth(0, 1, 0)); // in flight until the redelivery
    }

    @Test
    void retryableThenRejected() {
        DeliveryHarness h = harness(script(http(502), http(504), http(400)));
        String id = h.record();
        assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
        assertThat(h.s(id, "status")).isEqualTo("failed");
        assertThat(h.s(id, "error_code")).isEqualTo("NTFY_REJECTED");
        assertThat(h.s(id, "error_message")).isEqualTo("ntfy rejected the message: HTTP 400");
        assertThat(h.runNotificationStatus(id)).isEqualTo("FAILED");
        assertThat(h.n(id, "attempts")).isEqualTo(3);
        assertThat(h.breakerFailures()).isEqualTo(2);
        assertThat(h.sent("failure")).isEqualTo(1.0);
    }

    @Test
    void rejectionsAreNeverRetried() {
        for (int status : new int[] {400, 401, 403, 404, 413, 301}) {
            DeliveryHarness h = harness(script(http(status)));
            String id = h.record();
            h.receive(id);
            assertThat(h.requests).hasSize(1);
            assertThat(h.s(id, "error_code")).isEqualTo("NTFY_REJECTED");
            assertThat(h.breakerFailures()).isZero();
        }
        DeliveryHarness h = harness(script(http(500)));
        String id = h.record();
        h.receive(id);
        assertThat(h.s(id, "error_message")).isEqualTo("ntfy rejected the message: HTTP 500");
        assertThat(h.breakerFailures()).isEqualTo(1);
    }

    @Test
    void connectionRefusedFourTimesSchedulesARedelivery() {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of("CB_FAILURE_THRESHOLD", "1000"));
        h.ntfy = t -> AttemptResult.transport(new ConnectException("Connection refused"));
        String id = h.record();
        assertThat(h.receive(id)).isEqualTo(Outcome.REDELIVERY_SCHEDULED);
        assertThat(h.n(id, "attempts")).isEqualTo(4);
        assertThat(h.s(id, "last_error")).isEqualTo("ConnectException Connection refused");
        assertThat(h.item(id)).doesNotContainKey("http_status");
        assertThat(h.breakerFailures()).isEqualTo(4);
    }

    @Test
    void deliveryBudgetOfThreeDeliveries() {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of("CB_FAILURE_THRESHOLD", "1000"));
        h.ntfy = t -> http(503);
        String id = h.record();
        assertThat(h.receive(id)).isEqualTo(Outcome.REDELIVERY_SCHEDULED);
        assertThat(h.visibility().get(0).visibilityTimeout()).isEqualTo(60);
        h.clock.advance(60_000);
        assertThat(h.receive(id)).isEqualTo(Outcome.REDELIVERY_SCHEDULED);
        assertThat(h.visibility().get(1).visibilityTimeout()).isEqualTo(120);
        assertThat(h.visibility().get(1).receiptHandle()).isEqualTo(h.receipt(2));
        h.clock.advance(120_000);
        assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
        assertThat(h.s(id, "status")).isEqualTo("failed");
        assertThat(h.s(id, "error_code")).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(h.s(id, "error_message")).isEqualTo("ntfy unavailable after 12 attempts: HTTP 503");
        assertThat(h.n(id, "deliveries")).isEqualTo(3);
        assertThat(h.n(id, "attempts")).isEqualTo(12);
        assertThat(h.sent("failure")).isEqualTo(1.0);
        assertThat(h.deleted()).containsExactly(h.receipt(3));
        assertThat(h.depth()).isEqualTo(new DeliveryHarness.Depth(0, 0, 0));
    }

    @Test
    void attemptsThatTimeOutTakeTheirTime() {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of("CB_FAILURE_THRESHOLD", "1000"));
        h.attemptMillis = 10_000;
        h.ntfy = t -> AttemptResult.transport(new java.net.http.HttpTimeoutException("request timed out"));
        String id = h.record();
        h.receive(id);
        assertThat(h.attemptStarts).containsExactly(0.0, 11.0, 23.0, 37.0);
        assertThat(h.seconds()).isEqualTo(47.0);
    }

    @Test
    void n5ACopyReceivedWhileTheLeaseIsHeldIsLeftAlone() {
        DeliveryHarness h = harness(script());
        String id = h.record();
        assertThat(h.repository.takeLease(id, "other", h.instant(170), h.instant(0))).isPresent();
        assertThat(h.receive(id)).isEqualTo(Outcome.LEFT);
        assertThat(h.requests).isEmpty();
        assertThat(h.deleted()).isEmpty();
        assertThat(h.visibility()).isEmpty();
        assertThat(h.depth()).isEqualTo(new DeliveryHarness.Depth(0, 1, 0)); // left in flight
    }

    /**
     * The enqueuer sends the message, then marks the record {@code created → queued}; a fast consumer
     * can take the lease in between. The record still says when it was queued (it was: the message
     * was received), instead of ending up without {@code queued_at}.
     */
    @Test
    void aLeaseTakenBeforeTheRecordWasMarkedQueuedRecordsQueuedAt() {
        DeliveryHarness h = harness(script());
        String id = h.createdOnly();
        assertThat(h.s(id, "status")).isEqualTo("created");
        assertThat(h.repository.takeLease(id, "fast", h.instant(170), h.instant(0))).isPresent();
        assertThat(h.s(id, "status")).isEqualTo("processing");
        assertThat(h.s(id, "queued_at")).isEqualTo(h.s(id, "processing_started_at"));
    }

    @Test
    void n4AnExpiredLeaseIsTakenOver() {
        DeliveryHarness h = harness(script());
        String id = h.record();
        h.repository.takeLease(id, "dead", h.instant(170), h.instant(0));
        h.at(180);
        assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
        assertThat(h.n(id, "deliveries")).isEqualTo(2);
        assertThat(h.s(id, "status")).isEqualTo("completed");
    }

    @Test
    void n6AFinalRecordIsDeletedWithoutARequest() {
        DeliveryHarness h = harness(script());
        String id = h.record();
        h.receive(id);
        assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
        assertThat(h.requests).hasSize(1);
    }

    @Test
    void badMessagesAreLeftAndCounted() {
        DeliveryHarness h = harness(script());
        assertThat(h.receiveRaw("{}")).isEqualTo(Outcome.LEFT);
        assertThat(h.receiveRaw("not json")).isEqualTo(Outcome.LEFT);
        assertThat(h.receive("7d0c6b8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e")).isEqualTo(Outcome.LEFT); // no record
        assertThat(h.metrics.counter("WorkerError", "ErrorType", "notification_bad_message")).isEqualTo(3.0);
        assertThat(h.deleted()).isEmpty();
        assertThat(h.depth()).isEqualTo(new DeliveryHarness.Depth(0, 3, 0)); // all left in flight
    }

    @Test
    void n8AMissingTokenIsAConfigErrorWithoutTheSecret() {
        DeliveryHarness h = harness(script());
        String id = h.record("https://ntfy.example.com", "env:RELAY_SECRET_ACME_PARTS_MISSING");
        assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
        assertThat(h.s(id, "status")).isEqualTo("failed");
        assertThat(h.s(id, "error_code")).isEqualTo("CONFIG_ERROR");
        assertThat(h.s(id, "error_message")).startsWith("token secret could not be resolved: ");
        assertThat(h.requests).isEmpty();
        String ssm = h.record("https://ntfy.example.com", "ssm:/relay/ntfy/acme_parts/publisher");
        h.receive(ssm);
        assertThat(h.s(ssm, "error_code")).isEqualTo("CONFIG_ERROR");
    }

    @Test
    void anotherTenantsVariableIsRefusedLikeAMissingOneAndNeverSent() {
        // issue 17 #6: a record of acme_parts naming globex's variable (set, with a value)
        DeliveryHarness h = harness(script());
        String foreign = h.record("https://ntfy.example.com", "env:RELAY_SECRET_GLOBEX_NTFY");
        String legacy = h.record("https://ntfy.example.com", "env:RELAY_NTFY_TOKEN_GLOBEX");
        String missing = h.record("https://ntfy.example.com", "env:RELAY_SECRET_ACME_PARTS_MISSING");
        for (String id : List.of(foreign, legacy, missing)) {
            assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
            assertThat(h.s(id, "error_code")).isEqualTo("CONFIG_ERROR");
            assertThat(h.s(id, "error_message")).isEqualTo("token secret could not be resolved: " + SecretResolver.ENV_UNAVAILABLE);
        }
        assertThat(h.requests).isEmpty();
    }

    @Test
    void aResolvedTokenIsSentAsBearerAndStoredNowhere() {
        DeliveryHarness h = harness(script());
        String id = h.record("https://ntfy.example.com", "env:RELAY_SECRET_ACME_PARTS_NTFY");
        h.receive(id);
        assertThat(h.requests.get(0).headers()).containsEntry("Authorization", "Bearer tk_example0000000000000000000000");
        assertThat(h.item(id).toString()).doesNotContain("tk_example");
        assertThat(h.requests.get(0).toString()).doesNotContain("tk_example");
    }

    @Test
    void n9AnExpiredNotificationFails() {
        DeliveryHarness h = harness(script());
        String id = h.record();
        h.at(86_401);
        assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
        assertThat(h.s(id, "error_code")).isEqualTo("EXPIRED");
        assertThat(h.s(id, "error_message")).isEqualTo("notification expired after 86401 seconds without delivery");
        assertThat(h.requests).isEmpty();
        assertThat(h.sent("failure")).isEqualTo(1.0);
    }

    @Test
    void n10APrivateDestinationIsRefusedInAwsMode() {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of("RELAY_MODE", "aws", "ARTIFACT_BUCKET", "b", "TENANTS_TABLE", "t",
                "RUNS_TABLE", "r", "NOTIFICATIONS_TABLE", "n", "SQS_QUEUE_URL", "http://q/j", "NOTIFICATIONS_QUEUE_URL", "http://q/n",
                "AWS_REGION", "us-east-1"), RelayMode.AWS);
        String id = h.record("https://10.0.0.5", null);
        assertThat(h.receive(id)).isEqualTo(Outcome.DELETED);
        assertThat(h.s(id, "error_code")).isEqualTo("CONFIG_ERROR");
        assertThat(h.s(id, "error_message")).isEqualTo("destination 10.0.0.5 is not allowed");
        assertThat(h.requests).isEmpty();
    }
}
