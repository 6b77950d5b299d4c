package com.relay.worker;

import com.relay.engine.run.EngineRun;
import com.relay.engine.run.RunResult;
import com.relay.tenants.config.TenantConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import io.micrometer.tracing.Span;

/**
 * One processing attempt of a run (docs/CONTRACT.md#receiving-a-job to docs/CONTRACT.md#attempt-outcomes-retry-and-poison), carried through the worker route's stages as an
 * exchange property. The heartbeat and the shutdown watchdog touch it from other threads, hence
 * the volatile flags.
 */
public final class RunAttempt {

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
    Path workDir;
    RunResult result;
    Map<String, String> earlyArtifacts = Map.of();
    ScheduledFuture<?> heartbeat;
    volatile boolean superseded;
    volatile boolean handedBack;
    volatile boolean ended;
    /** {@code relay.run.attempt}: started by the receive, ended once with the attempt. */
    Span span = Span.NOOP;
    /** The span of the stage running now: the parent of its vendors' spans on their own threads. */
    volatile Span stageSpan = Span.NOOP;
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

    /** Ends the attempt's span (the first call only: the error handler may follow the completion). */
    void endSpan() {
        if (spanEnded.compareAndSet(false, true)) span.end();
    }

    public String tenantId() { return job.tenantId(); }

    /** Stops the attempt's thread at a safe point once another attempt owns the run or shutdown took it back. */
    void check() {
        if (superseded) throw new RunAttemptStore.Superseded(runId());
        if (handedBack) throw new Aborted();
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
