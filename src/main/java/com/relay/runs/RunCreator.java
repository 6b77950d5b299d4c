package com.relay.runs;

import static com.relay.aws.DynamoItems.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.aws.ProvisionedResources;
import com.relay.config.RelaySettings;
import com.relay.engine.ErrorEntries;
import com.relay.logging.LogContext;
import com.relay.metrics.RelayMetrics;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import com.relay.observability.MessageTracing;
import com.relay.notify.PinnedConfigs;
import com.relay.notify.RunNotifications;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Run creation (docs/CONTRACT.md#endpoints POST /v1/runs steps 3–6): lock and run item in one transaction (docs/CONTRACT.md#one-active-run-per-tenant),
 * stale-lock recovery, the job message (docs/CONTRACT.md#job-message), and on a failed send the QUEUE_UNAVAILABLE terminal
 * write with the lock released (docs/CONTRACT.md#attempt-outcomes-retry-and-poison).
 */
@Component("runCreator")
public class RunCreator {

    private static final Logger log = LoggerFactory.getLogger(RunCreator.class);
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    static final String QUEUE_UNAVAILABLE_MESSAGE = "job queue unavailable";
    private static final int CONFLICT_RETRIES = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What happened. */
    public sealed interface Result {}
    public record Created(Map<String, AttributeValue> run) implements Result {}
    public record AlreadyRunning(String activeRunId) implements Result {}
    public record QueueUnavailable(String runId) implements Result {}
    /** Transactions kept conflicting: the caller answers 503. */
    public record Busy() implements Result {}
    /** An operator paused run creation (globally or for this tenant): nothing was written. */
    public record Paused(RunCreationPauses.Pause pause) implements Result {}

    /** The requester's side of a new run. */
    /**
     * The requester's side of a new run.
     *
     * @param publishMode   {@code publish} or {@code dry_run} (docs/CONTRACT.md#the-published-feed)
     * @param inputsFromRun a run of the same tenant whose inbound copies this run reads, or null
     */
    public record Request(String tenantId, long configVersion, String createdBy, String requestedBy,
                          String correlationId, String publishMode, String inputsFromRun) {
        public Request(String tenantId, long configVersion, String createdBy, String requestedBy, String correlationId) {
            this(tenantId, configVersion, createdBy, requestedBy, correlationId, "publish", null);
        }
    }

    private final RunRepository runs;
    private final RelayMetrics metrics;
    private final Tracer tracer;
    private final MessageTracing messageTracing;
    private final SqsClient sqs;
    private final S3Client s3;
    private final String jobsQueueUrl;
    private final String bucket;
    private final long orphanGraceMillis;
    private final RunNotifications notifications;
    private final PinnedConfigs pinnedConfigs;
    private final RunCreationPauses pauses;

    public RunCreator(RunRepository runs, SqsClient sqs, S3Client s3, ProvisionedResources resources,
                      RelaySettings settings, RelayMetrics metrics, MessageTracing messageTracing,
                      RunNotifications notifications,
                      PinnedConfigs pinnedConfigs, RunCreationPauses pauses) {
        this.runs = runs;
        this.pauses = pauses;
        this.metrics = metrics;
        this.messageTracing = messageTracing;
        this.tracer = messageTracing.tracer();
        this.notifications = notifications;
        this.pinnedConfigs = pinnedConfigs;
        this.sqs = sqs;
        this.s3 = s3;
        this.jobsQueueUrl = resources.jobsQueueUrl();
        this.bucket = resources.artifactBucket();
        this.orphanGraceMillis = settings.api().orphanGraceSeconds() * 1000L;
    }

    /**
     * Creates the run, inside the span {@code relay.run.create} (docs/CONTRACT.md#tracing) and with
     * {@code run_id}, {@code tenant_id} and {@code correlation_id} in the logging context. Counts
     * {@code RunsCreated{CreatedBy}} for every run item written, including one whose job could not
     * be sent (it exists, FAILED; docs/CONTRACT.md#creating-the-scheduled-run counts that case).
     */
    public Result create(Request request, Instant now) {
        // checked before anything is written: runs already queued or running are not touched
        Optional<RunCreationPauses.Pause> paused = pauses.pausing(request.tenantId());
        if (paused.isPresent()) return new Paused(paused.get());
        String runId = UUID.randomUUID().toString();
        Span span = tracer.nextSpan().name("relay.run.create")
                .tag("relay.run_id", runId).tag("relay.tenant_id", request.tenantId())
                .tag("relay.correlation_id", request.correlationId()).start();
        try (Tracer.SpanInScope inScope = tracer.withSpan(span);
             LogContext.Scope logScope = LogContext.open().correlationId(request.correlationId())
                     .tenantId(request.tenantId()).runId(runId)) {
            Result result = createInScope(runId, request, now);
            if (result instanceof Created || result instanceof QueueUnavailable) metrics.runCreated(request.createdBy());
            if (result instanceof QueueUnavailable) {
                span.tag("relay.error_code", "QUEUE_UNAVAILABLE");
                span.error(new IllegalStateException(QUEUE_UNAVAILABLE_MESSAGE)); // a failed run: error status
            }
            if (!(result instanceof Created)) span.event(result.getClass().getSimpleName());
            return result;
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private Result createInScope(String runId, Request request, Instant now) {
        String nowTs = TS.format(now);
        Map<String, AttributeValue> run = newRunItem(runId, request, nowTs);
        boolean takeoverRetried = false;
        for (int attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
            RunRepository.TxOutcome outcome = runs.createWithLock(run, nowTs);
            if (outcome == RunRepository.TxOutcome.COMMITTED) return enqueue(run, request, now);
            if (outcome == RunRepository.TxOutcome.CONFLICT) {
                pause();
                continue;
            }
            Optional<String> active = runs.activeRun(request.tenantId());
            if (active.isEmpty()) continue; // released meanwhile: try again
            String staleId = active.get();
            Optional<Map<String, AttributeValue>> activeRun = runs.get(staleId);
            Staleness staleness = staleness(activeRun, now);
            if (staleness == Staleness.ACTIVE) return new AlreadyRunning(staleId);
            Map<String, AttributeValue> orphanFailure = null;
            Map<String, AttributeValue> orphanNotification = null;
            if (staleness == Staleness.ORPHAN) {
                String errorsKey = writeQueueErrors(staleId, request.tenantId());
                orphanNotification = queueFailureNotification(activeRun.get(), now).orElse(null);
                orphanFailure = queueFailure(errorsKey, nowTs, orphanNotification);
            }
            RunRepository.TxOutcome took = runs.takeOver(staleId, orphanFailure, run, nowTs,
                    notifications.table(), orphanNotification);
            if (took == RunRepository.TxOutcome.COMMITTED) {
                if (orphanFailure != null) {
                    log.warn("run_failed: orphaned run {} of tenant {} marked FAILED QUEUE_UNAVAILABLE (stale lock taken over)",
                            staleId, request.tenantId());
                    if (orphanNotification != null) notifications.enqueue(orphanNotification);
                }
                return enqueue(run, request, now);
            }
            if (took == RunRepository.TxOutcome.CONFLICT) {
                pause();
                continue;
            }
            // a condition failed: re-evaluate once, then 409
            if (takeoverRetried) return new AlreadyRunning(runs.activeRun(request.tenantId()).orElse(staleId));
            takeoverRetried = true;
        }
        return new Busy();
    }

    enum Staleness { ACTIVE, GONE, ORPHAN }

    /** docs/CONTRACT.md#one-active-run-per-tenant: stale when the run is missing, terminal, or QUEUED without enqueued_at beyond the grace. */
    Staleness staleness(Optional<Map<String, AttributeValue>> run, Instant now) {
        if (run.isEmpty()) return Staleness.GONE;
        Map<String, AttributeValue> item = run.get();
        String status = text(item, "status");
        if ("SUCCEEDED".equals(status) || "FAILED".equals(status)) return Staleness.GONE;
        if ("QUEUED".equals(status) && !item.containsKey("enqueued_at") && item.get("requested_at") != null
                && Instant.parse(item.get("requested_at").s()).toEpochMilli() < now.toEpochMilli() - orphanGraceMillis) {
            return Staleness.ORPHAN;
        }
        return Staleness.ACTIVE;
    }

    private Result enqueue(Map<String, AttributeValue> run, Request request, Instant now) {
        String runId = run.get("run_id").s();
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("run_id", runId);
            body.put("tenant_id", request.tenantId());
            body.put("config_version", request.configVersion());
            body.put("correlation_id", request.correlationId());
            String json = JSON.writeValueAsString(body);
            send(json, runId, request);
        } catch (SdkException | com.fasterxml.jackson.core.JsonProcessingException e) {
            log.warn("job send failed for run {}: {}", runId, e.getClass().getSimpleName());
            String errorsKey = writeQueueErrors(runId, request.tenantId());
            Map<String, AttributeValue> notification = queueFailureNotification(run, now).orElse(null);
            RunRepository.TxOutcome failed = runs.failQueued(runId, request.tenantId(),
                    queueFailure(errorsKey, TS.format(now), notification), notifications.table(), notification);
            if (failed != RunRepository.TxOutcome.COMMITTED) {
                log.error("run {} could not be marked FAILED after the failed send ({})", runId, failed);
            } else if (notification != null) {
                notifications.enqueue(notification);
            }
            return new QueueUnavailable(runId);
        }
        String enqueuedAt = TS.format(now);
        try {
            runs.markEnqueued(runId, enqueuedAt);
        } catch (SdkException e) {
            log.warn("enqueued_at not recorded for run {}: {}", runId, e.getClass().getSimpleName());
        }
        log.atInfo().addKeyValue("event", "run_created").addKeyValue("run_id", runId)
                .addKeyValue("tenant_id", request.tenantId()).addKeyValue("config_version", request.configVersion())
                .addKeyValue("created_by", request.createdBy())
                .log("Run {} created for tenant {}", runId, request.tenantId());
        return new Created(run);
    }

    /**
     * The job message (docs/CONTRACT.md#job-message) inside the producer span {@code SQS send}, whose W3C context
     * ({@code traceparent}, and {@code tracestate} when there is one) is written into the message
     * attributes ({@link MessageTracing#inject}).
     */
    private void send(String json, String runId, Request request) {
        Span span = tracer.spanBuilder().name("SQS send").kind(Span.Kind.PRODUCER)
                .tag("relay.run_id", runId).tag("relay.tenant_id", request.tenantId())
                .tag("messaging.system", "aws_sqs").start();
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            Map<String, MessageAttributeValue> attributes = new HashMap<>();
            attributes.put("correlation_id", attr(request.correlationId()));
            attributes.put("run_id", attr(runId));
            attributes.put("tenant_id", attr(request.tenantId()));
            messageTracing.inject(span, attributes);
            sqs.sendMessage(b -> b.queueUrl(jobsQueueUrl).messageBody(json).messageAttributes(attributes));
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** errors.json with the failure entry only (docs/CONTRACT.md#attempt-outcomes-retry-and-poison); null when the write failed (logged at WARN). */
    private String writeQueueErrors(String runId, String tenantId) {
        String key = ErrorEntries.key(runId, tenantId);
        try {
            String json = JSON.writeValueAsString(List.of(ErrorEntries.failure("QUEUE_UNAVAILABLE", QUEUE_UNAVAILABLE_MESSAGE, null)));
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(json));
            return key;
        } catch (Exception e) {
            log.warn("errors.json of run {} not written: {}", runId, e.getClass().getSimpleName());
            return null;
        }
    }

    /**
     * The run-completion notification of a QUEUE_UNAVAILABLE terminal write, decided by the run's
     * pinned configuration (docs/CONTRACT.md#attempt-outcomes-retry-and-poison step 3; empty = {@code notification_status NONE}).
     */
    private Optional<Map<String, AttributeValue>> queueFailureNotification(Map<String, AttributeValue> run, Instant now) {
        String tenantId = run.get("tenant_id").s();
        long version = Long.parseLong(run.get("config_version").n());
        RunCompletion completion = new RunCompletion(run.get("run_id").s(), tenantId, version, "FAILED", "QUEUE",
                text(run, "created_by"), text(run, "requested_at"), TS.format(now), null, 0, "QUEUE",
                "QUEUE_UNAVAILABLE", QUEUE_UNAVAILABLE_MESSAGE, text(run, "correlation_id"));
        try {
            return notifications.recordFor(pinnedConfigs.load(tenantId, version), completion, now);
        } catch (RuntimeException e) {
            log.warn("notification of run {} not prepared: {}", completion.runId(), e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    static Map<String, AttributeValue> queueFailure(String errorsKey, String now) {
        return queueFailure(errorsKey, now, null);
    }

    /** Attributes of the QUEUE_UNAVAILABLE terminal write (stage and failed_stage QUEUE). */
    static Map<String, AttributeValue> queueFailure(String errorsKey, String now, Map<String, AttributeValue> notification) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("status", AttributeValue.fromS("FAILED"));
        m.put("publish_status", AttributeValue.fromS("NOT_PUBLISHED"));
        m.put("stage", AttributeValue.fromS("QUEUE"));
        m.put("failed_stage", AttributeValue.fromS("QUEUE"));
        m.put("error_code", AttributeValue.fromS("QUEUE_UNAVAILABLE"));
        m.put("error_message", AttributeValue.fromS(QUEUE_UNAVAILABLE_MESSAGE));
        m.put("finished_at", AttributeValue.fromS(now));
        m.put("rows_processed", AttributeValue.fromN("0"));
        m.put("notification_status", AttributeValue.fromS(notification == null ? "NONE" : "PENDING"));
        if (notification != null) m.put("notification_id", notification.get("notification_id"));
        m.put("updated_at", AttributeValue.fromS(now));
        m.put("artifacts", AttributeValue.fromM(errorsKey == null ? Map.of() : Map.of("errors", AttributeValue.fromS(errorsKey))));
        if (errorsKey != null) m.put("errors_artifact_key", AttributeValue.fromS(errorsKey));
        return m;
    }

    static Map<String, AttributeValue> newRunItem(String runId, Request r, String now) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("run_id", AttributeValue.fromS(runId));
        m.put("item_type", AttributeValue.fromS("RUN"));
        m.put("tenant_id", AttributeValue.fromS(r.tenantId()));
        m.put("config_version", AttributeValue.fromN(Long.toString(r.configVersion())));
        m.put("status", AttributeValue.fromS("QUEUED"));
        m.put("stage", AttributeValue.fromS("QUEUE"));
        m.put("created_by", AttributeValue.fromS(r.createdBy()));
        m.put("requested_by", AttributeValue.fromS(r.requestedBy()));
        m.put("correlation_id", AttributeValue.fromS(r.correlationId()));
        m.put("requested_at", AttributeValue.fromS(now));
        m.put("attempts", AttributeValue.fromN("0"));
        m.put("artifacts", AttributeValue.fromM(Map.of()));
        m.put("updated_at", AttributeValue.fromS(now));
        m.put("publish_mode", AttributeValue.fromS(r.publishMode()));
        if (r.inputsFromRun() != null) m.put("inputs_from_run", AttributeValue.fromS(r.inputsFromRun()));
        return m;
    }

    private static MessageAttributeValue attr(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
