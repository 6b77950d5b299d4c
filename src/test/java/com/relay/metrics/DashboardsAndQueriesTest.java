package com.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.config.RelaySettings;
import com.relay.logging.RelayJsonFormatter;
import com.relay.notify.BreakerState;
import com.relay.notify.NotifyMetrics;
import com.relay.worker.WorkerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docs/dashboards/ and docs/queries/ against what the service really exposes: every metric and
 * label of the Prometheus rules and the Grafana dashboard appears in a scrape of the service's own
 * meters (the meter classes on a Prometheus registry, as on {@code /actuator/prometheus}); every
 * field of a Logs Insights query is a JSON field the service's log lines carry.
 */
class DashboardsAndQueriesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Names and labels of a scrape after the service recorded one of everything. */
    record Scrape(Set<String> names, Set<String> labels) {}

    /** What {@code /actuator/prometheus} shows after the service recorded one of everything (a health check included). */
    static String scrapeText() {
        RelaySettings settings = RelaySettings.load(Map.of("ENVIRONMENT", "prod")::get);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("Environment", "prod");
        WorkerMetrics worker = new WorkerMetrics(registry, settings);
        worker.heartbeat();
        worker.runEnded("acme", true, 1000L, 3);
        worker.runStartLatency(Duration.ofSeconds(1));
        NotifyMetrics notify = new NotifyMetrics(registry, settings);
        notify.sent("failure");
        notify.duration(Duration.ofMillis(3));
        notify.breakerState("ntfy:ntfy.sh", BreakerState.State.OPEN);
        RelayMetrics relay = new RelayMetrics(registry);
        relay.runCreated("api");
        relay.scheduledRunSkipped("error");
        relay.apiResponse("GET /v1/runs", 503, Duration.ofMillis(3));
        relay.apiResponse("GET /v1/health", 200, Duration.ofMillis(1));
        return registry.scrape();
    }

    static Scrape scrape() {
        Set<String> names = new HashSet<>();
        Set<String> labels = new HashSet<>();
        Pattern label = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"");
        for (String line : scrapeText().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            names.add(line.substring(0, end));
            Matcher m = label.matcher(line);
            while (m.find()) labels.add(m.group(1));
        }
        return new Scrape(names, labels);
    }

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");

    /** Metric names an expression reads, and the label names it matches or groups on. */
    static List<Set<String>> promqlNamesAndLabels(String expr) {
        Set<String> labels = new HashSet<>();
        String e = expr;
        Matcher matchers = Pattern.compile("\\{([^}]*)}").matcher(e);
        while (matchers.find()) {
            Matcher l = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)").matcher(matchers.group(1));
            while (l.find()) labels.add(l.group(1));
        }
        Matcher grouping = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)").matcher(e);
        while (grouping.find()) {
            for (String l : grouping.group(1).split(",")) if (!l.isBlank()) labels.add(l.trim());
        }
        e = e.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(?:by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
        Set<String> names = new HashSet<>();
        Matcher ident = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?").matcher(e);
        while (ident.find()) {
            if (ident.group(2) != null || PROMQL_WORDS.contains(ident.group(1))) continue; // a function or a keyword
            names.add(ident.group(1));
        }
        return List.of(names, labels);
    }

    @Test
    void theExtractorSeesMetricsAndLabels() {
        List<Set<String>> r = promqlNamesAndLabels(
                "histogram_quantile(0.99, sum by (Environment, le) (rate(RunDurationSeconds_seconds_bucket{TenantId=~\"a.*\"}[15m]))) > 900");
        assertThat(r.get(0)).containsExactly("RunDurationSeconds_seconds_bucket");
        assertThat(r.get(1)).containsExactlyInAnyOrder("Environment", "le", "TenantId");
    }

    static void checkPromql(String where, String expr, Scrape scrape, List<String> problems) {
        List<Set<String>> r = promqlNamesAndLabels(expr);
        if (r.get(0).isEmpty()) problems.add(where + ": no metric in " + expr);
        r.get(0).stream().filter(n -> !scrape.names().contains(n)).forEach(n -> problems.add(where + ": metric " + n + " is not exposed"));
        r.get(1).stream().filter(l -> !scrape.labels().contains(l)).forEach(l -> problems.add(where + ": label " + l + " is not exposed"));
    }

    @Test
    void prometheusRulesAndGrafanaReadOnlyWhatTheServiceExposes() throws IOException {
        Scrape scrape = scrape();
        List<String> problems = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> rules = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docs/dashboards/relay-alerts.yml")));
        int ruleCount = 0;
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> r = (Map<?, ?>) rule;
                ruleCount++;
                checkPromql("rule " + r.get("alert"), (String) r.get("expr"), scrape, problems);
                String runbook = (String) ((Map<?, ?>) r.get("annotations")).get("runbook");
                String anchor = runbook.substring(runbook.indexOf('#') + 1);
                assertThat(Files.readString(Path.of("docs/RUNBOOK.md"))).as(runbook).contains("### " + anchor);
            }
        }
        assertThat(ruleCount).isEqualTo(10);

        JsonNode grafana = JSON.readTree(Path.of("docs/dashboards/relay-overview.grafana.json").toFile());
        int targets = 0;
        for (JsonNode panel : grafana.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                targets++;
                checkPromql("panel '" + panel.path("title").asText() + "'", t.path("expr").asText(), scrape, problems);
            }
        }
        for (JsonNode v : grafana.path("templating").path("list")) {
            Matcher m = Pattern.compile("label_values\\((\\w+), (\\w+)\\)").matcher(v.path("definition").asText());
            assertThat(m.matches()).isTrue();
            if (!scrape.names().contains(m.group(1))) problems.add("variable " + v.path("name").asText() + ": " + m.group(1));
            if (!scrape.labels().contains(m.group(2))) problems.add("variable " + v.path("name").asText() + ": " + m.group(2));
        }
        assertThat(targets).isGreaterThan(10);
        assertThat(problems).isEmpty();
    }

    @Test
    void theCheckFindsAMetricTheServiceDoesNotExpose() {
        List<String> problems = new ArrayList<>();
        checkPromql("t", "sum(increase(RunFailed_count[5m]))", scrape(), problems);
        checkPromql("t", "sum by (tenant) (increase(RunFailed_total[5m]))", scrape(), problems);
        assertThat(problems).containsExactly("t: metric RunFailed_count is not exposed", "t: label tenant is not exposed");
    }

    /** The fields every line can carry: the formatter's own, the context ids and the exception fields. */
    private static Set<String> commonFields() throws IOException {
        RelayJsonFormatter formatter = new RelayJsonFormatter("relay-inventory", "prod", "1.0");
        LoggingEvent event = new LoggingEvent("x", new LoggerContext().getLogger("com.relay.test"), Level.ERROR, "m", new IllegalStateException("boom"), null);
        event.setMDCPropertyMap(Map.of("correlation_id", "c", "run_id", "r", "tenant_id", "t", "notification_id", "n",
                "trace_id", "0af7651916cd43dd8448eb211c80319c", "span_id", "b7ad6b7169203331"));
        event.addKeyValuePair(new KeyValuePair("event", "x"));
        Set<String> fields = new HashSet<>();
        for (Iterator<String> it = JSON.readTree(formatter.format(event)).fieldNames(); it.hasNext(); ) fields.add(it.next());
        return fields;
    }

    private static final Pattern LOG_EVENTS_CALL = Pattern.compile("LogEvents\\.\\w+\\(\\s*\\w+\\s*,(.*?)\\);", Pattern.DOTALL);
    private static final Pattern LITERAL = Pattern.compile("\"([a-z][a-z0-9_]*)\"");

    /**
     * The fields of each event logged through {@link com.relay.logging.LogEvents}, read from every
     * call in src/main/java (calls spanning several lines included): the first snake_case literal
     * is the event, the following ones its field names (and constant values, a harmless superset).
     */
    static Map<String, Set<String>> logEventsFields() throws IOException {
        Map<String, Set<String>> byEvent = new java.util.TreeMap<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher call = LOG_EVENTS_CALL.matcher(Files.readString(p));
                while (call.find()) {
                    Matcher l = LITERAL.matcher(call.group(1));
                    if (!l.find()) continue;
                    Set<String> fields = byEvent.computeIfAbsent(l.group(1), e -> new HashSet<>());
                    while (l.find()) fields.add(l.group(1));
                }
            }
        }
        return byEvent;
    }

    /** The JSON fields of the service's log lines (the common ones plus every key-value the code logs) and its event names. */
    private static Set<String> loggedFields() throws IOException {
        Set<String> fields = commonFields();
        Pattern addKeyValue = Pattern.compile("addKeyValue\\(\"([a-z_]+)\"");
        Pattern eventName = Pattern.compile("\"event\",\\s*\"([a-z_]+)\"");
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(p)) {
                    Matcher m = addKeyValue.matcher(line);
                    while (m.find()) fields.add(m.group(1));
                    Matcher ev = eventName.matcher(line);
                    while (ev.find()) fields.add(ev.group(1)); // event names, for the event = "…" filters
                }
            }
        }
        logEventsFields().forEach((event, own) -> {
            fields.add(event);
            fields.addAll(own);
        });
        return fields;
    }

    private static final Set<String> INSIGHTS_WORDS = Set.of("fields", "filter", "stats", "sort", "limit", "parse",
            "display", "by", "as", "and", "or", "not", "asc", "desc", "like", "in", "count", "avg", "pct", "max", "min",
            "sum", "earliest", "latest", "ispresent", "bin");

    /** What is wrong with one query: a field or event never logged, or a field its one event does not carry. */
    static List<String> queryProblems(String name, String query, Set<String> fields, Set<String> common,
                                      Map<String, Set<String>> byEvent) {
        List<String> problems = new ArrayList<>();
        Set<String> aliases = new HashSet<>();
        Matcher as = Pattern.compile("\\bas\\s+([a-z][a-z0-9_]*(?:\\s*,\\s*[a-z][a-z0-9_]*)*)").matcher(query);
        while (as.find()) for (String a : as.group(1).split(",")) aliases.add(a.trim());
        String bare = query.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("/[^/]*/", "//").replaceAll("@[a-zA-Z]+", "");
        Matcher ident = Pattern.compile("\\b([a-z][a-z0-9_]*)\\b(\\s*\\()?").matcher(bare);
        Set<String> filtered = new HashSet<>();
        Matcher events = Pattern.compile("event = \"([a-z_]+)\"").matcher(query);
        while (events.find()) {
            filtered.add(events.group(1));
            if (!fields.contains(events.group(1))) problems.add(name + ": event " + events.group(1) + " is never logged");
        }
        // a query of one LogEvents event may read only that event's fields and the common ones
        String only = filtered.size() == 1 ? filtered.iterator().next() : null;
        Set<String> own = only == null ? null : byEvent.get(only);
        while (ident.find()) {
            String id = ident.group(1);
            if (ident.group(2) != null || INSIGHTS_WORDS.contains(id) || aliases.contains(id)) continue;
            if (!fields.contains(id)) problems.add(name + ": field " + id + " is never logged");
            else if (own != null && !common.contains(id) && !own.contains(id) && !id.equals(only)) {
                problems.add(name + ": field " + id + " is not a field of " + only);
            }
        }
        return problems;
    }

    @Test
    void logsInsightsQueriesUseFieldsTheServiceLogs() throws IOException {
        Set<String> fields = loggedFields();
        Set<String> common = commonFields();
        Map<String, Set<String>> byEvent = logEventsFields();
        assertThat(fields).contains("timestamp", "level", "message", "event", "correlation_id", "run_id", "tenant_id",
                "path", "status_code", "duration_ms", "error_code");
        List<String> problems = new ArrayList<>();
        List<Path> queries;
        try (Stream<Path> files = Files.list(Path.of("docs/queries"))) {
            queries = files.filter(f -> f.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(queries).extracting(q -> q.getFileName().toString()).contains("correlation-id.txt", "errors-per-run.txt",
                "api-latency-by-path.txt", "failed-notifications.txt", "failed-runs-by-error-code.txt");
        for (Path q : queries) {
            String query = String.join("\n", Files.readAllLines(q).stream().filter(l -> !l.startsWith("#")).toList());
            problems.addAll(queryProblems(q.getFileName().toString(), query, fields, common, byEvent));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theNotifierEventsCarryTheirValuesAsFields() throws IOException {
        Map<String, Set<String>> byEvent = logEventsFields();
        assertThat(byEvent.get("notification_attempt")).contains("notification_id", "attempt", "http_status", "error", "duration_ms");
        assertThat(byEvent.get("notification_sent")).contains("notification_id", "ntfy_message_id", "attempts", "duration_ms");
        assertThat(byEvent.get("notification_failed")).contains("notification_id", "error_code", "error_message");
        assertThat(byEvent.get("circuit_breaker_state_changed")).contains("service_name", "from", "to", "failure_count");
        assertThat(byEvent.get("circuit_store_error")).contains("service_name", "error");
        String query = Files.readString(Path.of("docs/queries/failed-notifications.txt"));
        assertThat(query).contains("event = \"notification_failed\"").doesNotContain("parse ").doesNotContain("message like");
    }

    @Test
    void theCheckFindsAFieldTheQueriedEventDoesNotCarry() throws IOException {
        String query = "fields http_status, error_code, nonsense_field\n| filter event = \"notification_failed\"";
        assertThat(queryProblems("q", query, loggedFields(), commonFields(), logEventsFields())).containsExactly(
                "q: field http_status is not a field of notification_failed", "q: field nonsense_field is never logged");
    }
}
