package com.relay.notify;

import com.relay.logging.LogEvents;
import com.relay.notify.BreakerState.State;
import com.relay.notify.Classification.BreakerOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One breaker per ntfy server <em>and tenant</em> (docs/CONTRACT.md#circuit-breaker, keyed as decided in
 * docs/NOTIFICATIONS.md): a tenant whose topic answers 429 opens only its own breaker, never the
 * one of every tenant on the same host. With a shared {@link BreakerStore} every change is a
 * conditional write, re-read and re-applied up to 5 times; when the store fails (or keeps
 * conflicting) this call is decided by the local in-memory breaker ("fail open" while it is
 * CLOSED), with {@code circuit_store_error} logged and counted. Without a shared store the local
 * breaker is the breaker.
 *
 * <p>The {@code CircuitBreakerState{Service}} gauge stays per server (bounded by the number of
 * servers, not servers × tenants): it reports the worst state among that server's tenant breakers
 * this process saw within the last {@code window + open} period.
 */
public class CircuitBreakers {

    private static final Logger log = LoggerFactory.getLogger(CircuitBreakers.class);
    static final int STORE_ATTEMPTS = 5;
    private static final char TENANT_SEPARATOR = '#';

    private final BreakerRules rules;
    private final BreakerStore shared; // null: per process
    private final NotifyMetrics metrics;
    private final Clock clock;
    /** Local breakers; an entry equal to a fresh breaker is dropped, so idle tenants cost nothing. */
    private final Map<String, BreakerState> local = new ConcurrentHashMap<>();
    /** Per server: the breakers last seen not CLOSED, with when (feeds the per-server gauge). */
    private final Map<String, Map<String, Seen>> notClosed = new ConcurrentHashMap<>();

    private record Seen(State state, Instant at) {}

    public CircuitBreakers(BreakerRules rules, BreakerStore shared, NotifyMetrics metrics) {
        this(rules, shared, metrics, Clock.systemUTC());
    }

    public CircuitBreakers(BreakerRules rules, BreakerStore shared, NotifyMetrics metrics, Clock clock) {
        this.rules = rules;
        this.shared = shared;
        this.metrics = metrics;
        this.clock = clock;
    }

    public BreakerRules rules() { return rules; }

    /**
     * The breaker of {@code tenantId}'s notifications to {@code service} ({@code ntfy:<host>[:<port>]}):
     * {@code ntfy:<host>[:<port>]#<tenant_id>}. Tenant ids never contain {@code #} (docs/CONTRACT.md#api-conventions pattern).
     */
    public static String key(String service, String tenantId) {
        return tenantId == null ? service : service + TENANT_SEPARATOR + tenantId;
    }

    /** The server part of a breaker key (the gauge's {@code Service} tag, the logs' {@code service_name}). */
    public static String serverOf(String key) {
        int i = key.indexOf(TENANT_SEPARATOR);
        return i < 0 ? key : key.substring(0, i);
    }

    /** The tenant part of a breaker key, or null. */
    public static String tenantOf(String key) {
        int i = key.indexOf(TENANT_SEPARATOR);
        return i < 0 ? null : key.substring(i + 1);
    }

    /** Permission before an HTTP attempt. */
    public BreakerRules.Permission permission(String key, Instant t, String correlationId) {
        BreakerRules.Permission[] answer = new BreakerRules.Permission[1];
        apply(key, correlationId, t, s -> {
            answer[0] = rules.permission(s, t);
            return answer[0].state();
        });
        return answer[0];
    }

    /** The outcome of an attempt (docs/CONTRACT.md#classification-of-an-attempt classification). */
    public void report(String key, Instant t, BreakerOutcome outcome, String correlationId) {
        apply(key, correlationId, t, s -> rules.outcome(s, t, outcome));
    }

    /** A read-only look (rule 6 of docs/CONTRACT.md#processing-a-notification-message and the deferral delay). */
    public BreakerState peek(String key) {
        BreakerState s;
        if (shared == null) {
            s = local.getOrDefault(key, BreakerState.INITIAL);
        } else {
            try {
                s = shared.read(key);
                remember(key, s);
            } catch (RuntimeException e) {
                storeError(key, e);
                s = local.getOrDefault(key, BreakerState.INITIAL);
            }
        }
        gauge(key, s.state());
        return s;
    }

