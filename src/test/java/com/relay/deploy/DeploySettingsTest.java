package com.relay.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.config.RelaySettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/** The CDK app's context keys and what follows from them; no synthesis (no node) here. */
class DeploySettingsTest {

    private static final String CERT = RelayStackTemplateTest.CERTIFICATE;

    @Test
    void missingContextNamesEveryKeyAndHowToSetIt() {
        assertThatThrownBy(() -> DeploySettings.fromContext(Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("context 'stage' is required: cdk deploy --context stage=dev|staging|prod")
                .hasMessageContaining("context 'certificateArn' is required")
                .hasMessageContaining("context 'imageTag' is required");
    }

    @Test
    void badValuesAreRefusedWithTheRule() {
        Map<String, String> c = new HashMap<>(Map.of("stage", "qa", "certificateArn", "arn:aws:iam::1:role/x",
                "imageTag", "latest; rm", "wafRateLimit", "5", "tenantIds", "ok,../bad"));
        assertThatThrownBy(() -> DeploySettings.fromContext(c::get))
                .hasMessageContaining("context 'stage' must be one of dev|staging|prod (got 'qa')")
                .hasMessageContaining("context 'certificateArn' must match")
                .hasMessageContaining("context 'imageTag' must match")
                .hasMessageContaining("context 'wafRateLimit' must be a whole number from 100 to 2000000000")
                .hasMessageContaining("context 'tenantIds' must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$ (got '../bad')");
    }

    @Test
    void namesAreThoseRelayProvisionDerivesFromTheServiceEnvironment() {
        DeploySettings d = DeploySettings.fromContext(Map.of("stage", "staging", "certificateArn", CERT, "imageTag", "1.0")::get);
        RelaySettings s = d.relaySettings("eu-west-1", "123456789012");
        RelaySettings.Resources r = s.resources();
        assertThat(List.of(r.tenantsTable(), r.runsTable(), r.notificationsTable(), r.circuitBreakerTable(), r.artifactBucket()))
                .containsExactly("relay-inventory-staging-tenants", "relay-inventory-staging-runs",
                        "relay-inventory-staging-notifications", "relay-inventory-staging-circuit-breakers",
                        "relay-inventory-staging-artifacts");
        assertThat(List.of(r.jobsQueueName(), r.jobsDlqName(), r.notificationsQueueName(), r.notificationsDlqName()))
                .containsExactly("relay-inventory-staging-jobs", "relay-inventory-staging-jobs-dlq",
                        "relay-inventory-staging-notifications", "relay-inventory-staging-notifications-dlq");
        assertThat(r.jobsQueueUrl()).isEqualTo("https://sqs.eu-west-1.amazonaws.com/123456789012/relay-inventory-staging-jobs");
        assertThat(s.environment()).isEqualTo("staging");
        // namePrefix=relay-inventory gives relay provision's defaults exactly
        DeploySettings defaults = DeploySettings.fromContext(Map.of("stage", "prod", "certificateArn", CERT, "imageTag", "1.0",
                "namePrefix", "relay-inventory")::get);
        RelaySettings.Resources dr = defaults.relaySettings("eu-west-1", "123456789012").resources();
        assertThat(List.of(dr.tenantsTable(), dr.jobsQueueName(), dr.artifactBucket()))
                .containsExactly("relay-inventory-tenants", "relay-inventory-jobs", "relay-inventory-artifacts");
    }

    @Test
    void stopTimeoutOutlivesTheWorkersShutdownOrTheDeployIsRefused() {
        RelaySettings defaults = RelaySettings.load(Map.<String, String>of()::get);
        assertThat(DeploySettings.stopTimeoutSeconds(defaults)).isEqualTo(90)
                .isGreaterThan(defaults.worker().shutdownTimeoutSeconds());
        RelaySettings longShutdown = RelaySettings.load(Map.of("WORKER_SHUTDOWN_TIMEOUT_SECONDS", "61")::get);
        assertThatThrownBy(() -> DeploySettings.stopTimeoutSeconds(longShutdown))
                .hasMessage("WORKER_SHUTDOWN_TIMEOUT_SECONDS is 61 s: ECS Fargate stops a task after at most 120 s,"
                        + " so it must be at most 60 s");
    }

    /** An alarm field the template would lose is an error, so a new kind of alarm cannot vanish from the stack. */
    @Test
    void alarmFieldsTheTemplateDoesNotCarryAreRefused() {
        PutMetricAlarmRequest tagged = PutMetricAlarmRequest.builder().alarmName("relay-inventory-dev-x")
                .metricName("RunFailed").tags(t -> t.key("team").value("relay")).build();
        assertThatThrownBy(() -> AlarmTemplates.props(tagged))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("alarm relay-inventory-dev-x sets Tags, which AlarmTemplates does not carry into the CDK"
                        + " template: add it there");
    }
}
