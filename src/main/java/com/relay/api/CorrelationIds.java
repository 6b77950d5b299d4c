package com.relay.api;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Inbound correlation id rule (notifications.md §7). */
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
        return UUID.randomUUID().toString();
    }
}
