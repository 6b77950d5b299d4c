package com.relay.worker;

import com.relay.api.Timestamps;
import com.relay.config.RelaySettings;
import com.relay.logging.Causes;
import com.relay.logging.LogEvents;
import com.relay.observability.MessageTracing;
import java.time.Clock;
import io.micrometer.tracing.Tracer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The worker route's error handler (routes/config/worker-errors.camel.yaml,
 * docs/CONTRACT.md#attempt-outcomes-retry-and-poison): superseded → nothing; handed back at shutdown
 * → nothing more; otherwise a retryable or unexpected error: last_error, lease released, message
 * visible again after the backoff. No Camel redelivery: a retry is a new attempt from FETCH_INPUTS.
 */
@Component("attemptErrors")
public class AttemptErrors {

    private static final Logger log = LoggerFactory.getLogger(AttemptErrors.class);

    private final RunAttemptStore store;
    private final RelaySettings.Worker worker;
    private final WorkerMetrics metrics;
    private final AttemptLeases leases;
    private final Clock clock;
    private final Tracer tracer;

    public AttemptErrors(RunAttemptStore store, RelaySettings settings, WorkerMetrics metrics, AttemptLeases leases,
                         ObjectProvider<Clock> clock, MessageTracing tracing) {
        this.store = store;
        this.worker = settings.worker();
        this.metrics = metrics;
        this.leases = leases;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.tracer = tracing.tracer();
    }

    /** With the backoff of WORKER_RETRY_BACKOFF_SECONDS and WORKER_RETRY_BACKOFF_MAX_SECONDS. */
    public void attemptFailed(Exchange exchange) {
        attemptFailed(exchange, worker.retryBackoffSeconds(), worker.retryBackoffMaxSeconds());
    }

    /**
     * The error handler step of routes/config/worker-errors.camel.yaml: the backoff's base and cap are
     * its arguments, so the retry policy is edited in YAML (docs/ROUTES.md, recipe 3).
     */
    public void attemptFailed(Exchange exchange, long backoffBaseSeconds, long backoffMaxSeconds) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RunAttempt a = exchange.getProperty(RunAttempt.PROPERTY, RunAttempt.class);
        if (a == null) {
            // the receive itself failed (the run item could not be read): the message comes back after its visibility timeout
            boolean retryable = isRetryable(e);
            String type = retryable ? "run_retryable_error" : "run_unexpected_error";
            metrics.error(type);
            LogEvents.error(log, type, retryable ? null : e, "error", describe(e));
            JobReceiver.receiveFailed(exchange, e);
            return;
        }
        try (Tracer.SpanInScope inScope = tracer.withSpan(a.span)) {
            if (e != null) {
                a.stageSpan.error(MessageTracing.bounded(e));
                a.span.error(MessageTracing.bounded(e));
            }
            if (Causes.has(e, RunAttemptStore.Superseded.class) || a.superseded) {
                LogEvents.info(log, "run_attempt_superseded");
                return;
            }
            if (a.handedBack || Causes.has(e, RunAttempt.Aborted.class)) return;
            boolean retryable = isRetryable(e);
            String type = retryable ? "run_retryable_error" : "run_unexpected_error";
            String lastError = retryable ? describe(e) : "unexpected error: " + describe(e);
            leases.stopRenewals(a);
            if (!store.release(a.runId(), a.attemptId, lastError, a.artifacts(), Timestamps.now(clock))) {
                LogEvents.info(log, "run_attempt_superseded");
                return;
            }
            long backoff = backoffSeconds(backoffBaseSeconds, backoffMaxSeconds, a.attemptNumber);
            leases.changeVisibility(a.receiptHandle, (int) backoff);
            metrics.error(type);
            if (retryable) {
                LogEvents.warn(log, "run_retryable_error", "attempt", a.attemptNumber, "error", lastError,
                        "backoff_seconds", backoff, "stage", a.stage());
            } else {
                LogEvents.error(log, "run_unexpected_error", e, "attempt", a.attemptNumber, "error", lastError,
                        "backoff_seconds", backoff, "stage", a.stage());
            }
        } finally {
            leases.end(a);
        }
    }

    /** SQS's longest visibility timeout: the longest backoff a message can get. */
    static final long MAX_BACKOFF_SECONDS = 43_200;

    /**
     * docs/CONTRACT.md#attempt-outcomes-retry-and-poison: min(base × 2^(attempts − 1), max). The
     * settings are validated at start-up; numbers written into the error handler step are checked here.
     */
    static long backoffSeconds(long base, long max, int attempts) {
        if (base < 0 || max < 0 || max > MAX_BACKOFF_SECONDS) {
            throw new IllegalArgumentException("retry backoff base " + base + " s and max " + max + " s must be within 0.."
                    + MAX_BACKOFF_SECONDS + " (SQS's visibility limit): see the step worker-attempt-failed in "
                    + "routes/config/worker-errors.camel.yaml");
        }
        int shift = Math.max(0, Math.min(attempts - 1, 30));
        return Math.min(Math.min(base, max) << shift, max);
    }

    /**
     * docs/CONTRACT.md#attempt-outcomes-retry-and-poison: AWS SDK errors (throttling, 5xx, timeouts, access denied, an inbound object that
     * vanished) and network failures while streaming are retryable; anything else is unexpected.
     */
    static boolean isRetryable(Throwable e) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof SdkException || t instanceof com.relay.sources.SourceUnavailableException
                    || t instanceof java.net.SocketException
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
        // a vendor source's error names the vendor and what failed; its cause says how
        Throwable source = Causes.find(e, com.relay.sources.SourceUnavailableException.class).orElse(null);
        if (source != null && sdk == null) {
            Throwable cause = source.getCause() == null ? null : Causes.root(source.getCause());
            String text = source.getMessage() + (cause == null ? "" : " (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage().replaceAll("[\\r\\n]+", " ")) + ")");
            return text.length() > 1000 ? text.substring(0, 1000) : text;
        }
        Throwable root = sdk != null ? sdk : Causes.root(e);
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().replaceAll("[\\r\\n]+", " ");
        String text = root.getClass().getSimpleName() + message;
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }
}
