package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.metrics.ServiceLevelObjectives;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * The SLO burn-rate alarms of {@code AlarmProvisioner.desired} (docs/OBSERVABILITY.md "SLOs"): the
 * SLI as metric math over the series the service publishes, one period of the tier's long window,
 * and a threshold that is the burn rate times the error budget of the objective.
 */
class SloAlarmsTest {

    private static final AlarmProvisioner.Target TARGET = new AlarmProvisioner.Target("relay-inventory", "prod",
            "RelayInventory", new AlarmProvisioner.Topics("arn:c", "arn:w", "arn:i"), AlarmProvisioner.Thresholds.DEFAULTS,
            List.of("acme"), "q", "qd", "n", "nd");

    private static Map<String, PutMetricAlarmRequest> slo() {
        return AlarmProvisioner.desired(TARGET).stream().filter(a -> a.alarmName().startsWith("relay-inventory-prod-slo-"))
                .collect(Collectors.toMap(a -> a.alarmName().substring("relay-inventory-prod-slo-".length()), Function.identity()));
    }

    @Test
    void thresholdsAreTheBurnRatesTimesTheErrorBudgets() {
        Map<String, PutMetricAlarmRequest> a = slo();
        // 99.9 %: budget 0.1 %; 14.4x → 1.44 %, 6x → 0.6 %, 3x → 0.3 %
        assertThat(a.get("api-availability-burn-1h").threshold()).isEqualTo(0.0144);
        assertThat(a.get("api-availability-burn-6h").threshold()).isEqualTo(0.006);
        assertThat(a.get("api-availability-burn-1d").threshold()).isEqualTo(0.003);
        assertThat(a.get("api-latency-p95-burn-1h").threshold()).isEqualTo(0.72);
        assertThat(a.get("api-latency-p99-burn-6h").threshold()).isEqualTo(0.06);
        assertThat(a.get("run-success-burn-1h").threshold()).isEqualTo(0.072);
        assertThat(a.get("run-start-latency-burn-1d").threshold()).isEqualTo(0.15);
        // 99 % over 7 days: 3.36x and 1.4x; no 1-day tier (0.7x would fire within budget)
        assertThat(a.get("notification-delivery-burn-1h").threshold()).isEqualTo(0.0336);
        assertThat(a.get("notification-delivery-burn-6h").threshold()).isEqualTo(0.014);
        assertThat(a).doesNotContainKey("notification-delivery-burn-1d").hasSize(17);
        assertThat(a.values()).allSatisfy(x -> {
            assertThat(x.comparisonOperator()).isEqualTo(ComparisonOperator.GREATER_THAN_THRESHOLD);
            assertThat(x.evaluationPeriods()).isEqualTo(1);
            assertThat(x.treatMissingData()).isEqualTo("notBreaching");
            assertThat(x.alarmDescription()).contains("docs/RUNBOOK.md#slo-burn");
        });
        assertThat(a.get("api-availability-burn-1h").alarmDescription()).isEqualTo("Relay critical: API availability"
                + " (99.9 % over 30 days): API 5xx ratio above 1.44 % over 1h, 14.4x the 0.1 % error budget."
                + " Follow docs/RUNBOOK.md#slo-burn");
    }

    @Test
    void eachWindowIsOnePeriodOfTheSli() {
        Map<String, PutMetricAlarmRequest> a = slo();
        for (String sli : List.of("api-availability", "api-latency-p95", "notification-delivery")) {
            assertThat(periods(a.get(sli + "-burn-1h"))).containsOnly(3600);
            assertThat(periods(a.get(sli + "-burn-6h"))).containsOnly(21600);
        }
        assertThat(periods(a.get("api-availability-burn-1d"))).containsOnly(86400);
        assertThat(a.get("run-success-burn-6h").period()).isEqualTo(21600);
    }

