package com.relay.worker;

import static com.relay.aws.DynamoItems.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import com.relay.aws.QueueMessages;
import com.relay.config.RelaySettings;
import com.relay.engine.ErrorEntries;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.RunResult;
import com.relay.engine.run.StageListener;
import com.relay.engine.run.VendorInput;
import com.relay.logging.Causes;
import com.relay.logging.LogContext;
import com.relay.logging.LogEvents;
import com.relay.notify.RunNotifications;
import com.relay.observability.MessageTracing;
import com.relay.runs.RunCompletion;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.config.ConfigProblem;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigParser;
import com.relay.tenants.config.ValidationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The worker role (docs/CONTRACT.md#receiving-a-job to docs/CONTRACT.md#worker-loop-and-shutdown) as the beans behind {@code routes/run-worker.camel.yaml}: the
 * route calls {@link #receive} for every poll, one method per stage step, {@link #complete} at the
 * end and {@link #attemptFailed} from its error handler. The engine does the data work
 * ({@link EngineRun}); this class owns the run record, the message and the attempt's lease.
 */
@Component("runWorker")
public class RunWorker {

    public static final String ATTEMPT = "relayAttempt";
    static final String POISON_MESSAGE = "Job moved to DLQ after repeated failures";
    static final String SHUTDOWN_ERROR = "worker shutdown";
    private static final long PROGRESS_INTERVAL_NANOS = 2_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);

    private final RunAttemptStore store;
    private final TenantRepository tenants;
    private final S3Inputs s3Inputs;
    private final S3Client s3;
    private final String bucket;
    private final QueueMessages queue;
    private final RelaySettings.Worker worker;
    private final RelaySettings.Engine engine;
    private final WorkerMetrics metrics;
    private final RunNotifications notifications;
    private final RunFailures failures;
    private final Clock clock;
    private final MessageTracing tracing;
    private final Tracer tracer;
    private final TenantConfigParser parser = new TenantConfigParser();
    private final TenantConfigParser.Context parseContext;
    private final ObjectMapper mapper = EngineRun.reportMapper();
    private final Set<RunAttempt> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "relay-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public RunWorker(RunAttemptStore store, TenantRepository tenants, S3Inputs s3Inputs, S3Client s3, SqsClient sqs,
                     ProvisionedResources resources, RelaySettings settings, WorkerMetrics metrics,
                     RunNotifications notifications, RunFailures failures,
                     ObjectProvider<Clock> clock, MessageTracing tracing) {
        this.store = store;
        this.tenants = tenants;
        this.s3Inputs = s3Inputs;
        this.s3 = s3;
        this.bucket = resources.artifactBucket();
        this.queue = new QueueMessages(sqs, resources.jobsQueueUrl());
        this.worker = settings.worker();
        this.engine = settings.engine();
        this.metrics = metrics;
        this.notifications = notifications;
        this.failures = failures;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.tracing = tracing;
        this.tracer = tracing.tracer();
        // the same rules as the API that stored the version (NOTIFY_ALLOW_INSECURE_HTTP included)
        this.parseContext = TenantConfigParser.Context.service(settings);
        if (worker.tenantBackoffSet()) {
            log.warn("WORKER_TENANT_BACKOFF_SECONDS is set but no longer used (docs/CONTRACT.md#receiving-a-job): the tenant lock replaces it");
        }
    }

    private Instant now() {
        return Timestamps.now(clock);
    }

    // ------------------------------------------------------------------ receive (docs/CONTRACT.md#receiving-a-job)

    /**
     * Every receive call ends here: an empty poll (no body) only counts the heartbeat. A message is
     * decided by the table of docs/CONTRACT.md#receiving-a-job; when an attempt starts, it is put on the exchange for the
     * stage steps. Never throws: one message must not stop the worker.
     */
    public void receive(Exchange exchange) {
        metrics.heartbeat();
        String body = exchange.getIn().getBody(String.class);
        if (body == null) return;
        String messageId = exchange.getIn().getHeader(Sqs2Constants.MESSAGE_ID, String.class);
        String receipt = exchange.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
        int rc = receiveCount(exchange);
        // the job's trace continues here (docs/OBSERVABILITY.md "Tracing"); the span lives as long
        // as the attempt and is in scope only while this class works on it
        Span span = tracing.startConsumer("relay.run.attempt", name -> messageAttribute(exchange, name))
                .tag("messaging.system", "aws_sqs").tag("relay.receive_count", rc);
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            JobMessage.Parsed parsed = JobMessage.parse(body);
            if (!parsed.ok()) {
                badMessage(messageId, parsed.badReason());
                span.event("bad_message");
                return;
            }
            JobMessage job = parsed.job();
            span.tag("relay.run_id", job.runId()).tag("relay.tenant_id", job.tenantId());
            LogContext.set(LogContext.RUN_ID, job.runId());
            LogContext.set(LogContext.TENANT_ID, job.tenantId());
            LogContext.set(LogContext.CORRELATION_ID, LogContext.correlationIdOf(attribute(exchange, "correlation_id"),
                    job.correlationId()));
            RunAttempt attempt = decide(job, messageId, receipt, rc, span);
            if (attempt != null) {
                span.tag("relay.attempt", attempt.attemptNumber);
                if (attempt.correlationId != null) span.tag("relay.correlation_id", attempt.correlationId);
                exchange.setProperty(ATTEMPT, attempt);
            } else {
                span.event("no_attempt"); // the decision (logged) left the run alone
            }
        } catch (RuntimeException e) {
            boolean retryable = isRetryable(e);
            metrics.error(retryable ? "run_retryable_error" : "run_unexpected_error");
            LogEvents.error(log, retryable ? "run_retryable_error" : "run_unexpected_error", retryable ? null : e,
                    "message_id", messageId, "error", describe(e));
            span.error(MessageTracing.bounded(e));
        } finally {
            if (exchange.getProperty(ATTEMPT) == null) {
                LogContext.clear();
                span.end();
            }
        }
    }

    private RunAttempt decide(JobMessage job, String messageId, String receipt, int rc, Span span) {
        for (int pass = 0; pass < 2; pass++) {
            Instant now = now();
            Map<String, AttributeValue> run = store.read(job.runId()).orElse(null);
            ReceiveDecision.Action action = ReceiveDecision.decide(job, run, rc, now, worker.poisonMaxReceives());
            switch (action) {
                case BAD_MESSAGE -> {
                    badMessage(messageId, run == null ? "no run item for run_id" : "run item does not match the job");
                    return null;
                }
                case POISON_ALREADY_FAILED -> {
                    LogEvents.info(log, "poison_job_already_failed", "receive_count", rc);
                    return null;
                }
                case ALREADY_PROCESSED -> {
                    LogEvents.info(log, "run_already_processed", "status", text(run, "status"));
                    delete(receipt);
                    return null;
                }
                case DELIVERY_IGNORED -> {
                    LogEvents.info(log, "run_delivery_ignored", "status", "RUNNING");
                    return null;
                }
                case POISON -> {
                    poison(job, run, rc, now);
                    return null;
                }
                case START -> {
                    RunAttempt attempt = start(job, messageId, receipt, rc, now, span);
                    if (attempt != null) return attempt;
                    // the start condition failed: read again and apply the rules once more
                }
            }
        }
        LogEvents.info(log, "run_delivery_ignored", "reason", "start condition failed twice");
        return null;
    }

    private RunAttempt start(JobMessage job, String messageId, String receipt, int rc, Instant now, Span span) {
        String attemptId = UUID.randomUUID().toString();
        Instant lease = now.plusSeconds(worker.visibilityTimeoutSeconds() - 10L);
        Optional<Map<String, AttributeValue>> started = store.startAttempt(job.runId(), attemptId, now, lease, rc);
        if (started.isEmpty()) return null;
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
        attempt.span = span; // before the heartbeat, which runs inside it
        active.add(attempt);
        // docs/CONTRACT.md#what-each-step-writes: the heartbeat starts immediately and repeats every WORKER_VISIBILITY_HEARTBEAT_SECONDS
        attempt.heartbeat = heartbeats.scheduleAtFixedRate(() -> {
            try (Tracer.SpanInScope inScope = tracer.withSpan(attempt.span)) {
                heartbeat(attempt);
            }
        }, 0,
                worker.visibilityHeartbeatSeconds(), TimeUnit.SECONDS);
        LogEvents.info(log, "run_started", "attempt", number, "receive_count", rc);
        return attempt;
    }

    private void heartbeat(RunAttempt attempt) {
        if (attempt.ended || attempt.handedBack || attempt.superseded) return;
        Instant now = now();
        queue.changeVisibility(attempt.receiptHandle, worker.visibilityTimeoutSeconds(),
                queueFailure("queue_visibility_error", "run_id", attempt.runId()));
        try {
            store.renewLease(attempt.runId(), attempt.attemptId, now.plusSeconds(worker.visibilityTimeoutSeconds() - 10L), now);
        } catch (RunAttemptStore.Superseded e) {
            attempt.superseded = true;
        } catch (RuntimeException e) {
            LogEvents.warn(log, "lease_renewal_failed", "run_id", attempt.runId(), "error", describe(e));
        }
    }

    /** Rule 6: the run is marked FAILED POISON_JOB; the message stays for the redrive to the DLQ. */
    private void poison(JobMessage job, Map<String, AttributeValue> run, int rc, Instant now) {
        if (!failures.failWithoutLiveAttempt(job.runId(), job.tenantId(), job.configVersion(), run, "POISON_JOB",
                POISON_MESSAGE, now)) {
            LogEvents.info(log, "run_delivery_ignored", "reason", "poison condition failed");
            return;
        }
        metrics.error("poison_job");
        LogEvents.warn(log, "poison_job_detected", "receive_count", rc);
    }

    private void badMessage(String messageId, String reason) {
        metrics.error("bad_message");
        LogEvents.warn(log, "bad_message", "message_id", messageId, "reason", reason);
    }

    // ------------------------------------------------------------------ stages (docs/CONTRACT.md#what-each-step-writes)

    /** FETCH_INPUTS: the pinned config (re-validated), newest inbound objects, snapshot, copies, manifest. */
    public void fetchInputs(Exchange exchange) throws IOException {
        RunAttempt a = attempt(exchange);
        if (a == null) return;
        inStage(a, EngineRun.FETCH_INPUTS, () -> fetchInputs(a));
    }

    private void fetchInputs(RunAttempt a) throws IOException {
        a.check();
        Optional<TenantConfig> config = loadConfig(a);
        if (config.isEmpty()) return;
        a.config = config.get();
        List<VendorInput> inputs = s3Inputs.inputs(a.config);
        Files.createDirectories(engine.spillDir());
        a.workDir = Files.createTempDirectory(engine.spillDir(), "relay-run-" + a.runId() + "-");
        EngineRun run = new EngineRun(mapper, new S3ArtifactSink(s3, bucket), listener(a));
        a.execution = run.begin(new EngineRun.Request(a.config, a.runId(), a.job.configVersion(), now(), inputs,
                a.workDir, engine.memoryBudgetBytes(), parallelism(), engine.maxRowsPerVendorFile(), engine.errorsMaxBytes()));
        a.result = a.execution.fetchInputs().orElse(null);
    }

    public void normalize(Exchange exchange) throws IOException {
        RunAttempt a = running(exchange);
        if (a != null) inStage(a, EngineRun.NORMALIZE, () -> a.result = a.execution.normalize().orElse(null));
    }

    public void mergePrice(Exchange exchange) throws IOException {
        RunAttempt a = running(exchange);
        if (a != null) inStage(a, EngineRun.MERGE_PRICE, () -> a.result = a.execution.mergePrice().orElse(null));
    }

    public void writeOutputs(Exchange exchange) throws IOException {
        RunAttempt a = running(exchange);
        if (a != null) inStage(a, EngineRun.WRITE_OUTPUTS, () -> a.result = a.execution.writeOutputs());
    }

    /** One stage's work. */
    @FunctionalInterface
    private interface StageWork {
        void run() throws IOException;
    }

    /**
     * {@code work} inside the span {@code relay.stage.<STAGE>}, a child of the attempt's span; a
     * stage that ended the run FAILED or threw marks its span and the attempt's as errors.
     */
    private void inStage(RunAttempt a, String stage, StageWork work) throws IOException {
        Span span = tracer.nextSpan(a.span).name("relay.stage." + stage).tag("relay.stage", stage)
                .tag("relay.run_id", a.runId()).start();
        a.stageSpan = span;
        RunResult before = a.result;
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            work.run();
            RunResult r = a.result;
            if (r != null && r != before && !r.succeeded()) {
                RuntimeException failed = new MessageTracing.RecordedError("run failed: " + r.errorCode());
                span.tag("relay.error_code", String.valueOf(r.errorCode())).error(failed);
                a.span.tag("relay.error_code", String.valueOf(r.errorCode())).error(failed);
            }
        } catch (IOException | RuntimeException e) {
            span.error(MessageTracing.bounded(e));
            a.span.error(MessageTracing.bounded(e));
            throw e;
        } finally {
            span.end();
        }
    }

    /** COMPLETE: the terminal write (docs/CONTRACT.md#attempt-outcomes-retry-and-poison) with the lock release, metrics, notification, delete. */
    public void complete(Exchange exchange) {
        RunAttempt a = attempt(exchange);
        if (a == null) return;
        try {
            inStage(a, EngineRun.COMPLETE, () -> complete(a));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // complete(a) does no I/O of its own
        } finally {
            end(a);
        }
    }

    private void complete(RunAttempt a) {
        a.check();
        RunResult r = a.result;
        if (r == null) throw new IllegalStateException("run " + a.runId() + " reached COMPLETE without a result");
        Instant now = now();
        Long duration = Duration.between(a.startedAt, now).toMillis();
        boolean ok = r.succeeded();
        RunCompletion completion = new RunCompletion(a.runId(), a.tenantId(), a.job.configVersion(), r.status(),
                ok ? EngineRun.COMPLETE : r.stage(), a.createdBy, a.requestedAt, Timestamps.format(now), duration,
                r.rowsProcessed(), r.failedStage(), r.errorCode(), r.errorMessage(), a.correlationId);
        Map<String, AttributeValue> record = a.config == null ? null
                : notifications.recordFor(a.config, completion, now).orElse(null);
        RunAttemptStore.Outcome outcome = store.terminalForAttempt(new RunAttemptStore.Terminal(a.runId(),
                a.tenantId(), r.status(), Timestamps.format(now), duration, r.rowsProcessed(), r.artifacts(), false,
                r.failedStage(), r.errorCode(), r.errorMessage(), r.errorsArtifactKey(), record,
                notifications.table()), a.attemptId);
        if (outcome != RunAttemptStore.Outcome.COMMITTED) {
            LogEvents.info(log, "run_attempt_superseded");
            return;
        }
        a.ended = true;
        metrics.runEnded(a.tenantId(), ok, duration, r.rowsProcessed());
        if (ok) {
            LogEvents.info(log, "run_succeeded", "duration_ms", duration, "rows_processed", r.rowsProcessed(),
                    "record_count", r.recordCount());
        } else {
            LogEvents.warn(log, "run_failed", "error_code", r.errorCode(), "failed_stage", r.failedStage(),
                    "error_message", r.errorMessage(), "duration_ms", duration);
        }
        a.span.tag("relay.status", r.status());
        enqueueNotification(record);
        delete(a.receiptHandle);
    }

    /**
     * The route's error handler (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): superseded → nothing; handed back at shutdown → nothing
     * more; otherwise a retryable or unexpected error: last_error, lease released, message visible
     * again after the backoff.
     */
    public void attemptFailed(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RunAttempt a = attempt(exchange);
        if (a == null) {
            metrics.error("run_unexpected_error");
            LogEvents.error(log, "run_unexpected_error", e, "error", describe(e));
            return;
        }
        try (Tracer.SpanInScope inScope = tracer.withSpan(a.span)) {
            if (e != null) a.span.error(MessageTracing.bounded(e));
            if (Causes.has(e, RunAttemptStore.Superseded.class) || a.superseded) {
                LogEvents.info(log, "run_attempt_superseded");
                return;
            }
            if (a.handedBack || Causes.has(e, RunAttempt.Aborted.class)) return;
            boolean retryable = isRetryable(e);
            String type = retryable ? "run_retryable_error" : "run_unexpected_error";
            String lastError = retryable ? describe(e) : "unexpected error: " + describe(e);
            if (!store.release(a.runId(), a.attemptId, lastError, a.artifacts(), now())) {
                LogEvents.info(log, "run_attempt_superseded");
                return;
            }
            long backoff = backoffSeconds(worker.retryBackoffSeconds(), worker.retryBackoffMaxSeconds(), a.attemptNumber);
            changeVisibility(a.receiptHandle, (int) backoff);
            metrics.error(type);
            if (retryable) {
                LogEvents.warn(log, "run_retryable_error", "attempt", a.attemptNumber, "error", lastError,
                        "backoff_seconds", backoff, "stage", a.stage());
            } else {
                LogEvents.error(log, "run_unexpected_error", e, "attempt", a.attemptNumber, "error", lastError,
                        "backoff_seconds", backoff, "stage", a.stage());
            }
        } finally {
            end(a);
        }
    }

    /** docs/CONTRACT.md#attempt-outcomes-retry-and-poison: min(base × 2^(attempts − 1), max). */
    static long backoffSeconds(long base, long max, int attempts) {
        int shift = Math.max(0, Math.min(attempts - 1, 30));
        return Math.min(base << shift, max);
    }

    // ------------------------------------------------------------------ shutdown (docs/CONTRACT.md#worker-loop-and-shutdown)

    /** Attempts running now. */
    public int activeAttempts() {
        return active.size();
    }

    /**
     * Called once polling has stopped and the shutdown deadline passed: every attempt still running
     * records {@code last_error = worker shutdown}, releases its lease and makes its message visible
     * at once; its thread stops at the next safe point. Returns how many were handed back.
     */
    public int handBackAll() {
        int released = 0;
        for (RunAttempt a : List.copyOf(active)) {
            if (a.ended || a.superseded) continue;
            a.handedBack = true;
            try {
                if (store.release(a.runId(), a.attemptId, SHUTDOWN_ERROR, a.artifacts(), now())) {
                    changeVisibility(a.receiptHandle, 0);
                    released++;
                }
            } catch (RuntimeException e) {
                LogEvents.warn(log, "worker_shutdown_release_failed", "run_id", a.runId(), "error", describe(e));
            }
        }
        return released;
    }

    // ------------------------------------------------------------------ helpers

    private StageListener listener(RunAttempt a) {
        return new StageListener() {
            private long lastProgress = System.nanoTime();

            @Override
            public void stageStarted(String stage) {
                a.check();
                // FETCH_INPUTS was written by the attempt start itself
                if (!EngineRun.FETCH_INPUTS.equals(stage)) {
                    store.enterStage(a.runId(), a.attemptId, stage, a.artifacts(), now());
                }
                LogEvents.info(log, "run_stage", "stage", stage);
            }

            @Override
            public VendorWork vendorStarted(String vendorId, String operation) {
                return new VendorSpan(tracer, tracer.nextSpan(a.stageSpan).name("relay.vendor." + operation)
                        .tag("relay.vendor_id", vendorId).tag("relay.run_id", a.runId()).start());
            }

            @Override
            public void progress(long rowsSoFar) {
                a.check();
                long t = System.nanoTime();
                synchronized (this) {
                    if (t - lastProgress < PROGRESS_INTERVAL_NANOS) return;
                    lastProgress = t;
                }
                store.progress(a.runId(), a.attemptId, rowsSoFar, now());
            }
        };
    }

    /** Step 2 of docs/CONTRACT.md#what-each-step-writes; a FAILED result (with errors.json) when the version is missing or unusable. */
    private Optional<TenantConfig> loadConfig(RunAttempt a) {
        Optional<TenantRepository.TenantVersion> version = tenants.version(a.tenantId(), a.job.configVersion());
        if (version.isEmpty()) {
            failEarly(a, "missing_tenant_config", "missing tenant config");
            return Optional.empty();
        }
        ValidationResult parsed = parser.parse(version.get().configJson(), TenantConfigParser.Format.JSON, parseContext);
        if (parsed instanceof ValidationResult.Valid valid) return Optional.of(valid.config());
        if (parsed instanceof ValidationResult.Invalid invalid && invalid.unsupportedSchemaVersion()) {
            failEarly(a, "unsupported_schema_version", invalid.problems().get(0).message());
        } else if (parsed instanceof ValidationResult.Invalid invalid) {
            ConfigProblem first = invalid.problems().get(0);
            failEarly(a, "invalid_input", "invalid tenant config: " + first.path() + ": " + first.message());
        } else {
            failEarly(a, "invalid_input", "invalid tenant config: " + ((ValidationResult.SyntaxError) parsed).message());
        }
        return Optional.empty();
    }

    private void failEarly(RunAttempt a, String code, String message) {
        String key = ErrorEntries.key(a.runId(), a.tenantId());
        failures.putErrors(key, ErrorEntries.failure(code, message, null));
        a.earlyArtifacts = Map.of("errors", key);
        a.result = new RunResult(RunResult.FAILED, EngineRun.FETCH_INPUTS, EngineRun.FETCH_INPUTS, code, message, key,
                a.earlyArtifacts, 0, 0);
    }

    private RunAttempt running(Exchange exchange) {
        RunAttempt a = attempt(exchange);
        if (a == null || a.result != null) return null;
        a.check();
        return a;
    }

    private static RunAttempt attempt(Exchange exchange) {
        return exchange.getProperty(ATTEMPT, RunAttempt.class);
    }

    private void enqueueNotification(Map<String, AttributeValue> record) {
        if (record == null) return;
        try {
            notifications.enqueue(record);
        } catch (RuntimeException e) {
            LogEvents.warn(log, "notification_enqueue_failed", "error", describe(e));
        }
    }

    private void delete(String receipt) {
        queue.delete(receipt, queueFailure("queue_delete_error"));
    }

    private void changeVisibility(String receipt, int seconds) {
        queue.changeVisibility(receipt, seconds, queueFailure("queue_visibility_error"));
    }

    /** Counts and logs a failed SDK call as {@code event}; any other exception propagates, as it always has. */
    private Consumer<RuntimeException> queueFailure(String event, Object... context) {
        return e -> {
            if (!(e instanceof SdkException)) throw e;
            metrics.error(event);
            Object[] fields = Arrays.copyOf(context, context.length + 2);
            fields[context.length] = "error";
            fields[context.length + 1] = describe(e);
            LogEvents.warn(log, event, fields);
        };
    }

    private void end(RunAttempt a) {
        a.ended = true;
        a.endSpan();
        if (a.heartbeat != null) a.heartbeat.cancel(false);
        active.remove(a);
        if (a.execution != null) a.execution.close();
        deleteTree(a.workDir);
        LogContext.clear();
    }

    private int parallelism() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / worker.maxConcurrency());
    }

    private static String attribute(Exchange exchange, String name) {
        Object v = exchange.getIn().getHeader(name);
        return v == null ? null : v.toString();
    }

    /** A String message attribute: from the consumer's map of the message's attributes, else the header it copied it to. */
    private static String messageAttribute(Exchange exchange, String name) {
        Object attributes = exchange.getIn().getHeader(Sqs2Constants.MESSAGE_ATTRIBUTES);
        if (attributes instanceof Map<?, ?> m && m.get(name) instanceof MessageAttributeValue v) return v.stringValue();
        return attribute(exchange, name);
    }

    private static int receiveCount(Exchange exchange) {
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

    /**
     * docs/CONTRACT.md#attempt-outcomes-retry-and-poison: AWS SDK errors (throttling, 5xx, timeouts, access denied, an inbound object that
     * vanished) and network failures while streaming are retryable; anything else is unexpected.
     */
    static boolean isRetryable(Throwable e) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof SdkException || t instanceof java.net.SocketException
                    || t instanceof java.net.SocketTimeoutException || t instanceof org.apache.http.ConnectionClosedException
                    || t instanceof org.apache.http.TruncatedChunkException) {
                return true;
            }
        }
        return false;
    }

    /** Error text for last_error and logs: the class and message, never credentials (SDK messages hold none). */
    static String describe(Throwable e) {
        if (e == null) return "unknown error";
        Throwable sdk = Causes.find(e, SdkException.class).orElse(null);
        Throwable root = sdk != null ? sdk : Causes.root(e);
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().replaceAll("[\\r\\n]+", " ");
        String text = root.getClass().getSimpleName() + message;
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            paths.sort(Comparator.reverseOrder());
            for (Path p : paths) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // temporary files only
        }
    }
}
