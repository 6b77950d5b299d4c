package com.relay.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.aws.ProvisionLine.Outcome;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * The CloudWatch dashboard {@code <prefix>-<environment>-overview} of docs/OBSERVABILITY.md, created or
 * updated idempotently by {@code relay provision}. Every widget reads a series the service publishes
 * ({@code com.relay.metrics.CloudWatchCatalogue}) or an AWS metric of a provisioned queue or table;
 * {@code MetricAlarmContractIT} checks that against what the publisher really sends.
 */
public final class DashboardProvisioner {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the dashboard depends on: the alarm target (names, namespace, queues) and the tables. */
    public record Target(AlarmProvisioner.Target alarms, List<String> tables) {
        public static Target of(AlarmProvisioner.Target alarms, List<String> tables) {
            return new Target(alarms, List.copyOf(tables));
        }

        public String name() {
            return alarms.prefix() + "-" + alarms.environment() + "-overview";
        }
    }

    private final CloudWatchClient cloudWatch;
    private final boolean dryRun;

    public DashboardProvisioner(CloudWatchClient cloudWatch, boolean dryRun) {
        this.cloudWatch = cloudWatch;
        this.dryRun = dryRun;
    }

    /** The dashboard body (CloudWatch dashboard body JSON) for a region. */
    public static ObjectNode body(Target target, String region) {
        AlarmProvisioner.Target t = target.alarms();
        String ns = t.namespace();
        String env = t.environment();
        Widgets w = new Widgets(region);
        w.add("Runs by outcome", "Sum", 300,
                metric(ns, "RunSucceeded", "Environment", env), metric(ns, "RunFailed", "Environment", env));
        w.add("Run success rate (%)", "Average", 300,
                expression("e1", "100 * m1", "success rate"),
                metric(ns, "RunSucceeded", "Environment", env).add(JSON.createObjectNode().put("id", "m1").put("visible", false)));
        w.add("Run duration p50 / p99 (s)", "p99", 300,
                metric(ns, "RunDurationSeconds", "Environment", env).add(JSON.createObjectNode().put("stat", "p50")),
                metric(ns, "RunDurationSeconds", "Environment", env));
        w.add("Run start latency p95 (ms)", "p95", 300, metric(ns, "RunStartLatency", "Environment", env));
        w.add("Jobs and notifications queues", "Maximum", 60,
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", t.jobsQueue()),
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", t.notificationsQueue()),
                metric("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", t.jobsQueue())
                        .add(JSON.createObjectNode().put("yAxis", "right")));
        w.add("DLQ depth", "Maximum", 60,
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", t.jobsDlq()),
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", t.notificationsDlq()));
        w.add("API latency p95 per endpoint (ms)", "p95", 300, expression("e1",
                "SEARCH('{" + ns + ",Endpoint,Environment} MetricName=\"APIResponseTime\" Environment=\"" + env + "\"', 'p95', 300)",
                "p95"));
        ArrayNode[] classes = List.of("2xx", "3xx", "4xx", "5xx").stream()
                .map(c -> metric(ns, "APIRequestCount", "Environment", env, "StatusClass", c)).toArray(ArrayNode[]::new);
        w.add("API responses by status class", "Sum", 300, classes);
        w.add("Notification outcomes", "Sum", 300,
                metric(ns, "NotificationsSent", "Environment", env, "Status", "success"),
                metric(ns, "NotificationsSent", "Environment", env, "Status", "failure"),
                metric(ns, "NotificationsSent", "Environment", env, "Status", "deferred"));
        w.add("Notification duration p95 (ms)", "p95", 300, metric(ns, "NotificationDuration", "Environment", env));
        w.add("Circuit breaker state (0 closed, 0.5 half-open, 1 open)", "Maximum", 60, expression("q1",
                "SELECT MAX(CircuitBreakerState) FROM SCHEMA(\"" + ns + "\", Environment, Service) WHERE Environment = '"
                        + env + "' GROUP BY Service", "breaker"));
        w.add("Worker heartbeat and errors", "Sum", 300,
                metric(ns, "WorkerHeartbeat", "Environment", env), metric(ns, "WorkerError", "Environment", env));
        ArrayNode[] throttles = target.tables().stream().flatMap(table -> java.util.stream.Stream.of(
                metric("AWS/DynamoDB", "ReadThrottleEvents", "TableName", table),
                metric("AWS/DynamoDB", "WriteThrottleEvents", "TableName", table))).toArray(ArrayNode[]::new);
        w.add("DynamoDB throttles", "Sum", 300, throttles);
        return JSON.createObjectNode().set("widgets", w.widgets);
    }

    /** Creates the dashboard when missing, replaces it when its body differs; one output line. */
    public ProvisionLine run(Target target, Consumer<ProvisionLine> out) {
        String region = cloudWatch.serviceClientConfiguration().region().id();
        ObjectNode want = body(target, region);
        boolean exists = cloudWatch.listDashboards(b -> b.dashboardNamePrefix(target.name())).dashboardEntries().stream()
                .anyMatch(d -> d.dashboardName().equals(target.name()));
        Outcome outcome = Outcome.CREATED;
        if (exists) {
            JsonNode have = parse(cloudWatch.getDashboard(b -> b.dashboardName(target.name())).dashboardBody());
            outcome = want.equals(have) ? Outcome.UNCHANGED : Outcome.UPDATED;
        }
        if (outcome != Outcome.UNCHANGED && !dryRun) {
            cloudWatch.putDashboard(b -> b.dashboardName(target.name()).dashboardBody(want.toString()));
        }
        ProvisionLine line = new ProvisionLine("CloudWatch dashboard", target.name(), outcome, null);
        out.accept(line);
        return line;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null ? JSON.nullNode() : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return JSON.nullNode(); // unreadable: replace it
        }
    }

    /** {@code [namespace, name, dim1, value1, …]}: the dashboard's metric array form. */
    static ArrayNode metric(String namespace, String name, String... dims) {
        ArrayNode a = JSON.createArrayNode().add(namespace).add(name);
        for (String d : dims) a.add(d);
        return a;
    }

    private static ArrayNode expression(String id, String expression, String label) {
        return JSON.createArrayNode().add(JSON.createObjectNode().put("expression", expression).put("id", id).put("label", label));
    }

    /** Metric widgets laid out two per row. */
    private static final class Widgets {
        final ArrayNode widgets = JSON.createArrayNode();
        final String region;

        Widgets(String region) {
            this.region = region;
        }

        void add(String title, String stat, int period, ArrayNode... metrics) {
            int i = widgets.size();
            ObjectNode props = JSON.createObjectNode().put("title", title).put("region", region).put("view", "timeSeries")
                    .put("stat", stat).put("period", period);
            ArrayNode list = props.putArray("metrics");
            for (ArrayNode m : metrics) list.add(m);
            widgets.add(JSON.createObjectNode().put("type", "metric").put("x", (i % 2) * 12).put("y", (i / 2) * 6)
                    .put("width", 12).put("height", 6).set("properties", props));
        }
    }
}
