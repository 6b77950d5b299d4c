package com.relay.worker;

import com.relay.engine.run.EngineRun;
import com.relay.engine.run.RunResult;
import com.relay.tenants.config.TenantConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/**
 * One processing attempt of a run (docs/CONTRACT.md#receiving-a-job to docs/CONTRACT.md#attempt-outcomes-retry-and-poison), carried through the worker route's stages as the
 * exchange property {@code relayAttempt}. The route reads it through the getters below
 * ({@code ${exchangeProperty.relayAttempt.running}}); the lease renewal and the shutdown watchdog
 * touch it from other threads, hence the volatile flags.
 */
public final class RunAttempt {

    /** The exchange property that carries the attempt through the worker route. */
    public static final String PROPERTY = "relayAttempt";

    /** Thrown at the next check once the attempt was handed back at shutdown (docs/CONTRACT.md#worker-loop-and-shutdown). */
    public static final class Aborted extends RuntimeException {
        public Aborted() {
            super("worker shutdown", null, false, false);
        }
    }

    final JobMessage job;
    final String messageId;
    final String receiptHandle;
    final int receiveCount;
    final String attemptId;
    final int attemptNumber;
    final Instant startedAt;
    final String createdBy;
    final String requestedAt;
    final String correlationId;
    final long startNanos = System.nanoTime();

    TenantConfig config;
    EngineRun.Execution execution;
    /** The run's {@code publish_mode} (docs/CONTRACT.md#the-published-feed): {@code publish} or {@code dry_run}. */
    String publishMode = RunPublishing.MODE_PUBLISH;
    /** The run whose inbound copies this run reads instead of fetching ({@code inputs_from_run}), or null. */
    String inputsFromRun;
    /** The tenant's published-feed pointer as MERGE_PRICE read it; null before the first publication. */
    com.relay.publish.PublishedFeeds.Pointer published;
    /** The pointer names a run whose baseline file could not be read: the run is held, never published blind. */
    boolean baselineMissing;
    /** The publish_status the terminal write recorded. */
    String publishStatus;
    /** The notification record the last terminal write attempt carried. */
    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> notificationRecord;
    /** The terminal write made this run the published one: the stable copy is synced next. */
    volatile boolean publishedNow;
    Path workDir;
    volatile RunResult result;
    Map<String, String> earlyArtifacts = Map.of();
    /** Artifacts the engine queued and the route has not stored yet ({@code direct:put-run-artifacts}). */
    final PendingArtifacts pending = new PendingArtifacts();
    /** FETCH_INPUTS: the inbound copies the route makes, one per found vendor. */
    List<VendorFetch> fetches = List.of();
    /** NORMALIZE: the vendors the route reads, one per found vendor. */
    List<VendorRead> reads = List.of();
    /** When the lease renewal route renews this attempt next (nanoTime); at once after the start. */
    volatile long nextRenewalNanos = System.nanoTime();
    /** Set (under the attempt's lock) before a release or terminal write: the lease is not renewed any more. */
    boolean renewalsStopped;
    /** The terminal transaction committed. */
    volatile boolean committed;
    /** The run's duration as the terminal write recorded it. */
    Long durationMs;
    volatile boolean superseded;
    volatile boolean handedBack;
    volatile boolean ended;
    /** {@code relay.run.attempt}: started by the receive, ended once with the attempt. */
    Span span = Span.NOOP;
    /** The span of the stage running now: the parent of its vendors' spans on their own threads. */
    volatile Span stageSpan = Span.NOOP;
    /** The stage span in scope on the route's thread (the stage's SDK calls are its children). */
    Tracer.SpanInScope stageScope;
    /** The result when the stage span started: a result set during the stage means it ended the run. */
    RunResult resultAtStageStart;
    private final AtomicBoolean spanEnded = new AtomicBoolean();

