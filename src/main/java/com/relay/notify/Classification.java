package com.relay.notify;

/** docs/CONTRACT.md#classification-of-an-attempt: how one attempt is judged, for the delivery and for the breaker. */
public final class Classification {

    /** What the delivery does next. */
    public enum Verdict { SUCCESS, RETRYABLE, REJECTED }

    /** What the breaker is told. */
    public enum BreakerOutcome { SUCCESS, FAILURE, NOT_COUNTED }

    private Classification() {}

    public static Verdict verdict(AttemptResult r) {
        if (r.transportError()) return Verdict.RETRYABLE;
        int s = r.httpStatus();
        if (s >= 200 && s < 300) return Verdict.SUCCESS;
        if (s == 429 || s == 502 || s == 503 || s == 504) return Verdict.RETRYABLE;
        return Verdict.REJECTED;
    }

    public static BreakerOutcome breakerOutcome(AttemptResult r) {
        if (r.transportError()) return BreakerOutcome.FAILURE;
        int s = r.httpStatus();
        if (s >= 200 && s < 300) return BreakerOutcome.SUCCESS;
        if (s == 429 || s >= 500) return BreakerOutcome.FAILURE;
        return BreakerOutcome.NOT_COUNTED;
    }

    /** The {@code Retry-After} that raises the next wait: only for 429 and 503 (docs/CONTRACT.md#notification-retry-policy). */
    public static Long retryAfterSeconds(AttemptResult r) {
        if (r.transportError() || (r.httpStatus() != 429 && r.httpStatus() != 503)) return null;
        return RetryPolicy.parseRetryAfter(r.retryAfter());
    }
}
