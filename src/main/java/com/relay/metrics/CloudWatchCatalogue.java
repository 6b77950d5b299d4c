package com.relay.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The operator metrics sent to CloudWatch (docs/CONTRACT.md#run-metrics, docs/CONTRACT.md#notification-and-api-metrics): exact names, units
 * and dimension sets. The alarms ({@code AlarmProvisioner}), the dashboard
 * ({@code DashboardProvisioner}) and docs/OBSERVABILITY.md are written against this list, and
 * {@code MetricAlarmContractIT} checks them against what {@link CloudWatchPublisher} puts on the wire.
 * Everything else on the registry (JVM, HTTP, Camel per-route meters) stays on Prometheus unless an
 * operator opts in with {@code CLOUDWATCH_METRICS_EXTRA_METERS}.
 */
public final class CloudWatchCatalogue {

    /** How a meter becomes CloudWatch data. */
    public enum Kind {
        /** One datum per step holding the step's sum; 0 in a quiet step, so the series never has gaps. */
        STEP_SUM,
        /** Every increment is one value (1/0 per run): Sum = total, SampleCount = events, Average = rate. */
        PER_EVENT,
        /** Values and counts per step, so CloudWatch computes p95/p99 (timers in ms, summaries in their unit). */
        DISTRIBUTION,
        /** The gauge's value at publish time. */
        GAUGE
    }

    /**
     * One published metric. {@code dimensions} is the dimension set of every datum; each of
     * {@code rollups} is a smaller set also published (the same data summed over the dropped
     * dimensions), so an alarm can watch a percentile across all tenants or endpoints.
     */
    public record Metric(String name, Kind kind, StandardUnit unit, List<String> dimensions,
                         List<List<String>> rollups) {}

    public static final String ENVIRONMENT = "Environment";
    /** {@code APIRequestCount} carries {@code StatusClass} (2xx … 5xx) on CloudWatch instead of Endpoint × StatusCode. */
    public static final String STATUS_CLASS = "StatusClass";

    private static final Map<String, Metric> METRICS = new LinkedHashMap<>();

    static {
        List<String> tenant = List.of("TenantId", ENVIRONMENT);
        List<String> env = List.of(ENVIRONMENT);
        // rolled up per Environment: Average of RunSucceeded is the success rate of all runs
        add("RunSucceeded", Kind.PER_EVENT, StandardUnit.COUNT, tenant, env);
        add("RunFailed", Kind.PER_EVENT, StandardUnit.COUNT, tenant, env);
        add("RunDurationSeconds", Kind.DISTRIBUTION, StandardUnit.SECONDS, tenant, env);
        add("RowsProcessed", Kind.STEP_SUM, StandardUnit.COUNT, tenant);
        add("RunsCreated", Kind.STEP_SUM, StandardUnit.COUNT, List.of("CreatedBy", ENVIRONMENT));
        add("RunStartLatency", Kind.DISTRIBUTION, StandardUnit.MILLISECONDS, env);
        add("WorkerHeartbeat", Kind.STEP_SUM, StandardUnit.COUNT, env);
        // rolled up per Environment for the crash-loop alarm (all error types together)
        add("WorkerError", Kind.STEP_SUM, StandardUnit.COUNT, List.of("ErrorType", ENVIRONMENT), env);
        add("ScheduledRunsSkipped", Kind.STEP_SUM, StandardUnit.COUNT, List.of("Reason", ENVIRONMENT));
        add("NotificationsSent", Kind.STEP_SUM, StandardUnit.COUNT, List.of("Status", ENVIRONMENT));
        add("NotificationDuration", Kind.DISTRIBUTION, StandardUnit.MILLISECONDS, env);
        add("CircuitBreakerState", Kind.GAUGE, StandardUnit.NONE, List.of("Service", ENVIRONMENT));
        // rolled up per Environment (health checks left out, see rollsUp): the availability SLI's denominator
        add(RelayMetrics.API_REQUEST_COUNT, Kind.STEP_SUM, StandardUnit.COUNT, List.of(STATUS_CLASS, ENVIRONMENT), env);
        add(RelayMetrics.API_RESPONSE_TIME, Kind.DISTRIBUTION, StandardUnit.MILLISECONDS,
                List.of("Endpoint", ENVIRONMENT), env);
    }

    private CloudWatchCatalogue() {}

    @SafeVarargs
    private static void add(String name, Kind kind, StandardUnit unit, List<String> dims, List<String>... rollups) {
        METRICS.put(name, new Metric(name, kind, unit, dims, List.of(rollups)));
    }

    public static List<Metric> metrics() {
        return List.copyOf(METRICS.values());
    }

    public static Optional<Metric> find(String name) {
        return Optional.ofNullable(METRICS.get(name));
    }

    /**
     * Whether a meter with this {@code Endpoint} tag (null: none) counts in its metric's rollups. The
     * load balancer's health probe does not: the {@code Environment} rollups of the API meters are the
     * SLIs of docs/OBSERVABILITY.md ("SLOs"), which its cheap 200s would dilute. Its own
     * {@code Endpoint} and {@code StatusClass} series are still sent.
     */
    public static boolean rollsUp(String endpoint) {
        return !ServiceLevelObjectives.HEALTH_ENDPOINT.equals(endpoint);
    }

    /** {@code "503"} → {@code "5xx"}; anything that is not a 3-digit status → {@code "other"}. */
    public static String statusClass(String statusCode) {
        return statusCode != null && statusCode.matches("[1-5][0-9][0-9]") ? statusCode.charAt(0) + "xx" : "other";
    }
}
