package com.relay.notify;

import java.time.Instant;
import java.util.List;

/**
 * One breaker's state (docs/CONTRACT.md#circuit-breaker). {@code version} is the shared-store item version
 * (0 = no item yet); the in-memory store ignores it. Immutable: the rules return new states.
 */
public record BreakerState(State state, List<Instant> failureTimes, Instant openedAt, int halfOpenSuccesses,
                           Instant probeExpiresAt, long version) {

    public enum State {
        CLOSED(0.0), OPEN(1.0), HALF_OPEN(0.5);

        private final double gauge;

        State(double gauge) { this.gauge = gauge; }

        /** {@code CircuitBreakerState} gauge value. */
        public double gauge() { return gauge; }
    }

    public static final BreakerState INITIAL = new BreakerState(State.CLOSED, List.of(), null, 0, null, 0);

    public BreakerState {
        failureTimes = List.copyOf(failureTimes);
    }

    /** The same logical state (ignoring the version): nothing to write. */
    public boolean sameAs(BreakerState o) {
        return state == o.state && failureTimes.equals(o.failureTimes) && java.util.Objects.equals(openedAt, o.openedAt)
                && halfOpenSuccesses == o.halfOpenSuccesses && java.util.Objects.equals(probeExpiresAt, o.probeExpiresAt);
    }

    public BreakerState withVersion(long v) {
        return new BreakerState(state, failureTimes, openedAt, halfOpenSuccesses, probeExpiresAt, v);
    }
}
