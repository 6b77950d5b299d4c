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

/** RI §6.3 against §6.1: every alarm on a Relay metric watches a series the service really publishes. */
class AlarmDefinitionsTest {

    private static final AlarmProvisioner.Target TARGET = new AlarmProvisioner.Target("relay-inventory", "prod",
            "RelayInventory", null, List.of("acme"), "relay-inventory-jobs", "relay-inventory-jobs-dlq",
            "relay-inventory-notifications-dlq");

    @Test
    void namesOrderAndThresholdsFollowTheSpecTable() {
        List<PutMetricAlarmRequest> alarms = AlarmProvisioner.desired(TARGET);
        assertThat(alarms).extracting(PutMetricAlarmRequest::alarmName).containsExactly(
                "relay-inventory-prod-consecutive-failures", "relay-inventory-prod-queue-backlog",
                "relay-inventory-prod-worker-errors", "relay-inventory-prod-worker-heartbeat-missing",
                "relay-inventory-prod-jobs-dlq-not-empty", "relay-inventory-prod-notifications-dlq-not-empty",
                "relay-inventory-prod-notification-circuit-open", "relay-inventory-prod-notification-failures",
                "relay-inventory-prod-acme-consecutive-failures");
        assertThat(alarms).allSatisfy(a -> assertThat(a.alarmDescription()).contains("docs/RUNBOOK.md#"));
        assertThat(alarms).allSatisfy(a -> assertThat(a.alarmActions()).isEmpty());
        assertThat(alarms.get(3).treatMissingData()).isEqualTo("breaching");
        assertThat(alarms).filteredOn(a -> a != alarms.get(3))
                .allSatisfy(a -> assertThat(a.treatMissingData()).isEqualTo("notBreaching"));
    }

    @Test
    void relayMetricAlarmsUseTheDimensionSetsTheWorkerPublishes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerMetrics metrics = new WorkerMetrics(registry, RelaySettings.load(Map.of("ENVIRONMENT", "prod")::get));
        metrics.runEnded("acme", false, 1000L, 5);
        metrics.heartbeat();
        for (PutMetricAlarmRequest a : AlarmProvisioner.desired(TARGET)) {
            if (!"RelayInventory".equals(a.namespace()) || a.metricName().startsWith("Notification")) continue;
            Set<String> alarmDims = a.dimensions().stream().map(d -> d.name()).collect(Collectors.toCollection(TreeSet::new));
            Meter meter = registry.find(a.metricName()).meter();
            assertThat(meter).as("meter " + a.metricName() + " exists").isNotNull();
            Set<String> tagKeys = meter.getId().getTags().stream().map(t -> t.getKey())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(tagKeys).as(a.alarmName()).isEqualTo(alarmDims);
            a.dimensions().forEach(d -> assertThat(registry.find(a.metricName()).tag(d.name(), d.value()).meter())
                    .as(a.alarmName() + " " + d.name() + "=" + d.value()).isNotNull());
        }
        // the Metrics Insights alarms group RunFailed by exactly Environment and TenantId
        assertThat(registry.find("RunFailed").meter().getId().getTags()).extracting(t -> t.getKey())
                .containsExactlyInAnyOrder("Environment", "TenantId");
        assertThat(registry.find("WorkerError").tag("ErrorType", "poison_job").meter().getId().getTags())
                .extracting(t -> t.getKey()).containsExactlyInAnyOrder("Environment", "ErrorType");
    }
}
