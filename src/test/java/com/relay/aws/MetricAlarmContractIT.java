package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.aws.RecordingCloudWatch.Datum;
import com.relay.config.RelaySettings;
import com.relay.metrics.CloudWatchPublisher;
import com.relay.metrics.RelayMetrics;
import com.relay.notify.BreakerState;
import com.relay.notify.NotifyMetrics;
import com.relay.worker.WorkerMetrics;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;

/**
 * The contract between what the service sends to CloudWatch and what {@code relay provision}
 * creates (issue 18): the publisher runs with the service's meter classes and the CloudWatch client
 * the service builds, {@link RecordingCloudWatch} decodes every PutMetricData off the wire;
 * {@code relay provision} runs against moto, and the alarms and the dashboard are read back from it.
 * Every alarm and every widget must watch a namespace, name and dimension set that was really sent
 * (a percentile only on a series sent as values), or an AWS metric of a queue or table that
 * provision created. {@link #theCheckRejectsMicrometersSuffixedNames()} shows the check fails on
 * what Micrometer's CloudWatch registry used to send.
 */
class MetricAlarmContractIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static MotoServer moto;
    private static CborJsonBridge bridge;
    private static RecordingCloudWatch recorder;
    @TempDir static Path logDir;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.start(logDir);
        bridge = new CborJsonBridge(moto.endpoint());
        recorder = new RecordingCloudWatch();
    }

    @AfterAll
    static void stop() {
        if (recorder != null) recorder.close();
        if (bridge != null) bridge.close();
        if (moto != null) moto.close();
    }

    /** A series as sent: namespace, name, dimensions, and whether it came as values (percentiles possible). */
    record Sent(String namespace, String name, Map<String, String> dimensions, boolean distribution) {}

    /** What the alarms and the dashboard may read besides the service's own series. */
    record Provisioned(Set<String> queues, Set<String> tables) {}

    @Test
    void everyAlarmAndWidgetWatchesASeriesTheServiceSends() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("RELAY_MODE", "localstack", "AWS_ENDPOINT_URL", moto.endpoint(),
                "AWS_REGION", "us-east-1", "ENVIRONMENT", "ci", "AWS_ENDPOINT_URL_CLOUDWATCH", bridge.endpoint()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ProvisionCommand.run(new String[] {"--tenant-id", "acme"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(lines).contains("CloudWatch dashboard relay-inventory-ci-overview: created");
        Provisioned provisioned = new Provisioned(named(lines, "SQS queue "), named(lines, "DynamoDB table "));

        List<MetricAlarm> alarms;
        JsonNode dashboard;
        try (CloudWatchClient cw = motoCloudWatch()) {
            alarms = cw.describeAlarms(b -> b.alarmNamePrefix("relay-inventory-ci-")).metricAlarms();
            dashboard = JSON.readTree(cw.getDashboard(b -> b.dashboardName("relay-inventory-ci-overview")).dashboardBody());
        }
        // docs/CONTRACT.md#alarms's eight, issue 18's five, the 17 SLO burn-rate alarms, one per tenant
        assertThat(alarms).hasSize(31);

        Set<Sent> sent = publishWhatTheServiceRecords(env);
        assertThat(violations(alarms, dashboard, sent, provisioned)).isEmpty();

        // provision again: nothing changes, the dashboard included
        out.reset();
        ProvisionCommand.run(new String[] {"--tenant-id", "acme"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("CloudWatch")))
                .allMatch(l -> l.endsWith(": unchanged"));
    }

    /**
     * Micrometer's CloudWatch registry (before this change) sent {@code RunFailed.count},
     * {@code WorkerHeartbeat.count}, {@code RunDurationSeconds.avg|.sum|.count|.max}, … with the
     * meters' tags: the same check finds the alarms that could never fire.
     */
    @Test
    void theCheckRejectsMicrometersSuffixedNames() throws Exception {
        Map<String, String> env = Map.of("RELAY_MODE", "localstack", "AWS_ENDPOINT_URL", moto.endpoint(),
                "AWS_REGION", "us-east-1", "ENVIRONMENT", "old", "AWS_ENDPOINT_URL_CLOUDWATCH", bridge.endpoint());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ProvisionCommand.run(new String[0], new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()), env::get)).isZero();
        List<MetricAlarm> alarms;
        try (CloudWatchClient cw = motoCloudWatch()) {
            alarms = cw.describeAlarms(b -> b.alarmNamePrefix("relay-inventory-old-")).metricAlarms();
        }
        Set<Sent> micrometer = new HashSet<>();
        for (String counter : List.of("RunSucceeded", "RunFailed", "RowsProcessed")) {
            micrometer.add(new Sent("RelayInventory", counter + ".count", Map.of("TenantId", "acme", "Environment", "old"), false));
        }
        micrometer.add(new Sent("RelayInventory", "WorkerHeartbeat.count", Map.of("Environment", "old"), false));
        micrometer.add(new Sent("RelayInventory", "WorkerError.count", Map.of("ErrorType", "poison_job", "Environment", "old"), false));
        micrometer.add(new Sent("RelayInventory", "NotificationsSent.count", Map.of("Status", "failure", "Environment", "old"), false));
        micrometer.add(new Sent("RelayInventory", "CircuitBreakerState.value", Map.of("Service", "ntfy:x", "Environment", "old"), false));
        for (String stat : List.of("avg", "sum", "count", "max")) {
            micrometer.add(new Sent("RelayInventory", "RunDurationSeconds." + stat, Map.of("TenantId", "acme", "Environment", "old"), false));
        }
        List<String> violations = violations(alarms, JSON.createObjectNode(), micrometer,
                new Provisioned(named(out.toString(StandardCharsets.UTF_8).lines().toList(), "SQS queue "), Set.of()));
        assertThat(violations).anyMatch(v -> v.startsWith("relay-inventory-old-worker-heartbeat-missing"))
                // each metric of a metric-math alarm is checked: the SLO's NotificationsSent pair
                .anyMatch(v -> v.startsWith("relay-inventory-old-slo-notification-delivery-burn-1h: RelayInventory NotificationsSent"
                        + " {Environment=old, Status=failure} is never sent"))
                .anyMatch(v -> v.startsWith("relay-inventory-old-slo-run-success-burn-1h"))
                .anyMatch(v -> v.startsWith("relay-inventory-old-consecutive-failures"))
                .anyMatch(v -> v.startsWith("relay-inventory-old-notification-failures"))
                .anyMatch(v -> v.startsWith("relay-inventory-old-notification-circuit-open"))
                .anyMatch(v -> v.startsWith("relay-inventory-old-run-duration-p99"));
    }

    private static CloudWatchClient motoCloudWatch() {
        return CloudWatchClient.builder().endpointOverride(URI.create(bridge.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    /** Names from provision lines such as {@code SQS queue relay-inventory-jobs: created}. */
    private static Set<String> named(List<String> lines, String kind) {
        return lines.stream().filter(l -> l.startsWith(kind)).map(l -> l.substring(kind.length(), l.lastIndexOf(':')))
                .collect(Collectors.toSet());
    }

    /** Every catalogue meter recorded the way the service records it, then one publish step over the wire. */
    private static Set<Sent> publishWhatTheServiceRecords(Map<String, String> env) throws Exception {
        Map<String, String> publishing = new HashMap<>(env);
        publishing.put("AWS_ENDPOINT_URL_CLOUDWATCH", recorder.endpoint().toString());
        RelaySettings settings = RelaySettings.load(publishing::get);
        MockClock clock = new MockClock();
        CloudWatchPublisher publisher = new CloudWatchPublisher(settings.metrics().cloudWatchNamespace(), Duration.ofSeconds(60),
                settings.metrics().cloudWatchExtraMeters(), settings.metrics().cloudWatchMaxDimensionValues(), clock,
                AwsClientFactory.forRemote(settings).cloudWatch());
        try {
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            for (var r : List.of(prometheus, publisher)) r.config().commonTags("Environment", settings.environment());
            CompositeMeterRegistry registry = new CompositeMeterRegistry();
            registry.add(prometheus);
            registry.add(publisher);
            new JvmMemoryMetrics().bindTo(registry);
            WorkerMetrics worker = new WorkerMetrics(registry, settings);
            NotifyMetrics notify = new NotifyMetrics(registry, settings);
            RelayMetrics relay = new RelayMetrics(registry);
            worker.heartbeat();
            worker.runEnded("acme", true, 4_000L, 10);
            worker.runEnded("acme", false, 1_000L, 0);
            worker.runStartLatency(Duration.ofSeconds(2));
            worker.error("poison_job");
            for (String status : List.of("success", "failure", "deferred")) notify.sent(status);
            notify.duration(Duration.ofMillis(300));
            notify.breakerState("ntfy:ntfy.sh", BreakerState.State.OPEN);
            notify.workerError("notification_bad_message");
            relay.runCreated("api");
            relay.scheduledRunSkipped("tenant_active");
            relay.apiResponse("POST /v1/runs", 202, Duration.ofMillis(30));
            relay.apiResponse("GET /v1/runs/{run_id}", 503, Duration.ofMillis(12));
            relay.apiResponse("GET /v1/tenants/{tenant_id}", 404, Duration.ofMillis(3));
            relay.apiResponse("GET /v1/openapi.json", 304, Duration.ofMillis(1));
            relay.apiResponse("GET /v1/health", 200, Duration.ofMillis(1));
            clock.add(Duration.ofSeconds(60));
            recorder.clear();
        } finally {
            publisher.close(); // closing publishes the step, as at shutdown
        }
        assertThat(recorder.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.operation()).isEqualTo("PutMetricData"));
        return recorder.datums().stream().map(d -> new Sent(d.namespace(), d.name(), d.dimensions(), d.value() == null))
                .collect(Collectors.toSet());
    }

    /** Statistics any series has; every other one (p99, PR(:500), …) needs a series sent as values. */
    private static final Set<String> SIMPLE_STATISTICS = Set.of("SampleCount", "Average", "Sum", "Minimum", "Maximum");
    /** Metric math over query ids: ids, numbers, operators and functions such as FILL, no SEARCH or SELECT. */
    private static final Pattern MATH = Pattern.compile("(?!.*\\b(?:SEARCH|SELECT)\\b)[A-Za-z0-9_.,()+\\-*/ ]+");

    private static final Pattern INSIGHTS = Pattern.compile(
            "SELECT (\\w+)\\((\\w+)\\) FROM SCHEMA\\(\"([^\"]+)\"((?:, *\\w+)*)\\) WHERE Environment = '([^']+)'.*");
    private static final Pattern SEARCH = Pattern.compile(
            "SEARCH\\('\\{([^,}]+)((?:,\\w+)*)\\} MetricName=\"(\\w+)\" Environment=\"([^\"]+)\"', '(\\w+)', \\d+\\)");

    /** One line per alarm or widget metric that reads something never sent or provisioned. */
    static List<String> violations(List<MetricAlarm> alarms, JsonNode dashboard, Set<Sent> sent, Provisioned provisioned) {
        List<String> v = new ArrayList<>();
        for (MetricAlarm a : alarms) {
            if (a.hasMetrics() && !a.metrics().isEmpty()) {
                Set<String> ids = a.metrics().stream().map(MetricDataQuery::id).collect(Collectors.toSet());
                for (MetricDataQuery q : a.metrics()) {
                    if (q.metricStat() != null) {
                        // one metric of a metric-math alarm: checked like an alarm's own metric
                        Metric m = q.metricStat().metric();
                        Map<String, String> dims = m.dimensions().stream().collect(Collectors.toMap(Dimension::name,
                                Dimension::value, (x, y) -> x, TreeMap::new));
                        check(a.alarmName(), m.namespace(), m.metricName(), dims, !SIMPLE_STATISTICS.contains(q.metricStat().stat()),
                                sent, provisioned, v);
                    } else if (MATH.matcher(q.expression()).matches()) {
                        // math over the alarm's other queries: every id it names must be one of them
                        Matcher id = Pattern.compile("\\b([a-z]\\w*)\\b(?!\\s*\\()").matcher(q.expression());
                        while (id.find()) {
                            if (!ids.contains(id.group(1))) v.add(a.alarmName() + ": " + q.expression() + " names no query " + id.group(1));
                        }
                    } else {
                        check(a.alarmName(), q.expression(), sent, v);
                    }
                }
            } else {
                Map<String, String> dims = a.dimensions().stream().collect(Collectors.toMap(Dimension::name, Dimension::value,
                        (x, y) -> x, TreeMap::new));
                check(a.alarmName(), a.namespace(), a.metricName(), dims, a.extendedStatistic() != null, sent, provisioned, v);
            }
        }
        for (JsonNode widget : dashboard.path("widgets")) {
            String title = "widget '" + widget.path("properties").path("title").asText() + "'";
            String widgetStat = widget.path("properties").path("stat").asText();
            for (JsonNode m : widget.path("properties").path("metrics")) {
                if (m.size() == 1 && m.get(0).has("expression")) {
                    String e = m.get(0).path("expression").asText();
                    if (e.startsWith("SELECT") || e.startsWith("SEARCH")) check(title, e, sent, v);
                    continue;
                }
                Map<String, String> dims = new TreeMap<>();
                int i = 2;
                for (; i + 1 < m.size() && m.get(i).isTextual(); i += 2) dims.put(m.get(i).asText(), m.get(i + 1).asText());
                String stat = i < m.size() && m.get(i).has("stat") ? m.get(i).path("stat").asText() : widgetStat;
                check(title, m.get(0).asText(), m.get(1).asText(), dims, stat.matches("p\\d+(\\.\\d+)?"), sent, provisioned, v);
            }
        }
        return v;
    }

    private static void check(String who, String namespace, String name, Map<String, String> dims, boolean percentile,
                              Set<Sent> sent, Provisioned provisioned, List<String> v) {
        switch (namespace) {
            case "AWS/SQS" -> {
                if (!Set.of("ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage").contains(name)
                        || !dims.keySet().equals(Set.of("QueueName")) || !provisioned.queues().contains(dims.get("QueueName"))) {
                    v.add(who + ": AWS/SQS " + name + " " + dims + " is no provisioned queue's metric");
                }
            }
            case "AWS/DynamoDB" -> {
                if (!dims.keySet().equals(Set.of("TableName")) || !provisioned.tables().contains(dims.get("TableName"))) {
                    v.add(who + ": AWS/DynamoDB " + name + " " + dims + " is no provisioned table's metric");
                }
            }
            default -> {
                boolean found = sent.stream().anyMatch(s -> s.namespace().equals(namespace) && s.name().equals(name)
                        && s.dimensions().equals(dims) && (!percentile || s.distribution()));
                if (!found) {
                    v.add(who + ": " + namespace + " " + name + " " + dims + (percentile ? " (percentile)" : "")
                            + " is never sent");
                }
            }
        }
    }

    private static void check(String who, String expression, Set<Sent> sent, List<String> v) {
        Matcher insights = INSIGHTS.matcher(expression);
        Matcher search = SEARCH.matcher(expression);
        String namespace;
        String name;
        Set<String> keys = new HashSet<>();
        String environment;
        boolean percentile = false;
        if (insights.matches()) {
            name = insights.group(2);
            namespace = insights.group(3);
            for (String k : insights.group(4).split(",")) if (!k.isBlank()) keys.add(k.trim());
            environment = insights.group(5);
        } else if (search.matches()) {
            namespace = search.group(1);
            for (String k : search.group(2).split(",")) if (!k.isBlank()) keys.add(k.trim());
            name = search.group(3);
            environment = search.group(4);
            percentile = search.group(5).matches("p\\d+");
        } else {
            v.add(who + ": expression not understood by the contract check: " + expression);
            return;
        }
        boolean p = percentile;
        boolean found = sent.stream().anyMatch(s -> s.namespace().equals(namespace) && s.name().equals(name)
                && s.dimensions().keySet().equals(keys) && environment.equals(s.dimensions().get("Environment"))
                && (!p || s.distribution()));
        if (!found) v.add(who + ": " + namespace + " " + name + " " + keys + " (Environment=" + environment + ") is never sent");
    }
}
