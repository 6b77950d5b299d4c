package com.relay.notify;

/** Where breaker state lives: this process's memory, or the shared table (notifications.md §4.7). */
public interface BreakerStore {

    /** The current state ({@link BreakerState#INITIAL} with version 0 when there is none). */
    BreakerState read(String service);

    /**
     * Replaces {@code read} by {@code next} if nobody wrote in between (conditional on the version);
     * false on a lost race.
     */
    boolean write(String service, BreakerState read, BreakerState next);
}
