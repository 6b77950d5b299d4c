package com.relay.worker;

import java.io.IOException;
import java.util.List;
import io.micrometer.tracing.Tracer;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * MERGE_PRICE's and WRITE_OUTPUTS' engine steps (docs/CONTRACT.md#what-each-step-writes steps 7–9)
 * and the queue of artifacts behind the route {@code worker-put-artifacts}: each engine step queues
 * what it writes, the route's next step stores it through {@code aws2-s3}.
 */
@Component("runOutputs")
public class RunOutputs {

    static final String ARTIFACT_SCOPE = "relayArtifactScope";

    private final Tracer tracer;

    public RunOutputs(com.relay.observability.MessageTracing tracing) {
        this.tracer = tracing.tracer();
    }

    /** MERGE_PRICE: error thresholds (may end the run FAILED), errors.json, the merged and priced CSV on disk. */
    public void mergePrice(Exchange exchange) throws IOException {
        RunAttempt a = RunStages.attempt(exchange);
        a.result = a.execution.mergePrice().orElse(null);
    }

    /** WRITE_OUTPUTS, first part: the merged CSV is queued. */
    public void writeMerged(Exchange exchange) throws IOException {
        RunStages.attempt(exchange).execution.writeMerged();
    }

    /** WRITE_OUTPUTS, last part: the run summary is queued; the run succeeded. */
    public void writeSummary(Exchange exchange) throws IOException {
        RunAttempt a = RunStages.attempt(exchange);
        a.result = a.execution.summarize();
    }

    /** What the engine queued since the last call, in write order: the put split's body. */
    public List<PendingArtifacts.Artifact> drain(Exchange exchange) {
        return RunStages.attempt(exchange).pending.drain();
    }

    /** One artifact's exchange starts: the stage's span is current on this thread, so the S3 call is its child. */
    public void artifactStarted(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        a.check();
        a.checkSplit();
        exchange.setProperty(ARTIFACT_SCOPE, tracer.withSpan(a.stageSpan));
    }

    /** The artifact's exchange ends (the split's doFinally). */
    public void artifactEnded(Exchange exchange) {
        Tracer.SpanInScope scope = exchange.getProperty(ARTIFACT_SCOPE, Tracer.SpanInScope.class);
        exchange.removeProperty(ARTIFACT_SCOPE);
        if (scope != null) scope.close();
    }
}
