package com.relay.notify;

import com.relay.notify.Classification.BreakerOutcome;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One breaker per ntfy server (notifications.md §4.7). With a shared {@link BreakerStore} every
 * change is a conditional write, re-read and re-applied up to 5 times; when the store fails (or
 * keeps conflicting) this call is decided by the local in-memory breaker ("fail open" while it is
 * CLOSED), with {@code circuit_store_error} logged and counted. Without a shared store the local
 * breaker is the breaker.
 */
public class CircuitBreakers {

    private static final Logger log = LoggerFactory.getLogger(CircuitBreakers.class);
    static final int STORE_ATTEMPTS = 5;

    private final BreakerRules rules;
    private final BreakerStore shared; // null: per process
    private final NotifyMetrics metrics;
    private final Map<String, BreakerState> local = new ConcurrentHashMap<>();

    public CircuitBreakers(BreakerRules rules, BreakerStore shared, NotifyMetrics metrics) {
        this.rules = rules;
        this.shared = shared;
        this.metrics = metrics;
    }

    public BreakerRules rules() { return rules; }

    /** Permission before an HTTP attempt. */
    public BreakerRules.Permission permission(String service, Instant t, String correlationId) {
        BreakerRules.Permission[] answer = new BreakerRules.Permission[1];
        apply(service, correlationId, t, s -> {
            answer[0] = rules.permission(s, t);
            return answer[0].state();
        });
        return answer[0];
    }

    /** The outcome of an attempt (§4.5 classification). */
    public void report(String service, Instant t, BreakerOutcome outcome, String correlationId) {
        apply(service, correlationId, t, s -> rules.outcome(s, t, outcome));
    }

    /** A read-only look (rule 6 of §4.3 and the deferral delay). */
    public BreakerState peek(String service) {
        BreakerState s;
        if (shared == null) {
            s = local.getOrDefault(service, BreakerState.INITIAL);
        } else {
            try {
                s = shared.read(service);
                local.put(service, s);
            } catch (RuntimeException e) {
                storeError(service, e);
                s = local.getOrDefault(service, BreakerState.INITIAL);
            }
        }
        metrics.breakerState(service, s.state());
        return s;
    }

    private void apply(String service, String correlationId, Instant t, Function<BreakerState, BreakerState> change) {
        if (shared != null) {
            try {
                for (int i = 0; i < STORE_ATTEMPTS; i++) {
                    BreakerState read = shared.read(service);
                    BreakerState next = change.apply(read);
                    if (next.sameAs(read)) {
                        local.put(service, read);
                        metrics.breakerState(service, read.state());
                        return;
                    }
                    if (shared.write(service, read, next)) {
                        local.put(service, next.withVersion(read.version() + 1));
                        transitioned(service, read, next, t, correlationId);
                        return;
                    }
                }
                storeError(service, new IllegalStateException(STORE_ATTEMPTS + " conflicting writes in a row"));
            } catch (RuntimeException e) {
                storeError(service, e);
            }
        }
        BreakerState[] before = new BreakerState[1];
        BreakerState after = local.compute(service, (k, s) -> {
            BreakerState cur = s == null ? BreakerState.INITIAL : s;
            before[0] = cur;
            return change.apply(cur);
        });
        transitioned(service, before[0], after, t, correlationId);
    }

    private void transitioned(String service, BreakerState from, BreakerState to, Instant t, String correlationId) {
        metrics.breakerState(service, to.state());
        if (from.state() != to.state()) {
            log.warn("circuit_breaker_state_changed service_name={} from={} to={} failure_count={} correlation_id={}",
                    service, from.state(), to.state(), rules.failureCount(to, t), correlationId);
        }
    }

    private void storeError(String service, Exception e) {
        log.warn("circuit_store_error service_name={} error=\"{}: {}\"", service, e.getClass().getSimpleName(), e.getMessage());
        metrics.workerError("circuit_store_error");
    }
}