    @Test
    void theSlisAreMetricMathOverPublishedSeries() {
        Map<String, PutMetricAlarmRequest> a = slo();
        assertThat(queries(a.get("api-availability-burn-1h"))).containsExactly(
                "m1 RelayInventory APIRequestCount {Environment=prod, StatusClass=5xx} Sum",
                "m2 RelayInventory APIRequestCount {Environment=prod} Sum",
                "e1 FILL(m1, 0) / m2 (returned)");
        assertThat(queries(a.get("api-latency-p95-burn-1h"))).containsExactly(
                "m1 RelayInventory APIResponseTime {Environment=prod} PR(:500)", "e1 1 - m1 / 100 (returned)");
        assertThat(queries(a.get("api-latency-p99-burn-1h"))).containsExactly(
                "m1 RelayInventory APIResponseTime {Environment=prod} PR(:1000)", "e1 1 - m1 / 100 (returned)");
        assertThat(queries(a.get("run-start-latency-burn-1h"))).containsExactly(
                "m1 RelayInventory RunStartLatency {Environment=prod} PR(:10000)", "e1 1 - m1 / 100 (returned)");
        assertThat(queries(a.get("notification-delivery-burn-1h"))).containsExactly(
                "m1 RelayInventory NotificationsSent {Environment=prod, Status=failure} Sum",
                "m2 RelayInventory NotificationsSent {Environment=prod, Status=success} Sum",
                "e1 FILL(m1, 0) / (FILL(m1, 0) + FILL(m2, 0)) (returned)");
        // RunFailed is 1 or 0 per run: its Average over the Environment rollup is the failed-run ratio
        PutMetricAlarmRequest runs = a.get("run-success-burn-1h");
        assertThat(runs.metricName()).isEqualTo("RunFailed");
        assertThat(runs.statistic()).isEqualTo(Statistic.AVERAGE);
        assertThat(runs.dimensions()).containsExactly(Dimension.builder().name("Environment").value("prod").build());
    }

    @Test
    void pagesGoToTheCriticalTopicAndTicketsToTheWarningTopic() {
        Map<String, PutMetricAlarmRequest> a = slo();
        for (String sli : List.of("api-availability", "api-latency-p95", "api-latency-p99", "run-success", "run-start-latency")) {
            assertThat(a.get(sli + "-burn-1h").alarmActions()).containsExactly("arn:c");
            assertThat(a.get(sli + "-burn-6h").alarmActions()).containsExactly("arn:c");
            assertThat(a.get(sli + "-burn-1d").alarmActions()).containsExactly("arn:w");
        }
        assertThat(a.get("notification-delivery-burn-1h").alarmActions()).containsExactly("arn:w");
        assertThat(a.get("notification-delivery-burn-6h").alarmActions()).containsExactly("arn:w");
    }

    @Test
    void everySloTierHasAnAlarm() {
        Map<String, PutMetricAlarmRequest> a = slo();
        for (ServiceLevelObjectives.Slo s : ServiceLevelObjectives.ALL) {
            for (ServiceLevelObjectives.Tier t : s.tiers()) {
                assertThat(a.get(s.alarmSuffix(t).substring("slo-".length())).threshold())
                        .isEqualTo(s.errorRatioThreshold(t).doubleValue());
            }
        }
    }

    /** Provisioning again replaces an alarm whose metric math reads another statistic (same ids, same expression). */
    @Test
    void anAlarmWhoseMetricStatDiffersIsUpdated() {
        PutMetricAlarmRequest want = slo().get("api-latency-p95-burn-1h");
        MetricAlarm have = existing(want, want.metrics());
        assertThat(AlarmProvisioner.same(have, want)).isTrue();
        List<MetricDataQuery> older = want.metrics().stream().map(q -> q.metricStat() == null ? q
                : q.toBuilder().metricStat(q.metricStat().toBuilder().stat("PR(:400)").build()).build()).toList();
        assertThat(AlarmProvisioner.same(existing(want, older), want)).isFalse();
    }

    /** An alarm as DescribeAlarms returns it for a request, with the given queries. */
    private static MetricAlarm existing(PutMetricAlarmRequest want, List<MetricDataQuery> metrics) {
        return MetricAlarm.builder().alarmName(want.alarmName()).alarmDescription(want.alarmDescription())
                .evaluationPeriods(want.evaluationPeriods()).datapointsToAlarm(want.datapointsToAlarm())
                .threshold(want.threshold()).comparisonOperator(want.comparisonOperator())
                .treatMissingData(want.treatMissingData()).alarmActions(want.alarmActions()).okActions(want.okActions())
                .metrics(metrics).build();
    }

    private static List<Integer> periods(PutMetricAlarmRequest a) {
        return a.metrics().stream().filter(q -> q.metricStat() != null).map(q -> q.metricStat().period()).toList();
    }

    private static List<String> queries(PutMetricAlarmRequest a) {
        return a.metrics().stream().map(SloAlarmsTest::describe).toList();
    }

    private static String describe(MetricDataQuery q) {
        if (q.metricStat() == null) return q.id() + " " + q.expression() + (Boolean.TRUE.equals(q.returnData()) ? " (returned)" : "");
        var m = q.metricStat().metric();
        return q.id() + " " + m.namespace() + " " + m.metricName() + " " + m.dimensions().stream()
                .map(d -> d.name() + "=" + d.value()).collect(Collectors.joining(", ", "{", "}")) + " " + q.metricStat().stat();
    }
}
