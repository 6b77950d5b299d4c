package com.relay.aws;

import com.relay.aws.ProvisionLine.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * The CloudWatch alarms of RI §6.3, created or updated idempotently by {@code relay provision}.
 * Metric names and dimension sets are exactly those the service publishes (RI §6.1): run
 * outcomes per {@code TenantId}+{@code Environment}, {@code WorkerHeartbeat} per {@code Environment},
 * so every alarm can fire (the earlier alarm script watched series that were never published).
 */
public final class AlarmProvisioner {

    /** Where the alarm points operators (RUNBOOK.md anchors). */
    static final String RUNBOOK = "docs/RUNBOOK.md#";

    /** Everything an alarm name and definition depends on. */
    public record Target(String prefix, String environment, String namespace, String snsTopicArn,
                         List<String> tenantIds, String jobsQueue, String jobsDlq, String notificationsDlq) {}

    private final CloudWatchClient cloudWatch;
    private final boolean dryRun;

    public AlarmProvisioner(CloudWatchClient cloudWatch, boolean dryRun) {
        this.cloudWatch = cloudWatch;
        this.dryRun = dryRun;
    }

    /** The desired alarms, in the order of RI §6.3 (per-tenant alarms after the global ones). */
    public static List<PutMetricAlarmRequest> desired(Target t) {
        String base = t.prefix() + "-" + t.environment() + "-";
        String runFailedQuery = "SELECT SUM(RunFailed) FROM SCHEMA(\"" + t.namespace() + "\", Environment, TenantId)"
                + " WHERE Environment = '" + t.environment() + "'";
        List<PutMetricAlarmRequest> alarms = new ArrayList<>();
        alarms.add(insights(t, base + "consecutive-failures", "3 or more failed runs within 15 minutes",
                "consecutive-failures", runFailedQuery, 900, 1, 3, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        alarms.add(metric(t, base + "queue-backlog", "more than 5 run jobs waiting for 10 minutes", "queue-backlog",
                "AWS/SQS", "ApproximateNumberOfMessagesVisible", Map.of("QueueName", t.jobsQueue()), Statistic.AVERAGE,
                300, 2, 5, ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching"));
        alarms.add(insights(t, base + "worker-errors", "a run failed in the last 5 minutes", "worker-errors",
                runFailedQuery, 300, 1, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        alarms.add(metric(t, base + "worker-heartbeat-missing", "no worker heartbeat for 5 minutes",
                "worker-heartbeat-missing", t.namespace(), "WorkerHeartbeat", Map.of("Environment", t.environment()),
                Statistic.SUM, 300, 1, 1, ComparisonOperator.LESS_THAN_THRESHOLD, "breaching"));
        alarms.add(metric(t, base + "jobs-dlq-not-empty", "a run job is in the jobs DLQ", "jobs-dlq-not-empty",
                "AWS/SQS", "ApproximateNumberOfMessagesVisible", Map.of("QueueName", t.jobsDlq()), Statistic.MAXIMUM,
                60, 1, 0, ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching"));
        alarms.add(metric(t, base + "notifications-dlq-not-empty", "a notification is in the notifications DLQ",
                "notifications-dlq-not-empty", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                Map.of("QueueName", t.notificationsDlq()), Statistic.MAXIMUM, 60, 1, 0,
                ComparisonOperator.GREATER_THAN_THRESHOLD, "notBreaching"));
        alarms.add(insights(t, base + "notification-circuit-open", "the ntfy circuit breaker is open",
                "notification-circuit-open", "SELECT MAX(CircuitBreakerState) FROM SCHEMA(\"" + t.namespace()
                        + "\", Environment, Service) WHERE Environment = '" + t.environment() + "'",
                60, 1, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
        alarms.add(metric(t, base + "notification-failures", "3 or more notifications failed within 15 minutes",
                "notification-failures", t.namespace(), "NotificationsSent",
                Map.of("Environment", t.environment(), "Status", "failure"), Statistic.SUM, 900, 1, 3,
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "notBreaching"));
        for (String tenant : t.tenantIds()) {
            alarms.add(metric(t, t.prefix() + "-" + t.environment() + "-" + tenant + "-consecutive-failures",
                    "3 or more failed runs of tenant " + tenant + " within 15 minutes", "consecutive-failures",
                    t.namespace(), "RunFailed", Map.of("TenantId", tenant, "Environment", t.environment()), Statistic.SUM,
                    900, 1, 3, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, "notBreaching"));
        }
        return alarms;
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
        if (metrics != null) metrics.forEach(m -> q.add(m.id() + "|" + m.expression() + "|" + m.period() + "|" + m.returnData()));
        return q;
    }

    private static PutMetricAlarmRequest.Builder common(Target t, String name, String what, String runbookSection,
                                                        int evaluations, double threshold, ComparisonOperator op,
                                                        String missing) {
        List<String> actions = t.snsTopicArn() == null ? List.of() : List.of(t.snsTopicArn());
        return PutMetricAlarmRequest.builder().alarmName(name)
                .alarmDescription("Relay: " + what + ". Follow " + RUNBOOK + runbookSection)
                .evaluationPeriods(evaluations).datapointsToAlarm(evaluations).threshold(threshold)
                .comparisonOperator(op).treatMissingData(missing)
                .actionsEnabled(true).alarmActions(actions).okActions(actions);
    }

    private static PutMetricAlarmRequest metric(Target t, String name, String what, String runbookSection,
                                                String namespace, String metricName, Map<String, String> dimensions,
                                                Statistic stat, int period, int evaluations, double threshold,
                                                ComparisonOperator op, String missing) {
        List<Dimension> dims = new ArrayList<>();
        dimensions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> dims.add(Dimension.builder().name(e.getKey()).value(e.getValue()).build()));
        return common(t, name, what, runbookSection, evaluations, threshold, op, missing)
                .namespace(namespace).metricName(metricName).dimensions(dims).statistic(stat).period(period).build();
    }

    /** An alarm on a Metrics Insights query over all tenants (RI §6.3 #1, #3, #7). */
    private static PutMetricAlarmRequest insights(Target t, String name, String what, String runbookSection,
                                                  String query, int period, int evaluations, double threshold,
                                                  ComparisonOperator op) {
        return common(t, name, what, runbookSection, evaluations, threshold, op, "notBreaching")
                .metrics(MetricDataQuery.builder().id("q1").expression(query).period(period).returnData(true).build())
                .build();
    }
}
