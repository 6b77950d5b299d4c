package com.relay.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.ApiTestSupport;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * One run traced end to end (docs/OBSERVABILITY.md "Tracing"): the real application with the
 * worker and the notifier on, the real routes and emulators, a tenant with two S3 vendors and an
 * ntfy target on a loopback server. Spans go to an in-memory exporter through Boot's batch
 * processor. {@code POST /v1/runs} must give ONE trace holding the API's server span, the job's
 * {@code SQS send}, the worker's {@code relay.run.attempt} (child of that send, through the job
 * message's {@code traceparent}), every stage span under the attempt, each vendor's fetch and
 * parse, AWS SDK client spans, the notification delivery (child of the terminal stage, through
 * the notification message's {@code traceparent}) and its ntfy {@code POST}; the ntfy server
 * gets no trace header (docs/CONTRACT.md#the-ntfy-request); the worker's and notifier's log lines of the run
 * carry that trace id.
 */
@ExtendWith(OutputCaptureExtension.class)
@AutoConfigureObservability // Spring Boot switches tracing off in tests unless asked
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0", "ENVIRONMENT=trace-test", "SCHEDULER_ENABLED=false",
        "WORKER_ENABLED=true", "WORKER_RECEIVE_WAIT_SECONDS=1", "NOTIFIER_ENABLED=true", "NOTIFIER_RECEIVE_WAIT_SECONDS=1"})
@Import(RunTraceIT.InMemoryExport.class)
class RunTraceIT extends ApiTestSupport {

    @TestConfiguration(proxyBeanMethods = false)
    static class InMemoryExport {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    record Received(String path, Map<String, List<String>> headers) {}

    static final List<Received> NTFY_REQUESTS = new CopyOnWriteArrayList<>();
    static final HttpServer NTFY = ntfy();
    static final String TOPIC = "trace-topic-5f1c";

    @Autowired InMemorySpanExporter exporter;
    @Autowired SdkTracerProvider tracerProvider;

    static HttpServer ntfy() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
                NTFY_REQUESTS.add(new Received(exchange.getRequestURI().getPath(), headers));
                byte[] out = "{\"id\":\"trace1\",\"event\":\"message\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, out.length);
                exchange.getResponseBody().write(out);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopNtfy() {
        NTFY.stop(0);
    }

    private String tenantWithTwoVendorsAndNtfy() {
        String tenant = uniqueTenant("trace");
        String config = """
                {"schema_version": 1, "tenant_id": "%1$s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [{"vendor_id": "vendor-a", "required": true,
                              "inbound": {"type": "s3", "s3_prefix": "tenants/%1$s/inbound/vendor-a/"},
                              "parser": {"format": "csv"}},
                             {"vendor_id": "vendor-b", "required": true,
                              "inbound": {"type": "s3", "s3_prefix": "tenants/%1$s/inbound/vendor-b/"},
                              "parser": {"format": "csv"}}],
                 "pricing": {"base_margin_pct": 0.1, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {"increment": 0.01}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku", "quantity_available", "price"]},
                 "notifications": {"ntfy": {"url": "http://127.0.0.1:%2$d", "topic": "%3$s",
                                            "on": ["SUCCEEDED", "FAILED"]}}}
                """.formatted(tenant, NTFY.getAddress().getPort(), TOPIC);
        Reply r = post("/v1/tenants", DEV, config);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return tenant;
    }

    private void upload(String tenant, String vendor, String csv) {
        Reply r = send(request("/v1/tenants/" + tenant + "/vendors/" + vendor + "/inbound/feed.csv")
                .header("X-API-Key", DEV).header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.ofString(csv)));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
    }

    /** Waits (bounded) until the exported spans satisfy {@code done}; flushes Boot's batch processor each round. */
    private List<SpanData> awaitSpans(Predicate<List<SpanData>> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<SpanData> spans = List.of();
        while (System.nanoTime() < deadline) {
            tracerProvider.forceFlush().join(5, TimeUnit.SECONDS);
            spans = exporter.getFinishedSpanItems();
            if (done.test(spans)) return spans;
            Thread.sleep(100);
        }
        throw new AssertionError("the trace never completed; spans: "
                + spans.stream().map(SpanData::getName).collect(Collectors.toList()));
    }

