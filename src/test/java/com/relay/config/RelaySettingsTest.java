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
        assertThat(s.worker().visibilityTimeoutSeconds()).isEqualTo(60);
        assertThat(s.worker().visibilityHeartbeatSeconds()).isEqualTo(20);
        assertThat(s.engine().maxVendorsPerRun()).isEqualTo(50);
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
        // docs/CONTRACT.md#worker-loop-and-shutdown: the bound is strict (50 + 10 = 60 is not less than 60)
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

    @Test
    void schedulerAndObservabilityDefaultsFollowTheSpec() {
        RelaySettings s = RelaySettings.load(Map.<String, String>of()::get);
        assertThat(s.scheduler().instanceId()).isNotBlank();
        assertThat(s.scheduler().claimTtlDays()).isEqualTo(7);
        assertThat(s.observability()).isEqualTo(new RelaySettings.Observability("json", "relay-inventory", "none",
                URI.create("http://localhost:4318"), "http/protobuf", "parentbased_traceidratio", 1.0));
        assertThat(s.observability().otlpExport()).isFalse();
        RelaySettings set = RelaySettings.load(Map.of("SCHEDULER_INSTANCE_ID", "sched-a", "SCHEDULER_CLAIM_TTL_DAYS", "30",
                "LOG_FORMAT", "TEXT", "OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_TRACES_SAMPLER", "always_on", "OTEL_TRACES_SAMPLER_ARG", "0.05",
                "OTEL_SERVICE_NAME", "relay-prod")::get);
        assertThat(set.scheduler()).isEqualTo(new RelaySettings.Scheduler("sched-a", 30, 5));
        assertThat(set.observability()).isEqualTo(new RelaySettings.Observability("text", "relay-prod", "otlp",
                URI.create("http://collector:4318"), "grpc", "always_on", 0.05));
    }

    @Test
    void badSchedulerAndObservabilityValuesAreListedTogether() {
        assertThatThrownBy(() -> RelaySettings.load(Map.of("SCHEDULER_CLAIM_TTL_DAYS", "0", "LOG_FORMAT", "xml",
                "OTEL_TRACES_EXPORTER", "zipkin", "OTEL_TRACES_SAMPLER_ARG", "1.5", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json",
                "OTEL_TRACES_SAMPLER", "sometimes", "OTEL_EXPORTER_OTLP_ENDPOINT", "collector")::get))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "SCHEDULER_CLAIM_TTL_DAYS must be between 1 and 3650 (got 0)",
                        "LOG_FORMAT must be one of json, text (got 'xml')",
                        "OTEL_TRACES_EXPORTER must be one of none, otlp (got 'zipkin')",
                        "OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1 (got 1.5)",
                        "OTEL_EXPORTER_OTLP_PROTOCOL must be one of http/protobuf, grpc (got 'http/json')",
                        "OTEL_TRACES_SAMPLER must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio (got 'sometimes')",
                        "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute URL (got 'collector')"));
    }

    @Test
    void jwtIsOffByDefaultWithTheSpecDefaults() {
        RelaySettings.Jwt jwt = RelaySettings.load(Map.<String, String>of()::get).api().jwt();
        assertThat(jwt.enabled()).isFalse();
        assertThat(jwt.requiredTokenUse()).isEqualTo("access");
        assertThat(jwt.tenantClaim()).isEqualTo("tenant_id");
        assertThat(jwt.adminScope()).isEqualTo("relay:admin");
        assertThat(jwt.clockSkewSeconds()).isEqualTo(60);
        assertThat(jwt.jwksCacheSeconds()).isEqualTo(3600);
        assertThat(jwt.jwksUri()).isNull();
    }

    @Test
    void jwtSettingsAreReadVerbatimAndAnEmptyTokenUseSwitchesThatCheckOff() {
        RelaySettings.Jwt jwt = RelaySettings.load(Map.of("JWT_ISSUER_URI", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/",
                "JWT_JWKS_URI", "https://idp.example/jwks.json", "JWT_CLIENT_ID", "relay-client",
                "JWT_REQUIRED_TOKEN_USE", "", "JWT_TENANT_CLAIM", "custom:tenant", "JWT_ADMIN_SCOPE", "relay/admin",
                "JWT_CLOCK_SKEW_SECONDS", "5", "JWT_JWKS_CACHE_SECONDS", "600")::get).api().jwt();
        assertThat(jwt.enabled()).isTrue();
        assertThat(jwt.issuerUri()).isEqualTo("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/");
        assertThat(jwt.jwksUri()).isEqualTo(URI.create("https://idp.example/jwks.json"));
        assertThat(jwt.clientId()).isEqualTo("relay-client");
        assertThat(jwt.audience()).isNull();
        assertThat(jwt.requiredTokenUse()).isEmpty();
        assertThat(jwt.tenantClaim()).isEqualTo("custom:tenant");
        assertThat(jwt.adminScope()).isEqualTo("relay/admin");
        assertThat(jwt.clockSkewSeconds()).isEqualTo(5);
        assertThat(jwt.jwksCacheSeconds()).isEqualTo(600);
    }

    @Test
    void jwtNeedsAnAudienceOrClientIdAndValidValues() {
        assertThatThrownBy(() -> RelaySettings.load(Map.of("JWT_ISSUER_URI", "not a url", "JWT_JWKS_URI", "jwks.json",
                "JWT_CLOCK_SKEW_SECONDS", "-1", "JWT_JWKS_CACHE_SECONDS", "10", "JWT_ADMIN_SCOPE", "a b")::get))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "JWT_ISSUER_URI must be an absolute URL (got 'not a url')",
                        "JWT_JWKS_URI must be an absolute URL (got 'jwks.json')",
                        "JWT_ADMIN_SCOPE must be a single scope without spaces",
                        "JWT_CLOCK_SKEW_SECONDS must be between 0 and 600 (got -1)",
                        "JWT_JWKS_CACHE_SECONDS must be between 60 and 86400 (got 10)",
                        "JWT_AUDIENCE or JWT_CLIENT_ID must be set when JWT_ISSUER_URI is set "
                                + "(otherwise tokens the issuer made for other applications would be accepted)"));
    }

    @Test
    void hawtioConsoleHasADevelopmentPasswordOnlyInEmbeddedMode() {
        RelaySettings.Console embedded = RelaySettings.load(Map.<String, String>of()::get).console();
        assertThat(embedded.username()).isEqualTo("admin");
        assertThat(embedded.password()).isEqualTo("relay-dev-hawtio");
        assertThat(embedded.developmentPassword()).isTrue();
        assertThat(embedded.enabled()).isTrue();

        RelaySettings.Console localstack = RelaySettings.load(Map.of("RELAY_MODE", "localstack")::get).console();
        assertThat(localstack.enabled()).isFalse();
        assertThat(localstack.password()).isNull();

        RelaySettings.Console configured = RelaySettings.load(Map.of("RELAY_MODE", "localstack",
                "HAWTIO_USERNAME", "ops", "HAWTIO_PASSWORD", "s3cret")::get).console();
        assertThat(configured.enabled()).isTrue();
        assertThat(configured.developmentPassword()).isFalse();
        assertThat(configured.username()).isEqualTo("ops");
        assertThat(configured.toString()).doesNotContain("s3cret");
    }

    /** Issue 17: the API's limits and quotas, their defaults and one consistency rule. */
    @Test
    void apiLimitsHaveDefaultsAndTheSpoolHoldsAtLeastOneUpload() {
        RelaySettings.Limits limits = RelaySettings.load(Map.<String, String>of()::get).api().limits();
        assertThat(limits).isEqualTo(RelaySettings.Limits.DEFAULTS);
        assertThat(limits.inboundSpoolMaxBytes()).isEqualTo(2_147_483_648L);
        RelaySettings.Limits set = RelaySettings.load(Map.of("INBOUND_READ_TIMEOUT_SECONDS", "5",
                "INBOUND_UPLOAD_TIMEOUT_SECONDS", "60", "INBOUND_SPOOL_MAX_BYTES", "600000000", "API_RATE_LIMIT_PER_SECOND", "0",
                "API_RATE_LIMIT_BURST", "7", "TENANT_MAX_CONFIG_VERSIONS", "10")::get).api().limits();
        assertThat(set).isEqualTo(new RelaySettings.Limits(5, 60, 600_000_000L, 0, 7, 10));
        assertThatThrownBy(() -> RelaySettings.load(Map.of("INBOUND_MAX_BYTES", "1000", "INBOUND_SPOOL_MAX_BYTES", "999")::get))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).containsExactly(
                        "INBOUND_SPOOL_MAX_BYTES must be at least INBOUND_MAX_BYTES (got 999 and 1000)"));
    }
}
