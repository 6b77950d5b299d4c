package com.relay.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The meters of this issue (RI §6.1, notifications.md §8.3). Every meter also carries
 * {@code Environment} (the registry's common tag, {@link MetricsConfiguration}). Correlation ids
 * and run ids are never tags.
 */
@Component("relayMetrics")
public class RelayMetrics {

    public static final String RUNS_CREATED = "RunsCreated";
    public static final String SCHEDULED_RUNS_SKIPPED = "ScheduledRunsSkipped";
    public static final String API_REQUEST_COUNT = "APIRequestCount";
    public static final String API_RESPONSE_TIME = "APIResponseTime";
    /** {@code Endpoint} of a request no route matched. */
    public static final String UNMATCHED = "UNMATCHED";

    private final MeterRegistry registry;

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() { return registry; }

    /** {@code RunsCreated{CreatedBy}}: {@code api}, {@code user} or {@code scheduler}, per created run. */
    public void runCreated(String createdBy) {
        Counter.builder(RUNS_CREATED).description("Runs created, by creator")
                .tag("CreatedBy", createdBy).register(registry).increment();
    }

    /**
     * {@code ScheduledRunsSkipped{Reason}}: {@code tenant_active} or {@code error} (notifications.md §6.4), or
     * {@code paused} (an operator's pause of run creation): a fixed set of three values.
     */
    public void scheduledRunSkipped(String reason) {
        Counter.builder(SCHEDULED_RUNS_SKIPPED).description("Scheduled fires that created no run")
                .tag("Reason", reason).register(registry).increment();
    }

    /**
     * {@code APIRequestCount{Endpoint, StatusCode}} and {@code APIResponseTime{Endpoint}} (with the
     * 0.95 and 0.99 percentiles) for one response.
     */
    public void apiResponse(String endpoint, int status, Duration elapsed) {
        Counter.builder(API_REQUEST_COUNT).description("API responses")
                .tag("Endpoint", endpoint).tag("StatusCode", Integer.toString(status)).register(registry).increment();
        Timer.builder(API_RESPONSE_TIME).description("API request received to response written")
                .tag("Endpoint", endpoint).publishPercentiles(0.95, 0.99).register(registry).record(elapsed);
    }
}
