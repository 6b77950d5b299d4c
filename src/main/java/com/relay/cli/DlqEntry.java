package com.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.worker.JobMessage;
import java.time.Instant;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What an operator needs to know about one DLQ message: SQS facts and the ids from the body,
 * which is authoritative (docs/CONTRACT.md#job-message: jobs carry {@code run_id}/{@code tenant_id};
 * docs/CONTRACT.md#notifications-queue: {@code notification_id}/{@code tenant_id}). {@code badBody} is set instead of the ids when
 * the body cannot be read.
 */
record DlqEntry(Message message, Instant sentAt, int receiveCount, String id, String tenantId, String badBody) {

    private static final ObjectMapper JSON = new ObjectMapper();

    boolean parsed() { return badBody == null; }

    static DlqEntry of(Message m, DlqArguments.Queue queue) {
        Instant sentAt = millis(m, MessageSystemAttributeName.SENT_TIMESTAMP);
        String rc = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        int receiveCount = rc == null ? 0 : Integer.parseInt(rc);
        if (queue == DlqArguments.Queue.JOBS) {
            JobMessage.Parsed job = JobMessage.parse(m.body());
            return job.ok() ? new DlqEntry(m, sentAt, receiveCount, job.job().runId(), job.job().tenantId(), null)
                    : new DlqEntry(m, sentAt, receiveCount, null, null, job.badReason());
        }
        String reason = null;
        String notificationId = null;
        String tenantId = null;
        try {
            JsonNode body = JSON.readTree(m.body() == null ? "" : m.body());
            if (body == null || !body.isObject()) reason = "body is not a JSON object";
            else {
                notificationId = text(body, "notification_id");
                tenantId = text(body, "tenant_id");
                if (notificationId == null || tenantId == null) reason = "notification_id or tenant_id missing";
            }
        } catch (Exception e) {
            reason = "body is not JSON";
        }
        return reason == null ? new DlqEntry(m, sentAt, receiveCount, notificationId, tenantId, null)
                : new DlqEntry(m, sentAt, receiveCount, null, null, reason);
    }

    /** The body as shown for an unreadable message: at most 200 characters. */
    String bodyExcerpt() {
        String body = message.body() == null ? "" : message.body();
        return body.length() <= 200 ? body : body.substring(0, 200) + "…";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    private static Instant millis(Message m, MessageSystemAttributeName name) {
        String v = m.attributes().get(name);
        try {
            return v == null ? null : Instant.ofEpochMilli(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