    private static SpanData one(List<SpanData> spans, String name) {
        List<SpanData> found = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("spans named " + name).hasSize(1);
        return found.get(0);
    }

    private static String attr(SpanData span, String key) {
        Object v = span.getAttributes().get(AttributeKey.stringKey(key));
        if (v == null) v = span.getAttributes().get(AttributeKey.longKey(key));
        return v == null ? null : v.toString();
    }


    @Test
    void oneTraceFromTheRunRequestThroughTheWorkerToTheNotification(CapturedOutput output) throws Exception {
        String tenant = tenantWithTwoVendorsAndNtfy();
        upload(tenant, "vendor-a", "sku,quantity_available,price\nSKU1,10,5.00\nSKU2,3,7.50\n");
        upload(tenant, "vendor-b", "sku,quantity_available,price\nSKU1,4,4.00\n");
        exporter.reset();

        Reply created = send(request("/v1/runs").header("X-API-Key", DEV).header("X-Correlation-Id", "trace-run-1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant_id\": \"" + tenant + "\"}")));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(202);
        String runId = created.json().get("run_id").asText();

        // the notifier may deliver before the worker's attempt span ends (it ends after COMPLETE): wait for both
        List<SpanData> all = awaitSpans(spans -> spans.stream().anyMatch(s -> s.getName().equals("relay.notification.deliver"))
                && spans.stream().anyMatch(s -> s.getName().equals("relay.run.attempt")));

