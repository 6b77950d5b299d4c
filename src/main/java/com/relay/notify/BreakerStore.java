package com.relay.notify;

/** Where breaker state lives: this process's memory, or the shared table (docs/CONTRACT.md#circuit-breaker). */
public interface BreakerStore {

    /** The current state ({@link BreakerState#INITIAL} with version 0 when there is none). */
    BreakerState read(String service);

    /**
     * Replaces {@code read} by {@code next} if nobody wrote in between (conditional on the version);
     * false on a lost race.
     */
    boolean write(String service, BreakerState read, BreakerState next);

    /** One stored breaker (the admin listing). */
    record Stored(String key, BreakerState state) {}

    /** Up to {@code max} stored breakers, in no particular order; {@code max + 1} read means "more". */
    java.util.List<Stored> list(int max);

    /**
     * An operator's reset (docs/RUNBOOK.md): the breaker becomes CLOSED with nothing counted, in one
     * conditional write on the item existing (never read-then-write), bumping its version so a
     * concurrent conditional writer re-reads. The state before, or empty when there is no such breaker.
     */
    java.util.Optional<BreakerState> reset(String key);
}
