package com.relay.notify;

import com.relay.runs.RunCompletion;
import com.relay.tenants.config.TenantConfig;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The run side of notifications (notifications.md §3.3, §4.2; RI §4.7 step 3). Every terminal
 * write (worker success/failure, poison, the API's QUEUE_UNAVAILABLE and orphan recovery) asks
 * {@link #recordFor} for the record to Put inside its transaction, then calls {@link #enqueue}
 * after the commit.
 */
@Component("runNotifications")
public class RunNotifications {

    /**
     * The run-completion notification item (status {@code created}) to Put in the terminal
     * transaction with {@code attribute_not_exists(notification_id)}, or empty when the pinned
     * configuration does not subscribe to this outcome ({@code notification_status NONE}).
     *
     * @param pinnedConfig the run's pinned configuration, or null when it could not be loaded
     */
    public Optional<Map<String, AttributeValue>> recordFor(TenantConfig pinnedConfig, RunCompletion run, Instant now) {
        return Optional.empty();
    }

    /** Table the record goes to (the notifications table). */
    public String table() {
        return null;
    }

    /**
     * After the terminal transaction committed: send the queue message and move the record
     * {@code created → queued}. Never throws: failures are logged and counted, the sweeper retries.
     */
    public void enqueue(Map<String, AttributeValue> record) {
    }
}
