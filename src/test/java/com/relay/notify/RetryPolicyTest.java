package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#notification-retry-timing-vectors retry timing vectors. */
class RetryPolicyTest {

    private static final RetryPolicy DEFAULTS = new RetryPolicy(3, 1000, 2, 32_000, 500);

    /** Waits before retries 1..n with the given jitter sequence. */
    private static List<Long> waits(RetryPolicy p, int... jitter) {
        List<Long> out = new ArrayList<>();
        for (int k = 1; k <= p.maxRetries(); k++) out.add(p.waitBeforeRetryMs(k, null, jitter.length == 0 ? 0 : jitter[k - 1]));
        return out;
    }

    /** Attempt start times when each attempt takes {@code attemptMs}. */
    private static List<Long> starts(RetryPolicy p, long attemptMs, int... jitter) {
        List<Long> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < p.maxAttempts(); i++) {
            if (i > 0) t += p.waitBeforeRetryMs(i, null, jitter.length == 0 ? 0 : jitter[i - 1]);
            out.add(t);
            t += attemptMs;
        }
        return out;
    }

    @Test
    void defaultsWithoutJitter() {
        assertThat(waits(DEFAULTS, 0, 0, 0)).containsExactly(1000L, 2000L, 4000L);
        assertThat(starts(DEFAULTS, 0, 0, 0, 0)).containsExactly(0L, 1000L, 3000L, 7000L);
        assertThat(DEFAULTS.maxAttempts()).isEqualTo(4);
    }

    @Test
    void jitterIsAddedAfterTheCap() {
        assertThat(waits(DEFAULTS, 500, 500, 500)).containsExactly(1500L, 2500L, 4500L);
        assertThat(starts(DEFAULTS, 0, 500, 500, 500)).containsExactly(0L, 1500L, 4000L, 8500L);
        assertThat(waits(DEFAULTS, 137, 0, 500)).containsExactly(1137L, 2000L, 4500L);
        assertThat(starts(DEFAULTS, 0, 137, 0, 500)).containsExactly(0L, 1137L, 3137L, 7637L);
    }

    @Test
    void sevenRetriesHitTheCap() {
        RetryPolicy p = new RetryPolicy(7, 1000, 2, 32_000, 500);
        assertThat(waits(p, 0, 0, 0, 0, 0, 0, 0)).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 32000L);
        assertThat(starts(p, 0, 0, 0, 0, 0, 0, 0, 0)).containsExactly(0L, 1000L, 3000L, 7000L, 15000L, 31000L, 63000L, 95000L);
    }

    @Test
    void customBaseMultiplierAndCap() {
        RetryPolicy p = new RetryPolicy(4, 200, 3, 5000, 0);
        assertThat(waits(p, 0, 0, 0, 0)).containsExactly(200L, 600L, 1800L, 5000L);
        assertThat(starts(p, 0, 0, 0, 0, 0)).containsExactly(0L, 200L, 800L, 2600L, 7600L);
    }

    @Test
    void everyAttemptTimingOutAfterTenSeconds() {
        List<Long> s = starts(DEFAULTS, 10_000, 0, 0, 0);
        assertThat(s).containsExactly(0L, 11000L, 23000L, 37000L);
        assertThat(s.get(3) + 10_000).isEqualTo(47_000L); // delivery outcome
    }

    @Test
    void retryAfterRaisesTheWaitUpToTheCap() {
        Long ra10 = Classification.retryAfterSeconds(AttemptResult.http(429, "", "10"));
        assertThat(DEFAULTS.waitBeforeRetryMs(1, ra10, 0)).isEqualTo(10_000);
        Long ra120 = Classification.retryAfterSeconds(AttemptResult.http(429, "", "120"));
        assertThat(DEFAULTS.waitBeforeRetryMs(1, ra120, 0)).isEqualTo(32_000);
        Long ra0 = Classification.retryAfterSeconds(AttemptResult.http(429, "", "0"));
        assertThat(DEFAULTS.waitBeforeRetryMs(1, ra0, 0)).isEqualTo(1000);
        Long ra3 = Classification.retryAfterSeconds(AttemptResult.http(503, "", "3"));
        assertThat(DEFAULTS.waitBeforeRetryMs(2, ra3, 0)).isEqualTo(3000);
        Long date = Classification.retryAfterSeconds(AttemptResult.http(503, "", "Wed, 21 Oct 2026 07:28:00 GMT"));
        assertThat(date).isNull();
        assertThat(DEFAULTS.waitBeforeRetryMs(1, date, 0)).isEqualTo(1000);
        // only 429 and 503 carry a Retry-After that counts
        assertThat(Classification.retryAfterSeconds(AttemptResult.http(502, "", "10"))).isNull();
    }
}
