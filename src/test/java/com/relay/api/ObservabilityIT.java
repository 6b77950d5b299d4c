package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.aws.ProvisionedResources;
import com.relay.metrics.RelayMetrics;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Logging, tracing and API metrics end to end (docs/CONTRACT.md#correlation-ids, docs/CONTRACT.md#structured-logging to docs/CONTRACT.md#notification-and-api-metrics): the real
 * application with OTLP export switched on towards a minimal OTLP/HTTP receiver on loopback.
 * One {@code POST /v1/runs} gives JSON log lines carrying its correlation id and trace id, a job
 * message whose {@code traceparent} names the same trace, exported spans of that trace, and the
 * {@code APIRequestCount}/{@code APIResponseTime} meters tagged {@code Environment}.
 */
@ExtendWith(OutputCaptureExtension.class)
@AutoConfigureObservability // Spring Boot switches tracing off in tests unless asked
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0", "ENVIRONMENT=obs-test", "OTEL_TRACES_EXPORTER=otlp",
        "SCHEDULER_ENABLED=FALSE", "WORKER_ENABLED=false"})
class ObservabilityIT extends ApiTestSupport {

    static final List<byte[]> EXPORTS = new CopyOnWriteArrayList<>();
    static final HttpServer OTLP = receiver();
    static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    @Autowired SqsClient sqs;
    @Autowired ProvisionedResources resources;
    @Autowired MeterRegistry registry;
    @Autowired CamelContext camel;

    static HttpServer receiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/traces", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    EXPORTS.add(in.readAllBytes());
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void otlpEndpoint(DynamicPropertyRegistry properties) {
        properties.add("OTEL_EXPORTER_OTLP_ENDPOINT", () -> "http://127.0.0.1:" + OTLP.getAddress().getPort());
    }

    @AfterAll
    static void stopReceiver() {
        OTLP.stop(0);
    }


    private static JsonNode line(List<JsonNode> lines, String event, String correlationId) {
        return lines.stream().filter(l -> event.equals(l.path("event").asText())
                        && correlationId.equals(l.path("correlation_id").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + event + " line for " + correlationId));
    }