    private void apply(String key, String correlationId, Instant t, Function<BreakerState, BreakerState> change) {
        if (shared != null) {
            try {
                for (int i = 0; i < STORE_ATTEMPTS; i++) {
                    BreakerState read = shared.read(key);
                    BreakerState next = change.apply(read);
                    if (next.sameAs(read)) {
                        remember(key, read);
                        gauge(key, read.state());
                        return;
                    }
                    if (shared.write(key, read, next)) {
                        remember(key, next.withVersion(read.version() + 1));
                        transitioned(key, read, next, t, correlationId);
                        return;
                    }
                }
                storeError(key, new IllegalStateException(STORE_ATTEMPTS + " conflicting writes in a row"));
            } catch (RuntimeException e) {
                storeError(key, e);
            }
        }
        BreakerState[] before = new BreakerState[1];
        BreakerState after = local.compute(key, (k, s) -> {
            BreakerState cur = s == null ? BreakerState.INITIAL : s;
            before[0] = cur;
            BreakerState next = change.apply(cur);
            return fresh(next) ? null : next;
        });
        transitioned(key, before[0], after == null ? BreakerState.INITIAL : after, t, correlationId);
    }

    /** Whether breakers are shared through {@code CIRCUIT_BREAKER_TABLE} (else each process has its own). */
    public boolean shared() { return shared != null; }

    /** The admin listing: up to {@code max} breakers sorted by key; {@code truncated} when there were more. */
    public record Listing(List<BreakerStore.Stored> breakers, boolean truncated) {}

    /**
     * Every breaker that is not fresh: the shared table's items (a store error propagates: the
     * caller answers 503) or, without it, this process's local breakers.
     */
    public Listing list(int max) {
        List<BreakerStore.Stored> all = new ArrayList<>();
        if (shared != null) {
            all.addAll(shared.list(max));
        } else {
            local.forEach((k, v) -> all.add(new BreakerStore.Stored(k, v)));
        }
        all.sort(Comparator.comparing(BreakerStore.Stored::key));
        boolean truncated = all.size() > max;
        return new Listing(List.copyOf(truncated ? all.subList(0, max) : all), truncated);
    }

    /**
     * An operator's manual reset (docs/RUNBOOK.md "Resetting a circuit breaker by hand"): the
     * breaker becomes CLOSED with no failures counted — in the shared table with one conditional
     * write ({@link BreakerStore#reset}), and in this process's memory (the local fallback) — the
     * gauge is updated and {@code circuit_breaker_state_changed} is logged with
     * {@code reason: manual_reset} and who asked. Without the shared table only this process's
     * breaker is reset. Empty when neither knows the breaker.
     */
    public Optional<BreakerState> reset(String key, String resetBy, String correlationId) {
        BreakerState localBefore = local.remove(key);
        Optional<BreakerState> before = shared == null ? Optional.empty() : shared.reset(key);
        if (before.isEmpty()) before = Optional.ofNullable(localBefore);
        if (before.isEmpty()) return Optional.empty();
        Instant t = clock.instant();
        gauge(key, State.CLOSED);
        LogEvents.warn(log, "circuit_breaker_state_changed", "service_name", serverOf(key), "tenant_id", tenantOf(key),
                "from", before.get().state(), "to", State.CLOSED, "failure_count", 0,
                "reason", "manual_reset", "reset_by", resetBy, "scope", shared == null ? "instance" : "shared",
                "correlation_id", correlationId);
        return before;
    }

    private void remember(String key, BreakerState s) {
        if (fresh(s)) local.remove(key);
        else local.put(key, s);
    }

    /** CLOSED with nothing counted: the same as no breaker at all. */
    private static boolean fresh(BreakerState s) {
        return s.state() == State.CLOSED && s.failureTimes().isEmpty();
    }

    private void transitioned(String key, BreakerState from, BreakerState to, Instant t, String correlationId) {
        gauge(key, to.state());
        if (from.state() != to.state()) {
            LogEvents.warn(log, "circuit_breaker_state_changed", "service_name", serverOf(key), "tenant_id", tenantOf(key),
                    "from", from.state(), "to", to.state(), "failure_count", rules.failureCount(to, t),
                    "correlation_id", correlationId);
        }
    }

    /**
     * Sets the server's gauge to the worst state among its tenant breakers last seen not CLOSED
     * within {@code window + open} (older sightings are dropped: a tenant that stopped sending does
     * not hold the gauge at OPEN forever). The map only ever holds breakers that are not CLOSED.
     */
    private void gauge(String key, State state) {
        String server = serverOf(key);
        Instant now = clock.instant();
        Instant horizon = now.minus(rules.window()).minus(rules.openFor());
        Map<String, Seen> seen = notClosed.computeIfAbsent(server, s -> new ConcurrentHashMap<>());
        State worst = State.CLOSED;
        synchronized (seen) {
            if (state == State.CLOSED) seen.remove(key);
            else seen.put(key, new Seen(state, now));
            for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
                Seen s = it.next();
                if (s.at().isBefore(horizon)) it.remove();
                else if (s.state().gauge() > worst.gauge()) worst = s.state();
            }
        }
        metrics.breakerState(server, worst);
    }

    private void storeError(String key, Exception e) {
        LogEvents.warn(log, "circuit_store_error", "service_name", serverOf(key), "tenant_id", tenantOf(key),
                "error", e.getClass().getSimpleName() + ": " + e.getMessage());
        metrics.workerError("circuit_store_error");
    }
}
