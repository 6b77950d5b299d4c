package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * {@code relay provision} in localstack mode against a CloudWatch-compatible endpoint: moto's
 * server (present on our machines and CI's, started here on a free loopback port). Checks the
 * PutMetricAlarm definitions of docs/CONTRACT.md#alarms as the endpoint stored them, idempotency and dry runs.
 * If moto cannot start, this test fails: the alarms would otherwise go unchecked.
 */
class ProvisionAgainstMotoIT {

    private static MotoServer moto;
    private static String endpoint;
    private static CborJsonBridge bridge;
    @TempDir static Path logDir;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start(logDir);
        endpoint = moto.endpoint();
        bridge = new CborJsonBridge(endpoint);
    }

    @AfterAll
    static void stopMoto() {
        if (bridge != null) bridge.close();
        if (moto != null) moto.close();
    }

    private static Map<String, String> env(String environment) {
        return Map.of("RELAY_MODE", "localstack", "AWS_ENDPOINT_URL", endpoint, "AWS_REGION", "us-east-1",
                "ENVIRONMENT", environment, "AWS_ENDPOINT_URL_CLOUDWATCH", bridge.endpoint());
    }

    private record Run(int exit, List<String> lines, String err) {}

    private static Run provision(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ProvisionCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
        return new Run(exit, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    private static CloudWatchClient cloudWatch() {
        return CloudWatchClient.builder().endpointOverride(URI.create(bridge.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    private static Map<String, MetricAlarm> alarms(String prefix) {
        try (CloudWatchClient cw = cloudWatch()) {
            return cw.describeAlarms(b -> b.alarmNamePrefix(prefix)).metricAlarms().stream()
                    .collect(Collectors.toMap(MetricAlarm::alarmName, a -> a));
        }
    }

    private static Map<String, String> dims(MetricAlarm a) {
        return a.dimensions().stream().collect(Collectors.toMap(Dimension::name, Dimension::value));
    }

    @Test
    void createsEveryResourceAndTheAlarmsOfTheSpecThenChangesNothing() {
        Run first = provision(env("ci"), "--tenant-id", "acme");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.lines()).contains(
                "SQS queue relay-inventory-jobs-dlq: created", "SQS queue relay-inventory-jobs: created",
                "DynamoDB table relay-inventory-runs: created", "S3 bucket relay-inventory-artifacts: created",
                "CloudWatch alarm relay-inventory-ci-consecutive-failures: created",
                "CloudWatch alarm relay-inventory-ci-queue-backlog: created",
                "CloudWatch alarm relay-inventory-ci-worker-errors: created",
                "CloudWatch alarm relay-inventory-ci-worker-heartbeat-missing: created",
                "CloudWatch alarm relay-inventory-ci-jobs-dlq-not-empty: created",
                "CloudWatch alarm relay-inventory-ci-notifications-dlq-not-empty: created",
                "CloudWatch alarm relay-inventory-ci-notification-circuit-open: created",
                "CloudWatch alarm relay-inventory-ci-notification-failures: created",
                "CloudWatch alarm relay-inventory-ci-worker-crash-loop: created",
                "CloudWatch alarm relay-inventory-ci-run-duration-p99: created",
                "CloudWatch alarm relay-inventory-ci-api-5xx: created",
                "CloudWatch alarm relay-inventory-ci-jobs-oldest-message-age: created",
                "CloudWatch alarm relay-inventory-ci-notifications-queue-backlog: created",
                "CloudWatch alarm relay-inventory-ci-slo-api-availability-burn-1h: created",
                "CloudWatch alarm relay-inventory-ci-slo-notification-delivery-burn-6h: created",
                "CloudWatch alarm relay-inventory-ci-acme-consecutive-failures: created",
                "CloudWatch dashboard relay-inventory-ci-overview: created");
        assertThat(first.lines().get(first.lines().size() - 1)).startsWith("warning: the alarms have no actions");

        Map<String, MetricAlarm> a = alarms("relay-inventory-ci-");
        assertThat(a).hasSize(31);
        // an SLO burn-rate alarm as CloudWatch stores it: metric math over two published series
        MetricAlarm availability = a.get("relay-inventory-ci-slo-api-availability-burn-1h");
        assertThat(availability.metrics()).extracting(q -> q.metricStat() == null ? q.expression()
                        : q.metricStat().metric().metricName() + " " + q.metricStat().stat() + " " + q.metricStat().period())
                .containsExactly("APIRequestCount Sum 3600", "APIRequestCount Sum 3600", "FILL(m1, 0) / m2");
        assertThat(availability.threshold()).isEqualTo(0.0144);
        assertThat(availability.alarmDescription()).contains("docs/RUNBOOK.md#slo-burn");
        MetricAlarm heartbeat = a.get("relay-inventory-ci-worker-heartbeat-missing");
        assertThat(heartbeat.namespace()).isEqualTo("RelayInventory");
        assertThat(heartbeat.metricName()).isEqualTo("WorkerHeartbeat");
        assertThat(dims(heartbeat)).isEqualTo(Map.of("Environment", "ci"));
        assertThat(heartbeat.statisticAsString()).isEqualTo("Sum");
        assertThat(heartbeat.period()).isEqualTo(300);
        assertThat(heartbeat.comparisonOperatorAsString()).isEqualTo("LessThanThreshold");
        assertThat(heartbeat.threshold()).isEqualTo(1.0);
        assertThat(heartbeat.treatMissingData()).isEqualTo("breaching");
        assertThat(heartbeat.alarmDescription()).contains("docs/RUNBOOK.md#worker-heartbeat-missing");

        MetricAlarm failures = a.get("relay-inventory-ci-consecutive-failures");
        assertThat(failures.metrics()).hasSize(1);
        assertThat(failures.metrics().get(0).expression()).isEqualTo(
                "SELECT SUM(RunFailed) FROM SCHEMA(\"RelayInventory\", Environment, TenantId) WHERE Environment = 'ci'");
        assertThat(failures.metrics().get(0).period()).isEqualTo(900);
        assertThat(failures.threshold()).isEqualTo(3.0);
        assertThat(failures.comparisonOperatorAsString()).isEqualTo("GreaterThanOrEqualToThreshold");
        assertThat(a.get("relay-inventory-ci-worker-errors").metrics().get(0).period()).isEqualTo(300);

        MetricAlarm backlog = a.get("relay-inventory-ci-queue-backlog");
        assertThat(backlog.namespace()).isEqualTo("AWS/SQS");
        assertThat(dims(backlog)).isEqualTo(Map.of("QueueName", "relay-inventory-jobs"));
        assertThat(backlog.evaluationPeriods()).isEqualTo(2);
        assertThat(backlog.datapointsToAlarm()).isEqualTo(2);
        assertThat(backlog.threshold()).isEqualTo(5.0);
        assertThat(dims(a.get("relay-inventory-ci-jobs-dlq-not-empty"))).isEqualTo(Map.of("QueueName", "relay-inventory-jobs-dlq"));
        assertThat(a.get("relay-inventory-ci-jobs-dlq-not-empty").statisticAsString()).isEqualTo("Maximum");
        assertThat(dims(a.get("relay-inventory-ci-notifications-dlq-not-empty")))
                .isEqualTo(Map.of("QueueName", "relay-inventory-notifications-dlq"));
        assertThat(dims(a.get("relay-inventory-ci-notification-failures")))
                .isEqualTo(Map.of("Environment", "ci", "Status", "failure"));
        MetricAlarm p99 = a.get("relay-inventory-ci-run-duration-p99");
        assertThat(p99.extendedStatistic()).isEqualTo("p99");
        assertThat(p99.statistic()).isNull();
        assertThat(dims(p99)).isEqualTo(Map.of("Environment", "ci"));
        assertThat(p99.threshold()).isEqualTo(900.0);
        MetricAlarm crashLoop = a.get("relay-inventory-ci-worker-crash-loop");
        assertThat(crashLoop.metricName()).isEqualTo("WorkerError");
        assertThat(dims(crashLoop)).isEqualTo(Map.of("Environment", "ci"));
        assertThat(crashLoop.alarmDescription()).startsWith("Relay critical:").endsWith("docs/RUNBOOK.md#worker-crash-loop");
        assertThat(dims(a.get("relay-inventory-ci-api-5xx"))).isEqualTo(Map.of("Environment", "ci", "StatusClass", "5xx"));
        MetricAlarm age = a.get("relay-inventory-ci-jobs-oldest-message-age");
        assertThat(age.metricName()).isEqualTo("ApproximateAgeOfOldestMessage");
        assertThat(dims(age)).isEqualTo(Map.of("QueueName", "relay-inventory-jobs"));
        assertThat(age.threshold()).isEqualTo(300.0);
        assertThat(dims(a.get("relay-inventory-ci-notifications-queue-backlog")))
                .isEqualTo(Map.of("QueueName", "relay-inventory-notifications"));
        MetricAlarm tenant = a.get("relay-inventory-ci-acme-consecutive-failures");
        assertThat(tenant.metricName()).isEqualTo("RunFailed");
        assertThat(dims(tenant)).isEqualTo(Map.of("TenantId", "acme", "Environment", "ci"));

        Run second = provision(env("ci"), "--tenant-id", "acme");
        assertThat(second.exit()).isZero();
        assertThat(second.lines().stream().filter(l -> !l.startsWith("warning:")))
                .allMatch(l -> l.endsWith(": unchanged"), "every resource unchanged on the second run");

        // a dry run with an SNS topic would update every alarm, and changes nothing
        Run dry = provision(env("ci"), "--dry-run", "--tenant-id", "acme", "--sns-topic-arn", "arn:aws:sns:us-east-1:123456789012:ops");
        assertThat(dry.exit()).isZero();
        assertThat(dry.lines()).contains("CloudWatch alarm relay-inventory-ci-worker-heartbeat-missing: would update");
        assertThat(dry.lines()).noneMatch(l -> l.startsWith("warning:"));
        assertThat(alarms("relay-inventory-ci-").get("relay-inventory-ci-worker-heartbeat-missing").alarmActions()).isEmpty();

        // tiers and thresholds: critical alarms to the pager topic, the rest to ops; a changed threshold updates its alarm
        String ops = "arn:aws:sns:us-east-1:123456789012:ops";
        String pager = "arn:aws:sns:us-east-1:123456789012:pager";
        Run tiered = provision(env("ci"), "--tenant-id", "acme", "--sns-topic-arn", ops, "--critical-topic-arn", pager,
                "--oldest-job-age-seconds", "600");
        assertThat(tiered.exit()).as(tiered.err()).isZero();
        assertThat(tiered.lines()).noneMatch(l -> l.startsWith("warning:"));
        Map<String, MetricAlarm> after = alarms("relay-inventory-ci-");
        assertThat(after.get("relay-inventory-ci-worker-heartbeat-missing").alarmActions()).containsExactly(pager);
        assertThat(after.get("relay-inventory-ci-queue-backlog").alarmActions()).containsExactly(ops);
        assertThat(after.get("relay-inventory-ci-notification-circuit-open").okActions()).containsExactly(ops);
        assertThat(after.get("relay-inventory-ci-jobs-oldest-message-age").threshold()).isEqualTo(600.0);
    }

    @Test
    void skipAlarmsProvisionsTheRestOnly() {
        Run run = provision(env("skip"), "--skip-alarms");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.lines()).contains("CloudWatch alarms relay-inventory-skip-*: skipped (--skip-alarms)");
        assertThat(alarms("relay-inventory-skip-")).isEmpty();
    }
}
