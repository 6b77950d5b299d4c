package com.relay.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The quota "notifications per minute" of {@code POST /v1/notifications} (issue 17): a token
 * bucket per tenant holding at most {@code perMinute} tokens, refilled continuously at
 * {@code perMinute / 60} per second. In-process, so the limit holds per instance (docs/NOTIFICATIONS.md).
 *
 * <p>Memory is bounded whatever the number of tenant ids seen: a bucket that has refilled to full
 * is the same as no bucket and is dropped, and at most {@link #MAX_TRACKED_TENANTS} buckets are
 * kept (least recently used evicted first; an evicted tenant starts again with a full bucket).
 */
public final class ManualNotificationLimiter {

    /** Buckets kept at most (about 100 bytes each). */
    static final int MAX_TRACKED_TENANTS = 10_000;

    private final int perMinute;
    private final Clock clock;
    private final double nanosPerToken;
    /** Access order: the eldest entry is the least recently used. */
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Bucket {
        double tokens;
        long atNanos; // clock time of the last refill, in nanoseconds since the epoch
    }

    /** {@code perMinute} 0: no limit. */
    public ManualNotificationLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
        this.nanosPerToken = perMinute == 0 ? 0 : 60e9 / perMinute;
    }

    public int perMinute() { return perMinute; }

    /**
     * Takes one token for {@code tenantId}. Empty when granted; otherwise the whole seconds after
     * which a token will be there (the {@code Retry-After}), at least 1.
     */
    public synchronized OptionalLong acquire(String tenantId) {
        if (perMinute == 0) return OptionalLong.empty();
        long now = nanos(clock.instant());
        Bucket b = buckets.get(tenantId);
        if (b == null) {
            trim(now);
            b = new Bucket();
            b.tokens = perMinute;
            b.atNanos = now;
            buckets.put(tenantId, b);
        }
        b.tokens = Math.min(perMinute, b.tokens + Math.max(0, now - b.atNanos) / nanosPerToken);
        b.atNanos = now;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return OptionalLong.empty();
        }
        double missingNanos = (1 - b.tokens) * nanosPerToken;
        return OptionalLong.of(Math.max(1, (long) Math.ceil(missingNanos / 1e9)));
    }

    /** Buckets currently kept (tests). */
    synchronized int tracked() { return buckets.size(); }

    /** Drops buckets that are full again (idle tenants), then the least recently used beyond the cap. */
    private void trim(long now) {
        if (buckets.size() <= MAX_TRACKED_TENANTS / 2) return;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            if (b.tokens + Math.max(0, now - b.atNanos) / nanosPerToken >= perMinute) it.remove();
        }
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); buckets.size() >= MAX_TRACKED_TENANTS; ) {
            it.next();
            it.remove();
        }
    }

    private static long nanos(Instant t) {
        return Duration.between(Instant.EPOCH, t).toNanos();
    }
}
