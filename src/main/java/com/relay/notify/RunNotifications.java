package com.relay.notify;

import com.relay.config.RelaySettings;
import com.relay.logging.LogEvents;
import com.relay.runs.RunCompletion;
import com.relay.tenants.config.TenantConfig;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The run side of notifications (docs/CONTRACT.md#link-with-the-run-record, docs/CONTRACT.md#creation-enqueue-and-the-sweeper; docs/CONTRACT.md#attempt-outcomes-retry-and-poison step 3). Every terminal
 * write (worker success/failure, poison, the API's QUEUE_UNAVAILABLE and orphan recovery) asks
 * {@link #recordFor} for the record to Put inside its transaction, then calls {@link #enqueue}
 * after the commit.
 */
@Component("runNotifications")
public class RunNotifications {

    private static final Logger log = LoggerFactory.getLogger(RunNotifications.class);

    private final NotificationRecords records;
    private final NotificationRepository repository;
    private final NotificationEnqueuer enqueuer;

    public RunNotifications(RelaySettings settings, NotificationRepository repository, NotificationEnqueuer enqueuer) {
        this.records = new NotificationRecords(settings.environment(), settings.notifier().ttlDays());
        this.repository = repository;
        this.enqueuer = enqueuer;
    }

    /**
     * The run-completion notification item (status {@code created}) to Put in the terminal
     * transaction with {@code attribute_not_exists(notification_id)}, or empty when the pinned
     * configuration does not subscribe to this outcome ({@code notification_status NONE}).
     *
     * @param pinnedConfig the run's pinned configuration, or null when it could not be loaded
     */
    public Optional<Map<String, AttributeValue>> recordFor(TenantConfig pinnedConfig, RunCompletion run, Instant now) {
        if (!NotificationRecords.subscribes(pinnedConfig, NotificationRecords.outcome(pinnedConfig, run))) return Optional.empty();
        return Optional.of(records.runCompletion(pinnedConfig.notifications().ntfy(), run, now, NotificationRecords.newId()));
    }

    /** Table the record goes to (the notifications table). */
    public String table() {
        return repository.table();
    }

    /**
     * After the terminal transaction committed: send the queue message and move the record
     * {@code created → queued}. Never throws: failures are logged and counted, the sweeper retries.
     */
    public void enqueue(Map<String, AttributeValue> record) {
        AttributeValue runId = record.get("run_id");
        LogEvents.info(log, "notification_created", "notification_id", record.get("notification_id").s(),
                "kind", record.get("kind").s(), "tenant_id", record.get("tenant_id").s(),
                "run_id", runId == null ? null : runId.s());
        enqueuer.enqueue(record);
    }
}
