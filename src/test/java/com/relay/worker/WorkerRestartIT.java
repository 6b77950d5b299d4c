package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.RelayApplication;
import com.relay.api.Json;
import com.relay.aws.ProvisionedResources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * docs/CONTRACT.md#worker-loop-and-shutdown and docs/CONTRACT.md#run-lifecycle-scenarios #17: the app is stopped while an attempt runs longer than
 * WORKER_SHUTDOWN_TIMEOUT_SECONDS; the attempt is handed back (last_error "worker shutdown", lease
 * released, message visible at once) and the restarted app completes the run, lock released.
 * Both apps share one persisted data folder, as a developer's restarts do.
 */
class WorkerRestartIT {

    @TempDir Path dataDir;
    private final HttpClient http = HttpClient.newHttpClient();

    private ConfigurableApplicationContext start() {
        Map<String, Object> props = new HashMap<>();
        props.put("RELAY_DATA_DIR", dataDir.toString());
        props.put("RELAY_EMBEDDED_PERSISTENT", "true");
        props.put("RELAY_EMBEDDED_SQS_PORT", "0");
        props.put("RELAY_EMBEDDED_DYNAMODB_PORT", "0");
        props.put("RELAY_EMBEDDED_S3_PORT", "0");
        props.put("SERVER_PORT", "0");
        props.put("MANAGEMENT_PORT", "0");
        props.put("WORKER_SHUTDOWN_TIMEOUT_SECONDS", "0");
        props.put("WORKER_RECEIVE_WAIT_SECONDS", "1");
        props.put("WORKER_VISIBILITY_TIMEOUT_SECONDS", "15");
        props.put("WORKER_VISIBILITY_HEARTBEAT_SECONDS", "4");
        return new SpringApplicationBuilder(RelayApplication.class, WorkerTestSupport.Faults.class).properties(props).run();
    }

    private JsonNode call(ConfigurableApplicationContext ctx, String method, String path, String contentType, String body)
            throws Exception {
        String port = ctx.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", "relay-dev-key")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
        return Json.tree(r.body());
    }

    private static Map<String, AttributeValue> run(ConfigurableApplicationContext ctx, String runId) {
        String table = ctx.getBean(ProvisionedResources.class).runsTable();
        return ctx.getBean(DynamoDbClient.class).getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(runId)))).item();
    }

    @Test
    void anAttemptStoppedWithTheAppIsHandedBackAndCompletedAfterTheRestart() throws Exception {
        String tenant = "restart-t";
        String runId;
        try (ConfigurableApplicationContext first = start()) {
            call(first, "POST", "/v1/tenants", "application/json", WorkerTestSupport.s3Config(tenant, null,
                    WorkerTestSupport.SKU_QTY_PRICE, WorkerTestSupport.Vendor.of("vendor-a")));
            call(first, "PUT", "/v1/tenants/" + tenant + "/vendors/vendor-a/inbound/feed.csv", "text/csv",
                    "sku,quantity_available,price\nSKU1,10,5.00\nSKU2,4,2.50\n");
            // the attempt dwells in NORMALIZE, far longer than the shutdown deadline (0 s)
            first.getBean(FaultInjector.class).pauseAfter(r -> r instanceof UpdateItemRequest u
                    && u.expressionAttributeValues().containsKey(":stage")
                    && "NORMALIZE".equals(u.expressionAttributeValues().get(":stage").s()), 4000);
            runId = call(first, "POST", "/v1/runs", "application/json", "{\"tenant_id\": \"" + tenant + "\"}")
                    .get("run_id").asText();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !"NORMALIZE".equals(run(first, runId).get("stage").s())) {
                Thread.sleep(50);
            }
            assertThat(run(first, runId).get("status").s()).isEqualTo("RUNNING");
        }
        try (ConfigurableApplicationContext second = start()) {
            Map<String, AttributeValue> handedBack = run(second, runId);
            assertThat(handedBack.get("status").s()).isEqualTo("RUNNING");
            assertThat(handedBack.get("last_error").s()).isEqualTo("worker shutdown");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            JsonNode done = null;
            while (System.nanoTime() < deadline) {
                done = call(second, "GET", "/v1/runs/" + runId, null, null);
                if (done.get("status").asText().equals("SUCCEEDED") || done.get("status").asText().equals("FAILED")) break;
                Thread.sleep(100);
            }
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
            assertThat(done.get("last_error").asText()).isEqualTo("worker shutdown");
            assertThat(done.get("rows_processed").asInt()).isEqualTo(2);
            assertThat(done.get("artifacts").has("merged_inventory")).isTrue();
            assertThat(run(second, "lock#" + tenant)).isEmpty();
            // the tenant takes new runs again
            call(second, "POST", "/v1/runs", "application/json", "{\"tenant_id\": \"" + tenant + "\"}");
        }
    }
}
