package com.relay.worker;

import static com.relay.aws.DynamoItems.number;
import static com.relay.aws.DynamoItems.text;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Rules 2–7 of the receive decision table (docs/CONTRACT.md#receiving-a-job), in order, for a job whose body passed rule 1.
 * Pure: the caller reads the run item (consistently) and acts on the answer.
 */
public final class ReceiveDecision {

    public enum Action {
        /** rule 2: no run item, or its tenant/config_version differ from the body (left → DLQ) */
        BAD_MESSAGE,
        /** rule 3: FAILED with POISON_JOB (left → DLQ) */
        POISON_ALREADY_FAILED,
        /** rule 4: terminal (deleted) */
        ALREADY_PROCESSED,
        /** rule 5: RUNNING with a live lease (left, no visibility change) */
        DELIVERY_IGNORED,
        /** rule 6: receive count at the poison limit (terminal write POISON_JOB, left → DLQ) */
        POISON,
        /** rule 7: start an attempt */
        START
    }

    private ReceiveDecision() {}

    public static Action decide(JobMessage job, Map<String, AttributeValue> run, int receiveCount, Instant now,
                                int poisonMaxReceives) {
        if (run == null || run.isEmpty() || !"RUN".equals(text(run, "item_type"))
                || !job.tenantId().equals(text(run, "tenant_id"))
                || !Long.toString(job.configVersion()).equals(number(run, "config_version"))) {
            return Action.BAD_MESSAGE;
        }
        String status = text(run, "status");
        if ("FAILED".equals(status) && "POISON_JOB".equals(text(run, "error_code"))) return Action.POISON_ALREADY_FAILED;
        if ("SUCCEEDED".equals(status) || "FAILED".equals(status)) return Action.ALREADY_PROCESSED;
        if ("RUNNING".equals(status) && leaseLive(run, now)) return Action.DELIVERY_IGNORED;
        if (receiveCount >= poisonMaxReceives) return Action.POISON;
        return Action.START;
    }

    /** A lease is live while {@code lease_expires_at > now} (TS text compares as time). */
    static boolean leaseLive(Map<String, AttributeValue> run, Instant now) {
        String lease = text(run, "lease_expires_at");
        return lease != null && Instant.parse(lease).isAfter(now);
    }
}
