package com.relay.notify;

import com.relay.config.RelaySettings;
import com.relay.notify.BreakerState.State;
import com.relay.notify.Classification.BreakerOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The breaker's exact semantics (docs/CONTRACT.md#circuit-breaker) as pure functions of a state and a time:
 * a sliding window of counted failures opens it, the OPEN → HALF_OPEN transition is lazy (taken
 * by the first permission after the open period), one probe at a time, and
 * {@code halfOpenSuccesses} consecutive probe successes close it.
 */
public record BreakerRules(int failureThreshold, Duration window, Duration openFor, int halfOpenSuccesses,
                           Duration probeTimeout) {

    public static BreakerRules of(RelaySettings.Notify n) {
        return new BreakerRules(n.cbFailureThreshold(), Duration.ofSeconds(n.cbFailureWindowSeconds()),
                Duration.ofSeconds(n.cbOpenSeconds()), n.cbHalfOpenSuccesses(),
                Duration.ofMillis(n.requestTimeoutMs()).plusSeconds(5));
    }

    /** The permission's answer and the state after it. */
    public record Permission(BreakerState state, boolean granted, boolean probe) {}

    public Permission permission(BreakerState s, Instant t) {
        BreakerState current = s;
        if (current.state() == State.OPEN) {
            if (t.isBefore(current.openedAt().plus(openFor))) return new Permission(current, false, false);
            current = new BreakerState(State.HALF_OPEN, current.failureTimes(), current.openedAt(), 0, null, current.version());
        }
        if (current.state() == State.HALF_OPEN) {
            if (current.probeExpiresAt() == null || !current.probeExpiresAt().isAfter(t)) {
                BreakerState probing = new BreakerState(State.HALF_OPEN, current.failureTimes(), current.openedAt(),
                        current.halfOpenSuccesses(), t.plus(probeTimeout), current.version());
                return new Permission(probing, true, true);
            }
            return new Permission(current, false, false);
        }
        return new Permission(current, true, false);
    }

    public BreakerState outcome(BreakerState s, Instant t, BreakerOutcome outcome) {
        switch (s.state()) {
            case OPEN:
                return s; // a late result of an attempt admitted earlier: ignored
            case HALF_OPEN:
                if (outcome == BreakerOutcome.SUCCESS) {
                    int successes = s.halfOpenSuccesses() + 1;
                    if (successes >= halfOpenSuccesses) return new BreakerState(State.CLOSED, List.of(), null, 0, null, s.version());
                    return new BreakerState(State.HALF_OPEN, s.failureTimes(), s.openedAt(), successes, null, s.version());
                }
                if (outcome == BreakerOutcome.FAILURE) {
                    return new BreakerState(State.OPEN, s.failureTimes(), t, 0, null, s.version());
                }
                return new BreakerState(State.HALF_OPEN, s.failureTimes(), s.openedAt(), s.halfOpenSuccesses(), null, s.version());
            default:
                if (outcome != BreakerOutcome.FAILURE) return s;
                Instant horizon = t.minus(window);
                List<Instant> times = new ArrayList<>();
                for (Instant f : s.failureTimes()) if (f.isAfter(horizon)) times.add(f);
                times.add(t);
                if (times.size() >= failureThreshold) return new BreakerState(State.OPEN, times, t, 0, null, s.version());
                return new BreakerState(State.CLOSED, times, null, 0, null, s.version());
        }
    }

    /**
     * Rule 6 of docs/CONTRACT.md#processing-a-notification-message, read-only: OPEN and its wait not elapsed, or HALF_OPEN with a probe in flight.
     */
    public boolean blocked(BreakerState s, Instant t) {
        if (s.state() == State.OPEN) return t.isBefore(s.openedAt().plus(openFor));
        if (s.state() == State.HALF_OPEN) return s.probeExpiresAt() != null && s.probeExpiresAt().isAfter(t);
        return false;
    }

    /**
     * Deferral delay (docs/CONTRACT.md#deferral-while-the-circuit-is-open): {@code min(900, max(1, ceil(opened_at + open − now)) + D)}; the
     * remaining open time is 0 in HALF_OPEN (and CLOSED).
     */
    public long deferralSeconds(BreakerState s, Instant now, int jitterSeconds) {
        long remaining = 0;
        if (s.state() == State.OPEN) {
            long ms = Duration.between(now, s.openedAt().plus(openFor)).toMillis();
            remaining = ms <= 0 ? 0 : (ms + 999) / 1000;
        }
        return Math.min(900, Math.max(1, remaining) + jitterSeconds);
    }

    /** Counted failures inside the window at {@code t} (the log's {@code failure_count}). */
    public int failureCount(BreakerState s, Instant t) {
        Instant horizon = t.minus(window);
        return (int) s.failureTimes().stream().filter(f -> f.isAfter(horizon)).count();
    }
}
