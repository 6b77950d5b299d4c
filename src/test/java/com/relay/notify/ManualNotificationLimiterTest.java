package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The per-tenant token bucket of POST /v1/notifications: rate, Retry-After, isolation, bounded memory. */
class ManualNotificationLimiterTest {

    private final MutableClock clock = new MutableClock(BreakerTestSupport.ORIGIN);

    @Test
    void thirtyPerMinuteThenRetryAfterTheTimeOfOneToken() {
        ManualNotificationLimiter limiter = new ManualNotificationLimiter(30, clock);
        for (int i = 0; i < 30; i++) assertThat(limiter.acquire("acme")).as("request %d", i + 1).isEmpty();
        assertThat(limiter.acquire("acme")).isEqualTo(OptionalLong.of(2)); // one token every 2 s
        clock.advance(1_000);
        assertThat(limiter.acquire("acme")).isEqualTo(OptionalLong.of(1));
        clock.advance(1_000);
        assertThat(limiter.acquire("acme")).isEmpty();
        assertThat(limiter.acquire("acme")).isEqualTo(OptionalLong.of(2));
    }

    @Test
    void eachTenantHasItsOwnBucket() {
        ManualNotificationLimiter limiter = new ManualNotificationLimiter(2, clock);
        assertThat(limiter.acquire("acme")).isEmpty();
        assertThat(limiter.acquire("acme")).isEmpty();
        assertThat(limiter.acquire("acme")).isEqualTo(OptionalLong.of(30));
        assertThat(limiter.acquire("globex")).isEmpty();
    }

    @Test
    void zeroMeansNoLimit() {
        ManualNotificationLimiter limiter = new ManualNotificationLimiter(0, clock);
        for (int i = 0; i < 1_000; i++) assertThat(limiter.acquire("acme")).isEmpty();
        assertThat(limiter.tracked()).isZero();
    }

    @Test
    void memoryStaysBoundedWhateverTheNumberOfTenants() {
        ManualNotificationLimiter limiter = new ManualNotificationLimiter(30, clock);
        for (int i = 0; i < 50_000; i++) limiter.acquire("tenant-" + i);
        assertThat(limiter.tracked()).isLessThanOrEqualTo(ManualNotificationLimiter.MAX_TRACKED_TENANTS);
        // a minute later every bucket is full again: idle tenants are dropped as new ones arrive
        clock.advance(60_000);
        for (int i = 0; i < 10; i++) limiter.acquire("late-" + i);
        assertThat(limiter.tracked()).isLessThanOrEqualTo(ManualNotificationLimiter.MAX_TRACKED_TENANTS / 2 + 10);
    }

    @Test
    void aBusyTenantKeepsItsBucketWhileFewTenantsAreTracked() {
        ManualNotificationLimiter limiter = new ManualNotificationLimiter(1, clock);
        assertThat(limiter.acquire("acme")).isEmpty();
        assertThat(limiter.acquire("acme")).isEqualTo(OptionalLong.of(60));
        for (int i = 0; i < 100; i++) limiter.acquire("other-" + i); // below the trimming size: acme is kept
        assertThat(limiter.acquire("acme")).isPresent();
    }
}
