package com.relay.worker;

import com.relay.config.RelaySettings;
import com.relay.metrics.ServiceLevelObjectives;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The run pipeline's meters (docs/CONTRACT.md#run-metrics), with the dimension sets the alarms watch (docs/CONTRACT.md#alarms): run
 * outcomes per {@code TenantId}, {@code WorkerHeartbeat} and {@code WorkerError{ErrorType}} per
 * {@code Environment} only. Run and correlation ids are never tags.
 */
@Component("workerMetrics")
public class WorkerMetrics {

    /** Prometheus histogram buckets of RunDurationSeconds, in seconds. */
    static final double[] RUN_DURATION_BUCKETS = {1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600};

    /**
     * Prometheus histogram buckets of RunStartLatency: the SLO's 10 s is a bound, so the fraction of
     * runs started within it is exact and p95 aggregates across workers (docs/OBSERVABILITY.md "SLOs").
     */
    static final Duration[] RUN_START_LATENCY_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), ServiceLevelObjectives.RUN_START_THRESHOLD, Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15)};

    private final MeterRegistry registry;
    private final String environment;

    public WorkerMetrics(MeterRegistry registry, RelaySettings settings) {
        this.registry = registry;
        this.environment = settings.environment();
        // Known series exist from start-up, so CloudWatch sees 0 in quiet steps instead of no data.
        Counter.builder("WorkerHeartbeat").tag("Environment", environment).register(registry);
        for (String type : new String[] {"bad_message", "poison_job", "run_retryable_error", "run_unexpected_error",
                "queue_receive_error", "queue_delete_error", "queue_visibility_error"}) {
            error(type, 0);
        }
    }

    public void heartbeat() {
        Counter.builder("WorkerHeartbeat").tag("Environment", environment).register(registry).increment();
    }

    public void error(String errorType) {
        error(errorType, 1);
    }

    private void error(String errorType, double amount) {
        Counter.builder("WorkerError").tag("ErrorType", errorType).tag("Environment", environment)
                .register(registry).increment(amount);
    }

    /** At every terminal write (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): both outcome counters move, so each tenant's series exists. */
    public void runEnded(String tenantId, boolean succeeded, Long durationMs, long rowsProcessed) {
        counter("RunSucceeded", tenantId).increment(succeeded ? 1 : 0);
        counter("RunFailed", tenantId).increment(succeeded ? 0 : 1);
        // fixed buckets so Prometheus can compute the p99 of docs/dashboards/relay-alerts.yml across
        // instances (900 s is the alarm's default threshold); CloudWatch gets the values themselves
        DistributionSummary.builder("RunDurationSeconds").baseUnit("seconds").tag("TenantId", tenantId)
                .serviceLevelObjectives(RUN_DURATION_BUCKETS)
                .tag("Environment", environment).register(registry)
                .record(durationMs == null ? 0 : durationMs / 1000.0);
        counter("RowsProcessed", tenantId).increment(rowsProcessed);
    }

    /** First attempt start: {@code started_at − requested_at}. */
    public void runStartLatency(Duration latency) {
        Timer.builder("RunStartLatency").tag("Environment", environment).serviceLevelObjectives(RUN_START_LATENCY_BUCKETS)
                .register(registry).record(latency);
    }

    private Counter counter(String name, String tenantId) {
        return Counter.builder(name).tag("TenantId", tenantId).tag("Environment", environment).register(registry);
    }
}
