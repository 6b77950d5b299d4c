package com.relay.observability;

import com.relay.metrics.RelayMetrics;

/** The {@code Endpoint} of docs/CONTRACT.md#notification-and-api-metrics: {@code <METHOD> <route template>}, or {@code UNMATCHED}. */
public final class ApiEndpoints {

    private ApiEndpoints() {}

    /** {@code pathPattern} is Spring MVC's best matching pattern; null or a catch-all means no route matched. */
    public static String endpoint(String method, String pathPattern) {
        if (pathPattern == null || pathPattern.isEmpty() || pathPattern.equals("/**") || pathPattern.equals("/error")) {
            return RelayMetrics.UNMATCHED;
        }
        return method + " " + pathPattern;
    }
}