    RunAttempt(JobMessage job, String messageId, String receiptHandle, int receiveCount, String attemptId,
               int attemptNumber, Instant startedAt, String createdBy, String requestedAt, String correlationId) {
        this.job = job;
        this.messageId = messageId;
        this.receiptHandle = receiptHandle;
        this.receiveCount = receiveCount;
        this.attemptId = attemptId;
        this.attemptNumber = attemptNumber;
        this.startedAt = startedAt;
        this.createdBy = createdBy;
        this.requestedAt = requestedAt;
        this.correlationId = correlationId;
    }

    public String runId() { return job.runId(); }

    /** The run has no result yet: the next stage has work to do (the route's stage filters). */
    public boolean isRunning() { return result == null; }

    /** The terminal write committed: metrics, notification and delete follow. */
    public boolean isCommitted() { return committed; }

    /** The terminal write published this run (the route then syncs the stable copy). */
    public boolean isPublishedNow() { return publishedNow; }

    /** The published run's baseline key for MERGE_PRICE's get, or null when there is none. */
    public String getBaselineKey() { return published == null ? null : published.baselineKey(); }

    /** FETCH_INPUTS' split: one inbound copy per found vendor. */
    public List<VendorFetch> getFetches() { return fetches; }

    /** NORMALIZE's split: one read per found vendor. */
    public List<VendorRead> getReads() { return reads; }

    /** The job message's receipt handle (the route's delete step). */
    public String getReceiptHandle() { return receiptHandle; }

    /** Ends the attempt's span (the first call only: the error handler may follow the completion). */
    void endSpan() {
        endStageSpan();
        if (spanEnded.compareAndSet(false, true)) span.end();
    }

    /** Ends the current stage's span; a stage that ended the run FAILED marks it and the attempt's span. */
    void endStageSpan() {
        if (stageScope != null) {
            stageScope.close();
            stageScope = null;
        }
        Span s = stageSpan;
        if (s == Span.NOOP) return;
        stageSpan = Span.NOOP;
        RunResult r = result;
        if (r != null && r != resultAtStageStart && !r.succeeded()) {
            RuntimeException failed = new com.relay.observability.MessageTracing.RecordedError("run failed: " + r.errorCode());
            s.tag("relay.error_code", String.valueOf(r.errorCode())).error(failed);
            span.tag("relay.error_code", String.valueOf(r.errorCode())).error(failed);
        }
        s.end();
    }

    public String tenantId() { return job.tenantId(); }

    /** Stops the attempt's thread at a safe point once another attempt owns the run or shutdown took it back. */
    void check() {
        if (superseded) throw new RunAttemptStore.Superseded(runId());
        if (handedBack) throw new Aborted();
    }

    private final java.util.concurrent.atomic.AtomicReference<Throwable> splitFailure = new java.util.concurrent.atomic.AtomicReference<>();

    /** A split exchange of this attempt failed; the first failure is the one thrown after the split. */
    void splitFailed(Throwable e) {
        splitFailure.compareAndSet(null, e);
    }

    /** Stops a split exchange at its first step once another one of the attempt failed. */
    void checkSplit() {
        if (splitFailure.get() != null) throw new SplitStopped();
    }

    /** Throws the split's first failure (and forgets it: the attempt ends with it). */
    void rethrowSplitFailure() throws Exception {
        Throwable e = splitFailure.getAndSet(null);
        if (e == null) return;
        if (e instanceof Exception x) throw x;
        if (e instanceof Error err) throw err;
        throw new IllegalStateException(e);
    }

    /** A vendor's exchange did not start because another one of the split failed. */
    static final class SplitStopped extends RuntimeException {
        SplitStopped() {
            super("stopped: another vendor of the split failed", null, false, false);
        }
    }

    /** Artifacts written so far by this attempt. */
    Map<String, String> artifacts() {
        if (result != null) return result.artifacts();
        return execution != null ? execution.artifacts() : earlyArtifacts;
    }

    /** Where the attempt is: the engine's current stage, FETCH_INPUTS before it starts. */
    String stage() {
        return execution != null ? execution.stage() : EngineRun.FETCH_INPUTS;
    }
}
