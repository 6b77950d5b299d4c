package com.relay.notify;

import com.relay.config.RelaySettings;

/**
 * The wait before retry {@code k} within one delivery (docs/CONTRACT.md#notification-retry-policy):
 * {@code exp_k = min(max, base × multiplier^(k−1))}, raised to {@code Retry-After} (seconds form,
 * 429/503 only) but never above the cap, plus the jitter {@code J_k ∈ [0, jitterMax]}.
 */
public record RetryPolicy(int maxRetries, long baseMs, long multiplier, long maxDelayMs, int jitterMaxMs) {

    public static RetryPolicy of(RelaySettings.Notify n) {
        return new RetryPolicy(n.maxRetries(), n.retryBaseMs(), n.retryMultiplier(), n.retryMaxDelayMs(), n.retryJitterMaxMs());
    }

    /** Attempts per delivery. */
    public int maxAttempts() { return 1 + maxRetries; }

    /**
     * @param k               the retry number, 1-based
     * @param retryAfterSeconds the previous response's {@code Retry-After} in seconds when it was a
     *                        429 or 503 with the delta-seconds form, else null
     * @param jitterMs        {@code J_k}, already drawn from the random source
     */
    public long waitBeforeRetryMs(int k, Long retryAfterSeconds, int jitterMs) {
        long exp = baseMs;
        for (int i = 1; i < k && exp < maxDelayMs; i++) exp = exp * multiplier; // no overflow: stops at the cap
        exp = Math.min(maxDelayMs, exp);
        if (retryAfterSeconds != null) {
            long ra = Math.min(retryAfterSeconds, Long.MAX_VALUE / 1000) * 1000L;
            exp = Math.min(maxDelayMs, Math.max(exp, ra));
        }
        return exp + jitterMs;
    }

    /** {@code Retry-After} as delta-seconds; the HTTP-date form and anything else → null (ignored). */
    public static Long parseRetryAfter(String header) {
        if (header == null) return null;
        String v = header.trim();
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
        return Long.parseLong(v);
    }
}
