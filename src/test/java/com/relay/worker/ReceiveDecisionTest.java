package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.worker.ReceiveDecision.Action;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The receive decision table of docs/CONTRACT.md#receiving-a-job, rules 2–7, in order. */
class ReceiveDecisionTest {

    private static final Instant NOW = Instant.parse("2026-11-22T08:46:32.512Z");
    private static final JobMessage JOB = new JobMessage("3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "acme", 3, "c");

    private static Map<String, AttributeValue> run(String status, String errorCode, String lease) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("run_id", AttributeValue.fromS(JOB.runId()));
        m.put("item_type", AttributeValue.fromS("RUN"));
        m.put("tenant_id", AttributeValue.fromS("acme"));
        m.put("config_version", AttributeValue.fromN("3"));
        m.put("status", AttributeValue.fromS(status));
        if (errorCode != null) m.put("error_code", AttributeValue.fromS(errorCode));
        if (lease != null) m.put("lease_expires_at", AttributeValue.fromS(lease));
        return m;
    }

    @ParameterizedTest(name = "{0} {1} lease={2} rc={3} → {4}")
    @CsvSource(nullValues = "-", value = {
            "FAILED,    POISON_JOB,          -,                        1, POISON_ALREADY_FAILED",
            "FAILED,    validation_errors,   -,                        5, ALREADY_PROCESSED",
            "SUCCEEDED, -,                   -,                        1, ALREADY_PROCESSED",
            "RUNNING,   -,                   2026-11-22T08:46:32.513Z, 9, DELIVERY_IGNORED",
            "RUNNING,   -,                   2026-11-22T08:46:32.512Z, 1, START",
            "RUNNING,   -,                   -,                        2, START",
            "RUNNING,   -,                   2026-11-22T08:00:00.000Z, 3, POISON",
            "QUEUED,    -,                   -,                        3, POISON",
            "QUEUED,    -,                   -,                        2, START",
            "QUEUED,    -,                   -,                        1, START"})
    void rulesInOrder(String status, String errorCode, String lease, int rc, Action expected) {
        assertThat(ReceiveDecision.decide(JOB, run(status, errorCode, lease), rc, NOW, 3)).isEqualTo(expected);
    }

    @Test
    void aMissingOrMismatchedRunIsABadMessage() {
        assertThat(ReceiveDecision.decide(JOB, null, 1, NOW, 3)).isEqualTo(Action.BAD_MESSAGE);
        assertThat(ReceiveDecision.decide(JOB, Map.of(), 1, NOW, 3)).isEqualTo(Action.BAD_MESSAGE);
        Map<String, AttributeValue> otherTenant = run("QUEUED", null, null);
        otherTenant.put("tenant_id", AttributeValue.fromS("beta"));
        assertThat(ReceiveDecision.decide(JOB, otherTenant, 1, NOW, 3)).isEqualTo(Action.BAD_MESSAGE);
        Map<String, AttributeValue> otherVersion = run("QUEUED", null, null);
        otherVersion.put("config_version", AttributeValue.fromN("2"));
        assertThat(ReceiveDecision.decide(JOB, otherVersion, 1, NOW, 3)).isEqualTo(Action.BAD_MESSAGE);
        Map<String, AttributeValue> lock = run("QUEUED", null, null);
        lock.put("item_type", AttributeValue.fromS("TENANT_LOCK"));
        assertThat(ReceiveDecision.decide(JOB, lock, 1, NOW, 3)).isEqualTo(Action.BAD_MESSAGE);
    }
}
