package com.relay.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * API requests per second per tenant (issue 17 quotas): one token bucket per tenant, refilled at
 * {@code API_RATE_LIMIT_PER_SECOND} up to {@code API_RATE_LIMIT_BURST}. The map keeps at most
 * {@link #MAX_TENANTS} buckets, least recently used evicted first: an evicted tenant starts again
 * with a full bucket, which only ever lets a tenant through, never blocks one wrongly. Admin
 * principals are exempt (the operator's and scheduler's tools must not be throttled by a tenant's
 * traffic), so only tenant-scoped keys and tokens are counted.
 */
public final class TenantRateLimiter {

    static final int MAX_TENANTS = 10_000;

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long refilledAt;
    }

    public TenantRateLimiter(int perSecond, int burst, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.burst = Math.max(burst, 1);
        this.nanoTime = nanoTime;
        this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > MAX_TENANTS;
            }
        };
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /** 0 when the tenant's request may proceed (a token is taken), else the seconds to wait (≥ 1). */
    public synchronized long acquire(String tenantId) {
        if (!enabled()) return 0;
        long now = nanoTime.getAsLong();
        Bucket b = buckets.get(tenantId);
        if (b == null) {
            b = new Bucket();
            b.tokens = burst;
            buckets.put(tenantId, b);
        } else {
            b.tokens = Math.min(burst, b.tokens + (now - b.refilledAt) / 1e9 * perSecond);
        }
        b.refilledAt = now;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond));
    }

    synchronized int size() {
        return buckets.size();
    }
}
