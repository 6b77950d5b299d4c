package com.relay.worker;

import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import com.relay.aws.QueueMessages;
import com.relay.config.RelaySettings;
import com.relay.logging.LogContext;
import com.relay.logging.LogEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import io.micrometer.tracing.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The attempts this worker runs now and their leases (docs/CONTRACT.md#what-each-step-writes,
 * docs/CONTRACT.md#worker-loop-and-shutdown). The route {@code worker-lease-renewal} calls
 * {@link #renewDue} every second: an attempt is renewed at once after its start and then every
 * {@code WORKER_VISIBILITY_HEARTBEAT_SECONDS} (the message's visibility and the run's lease, fenced
 * on its attempt_id). {@link WorkerShutdown} hands the attempts still running back.
 */
@Component("attemptLeases")
public class AttemptLeases {

    static final String SHUTDOWN_ERROR = "worker shutdown";
    private static final Logger log = LoggerFactory.getLogger(AttemptLeases.class);

    private final RunAttemptStore store;
    private final QueueMessages queue;
    private final RelaySettings.Worker worker;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final Tracer tracer;
    private final Set<RunAttempt> active = ConcurrentHashMap.newKeySet();

    public AttemptLeases(RunAttemptStore store, SqsClient sqs, ProvisionedResources resources, RelaySettings settings,
                         WorkerMetrics metrics, ObjectProvider<Clock> clock, com.relay.observability.MessageTracing tracing) {
        this.store = store;
        this.queue = new QueueMessages(sqs, resources.jobsQueueUrl());
        this.worker = settings.worker();
        this.metrics = metrics;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.tracer = tracing.tracer();
    }

    void register(RunAttempt attempt) {
        attempt.nextRenewalNanos = System.nanoTime();
        active.add(attempt);
    }

    /** Attempts running now. */
    public int activeAttempts() {
        return active.size();
    }

    /** Renews every attempt whose renewal is due; returns how many were renewed. */
    public int renewDue() {
        long t = System.nanoTime();
        int renewed = 0;
        for (RunAttempt a : active) {
            if (t - a.nextRenewalNanos < 0) continue;
            a.nextRenewalNanos = t + TimeUnit.SECONDS.toNanos(worker.visibilityHeartbeatSeconds());
            // under the attempt's lock: a renewal never lands after the release or terminal write that stopped them
            synchronized (a) {
                if (a.renewalsStopped || a.ended || a.handedBack || a.superseded) continue;
                try (Tracer.SpanInScope inScope = tracer.withSpan(a.span);
                     LogContext.Scope log = LogContext.open().runId(a.runId()).tenantId(a.tenantId())) {
                    renew(a);
                    renewed++;
                }
            }
        }
        return renewed;
    }

    /**
     * No renewal of {@code a} from now on; one under way has finished when this returns. Called
     * before the attempt's release, terminal write or hand-back, so no renewal follows them (a late
     * one would make the message invisible again and keep the lease alive after the release).
     */
    void stopRenewals(RunAttempt a) {
        synchronized (a) {
            a.renewalsStopped = true;
        }
    }

    private void renew(RunAttempt a) {
        Instant now = Timestamps.now(clock);
        queue.changeVisibility(a.receiptHandle, worker.visibilityTimeoutSeconds(),
                queueFailure("queue_visibility_error", "run_id", a.runId()));
        try {
            store.renewLease(a.runId(), a.attemptId, now.plusSeconds(worker.visibilityTimeoutSeconds() - 10L), now);
        } catch (RunAttemptStore.Superseded e) {
            a.superseded = true;
        } catch (RuntimeException e) {
            LogEvents.warn(log, "lease_renewal_failed", "run_id", a.runId(), "error", AttemptErrors.describe(e));
        }
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
            stopRenewals(a);
            a.handedBack = true;
            try {
                if (store.release(a.runId(), a.attemptId, SHUTDOWN_ERROR, a.artifacts(), Timestamps.now(clock))) {
                    changeVisibility(a.receiptHandle, 0);
                    released++;
                }
            } catch (RuntimeException e) {
                LogEvents.warn(log, "worker_shutdown_release_failed", "run_id", a.runId(), "error", AttemptErrors.describe(e));
            }
        }
        return released;
    }

    void changeVisibility(String receipt, int seconds) {
        queue.changeVisibility(receipt, seconds, queueFailure("queue_visibility_error"));
    }

    /** The attempt is over (completed or failed): spans ended, lease no longer renewed, temporary files gone. */
    void end(RunAttempt a) {
        a.ended = true;
        a.endSpan();
        active.remove(a);
        if (a.execution != null) a.execution.close();
        deleteTree(a.workDir);
        LogContext.clear();
    }

    /** Counts and logs a failed SDK call as {@code event}; any other exception propagates, as it always has. */
    private Consumer<RuntimeException> queueFailure(String event, Object... context) {
        return e -> {
            if (!(e instanceof SdkException)) throw e;
            metrics.error(event);
            Object[] fields = java.util.Arrays.copyOf(context, context.length + 2);
            fields[context.length] = "error";
            fields[context.length + 1] = AttemptErrors.describe(e);
            LogEvents.warn(log, event, fields);
        };
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
