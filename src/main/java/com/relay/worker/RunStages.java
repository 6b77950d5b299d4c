package com.relay.worker;

import com.relay.api.Timestamps;
import com.relay.engine.EngineFailure;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.StageListener;
import com.relay.logging.LogContext;
import com.relay.logging.LogEvents;
import com.relay.observability.MessageTracing;
import java.time.Clock;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The stage steps' common part (docs/CONTRACT.md#what-each-step-writes, docs/CONTRACT.md#statuses-and-stages):
 * {@link #enter} is each stage's first step (its span, then its status write to the run record,
 * forward only and fenced on the attempt); the vendor scopes put a vendor's span and log context
 * on the split thread that works on it; the engine's listener writes progress while NORMALIZE reads.
 */
@Component("runStages")
public class RunStages {

    static final String VENDOR_SCOPE = "relayVendorScope";
    private static final long PROGRESS_INTERVAL_NANOS = 2_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(RunStages.class);

    private final RunAttemptStore store;
    private final Clock clock;
    private final Tracer tracer;

    public RunStages(RunAttemptStore store, ObjectProvider<Clock> clock, MessageTracing tracing) {
        this.store = store;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.tracer = tracing.tracer();
    }

    /**
     * A stage starts: the previous stage's span ends, {@code relay.stage.<STAGE>} starts (a child of
     * the attempt's span, in scope on the route's thread until the next stage), and the stage is
     * written to the run record. FETCH_INPUTS was written by the attempt's start and COMPLETE is
     * the terminal transaction itself, so those two write nothing here.
     */
    public void enter(Exchange exchange, String stage) {
        RunAttempt a = attempt(exchange);
        a.endStageSpan();
        a.check();
        Span span = tracer.nextSpan(a.span).name("relay.stage." + stage).tag("relay.stage", stage)
                .tag("relay.run_id", a.runId()).start();
        a.stageSpan = span;
        a.resultAtStageStart = a.result;
        a.stageScope = tracer.withSpan(span);
        if (!EngineRun.FETCH_INPUTS.equals(stage) && !EngineRun.COMPLETE.equals(stage)) {
            store.enterStage(a.runId(), a.attemptId, stage, a.artifacts(), Timestamps.now(clock));
        }
        LogEvents.info(log, "run_stage", "stage", stage);
    }

    /** The listener the attempt's engine run reports to. */
    StageListener listener(RunAttempt a) {
        return new StageListener() {
            private long lastProgress = System.nanoTime();

            @Override
            public void stageStarted(String stage) {
                a.check(); // the route wrote the stage already (stage-*-status)
            }

            @Override
            public VendorWork vendorStarted(String vendorId, String operation) {
                // the route's vendor step opened the vendor's span on this thread (openVendor)
                return new VendorSpanNotes(tracer.currentSpan());
            }

            @Override
            public void progress(long rowsSoFar) {
                a.check();
                long t = System.nanoTime();
                synchronized (this) {
                    if (t - lastProgress < PROGRESS_INTERVAL_NANOS) return;
                    lastProgress = t;
                }
                store.progress(a.runId(), a.attemptId, rowsSoFar, Timestamps.now(clock));
            }
        };
    }

    /**
     * Opens {@code relay.vendor.<operation>} for one vendor's exchange of a split: the span (a child
     * of the stage's) and the run's log context are current on this thread until {@link #closeVendor}.
     */
    void openVendor(Exchange exchange, RunAttempt a, String vendorId, String operation) {
        a.check();
        a.checkSplit();
        Span span = tracer.nextSpan(a.stageSpan).name("relay.vendor." + operation)
                .tag("relay.vendor_id", vendorId).tag("relay.run_id", a.runId()).start();
        LogContext.Scope logs = LogContext.open().runId(a.runId()).tenantId(a.tenantId()).correlationId(a.correlationId);
        exchange.setProperty(VENDOR_SCOPE, new VendorScope(new VendorSpan(tracer, span), logs));
    }

    /** Ends the vendor's span (marked failed when the vendor's steps threw) and its log context. */
    void closeVendor(Exchange exchange) {
        VendorScope scope = exchange.getProperty(VENDOR_SCOPE, VendorScope.class);
        if (scope == null) return;
        exchange.removeProperty(VENDOR_SCOPE);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) failure = exchange.getException();
        if (failure != null) scope.span().failed(failure);
        scope.span().close();
        scope.logs().close();
    }

    /**
     * A vendor's (or an artifact's) exchange of a split failed: the first failure is kept on the
     * attempt and stops the rest (the engine's parses at their next chunk, the other exchanges at
     * their first step); the step after the split rethrows it on the route's thread, where the
     * route's error handler takes the attempt once. Exceptions never leave a split's exchange:
     * the route's error handler would run on a split thread, once per vendor.
     */
    public void vendorFailed(Exchange exchange) {
        RunAttempt a = attempt(exchange);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e == null) e = new IllegalStateException("a split exchange failed without an exception");
        a.splitFailed(e);
        if (a.execution != null) a.execution.abort();
    }

    /** After a split: its first failure, if any, is thrown here. */
    public void rethrowSplitFailure(Exchange exchange) throws Exception {
        attempt(exchange).rethrowSplitFailure();
    }

    static VendorSpan vendorSpan(Exchange exchange) {
        VendorScope scope = exchange.getProperty(VENDOR_SCOPE, VendorScope.class);
        return scope == null ? null : scope.span();
    }

    static RunAttempt attempt(Exchange exchange) {
        RunAttempt a = exchange.getProperty(RunAttempt.PROPERTY, RunAttempt.class);
        if (a == null) throw new IllegalStateException("no attempt on the exchange: a stage step ran outside worker-run");
        return a;
    }

    private record VendorScope(VendorSpan span, LogContext.Scope logs) { }

    /** What the engine learns about a vendor, written on the span the route opened for it. */
    private record VendorSpanNotes(Span span) implements StageListener.VendorWork {
        @Override
        public void rows(long rows) {
            if (span != null) span.tag("relay.rows", rows);
        }

        @Override
        public void bytes(long bytes) {
            if (span != null) span.tag("relay.bytes", bytes);
        }

        @Override
        public void failed(Throwable cause) {
            if (span == null) return;
            if (cause instanceof EngineFailure f) {
                span.tag("relay.error_code", f.errorCode()).error(new MessageTracing.RecordedError("run failed: " + f.errorCode()));
            } else {
                span.error(MessageTracing.bounded(cause));
            }
        }
    }
}