    private Message findJob(String runId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(resources.jobsQueueUrl()).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")).messages()) {
                if (m.body().contains(runId)) return m;
            }
        }
        throw new AssertionError("job for " + runId + " not found");
    }

    private static boolean exported(byte[]... needles) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        EXPORTS.forEach(all::writeBytes);
        byte[] haystack = all.toByteArray();
        for (byte[] needle : needles) if (indexOf(haystack, needle) < 0) return false;
        return true;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void a_run_request_is_logged_traced_propagated_to_the_job_and_measured(CapturedOutput output) throws Exception {
        String tenant = createTenant("obs");
        Reply created = send(request("/v1/runs").header("X-API-Key", DEV).header("X-Correlation-Id", "obs-42")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant_id\": \"" + tenant + "\"}")));
        assertThat(created.status()).isEqualTo(202);
        String runId = created.json().get("run_id").asText();

        // the job message carries the W3C context of the request's trace (docs/CONTRACT.md#job-message)
        Message job = findJob(runId);
        assertThat(job.messageAttributes()).containsKey("traceparent");
        Matcher traceparent = TRACEPARENT.matcher(job.messageAttributes().get("traceparent").stringValue());
        assertThat(traceparent.matches()).isTrue();
        String traceId = traceparent.group(1);
        assertThat(job.messageAttributes().get("correlation_id").stringValue()).isEqualTo("obs-42");

        // JSON log lines (docs/CONTRACT.md#structured-logging) with the context ids (docs/CONTRACT.md#correlation-ids) and the trace id (docs/CONTRACT.md#tracing)
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<JsonNode> lines = jsonLines(output);
        while (lines.stream().noneMatch(l -> "api_request".equals(l.path("event").asText())
                && "obs-42".equals(l.path("correlation_id").asText())) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            lines = jsonLines(output);
        }
        JsonNode request = line(lines, "api_request", "obs-42");
        assertThat(request.get("level").asText()).isEqualTo("INFO");
        assertThat(request.get("method").asText()).isEqualTo("POST");
        assertThat(request.get("path").asText()).isEqualTo("/v1/runs");
        assertThat(request.get("status_code").asInt()).isEqualTo(202);
        assertThat(request.get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(request.get("principal").asText()).isEqualTo("key:dev");
        assertThat(request.get("service").asText()).isEqualTo("relay-inventory");
        assertThat(request.get("environment").asText()).isEqualTo("obs-test");
        assertThat(request.get("version").asText()).isNotBlank().isNotEqualTo("unknown");
        assertThat(request.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(request.get("trace_id").asText()).isEqualTo(traceId);
        JsonNode runCreated = line(lines, "run_created", "obs-42");
        assertThat(runCreated.get("run_id").asText()).isEqualTo(runId);
        assertThat(runCreated.get("tenant_id").asText()).isEqualTo(tenant);
        assertThat(runCreated.get("created_by").asText()).isEqualTo("api");
        assertThat(runCreated.get("trace_id").asText()).isEqualTo(traceId);
        lines.stream().filter(l -> "obs-42".equals(l.path("correlation_id").asText()))
                .forEach(l -> assertThat(l.toString()).doesNotContain(DEV)); // never the API key

        // the spans of that trace reach the OTLP receiver (batch export: within a few seconds)
        byte[] traceIdBytes = HexFormat.of().parseHex(traceId);
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!exported(traceIdBytes, bytes("POST /v1/runs"), bytes("relay.run.create"), bytes("SQS send"))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(exported(traceIdBytes, bytes("POST /v1/runs"), bytes("relay.run.create"), bytes("SQS send"),
                bytes("obs-42"), bytes("relay-inventory"))).isTrue();

        // API metrics (docs/CONTRACT.md#notification-and-api-metrics), every meter tagged Environment
        Counter count = registry.find(RelayMetrics.API_REQUEST_COUNT).tag("Endpoint", "POST /v1/runs")
                .tag("StatusCode", "202").tag("Environment", "obs-test").counter();
        assertThat(count).isNotNull();
        assertThat(count.count()).isGreaterThanOrEqualTo(1.0);
        Timer time = registry.find(RelayMetrics.API_RESPONSE_TIME).tag("Endpoint", "POST /v1/runs")
                .tag("Environment", "obs-test").timer();
        assertThat(time).isNotNull();
        assertThat(time.count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.find(RelayMetrics.RUNS_CREATED).tag("CreatedBy", "api").tag("Environment", "obs-test")
                .counter().count()).isGreaterThanOrEqualTo(1.0);

        Reply read = get("/v1/runs/" + runId, DEV);
        assertThat(read.status()).isEqualTo(200);
        Reply missing = get("/v1/no-such-endpoint", DEV);
        assertThat(missing.status()).isEqualTo(404);
        deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (registry.find(RelayMetrics.API_REQUEST_COUNT).tag("Endpoint", RelayMetrics.UNMATCHED).counter() == null
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(registry.find(RelayMetrics.API_REQUEST_COUNT).tag("Endpoint", "GET /v1/runs/{run_id}")
                .tag("StatusCode", "200").counter()).isNotNull();
        assertThat(registry.find(RelayMetrics.API_REQUEST_COUNT).tag("Endpoint", RelayMetrics.UNMATCHED)
                .tag("StatusCode", "404").counter()).isNotNull();
    }

    @Test
    void scheduler_disabled_leaves_the_tick_route_stopped() {
        // SCHEDULER_ENABLED=FALSE (case-insensitive, as RelaySettings reads it)
        assertThat(camel.getRoute("scheduler-tick")).isNotNull();
        assertThat(camel.getRouteController().getRouteStatus("scheduler-tick").isStarted()).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
