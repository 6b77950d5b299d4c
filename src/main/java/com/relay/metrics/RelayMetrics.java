package com.relay.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The meters of this issue (docs/CONTRACT.md#run-metrics, docs/CONTRACT.md#notification-and-api-metrics). Every meter also carries
 * {@code Environment} (the registry's common tag, {@link MetricsConfiguration}). Correlation ids
 * and run ids are never tags.
 */
@Component("relayMetrics")
public class RelayMetrics {

    public static final String RUNS_CREATED = "RunsCreated";
    public static final String SCHEDULED_RUNS_SKIPPED = "ScheduledRunsSkipped";
    public static final String API_REQUEST_COUNT = "APIRequestCount";
    public static final String API_RESPONSE_TIME = "APIResponseTime";
    /**
     * Prometheus histogram buckets of {@code APIResponseTime}: the SLO thresholds (500 ms, 1 s) are
     * bucket bounds, so "fraction faster than the threshold" is exact and p95/p99 aggregate across
     * instances (docs/OBSERVABILITY.md "SLOs"); ten series per endpoint with +Inf.
     */
    static final Duration[] API_RESPONSE_TIME_BUCKETS = {Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), ServiceLevelObjectives.API_LATENCY_P95_THRESHOLD,
            ServiceLevelObjectives.API_LATENCY_P99_THRESHOLD, Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

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
     * {@code ScheduledRunsSkipped{Reason}}: {@code tenant_active} or {@code error} (docs/CONTRACT.md#creating-the-scheduled-run), or
     * {@code paused} (an operator's pause of run creation): a fixed set of three values.
     */
    public void scheduledRunSkipped(String reason) {
        Counter.builder(SCHEDULED_RUNS_SKIPPED).description("Scheduled fires that created no run")
                .tag("Reason", reason).register(registry).increment();
    }

    /**
     * {@code APIRequestCount{Endpoint, StatusCode}} and {@code APIResponseTime{Endpoint}} for one
     * response. Percentiles come from the histogram buckets on Prometheus ({@code histogram_quantile},
     * which also aggregates across instances; client-side percentiles, which Prometheus drops once a
     * timer has buckets, would not) and from the values on CloudWatch.
     */
    public void apiResponse(String endpoint, int status, Duration elapsed) {
        Counter.builder(API_REQUEST_COUNT).description("API responses")
                .tag("Endpoint", endpoint).tag("StatusCode", Integer.toString(status)).register(registry).increment();
        Timer.builder(API_RESPONSE_TIME).description("API request received to response written")
                .tag("Endpoint", endpoint).serviceLevelObjectives(API_RESPONSE_TIME_BUCKETS)
                .register(registry).record(elapsed);
    }
}
