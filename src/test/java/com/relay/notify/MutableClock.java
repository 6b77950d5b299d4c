package com.relay.notify;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand (and the fake sleeper moves while "waiting"). */
final class MutableClock extends Clock {

    private Instant now;

    MutableClock(Instant start) { this.now = start; }

    synchronized void set(Instant t) { now = t; }

    synchronized void advance(long millis) { now = now.plusMillis(millis); }

    @Override public synchronized Instant instant() { return now; }
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
}
