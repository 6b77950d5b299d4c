package com.relay.aws;

import com.relay.aws.ProvisionLine.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import com.relay.metrics.RelayMetrics;
import com.relay.metrics.ServiceLevelObjectives;
import com.relay.metrics.ServiceLevelObjectives.Slo;
import com.relay.metrics.ServiceLevelObjectives.Tier;
import java.math.BigDecimal;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;

/**
 * The CloudWatch alarms of docs/CONTRACT.md#alarms, created or updated idempotently by {@code relay provision}.
 * Metric names and dimension sets are exactly those the service publishes (docs/CONTRACT.md#run-metrics): run
 * outcomes per {@code TenantId}+{@code Environment}, {@code WorkerHeartbeat} per {@code Environment},
 * so every alarm can fire (the earlier alarm script watched series that were never published).
 */
public final class AlarmProvisioner {

    /** Where the alarm points operators (RUNBOOK.md anchors). */
    static final String RUNBOOK = "docs/RUNBOOK.md#";
    /** The RUNBOOK.md section every SLO burn alarm links. */
    static final String SLO_RUNBOOK_ANCHOR = "slo-burn";

    /** Alarm tiers, each with its SNS topic (or none). */
    public enum Severity { CRITICAL, WARNING, INFO }

    /** The thresholds {@code relay provision} takes as options (defaults: docs/CONTRACT.md#alarms and the runbook). */
    public record Thresholds(int consecutiveFailures, int queueBacklog, int workerErrors, int notificationFailures,
                             double runDurationP99Seconds, int api5xx, int oldestJobAgeSeconds, int notificationsBacklog) {
        public static final Thresholds DEFAULTS = new Thresholds(3, 5, 5, 3, 900, 5, 300, 100);
    }

    /** SNS topic per severity; null = no actions for that tier. */
    public record Topics(String critical, String warning, String info) {
        public static Topics all(String arn) { return new Topics(arn, arn, arn); }

        String of(Severity s) {
            return switch (s) { case CRITICAL -> critical; case WARNING -> warning; case INFO -> info; };
        }

        boolean none() { return critical == null && warning == null && info == null; }
    }

    /** Everything an alarm name and definition depends on. */
    public record Target(String prefix, String environment, String namespace, Topics topics, Thresholds thresholds,
                         List<String> tenantIds, String jobsQueue, String jobsDlq, String notificationsQueue,
                         String notificationsDlq) {}

    private final CloudWatchClient cloudWatch;
    private final boolean dryRun;

    public AlarmProvisioner(CloudWatchClient cloudWatch, boolean dryRun) {
        this.cloudWatch = cloudWatch;
        this.dryRun = dryRun;
    }

    /** The severity of each alarm suffix (a tenant's consecutive-failures is that of the global one). */
    static Severity severity(String suffix) {
        Optional<Tier> sloTier = ServiceLevelObjectives.tierOfAlarmSuffix(suffix);
        if (sloTier.isPresent()) {
            return ServiceLevelObjectives.ofAlarmSuffix(suffix).orElseThrow().urgency(sloTier.get())
                    == ServiceLevelObjectives.Urgency.PAGE ? Severity.CRITICAL : Severity.WARNING;
        }
        return switch (suffix) {
            case "consecutive-failures", "worker-heartbeat-missing", "worker-crash-loop", "jobs-dlq-not-empty",
                 "api-5xx", "jobs-oldest-message-age" -> Severity.CRITICAL;
            case "notification-circuit-open" -> Severity.INFO;
            default -> Severity.WARNING;
        };
    }

