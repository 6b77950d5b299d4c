package com.relay.worker;

import static com.relay.aws.DynamoItems.text;

import com.relay.api.Timestamps;
import com.relay.config.RelaySettings;
import com.relay.logging.LogContext;
import com.relay.logging.LogEvents;
import com.relay.observability.MessageTracing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The receive side of the worker route (docs/CONTRACT.md#receiving-a-job): {@link #read} applies the
 * decision table to one job message and names the outcome in the exchange property
 * {@value #DECISION}; the route's {@code choice} has one branch per outcome, each calling one
 * method here. The attempt's span ({@code relay.run.attempt}) starts with the read.
 */
@Component("jobReceiver")
public class JobReceiver {

    /** The exchange property the route's choice reads: a {@link ReceiveDecision.Action} name, or {@value #READ}. */
    public static final String DECISION = "relayReceive";
    /** The decision property's value while the run item is still to be read (again). */
    public static final String READ = "READ";
    static final String JOB = "relayJob";
    static final String RUN = "relayRun";
    static final String SPAN = "relayReceiveSpan";
    static final String PASSES = "relayReceivePasses";
    static final String REASON = "relayReceiveReason";
    /** The job message's receipt handle, for the route's delete step (headers change on the way). */
    static final String RECEIPT = "relayReceipt";
    static final String POISON_MESSAGE = "Job moved to DLQ after repeated failures";
    private static final Logger log = LoggerFactory.getLogger(JobReceiver.class);

    private final RunAttemptStore store;
    private final RelaySettings.Worker worker;
    private final WorkerMetrics metrics;
    private final RunFailures failures;
    private final AttemptLeases leases;
    private final Clock clock;
    private final MessageTracing tracing;
    private final Tracer tracer;

    public JobReceiver(RunAttemptStore store, RelaySettings settings, WorkerMetrics metrics, RunFailures failures,
                       AttemptLeases leases, ObjectProvider<Clock> clock, MessageTracing tracing) {
        this.store = store;
        this.worker = settings.worker();
        this.metrics = metrics;
        this.failures = failures;
        this.leases = leases;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.tracing = tracing;
        this.tracer = tracing.tracer();
        if (worker.tenantBackoffSet()) {
            log.warn("WORKER_TENANT_BACKOFF_SECONDS is set but no longer used (docs/CONTRACT.md#receiving-a-job): the tenant lock replaces it");
        }
    }

    /**
     * Rule 1 (the body) and rules 2–7 (the run item, read consistently) of the decision table: sets
     * {@value #DECISION}. Called again by the route's loop when a start lost its condition.
     */
    public void read(Exchange exchange) {
        Span span = exchange.getProperty(SPAN, Span.class);
        if (span == null) {
            int rc = receiveCount(exchange);
            // the job's trace continues here (docs/OBSERVABILITY.md "Tracing"); the span lives as long as the attempt
            span = tracing.startConsumer("relay.run.attempt", name -> messageAttribute(exchange, name))
                    .tag("messaging.system", "aws_sqs").tag("relay.receive_count", rc);
            exchange.setProperty(SPAN, span);
        }
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            JobMessage job = exchange.getProperty(JOB, JobMessage.class);
            if (job == null) {
                exchange.setProperty(RECEIPT, header(exchange, Sqs2Constants.RECEIPT_HANDLE));
                JobMessage.Parsed parsed = JobMessage.parse(exchange.getIn().getBody(String.class));
                if (!parsed.ok()) {
                    decide(exchange, ReceiveDecision.Action.BAD_MESSAGE, parsed.badReason());
                    return;
                }
                job = parsed.job();
                exchange.setProperty(JOB, job);
                span.tag("relay.run_id", job.runId()).tag("relay.tenant_id", job.tenantId());
                LogContext.set(LogContext.RUN_ID, job.runId());
                LogContext.set(LogContext.TENANT_ID, job.tenantId());
                LogContext.set(LogContext.CORRELATION_ID, LogContext.correlationIdOf(header(exchange, "correlation_id"),
                        job.correlationId()));
            }
            Map<String, AttributeValue> run = store.read(job.runId()).orElse(null);
            exchange.setProperty(RUN, run);
            ReceiveDecision.Action action = ReceiveDecision.decide(job, run, receiveCount(exchange), now(),
                    worker.poisonMaxReceives());
            decide(exchange, action, run == null ? "no run item for run_id" : "run item does not match the job");
        }
    }

    private static void decide(Exchange exchange, ReceiveDecision.Action action, String reason) {
        exchange.setProperty(DECISION, action.name());
        if (action == ReceiveDecision.Action.BAD_MESSAGE) exchange.setProperty(REASON, reason);
    }

    /** Rules 1–2: counted and logged; the message stays for the redrive to the DLQ. */
    public void badMessage(Exchange exchange) {
        metrics.error("bad_message");
        LogEvents.warn(log, "bad_message", "message_id", header(exchange, Sqs2Constants.MESSAGE_ID),
                "reason", exchange.getProperty(REASON, String.class));
        endWithoutAttempt(exchange, "bad_message");
    }

    /** Rule 3: the run already FAILED as poison; the message stays for the redrive to the DLQ. */
    public void leaveForDlq(Exchange exchange) {
        LogEvents.info(log, "poison_job_already_failed", "receive_count", receiveCount(exchange));
        endWithoutAttempt(exchange, "no_attempt");
    }

    /** Rule 4: the run is terminal; the route deletes the message next. */
    public void alreadyProcessed(Exchange exchange) {
        LogEvents.info(log, "run_already_processed", "status", text(run(exchange), "status"));
        endWithoutAttempt(exchange, "no_attempt");
    }

    /**
     * Rule 5: another attempt holds a live lease. No visibility change: the message comes back when
     * this receive's visibility timeout ends, by then that attempt has ended or its lease lapsed.
     */
    public void delay(Exchange exchange) {
        LogEvents.info(log, "run_delivery_ignored", "status", "RUNNING");
        endWithoutAttempt(exchange, "no_attempt");
    }

    /** Rule 6: the run is marked FAILED POISON_JOB (one transaction); the message stays for the DLQ. */
    public void poison(Exchange exchange) {
        JobMessage job = exchange.getProperty(JOB, JobMessage.class);
        Span span = exchange.getProperty(SPAN, Span.class);
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            int rc = receiveCount(exchange);
            if (!failures.failWithoutLiveAttempt(job.runId(), job.tenantId(), job.configVersion(), run(exchange),
                    "POISON_JOB", POISON_MESSAGE, now())) {
                LogEvents.info(log, "run_delivery_ignored", "reason", "poison condition failed");
            } else {
                metrics.error("poison_job");
                LogEvents.warn(log, "poison_job_detected", "receive_count", rc);
            }
        }
        endWithoutAttempt(exchange, "no_attempt");
    }

    /**
     * Rule 7: the attempt starts with one conditional write (RUNNING, FETCH_INPUTS, a new
     * attempt_id and lease; docs/CONTRACT.md#what-each-step-writes). A lost condition means the run
     * changed since the read: {@value #READ} once more, so the route's loop reads and decides again.
     */
    public void start(Exchange exchange) {
        JobMessage job = exchange.getProperty(JOB, JobMessage.class);
        Span span = exchange.getProperty(SPAN, Span.class);
        String messageId = header(exchange, Sqs2Constants.MESSAGE_ID);
        String receipt = header(exchange, Sqs2Constants.RECEIPT_HANDLE);
        int rc = receiveCount(exchange);
        Instant now = now();
        String attemptId = UUID.randomUUID().toString();
        Optional<Map<String, AttributeValue>> started;
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            started = store.startAttempt(job.runId(), attemptId, now, now.plusSeconds(worker.visibilityTimeoutSeconds() - 10L), rc);
        }
        if (started.isEmpty()) {
            int passes = exchange.getProperty(PASSES, 1, Integer.class);
            if (passes < 2) {
                exchange.setProperty(PASSES, passes + 1);
                exchange.setProperty(DECISION, READ);
            } else {
                LogEvents.info(log, "run_delivery_ignored", "reason", "start condition failed twice");
                endWithoutAttempt(exchange, "no_attempt");
            }
            return;
        }
        Map<String, AttributeValue> item = started.get();
        int number = Integer.parseInt(item.get("attempts").n());
        Instant startedAt = Instant.parse(text(item, "started_at"));
        String requestedAt = text(item, "requested_at");
        if (number == 1 && requestedAt != null) {
            metrics.runStartLatency(Duration.between(Instant.parse(requestedAt), startedAt));
        }
        String correlation = text(item, "correlation_id") != null ? text(item, "correlation_id") : job.correlationId();
        if (correlation != null) LogContext.set(LogContext.CORRELATION_ID, correlation);
        RunAttempt attempt = new RunAttempt(job, messageId, receipt, rc, attemptId, number, startedAt,
                text(item, "created_by"), requestedAt, correlation);
        attempt.span = span;
        if (text(item, "publish_mode") != null) attempt.publishMode = text(item, "publish_mode");
        attempt.inputsFromRun = text(item, "inputs_from_run");
        span.tag("relay.attempt", number);
        if (correlation != null) span.tag("relay.correlation_id", correlation);
        leases.register(attempt);
        exchange.setProperty(RunAttempt.PROPERTY, attempt);
        exchange.setProperty(DECISION, ReceiveDecision.Action.START.name());
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            LogEvents.info(log, "run_started", "attempt", number, "receive_count", rc);
        }
    }

    /** A delete of the job message failed (an SDK error): counted and logged; the message comes back and rule 4 deletes it then. */
    public void deleteFailed(Exchange exchange) {
        metrics.error("queue_delete_error");
        LogEvents.warn(log, "queue_delete_error", "error",
                AttemptErrors.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }

    /** A receive that started no attempt ends here: its span and the thread's log context. */
    private static void endWithoutAttempt(Exchange exchange, String event) {
        Span span = exchange.getProperty(SPAN, Span.class);
        if (span != null) {
            span.event(event);
            span.end();
            exchange.removeProperty(SPAN);
        }
        LogContext.clear();
    }

    /** The route's error handler for a receive that failed before any attempt started. */
    static void receiveFailed(Exchange exchange, Throwable e) {
        Span span = exchange.getProperty(SPAN, Span.class);
        if (span != null && e != null) span.error(MessageTracing.bounded(e));
        endWithoutAttempt(exchange, "receive_failed");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, AttributeValue> run(Exchange exchange) {
        return exchange.getProperty(RUN, Map.class);
    }

    private Instant now() {
        return Timestamps.now(clock);
    }

    private static String header(Exchange exchange, String name) {
        Object v = exchange.getIn().getHeader(name);
        return v == null ? null : v.toString();
    }

    /** A String message attribute: from the consumer's map of the message's attributes, else the header it copied it to. */
    private static String messageAttribute(Exchange exchange, String name) {
        Object attributes = exchange.getIn().getHeader(Sqs2Constants.MESSAGE_ATTRIBUTES);
        if (attributes instanceof Map<?, ?> m && m.get(name) instanceof MessageAttributeValue v) return v.stringValue();
        return header(exchange, name);
    }

    static int receiveCount(Exchange exchange) {
        Object attrs = exchange.getIn().getHeader(Sqs2Constants.ATTRIBUTES);
        if (attrs instanceof Map<?, ?> m) {
            Object v = m.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            if (v == null) v = m.get("ApproximateReceiveCount");
            if (v != null) {
                try {
                    return Integer.parseInt(v.toString());
                } catch (NumberFormatException ignored) {
                    // default below
                }
            }
        }
        return 1;
    }
}
