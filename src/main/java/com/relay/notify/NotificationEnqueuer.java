package com.relay.notify;

import com.relay.api.Json;
import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import com.relay.logging.LogEvents;
import com.relay.observability.MessageTracing;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * docs/CONTRACT.md#creation-enqueue-and-the-sweeper step 2–3: sends the queue message (docs/CONTRACT.md#notifications-queue body and String attributes) and
 * then moves the record {@code created → queued}. A failed send is logged
 * ({@code notification_enqueue_failed}) and counted; the record stays {@code created} for the sweeper.
 */
@Component("notificationEnqueuer")
public class NotificationEnqueuer {

    private static final Logger log = LoggerFactory.getLogger(NotificationEnqueuer.class);

    private final SqsClient sqs;
    private final NotificationRepository repository;
    private final NotifyMetrics metrics;
    private final String queueUrl;
    private final Clock clock;
    private final MessageTracing tracing;

    public NotificationEnqueuer(SqsClient sqs, NotificationRepository repository, NotifyMetrics metrics,
                                ProvisionedResources resources, ObjectProvider<Clock> clock) {
        this(sqs, repository, metrics, resources, clock, MessageTracing.none());
    }

    @Autowired
    public NotificationEnqueuer(SqsClient sqs, NotificationRepository repository, NotifyMetrics metrics,
                                ProvisionedResources resources, ObjectProvider<Clock> clock, MessageTracing tracing) {
        this.tracing = tracing;
        this.sqs = sqs;
        this.repository = repository;
        this.metrics = metrics;
        this.queueUrl = resources.notificationsQueueUrl();
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** True when the record is now {@code queued} (or a concurrent enqueue already moved it). Never throws. */
    public boolean enqueue(Map<String, AttributeValue> record) {
        String id = record.get("notification_id").s();
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body(record)).messageAttributes(attributes(record, tracing)));
        } catch (RuntimeException e) {
            LogEvents.warn(log, "notification_enqueue_failed", "notification_id", id,
                    "error", e.getClass().getSimpleName() + ": " + e.getMessage());
            metrics.workerError("notification_enqueue_error");
            return false;
        }
        try {
            repository.markQueued(id, Timestamps.now(clock));
        } catch (RuntimeException e) {
            // The message is in the queue: the delivery moves created → processing directly (docs/CONTRACT.md#durability-walk-through).
            log.warn("notification {} sent but not marked queued: {}", id, e.getClass().getSimpleName());
        }
        return true;
    }

    static String body(Map<String, AttributeValue> record) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("notification_id", record.get("notification_id").s());
        m.put("tenant_id", record.get("tenant_id").s());
        m.put("correlation_id", record.get("correlation_id").s());
        return Json.text(m);
    }

    /** docs/CONTRACT.md#notifications-queue's attributes plus {@code traceparent}/{@code tracestate} of the current span, when there is one. */
    static Map<String, MessageAttributeValue> attributes(Map<String, AttributeValue> record, MessageTracing tracing) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put("correlation_id", attr(record.get("correlation_id").s()));
        attributes.put("notification_id", attr(record.get("notification_id").s()));
        attributes.put("tenant_id", attr(record.get("tenant_id").s()));
        tracing.injectCurrent(attributes);
        return attributes;
    }

    private static MessageAttributeValue attr(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }
}