    /**
     * The desired alarms: docs/CONTRACT.md#alarms's eight in its order, then the five of issue 18, then the SLO
     * burn-rate alarms (docs/OBSERVABILITY.md "SLOs"), then per-tenant alarms.
     */
    public static List<PutMetricAlarmRequest> desired(Target t) {
        String base = t.prefix() + "-" + t.environment() + "-";
        Thresholds th = t.thresholds();
        Map<String, String> env = Map.of("Environment", t.environment());
        String runFailedQuery = "SELECT SUM(RunFailed) FROM SCHEMA(\"" + t.namespace() + "\", Environment, TenantId)"
                + " WHERE Environment = '" + t.environment() + "'";
        List<PutMetricAlarmRequest> alarms = new ArrayList<>();
        alarms.add(insights(t, base, "consecutive-failures", th.consecutiveFailures() + " or more failed runs within 15 minutes",
                runFailedQuery, 900, 1, th.consecutiveFailures(), ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        alarms.add(metric(t, base, "queue-backlog", "more than " + th.queueBacklog() + " run jobs waiting for 10 minutes",
                "AWS/SQS", "ApproximateNumberOfMessagesVisible", Map.of("QueueName", t.jobsQueue()), Statistic.AVERAGE,
                300, 2, th.queueBacklog(), ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching"));
        alarms.add(insights(t, base, "worker-errors", "a run failed in the last 5 minutes",
                runFailedQuery, 300, 1, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        alarms.add(metric(t, base, "worker-heartbeat-missing", "no worker heartbeat for 5 minutes",
                t.namespace(), "WorkerHeartbeat", env,
                Statistic.SUM, 300, 1, 1, ComparisonOperator.LESS_THAN_THRESHOLD, "breaching"));
        alarms.add(metric(t, base, "jobs-dlq-not-empty", "a run job is in the jobs DLQ",
                "AWS/SQS", "ApproximateNumberOfMessagesVisible", Map.of("QueueName", t.jobsDlq()), Statistic.MAXIMUM,
                60, 1, 0, ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching"));
        alarms.add(metric(t, base, "notifications-dlq-not-empty", "a notification is in the notifications DLQ",
                "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                Map.of("QueueName", t.notificationsDlq()), Statistic.MAXIMUM, 60, 1, 0,
                ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching"));
        alarms.add(insights(t, base, "notification-circuit-open", "the ntfy circuit breaker is open",
                "SELECT MAX(CircuitBreakerState) FROM SCHEMA(\"" + t.namespace()
                        + "\", Environment, Service) WHERE Environment = '" + t.environment() + "'",
                60, 1, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        alarms.add(metric(t, base, "notification-failures",
                th.notificationFailures() + " or more notifications failed within 15 minutes",
                t.namespace(), "NotificationsSent",
                Map.of("Environment", t.environment(), "Status", "failure"), Statistic.SUM, 900, 1, th.notificationFailures(),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "notBreaching"));
        // issue 18: the crash loop of the runbook is WorkerError (every error type), not RunFailed
        alarms.add(metric(t, base, "worker-crash-loop", th.workerErrors() + " or more worker errors within 5 minutes",
                t.namespace(), "WorkerError", env, Statistic.SUM, 300, 1, th.workerErrors(),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "notBreaching"));
        alarms.add(percentile(t, base, "run-duration-p99", "run duration p99 above " + fmt(th.runDurationP99Seconds())
                        + " s over 15 minutes", "RunDurationSeconds", env, "p99", 900, th.runDurationP99Seconds()));
        alarms.add(metric(t, base, "api-5xx", th.api5xx() + " or more API 5xx responses within 5 minutes",
                t.namespace(), RelayMetrics.API_REQUEST_COUNT, Map.of("Environment", t.environment(), "StatusClass", "5xx"),
                Statistic.SUM, 300, 1, th.api5xx(), ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "notBreaching"));
        alarms.add(metric(t, base, "jobs-oldest-message-age", "the oldest run job has waited more than "
                        + th.oldestJobAgeSeconds() + " s", "AWS/SQS", "ApproximateAgeOfOldestMessage",
                Map.of("QueueName", t.jobsQueue()), Statistic.MAXIMUM, 60, 5, th.oldestJobAgeSeconds(),
                ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching"));
        alarms.add(metric(t, base, "notifications-queue-backlog", "more than " + th.notificationsBacklog()
                        + " notifications waiting for 10 minutes", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                Map.of("QueueName", t.notificationsQueue()), Statistic.AVERAGE, 300, 2, th.notificationsBacklog(),
                ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching"));
        for (Slo slo : ServiceLevelObjectives.ALL) {
            for (Tier tier : slo.tiers()) alarms.add(sloBurn(t, base, slo, tier));
        }
        for (String tenant : t.tenantIds()) {
            alarms.add(metric(t, base + tenant + "-", "consecutive-failures",
                    th.consecutiveFailures() + " or more failed runs of tenant " + tenant + " within 15 minutes",
                    t.namespace(), "RunFailed", Map.of("TenantId", tenant, "Environment", t.environment()), Statistic.SUM,
                    900, 1, th.consecutiveFailures(), ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "notBreaching"));
        }
        return alarms;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Creates what is missing and updates what differs; one line per alarm. */
    public List<ProvisionLine> run(Target target, Consumer<ProvisionLine> out) {
        List<PutMetricAlarmRequest> desired = desired(target);
        Map<String, MetricAlarm> existing = new HashMap<>();
        cloudWatch.describeAlarmsPaginator(b -> b.alarmNamePrefix(target.prefix() + "-" + target.environment() + "-"))
                .metricAlarms().forEach(a -> existing.put(a.alarmName(), a));
        List<ProvisionLine> lines = new ArrayList<>();
        for (PutMetricAlarmRequest want : desired) {
            MetricAlarm have = existing.get(want.alarmName());
            Outcome outcome = have == null ? Outcome.CREATED : same(have, want) ? Outcome.UNCHANGED : Outcome.UPDATED;
            if (outcome != Outcome.UNCHANGED && !dryRun) cloudWatch.putMetricAlarm(want);
            ProvisionLine line = new ProvisionLine("CloudWatch alarm", want.alarmName(), outcome, null);
            lines.add(line);
            out.accept(line);
        }
        return lines;
    }

    /** Whether an existing alarm already has the wanted definition (PutMetricAlarm replaces it whole). */
    static boolean same(MetricAlarm have, PutMetricAlarmRequest want) {
        return Objects.equals(have.alarmDescription(), want.alarmDescription())
                && Objects.equals(have.namespace(), want.namespace())
                && Objects.equals(have.metricName(), want.metricName())
                && Objects.equals(dims(have.dimensions()), dims(want.dimensions()))
                && Objects.equals(have.statistic(), want.statistic())
                && Objects.equals(have.extendedStatistic(), want.extendedStatistic())
                && Objects.equals(have.period(), want.period())
                && Objects.equals(have.evaluationPeriods(), want.evaluationPeriods())
                && Objects.equals(have.datapointsToAlarm(), want.datapointsToAlarm())
                && have.threshold() != null && want.threshold() != null
                && Double.compare(have.threshold(), want.threshold()) == 0
                && Objects.equals(have.comparisonOperator(), want.comparisonOperator())
                && Objects.equals(have.treatMissingData(), want.treatMissingData())
                && Objects.equals(have.alarmActions(), want.alarmActions())
                && Objects.equals(have.okActions(), want.okActions())
                && Objects.equals(queries(have.metrics()), queries(want.metrics()));
    }

    private static Map<String, String> dims(List<Dimension> dimensions) {
        Map<String, String> m = new HashMap<>();
        if (dimensions != null) dimensions.forEach(d -> m.put(d.name(), d.value()));
        return m;
    }

    private static List<String> queries(List<MetricDataQuery> metrics) {
        List<String> q = new ArrayList<>();
        if (metrics != null) {
            metrics.forEach(m -> q.add(m.id() + "|" + m.expression() + "|" + m.period() + "|" + m.returnData() + "|"
                    + (m.metricStat() == null ? null : m.metricStat().metric().namespace() + " "
                    + m.metricStat().metric().metricName() + " " + dims(m.metricStat().metric().dimensions()) + " "
                    + m.metricStat().period() + " " + m.metricStat().stat())));
        }
        return q;
    }

    private static PutMetricAlarmRequest.Builder common(Target t, String base, String suffix, String what,
                                                        int evaluations, double threshold, ComparisonOperator op,
                                                        String missing) {
        Severity severity = severity(suffix);
        String topic = t.topics().of(severity);
        List<String> actions = topic == null ? List.of() : List.of(topic);
        return PutMetricAlarmRequest.builder().alarmName(base + suffix)
                .alarmDescription("Relay " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + what
                        + ". Follow " + RUNBOOK + (suffix.startsWith("slo-") ? SLO_RUNBOOK_ANCHOR : suffix))
                .evaluationPeriods(evaluations).datapointsToAlarm(evaluations).threshold(threshold)
                .comparisonOperator(op).treatMissingData(missing)
                .actionsEnabled(true).alarmActions(actions).okActions(actions);
    }

    private static PutMetricAlarmRequest metric(Target t, String base, String suffix, String what,
                                                String namespace, String metricName, Map<String, String> dimensions,
                                                Statistic stat, int period, int evaluations, double threshold,
                                                ComparisonOperator op, String missing) {
        return common(t, base, suffix, what, evaluations, threshold, op, missing)
                .namespace(namespace).metricName(metricName).dimensions(dims(dimensions)).statistic(stat).period(period).build();
    }

    /** An alarm on a percentile of a distribution the service publishes as values (docs/CONTRACT.md#run-metrics). */
    private static PutMetricAlarmRequest percentile(Target t, String base, String suffix, String what, String metricName,
                                                    Map<String, String> dimensions, String percentile, int period,
                                                    double threshold) {
        return common(t, base, suffix, what, 1, threshold, ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching")
                .namespace(t.namespace()).metricName(metricName).dimensions(dims(dimensions))
                .extendedStatistic(percentile).period(period).build();
    }

    /**
     * One SLO burn-rate alarm: the SLI's bad-event ratio over the tier's long window (one period)
     * above burn rate × error budget. CloudWatch has no sliding window to AND with the short window
     * of the Prometheus rules; the period is the long window, so the alarm clears at most one long
     * window after the burn stops. No traffic is no burn ({@code notBreaching}).
     */
    static PutMetricAlarmRequest sloBurn(Target t, String base, Slo slo, Tier tier) {
        int period = (int) tier.longWindow().toSeconds();
        BigDecimal threshold = slo.errorRatioThreshold(tier);
        String what = slo.title() + " (" + percent(slo.objective()) + " over " + slo.window().toDays() + " days): "
                + sliDescription(slo) + " above " + percent(threshold) + " over " + tier.name() + ", "
                + slo.burnRate(tier).toPlainString() + "x the " + percent(slo.budget()) + " error budget";
        String suffix = slo.alarmSuffix(tier);
        Map<String, String> env = Map.of("Environment", t.environment());
        String ns = t.namespace();
        if (slo == ServiceLevelObjectives.RUN_SUCCESS) {
            // RunFailed sends 1 or 0 per run: the Average of the Environment rollup is the failed-run ratio
            return metric(t, base, suffix, what, ns, "RunFailed", env, Statistic.AVERAGE, period, 1,
                    threshold.doubleValue(), ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching");
        }
        List<MetricDataQuery> q = new ArrayList<>();
        String expression;
        if (slo == ServiceLevelObjectives.API_AVAILABILITY) {
            q.add(stat("m1", ns, RelayMetrics.API_REQUEST_COUNT, Map.of("Environment", t.environment(), "StatusClass", "5xx"),
                    period, "Sum"));
            q.add(stat("m2", ns, RelayMetrics.API_REQUEST_COUNT, env, period, "Sum"));
            expression = "FILL(m1, 0) / m2";
        } else if (slo == ServiceLevelObjectives.API_LATENCY_P95 || slo == ServiceLevelObjectives.API_LATENCY_P99) {
            Duration limit = slo == ServiceLevelObjectives.API_LATENCY_P95 ? ServiceLevelObjectives.API_LATENCY_P95_THRESHOLD
                    : ServiceLevelObjectives.API_LATENCY_P99_THRESHOLD;
            // PR(:x) is the percentage of the period's values at most x (the service sends values in ms)
            q.add(stat("m1", ns, RelayMetrics.API_RESPONSE_TIME, env, period, "PR(:" + limit.toMillis() + ")"));
            expression = "1 - m1 / 100";
        } else if (slo == ServiceLevelObjectives.RUN_START_LATENCY) {
            q.add(stat("m1", ns, "RunStartLatency", env, period,
                    "PR(:" + ServiceLevelObjectives.RUN_START_THRESHOLD.toMillis() + ")"));
            expression = "1 - m1 / 100";
        } else if (slo == ServiceLevelObjectives.NOTIFICATION_DELIVERY) {
            // deferred is not an outcome (the notification is retried later), so it counts neither way
            q.add(stat("m1", ns, "NotificationsSent", Map.of("Environment", t.environment(), "Status", "failure"), period, "Sum"));
            q.add(stat("m2", ns, "NotificationsSent", Map.of("Environment", t.environment(), "Status", "success"), period, "Sum"));
            expression = "FILL(m1, 0) / (FILL(m1, 0) + FILL(m2, 0))";
        } else {
            throw new IllegalStateException("no CloudWatch SLI for SLO " + slo.name());
        }
        q.add(MetricDataQuery.builder().id("e1").expression(expression).label(slo.name() + " bad ratio").returnData(true).build());
        return common(t, base, suffix, what, 1, threshold.doubleValue(), ComparisonOperator.GREATER_THAN_THRESHOLD,
                "notBreaching").metrics(q).build();
    }

    private static MetricDataQuery stat(String id, String namespace, String name, Map<String, String> dimensions,
                                        int period, String stat) {
        return MetricDataQuery.builder().id(id).returnData(false)
                .metricStat(MetricStat.builder().metric(Metric.builder().namespace(namespace).metricName(name)
                        .dimensions(dims(dimensions)).build()).period(period).stat(stat).build())
                .build();
    }

    private static String sliDescription(Slo slo) {
        if (slo == ServiceLevelObjectives.API_AVAILABILITY) return "API 5xx ratio";
        if (slo == ServiceLevelObjectives.API_LATENCY_P95) return "API responses slower than 500 ms";
        if (slo == ServiceLevelObjectives.API_LATENCY_P99) return "API responses slower than 1 s";
        if (slo == ServiceLevelObjectives.RUN_SUCCESS) return "failed-run ratio";
        if (slo == ServiceLevelObjectives.RUN_START_LATENCY) return "runs started later than 10 s";
        return "failed-notification ratio";
    }

    /** 0.0144 → "1.44 %". */
    private static String percent(BigDecimal ratio) {
        return ratio.movePointRight(2).stripTrailingZeros().toPlainString() + " %";
    }

    private static List<Dimension> dims(Map<String, String> dimensions) {
        List<Dimension> dims = new ArrayList<>();
        dimensions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> dims.add(Dimension.builder().name(e.getKey()).value(e.getValue()).build()));
        return dims;
    }

    /** An alarm on a Metrics Insights query over all tenants (docs/CONTRACT.md#alarms #1, #3, #7). */
    private static PutMetricAlarmRequest insights(Target t, String base, String suffix, String what,
                                                  String query, int period, int evaluations, double threshold,
                                                  ComparisonOperator op) {
        return common(t, base, suffix, what, evaluations, threshold, op, "notBreaching")
                .metrics(MetricDataQuery.builder().id("q1").expression(query).period(period).returnData(true).build())
                .build();
    }
}
