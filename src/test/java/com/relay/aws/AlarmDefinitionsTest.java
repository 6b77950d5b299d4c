package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.config.RelaySettings;
import com.relay.worker.WorkerMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/** docs/CONTRACT.md#alarms against docs/CONTRACT.md#run-metrics: every alarm on a Relay metric watches a series the service really publishes. */
class AlarmDefinitionsTest {

    static final AlarmProvisioner.Target TARGET = new AlarmProvisioner.Target("relay-inventory", "prod",
            "RelayInventory", new AlarmProvisioner.Topics(null, null, null), AlarmProvisioner.Thresholds.DEFAULTS,
            List.of("acme"), "relay-inventory-jobs", "relay-inventory-jobs-dlq", "relay-inventory-notifications",
            "relay-inventory-notifications-dlq");

    @Test
    void namesOrderAndThresholdsFollowTheSpecTable() {
        List<PutMetricAlarmRequest> alarms = AlarmProvisioner.desired(TARGET);
        assertThat(alarms).extracting(PutMetricAlarmRequest::alarmName).containsExactly(
                "relay-inventory-prod-consecutive-failures", "relay-inventory-prod-queue-backlog",
                "relay-inventory-prod-worker-errors", "relay-inventory-prod-worker-heartbeat-missing",
                "relay-inventory-prod-jobs-dlq-not-empty", "relay-inventory-prod-notifications-dlq-not-empty",
                "relay-inventory-prod-notification-circuit-open", "relay-inventory-prod-notification-failures",
                "relay-inventory-prod-worker-crash-loop", "relay-inventory-prod-run-duration-p99",
                "relay-inventory-prod-api-5xx", "relay-inventory-prod-jobs-oldest-message-age",
                "relay-inventory-prod-notifications-queue-backlog",
                "relay-inventory-prod-slo-api-availability-burn-1h", "relay-inventory-prod-slo-api-availability-burn-6h",
                "relay-inventory-prod-slo-api-availability-burn-1d", "relay-inventory-prod-slo-api-latency-p95-burn-1h",
                "relay-inventory-prod-slo-api-latency-p95-burn-6h", "relay-inventory-prod-slo-api-latency-p95-burn-1d",
                "relay-inventory-prod-slo-api-latency-p99-burn-1h", "relay-inventory-prod-slo-api-latency-p99-burn-6h",
                "relay-inventory-prod-slo-api-latency-p99-burn-1d", "relay-inventory-prod-slo-run-success-burn-1h",
                "relay-inventory-prod-slo-run-success-burn-6h", "relay-inventory-prod-slo-run-success-burn-1d",
                "relay-inventory-prod-slo-run-start-latency-burn-1h", "relay-inventory-prod-slo-run-start-latency-burn-6h",
                "relay-inventory-prod-slo-run-start-latency-burn-1d",
                "relay-inventory-prod-slo-notification-delivery-burn-1h",
                "relay-inventory-prod-slo-notification-delivery-burn-6h",
                "relay-inventory-prod-acme-consecutive-failures");
        assertThat(alarms).allSatisfy(a -> assertThat(a.alarmDescription()).contains("docs/RUNBOOK.md#"));
        assertThat(alarms).allSatisfy(a -> assertThat(a.alarmActions()).isEmpty());
        assertThat(alarms.get(3).treatMissingData()).isEqualTo("breaching");
        assertThat(alarms).filteredOn(a -> a != alarms.get(3))
                .allSatisfy(a -> assertThat(a.treatMissingData()).isEqualTo("notBreaching"));
    }

    @Test
    void everyAlarmLinksARunbookSectionThatExists() throws Exception {
        String runbook = java.nio.file.Files.readString(java.nio.file.Path.of("docs/RUNBOOK.md"));
        Set<String> anchors = runbook.lines().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").trim().toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
        for (PutMetricAlarmRequest a : AlarmProvisioner.desired(TARGET)) {
            String anchor = a.alarmDescription().substring(a.alarmDescription().indexOf("docs/RUNBOOK.md#") + 16);
            assertThat(anchors).as(a.alarmName() + " links docs/RUNBOOK.md#" + anchor).contains(anchor);
        }
    }

    @Test
    void alarmsGoToTheTopicOfTheirSeverity() {
        AlarmProvisioner.Target tiered = new AlarmProvisioner.Target("relay-inventory", "prod", "RelayInventory",
                new AlarmProvisioner.Topics("arn:c", "arn:w", "arn:i"), AlarmProvisioner.Thresholds.DEFAULTS, List.of(),
                "q", "qd", "n", "nd");
        Map<String, List<String>> actions = AlarmProvisioner.desired(tiered).stream()
                .collect(Collectors.toMap(a -> a.alarmName().substring("relay-inventory-prod-".length()),
                        PutMetricAlarmRequest::alarmActions));
        assertThat(actions).containsEntry("worker-heartbeat-missing", List.of("arn:c"))
                .containsEntry("worker-crash-loop", List.of("arn:c")).containsEntry("api-5xx", List.of("arn:c"))
                .containsEntry("jobs-oldest-message-age", List.of("arn:c")).containsEntry("queue-backlog", List.of("arn:w"))
                .containsEntry("run-duration-p99", List.of("arn:w")).containsEntry("notification-circuit-open", List.of("arn:i"));
        assertThat(AlarmProvisioner.desired(tiered)).allSatisfy(a -> assertThat(a.okActions()).isEqualTo(a.alarmActions()));
    }
}
