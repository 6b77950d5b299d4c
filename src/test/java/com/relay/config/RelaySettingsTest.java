package com.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelaySettingsTest {

    @Test
    void embeddedDefaultsFollowTheSpec() {
        RelaySettings s = RelaySettings.load(Map.<String, String>of()::get);
        assertThat(s.mode()).isEqualTo(RelayMode.EMBEDDED);
        assertThat(s.dataDir()).isEqualTo(Path.of("./.relay-data"));
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.provisionOnStartup()).isTrue();
        assertThat(s.environment()).isEqualTo("unknown");
        assertThat(s.endpointOverride()).isNull();
        assertThat(s.resources().artifactBucket()).isEqualTo("relay-inventory-artifacts");
        assertThat(s.resources().tenantsTable()).isEqualTo("relay-inventory-tenants");
        assertThat(s.resources().runsTable()).isEqualTo("relay-inventory-runs");
        assertThat(s.resources().notificationsTable()).isEqualTo("relay-inventory-notifications");
        assertThat(s.resources().jobsQueueName()).isEqualTo("relay-inventory-jobs");
        assertThat(s.resources().jobsDlqName()).isEqualTo("relay-inventory-jobs-dlq");
        assertThat(s.resources().notificationsDlqName()).isEqualTo("relay-inventory-notifications-dlq");
        assertThat(s.worker().poisonMaxReceives()).isEqualTo(3);
        assertThat(s.worker().visibilityTimeoutSeconds()).isEqualTo(300);
        assertThat(s.notifier().maxReceives()).isEqualTo(5);
        assertThat(s.engine().memoryBudgetBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(s.embedded().bindHost()).isEqualTo("127.0.0.1");
        assertThat(s.roles()).isEqualTo(new RelaySettings.Roles(true, true, true, true));
    }

    @Test
    void localstackPointsAtLocalhost4566AndDoesNotProvisionByDefault() {
        RelaySettings s = RelaySettings.load(Map.of("RELAY_MODE", "LocalStack")::get);
        assertThat(s.mode()).isEqualTo(RelayMode.LOCALSTACK);
        assertThat(s.endpointOverride()).isEqualTo(URI.create("http://localhost:4566"));
        assertThat(s.provisionOnStartup()).isFalse();
    }

    @Test
    void queueNamesComeFromConfiguredUrls() {
        RelaySettings s = RelaySettings.load(Map.of(
                "SQS_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/prod-jobs",
                "NOTIFICATIONS_DLQ_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/prod-notify-dead/")::get);
        assertThat(s.resources().jobsQueueName()).isEqualTo("prod-jobs");
        assertThat(s.resources().jobsDlqName()).isEqualTo("prod-jobs-dlq");
        assertThat(s.resources().notificationsDlqName()).isEqualTo("prod-notify-dead");
    }

    @Test
    void awsModeRequiresResourceNamesAndListsEveryProblemAtOnce() {
        assertThatThrownBy(() -> RelaySettings.load(Map.of("RELAY_MODE", "aws", "WORKER_MAX_CONCURRENCY", "many",
                "API_ENABLED", "yes", "WORKER_RECEIVE_WAIT_SECONDS", "21")::get))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "ARTIFACT_BUCKET is required in aws mode",
                        "TENANTS_TABLE is required in aws mode",
                        "RUNS_TABLE is required in aws mode",
                        "NOTIFICATIONS_TABLE is required in aws mode",
                        "SQS_QUEUE_URL is required in aws mode",
                        "NOTIFICATIONS_QUEUE_URL is required in aws mode",
                        "API_ENABLED must be true or false (got 'yes')",
                        "WORKER_MAX_CONCURRENCY must be an integer (got 'many')",
                        "WORKER_RECEIVE_WAIT_SECONDS must be between 0 and 20 (got 21)"));
    }

    @Test
    void unknownModeAndBadEndpointAreReported() {
        assertThatThrownBy(() -> RelaySettings.load(Map.of("RELAY_MODE", "cloud", "AWS_ENDPOINT_URL", "not a url")::get))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).containsExactly(
                        "RELAY_MODE must be one of embedded, localstack, aws (got 'cloud')",
                        "AWS_ENDPOINT_URL must be an absolute URL (got 'not a url')"));
    }

    @Test
    void concurrencyBelowOneActsAsOneAndHeartbeatMustFitInsideTheLease() {
        assertThat(RelaySettings.load(Map.of("WORKER_MAX_CONCURRENCY", "0")::get).worker().maxConcurrency()).isEqualTo(1);
        assertThatThrownBy(() -> RelaySettings.load(Map.of("WORKER_VISIBILITY_TIMEOUT_SECONDS", "60",
                "WORKER_VISIBILITY_HEARTBEAT_SECONDS", "55")::get))
                .hasMessageContaining("WORKER_VISIBILITY_HEARTBEAT_SECONDS + 10 must be less than WORKER_VISIBILITY_TIMEOUT_SECONDS (got 55 and 60)");
        // RI §4.8: the bound is strict (50 + 10 = 60 is not less than 60)
        assertThatThrownBy(() -> RelaySettings.load(Map.of("WORKER_VISIBILITY_TIMEOUT_SECONDS", "60",
                "WORKER_VISIBILITY_HEARTBEAT_SECONDS", "50")::get))
                .hasMessageContaining("WORKER_VISIBILITY_HEARTBEAT_SECONDS");
        assertThat(RelaySettings.load(Map.of("WORKER_VISIBILITY_TIMEOUT_SECONDS", "60",
                "WORKER_VISIBILITY_HEARTBEAT_SECONDS", "49")::get).worker().visibilityHeartbeatSeconds()).isEqualTo(49);
    }

    @Test
    void workerAndMetricsDefaultsFollowTheSpec() {
        RelaySettings s = RelaySettings.load(Map.<String, String>of()::get);
        assertThat(s.worker().receiveErrorBackoffSeconds()).isEqualTo(5);
        assertThat(s.worker().heartbeatIntervalSeconds()).isEqualTo(60);
        assertThat(s.worker().tenantBackoffSet()).isFalse();
        assertThat(s.metrics().cloudWatchEnabled()).isFalse();
        assertThat(s.metrics().cloudWatchNamespace()).isEqualTo("RelayInventory");
        assertThat(s.metrics().cloudWatchStepSeconds()).isEqualTo(60);
        assertThat(RelaySettings.load(Map.of("CLOUDWATCH_METRICS_ENABLED", "TRUE")::get).metrics().cloudWatchEnabled()).isTrue();
        assertThat(RelaySettings.load(Map.of("WORKER_TENANT_BACKOFF_SECONDS", "30")::get).worker().tenantBackoffSet()).isTrue();
    }
}
