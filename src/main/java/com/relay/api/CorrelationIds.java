package com.relay.api;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Inbound correlation id rule (docs/CONTRACT.md#correlation-ids). */
public final class CorrelationIds {

    public static final String HEADER = "X-Correlation-Id";
    private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");

    private CorrelationIds() {}

    /** The single well-formed header value, else a new lower-case UUID v4 (absent, repeated or malformed). */
    public static String resolve(List<String> headerValues) {
        if (headerValues != null && headerValues.size() == 1 && headerValues.get(0) != null
                && VALID.matcher(headerValues.get(0)).matches()) {
            return headerValues.get(0);
        }
        return newId();
    }

    /**
     * A random UUID v4 from {@link ThreadLocalRandom}. A correlation id is echoed to the caller and
     * logged, never a secret, so it needs no {@code SecureRandom}: {@code UUID.randomUUID()} takes
     * one JVM-wide lock, and with every API request minting an id that lock was where request
     * threads queued under load (stalls of 10 ms and more, docs/PERFORMANCE.md).
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }
}