        // the API request starts the trace
        SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("POST /v1/runs")
                && "trace-run-1".equals(attr(s, "relay.correlation_id"))).findFirst().orElseThrow();
        String traceId = server.getTraceId();
        List<SpanData> trace = all.stream().filter(s -> s.getTraceId().equals(traceId)).toList();
        SpanData send = one(trace, "SQS send");
        assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);

        // the worker continues it through the job message's traceparent
        SpanData attempt = one(trace, "relay.run.attempt");
        assertThat(attempt.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(attempt.getParentSpanId()).isEqualTo(send.getSpanId());
        assertThat(attr(attempt, "relay.run_id")).isEqualTo(runId);
        assertThat(attr(attempt, "relay.tenant_id")).isEqualTo(tenant);
        assertThat(attr(attempt, "relay.attempt")).isEqualTo("1");
        assertThat(attr(attempt, "relay.status")).isEqualTo("SUCCEEDED");

        // every stage, in order, a child of the attempt
        List<String> stages = List.of("FETCH_INPUTS", "NORMALIZE", "MERGE_PRICE", "WRITE_OUTPUTS", "COMPLETE");
        long previousStart = 0;
        for (String stage : stages) {
            SpanData s = one(trace, "relay.stage." + stage);
            assertThat(s.getParentSpanId()).as(stage).isEqualTo(attempt.getSpanId());
            assertThat(attr(s, "relay.stage")).isEqualTo(stage);
            assertThat(s.getStartEpochNanos()).as(stage + " starts after the stage before").isGreaterThanOrEqualTo(previousStart);
            previousStart = s.getStartEpochNanos();
        }
        SpanData fetchStage = one(trace, "relay.stage.FETCH_INPUTS");
        SpanData normalizeStage = one(trace, "relay.stage.NORMALIZE");
        SpanData completeStage = one(trace, "relay.stage.COMPLETE");

        // each vendor's fetch and parse, under its stage, with its rows
        for (String op : List.of("fetch", "parse")) {
            List<SpanData> vendorSpans = trace.stream().filter(s -> s.getName().equals("relay.vendor." + op)).toList();
            assertThat(vendorSpans).extracting(s -> attr(s, "relay.vendor_id")).containsExactlyInAnyOrder("vendor-a", "vendor-b");
            String parent = op.equals("fetch") ? fetchStage.getSpanId() : normalizeStage.getSpanId();
            assertThat(vendorSpans).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(parent));
        }
        Map<String, String> rows = trace.stream().filter(s -> s.getName().equals("relay.vendor.parse"))
                .collect(Collectors.toMap(s -> attr(s, "relay.vendor_id"), s -> attr(s, "relay.rows")));
        assertThat(rows).containsEntry("vendor-a", "2").containsEntry("vendor-b", "1");

        // AWS SDK client spans inside the trace: the feeds read under their parse spans, the terminal transaction
        Set<String> parseSpans = trace.stream().filter(s -> s.getName().equals("relay.vendor.parse"))
                .map(SpanData::getSpanId).collect(Collectors.toSet());
        assertThat(trace).filteredOn(s -> s.getName().equals("S3.GetObject") && parseSpans.contains(s.getParentSpanId()))
                .hasSize(2).allSatisfy(s -> {
                    assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
                    assertThat(attr(s, "rpc.system")).isEqualTo("aws-api");
                    assertThat(attr(s, "http.response.status_code")).isEqualTo("200");
                });
        assertThat(trace).anySatisfy(s -> {
            assertThat(s.getName()).isEqualTo("DynamoDb.TransactWriteItems");
            assertThat(s.getParentSpanId()).isEqualTo(completeStage.getSpanId());
        });
        assertThat(trace).anySatisfy(s -> {
            assertThat(s.getName()).isEqualTo("Sqs.SendMessage"); // the notification message
            assertThat(s.getParentSpanId()).isEqualTo(completeStage.getSpanId());
        });

        // the notifier continues the trace through the notification message's traceparent
        SpanData deliver = one(trace, "relay.notification.deliver");
        assertThat(deliver.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(deliver.getParentSpanId()).isEqualTo(completeStage.getSpanId());
        assertThat(attr(deliver, "relay.outcome")).isEqualTo("DELETED");
        String notificationId = attr(deliver, "relay.notification_id");
        assertThat(notificationId).isNotNull();
        SpanData post = one(trace, "POST");
        assertThat(post.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(post.getParentSpanId()).isEqualTo(deliver.getSpanId());
        assertThat(attr(post, "http.response.status_code")).isEqualTo("200");
        assertThat(attr(post, "server.address")).isEqualTo("127.0.0.1");
        assertThat(attr(post, "server.port")).isEqualTo(Integer.toString(NTFY.getAddress().getPort()));

        // what crossed the wire to ntfy: the run's message, without any trace header (docs/CONTRACT.md#the-ntfy-request)
        assertThat(NTFY_REQUESTS).hasSize(1);
        assertThat(NTFY_REQUESTS.get(0).path()).isEqualTo("/" + TOPIC);
        assertThat(NTFY_REQUESTS.get(0).headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("traceparent")
                || h.equalsIgnoreCase("tracestate") || h.equalsIgnoreCase("X-Amzn-Trace-Id"));

        // no span of the trace carries a key or the topic (the channel's secret on a public server);
        // Relay's own spans carry only short values (Camel's carry its endpoint URIs, fixed by configuration)
        assertThat(trace).allSatisfy(s -> s.getAttributes().forEach((k, v) -> assertThat(String.valueOf(v))
                .as(s.getName() + " " + k).doesNotContain(DEV).doesNotContain(TOPIC)));
        assertThat(trace).filteredOn(s -> s.getAttributes().get(AttributeKey.stringKey("camel.uri")) == null)
                .allSatisfy(s -> s.getAttributes().forEach((k, v) -> assertThat(String.valueOf(v))
                        .as(s.getName() + " " + k).hasSizeLessThanOrEqualTo(128)));

        // every log line of the run carries the trace id: API, worker, notifier
        List<JsonNode> runLines = jsonLines(output).stream().filter(l -> runId.equals(l.path("run_id").asText())
                || notificationId.equals(l.path("notification_id").asText())).toList();
        assertThat(runLines).extracting(l -> l.path("logger").asText())
                .contains("com.relay.worker.JobReceiver", "com.relay.worker.AttemptCompletion", "com.relay.notify.NotificationDelivery");
        assertThat(runLines).extracting(l -> l.path("event").asText())
                .contains("run_created", "run_started", "run_stage", "run_succeeded", "notification_sent");
        assertThat(runLines).allSatisfy(l -> assertThat(l.path("trace_id").asText()).as(l.toString()).isEqualTo(traceId));
    }
}
