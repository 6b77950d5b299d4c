package com.relay.notify;

import com.relay.api.Timestamps;
import com.relay.config.RelaySettings;
import com.relay.logging.LogEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * docs/CONTRACT.md#creation-enqueue-and-the-sweeper step 4: every {@code NOTIFY_SWEEP_INTERVAL_SECONDS} (timer route
 * {@code notification-sweeper}) enqueues records still {@code created} after
 * {@code NOTIFY_SWEEP_AGE_SECONDS}. Two instances may enqueue the same record; the second copy
 * is harmless (docs/CONTRACT.md#processing-a-notification-message rules 3 and 4).
 */
@Component("notificationSweeper")
public class NotificationSweeper {

    private static final Logger log = LoggerFactory.getLogger(NotificationSweeper.class);
    private static final int MAX_PER_SWEEP = 1000;

    private final NotificationRepository repository;
    private final NotificationEnqueuer enqueuer;
    private final long ageSeconds;
    private final Clock clock;

    public NotificationSweeper(NotificationRepository repository, NotificationEnqueuer enqueuer, RelaySettings settings,
                               ObjectProvider<Clock> clock) {
        this.repository = repository;
        this.enqueuer = enqueuer;
        this.ageSeconds = settings.notifier().sweepAgeSeconds();
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** One sweep; returns how many records were enqueued. Never throws. */
    public int sweep() {
        int n = 0;
        try {
            Instant cutoff = Timestamps.now(clock).minusSeconds(ageSeconds);
            for (Map<String, AttributeValue> record : repository.createdBefore(cutoff, MAX_PER_SWEEP)) {
                if (enqueuer.enqueue(record)) {
                    n++;
                    LogEvents.info(log, "notification_swept", "notification_id", record.get("notification_id").s());
                }
            }
        } catch (RuntimeException e) {
            log.warn("notification sweep failed: {}: {}", e.getClass().getSimpleName(), e.getMessage());
        }
        return n;
    }
}
