package com.relay.worker;

import com.relay.api.Timestamps;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.RunResult;
import com.relay.logging.LogEvents;
import com.relay.notify.RunNotifications;
import com.relay.runs.RunCompletion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * COMPLETE's steps (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): the terminal transaction,
 * then (once it committed) the metrics and the notification hand-off; the route deletes the message;
 * {@link #end} closes the attempt. The terminal write is a bean step: it is one TransactWriteItems
 * (run record, tenant lock, notification record) fenced on the attempt, which the {@code aws2-ddb}
 * component cannot express.
 */
@Component("attemptCompletion")
public class AttemptCompletion {

    static final String RECORD = "relayNotificationRecord";
    private static final Logger log = LoggerFactory.getLogger(AttemptCompletion.class);

    private final RunAttemptStore store;
    private final RunNotifications notifications;
    private final WorkerMetrics metrics;
    private final AttemptLeases leases;
    private final Clock clock;
    private final RunPublishing publishing;

    public AttemptCompletion(RunAttemptStore store, RunNotifications notifications, WorkerMetrics metrics,
                             AttemptLeases leases, RunPublishing publishing, ObjectProvider<Clock> clock) {
        this.store = store;
        this.publishing = publishing;
        this.notifications = notifications;
        this.metrics = metrics;
        this.leases = leases;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /**
     * The terminal write with the lock release, the notification record and, when the run publishes,
     * the published-feed pointer (docs/CONTRACT.md#the-published-feed), fenced on this attempt. When
     * only the pointer's condition failed (another run was approved or rolled back meanwhile) the run
     * is written HELD instead: its guard compared it with a feed that is no longer live.
     */
    public void terminalWrite(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        RunResult r = a.result;
        if (r == null) throw new IllegalStateException("run " + a.runId() + " reached COMPLETE without a result");
        Instant now = Timestamps.now(clock);
        String nowText = Timestamps.format(now);
        Long duration = Duration.between(a.startedAt, now).toMillis();
        RunPublishing.Decision decision = publishing.decide(a, r, nowText);
        leases.stopRenewals(a);
        RunAttemptStore.Outcome outcome = write(a, r, decision, now, duration);
        if (outcome == RunAttemptStore.Outcome.POINTER_MOVED) {
            decision = publishing.heldByRace(decision, a);
            outcome = write(a, r, decision, now, duration);
        }
        if (outcome != RunAttemptStore.Outcome.COMMITTED) {
            LogEvents.info(log, "run_attempt_superseded");
            return;
        }
        a.committed = true;
        a.durationMs = duration;
        a.publishStatus = decision.status();
        a.publishedNow = decision.pointer() != null;
        Map<String, AttributeValue> record = a.notificationRecord;
        if (record != null) exchange.setProperty(RECORD, record);
    }

    private RunAttemptStore.Outcome write(RunAttempt a, RunResult r, RunPublishing.Decision decision, Instant now,
                                          Long duration) {
        String nowText = Timestamps.format(now);
        RunCompletion completion = new RunCompletion(a.runId(), a.tenantId(), a.job.configVersion(), r.status(),
                r.succeeded() ? EngineRun.COMPLETE : r.stage(), a.createdBy, a.requestedAt, nowText, duration,
                r.rowsProcessed(), r.failedStage(), r.errorCode(), r.errorMessage(), a.correlationId,
                decision.status(), decision.reasons());
        Map<String, AttributeValue> record = a.config == null ? null
                : notifications.recordFor(a.config, completion, now).orElse(null);
        a.notificationRecord = record;
        return store.terminalForAttempt(new RunAttemptStore.Terminal(a.runId(),
                a.tenantId(), r.status(), nowText, duration, r.rowsProcessed(), r.artifacts(), false,
                r.failedStage(), r.errorCode(), r.errorMessage(), r.errorsArtifactKey(), record,
                notifications.table(), decision.runAttributes(a.createdBy, nowText),
                decision.pointer() == null ? null : publishing.pointerPut(decision),
                publishing.headersUpdate(a, r, nowText)), a.attemptId);
    }

    /** Run metrics and the run's outcome log line. */
    public void metrics(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        RunResult r = a.result;
        metrics.runEnded(a.tenantId(), r.succeeded(), a.durationMs, r.rowsProcessed());
        if (r.succeeded()) {
            LogEvents.info(log, "run_succeeded", "duration_ms", a.durationMs, "rows_processed", r.rowsProcessed(),
                    "record_count", r.recordCount());
        } else {
            LogEvents.warn(log, "run_failed", "error_code", r.errorCode(), "failed_stage", r.failedStage(),
                    "error_message", r.errorMessage(), "duration_ms", a.durationMs);
        }
        a.span.tag("relay.status", r.status());
    }

    /**
     * The notification record committed with the run goes to the notifications queue (a bean:
     * {@link RunNotifications#enqueue} adds the message attributes and trace context the notifier
     * reads). A failed send is logged; the sweeper sends the record later (docs/CONTRACT.md#creation-enqueue-and-the-sweeper).
     */
    public void handOffNotification(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, AttributeValue> record = exchange.getProperty(RECORD, Map.class);
        if (record == null) return;
        try {
            notifications.enqueue(record);
        } catch (RuntimeException e) {
            LogEvents.warn(log, "notification_enqueue_failed", "error", AttemptErrors.describe(e));
        }
    }

    /** The attempt is over: spans, lease renewal, temporary files. */
    public void end(Exchange exchange) {
        leases.end(RunStages.attempt(exchange));
    }
}
