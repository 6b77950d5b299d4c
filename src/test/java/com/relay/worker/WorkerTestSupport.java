package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.ApiTestSupport;
import com.relay.api.Json;
import com.relay.aws.ProvisionedResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The real application with the worker on, the real routes and the embedded emulators, driven
 * through the API. Small timings so retries, poison and the DLQ fit in a test: backoff 1 s (then
 * 2 s), visibility 15 s with a 4 s heartbeat, 1 s long polls, two attempts at once. Faults come
 * from {@link FaultInjector} on the SDK clients; nothing replaces an AWS service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0",
        "WORKER_ENABLED=true", "WORKER_MAX_CONCURRENCY=2", "WORKER_RECEIVE_WAIT_SECONDS=1",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS=15", "WORKER_VISIBILITY_HEARTBEAT_SECONDS=4",
        "WORKER_RETRY_BACKOFF_SECONDS=1", "WORKER_RETRY_BACKOFF_MAX_SECONDS=2", "WORKER_HEARTBEAT_INTERVAL_SECONDS=1"})
@Import(WorkerTestSupport.Faults.class)
abstract class WorkerTestSupport extends ApiTestSupport {

    @TestConfiguration(proxyBeanMethods = false)
    public static class Faults {
        @Bean
        public FaultInjector faultInjector() {
            return new FaultInjector();
        }
    }

    @Autowired FaultInjector faults;
    @Autowired DynamoDbClient dynamoDb;
    @Autowired S3Client s3;
    @Autowired SqsClient sqs;
    @Autowired ProvisionedResources resources;
    @Autowired MeterRegistry meters;

    @AfterEach
    void clearFaults() {
        faults.clear();
    }

    /** One vendor of a test configuration. */
    record Vendor(String id, boolean required, String skuMapKey) {
        static Vendor of(String id) { return new Vendor(id, true, null); }
    }

    /** A tenant config with S3 inbound prefixes {@code tenants/<t>/inbound/<vendor>/} (docs/CONTRACT.md#run-lifecycle-scenarios's common setup). */
    static String s3Config(String tenant, String errorPolicy, String columns, Vendor... vendors) {
        List<String> vs = new ArrayList<>();
        for (Vendor v : vendors) {
            vs.add("""
                    {"vendor_id": "%s", "required": %s,
                     "inbound": {"type": "s3", "s3_prefix": "tenants/%s/inbound/%s/"},
                     "parser": {"format": "csv"}%s}""".formatted(v.id(), v.required(), tenant, v.id(),
                    v.skuMapKey() == null ? "" : ", \"sku_map\": {\"type\": \"s3\", \"s3_key\": \"" + v.skuMapKey() + "\"}"));
        }
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [%s],
                 "pricing": {"base_margin_pct": 0.1, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {"increment": 0.01}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": %s}%s}
                """.formatted(tenant, String.join(",", vs), columns,
                errorPolicy == null ? "" : ", \"error_policy\": " + errorPolicy);
    }

    static final String SKU_QTY_PRICE = "[\"sku\", \"quantity_available\", \"price\"]";

    String tenantWith(String base, String errorPolicy, Vendor... vendors) {
        String tenant = uniqueTenant(base);
        Reply r = post("/v1/tenants", DEV, s3Config(tenant, errorPolicy, SKU_QTY_PRICE, vendors));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return tenant;
    }

    void upload(String tenant, String vendor, String filename, byte[] bytes) {
        Reply r = send(request("/v1/tenants/" + tenant + "/vendors/" + vendor + "/inbound/" + filename)
                .header("X-API-Key", DEV).header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
    }

    void upload(String tenant, String vendor, String filename, String text) {
        upload(tenant, vendor, filename, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A config version written to the table directly, as if stored before a rule existed or edited by hand. */
    void handWrittenVersion(String tenant, int version, String json) {
        dynamoDb.putItem(b -> b.tableName(resources.tenantsTable()).item(Map.of(
                "tenant_id", AttributeValue.fromS(tenant), "config_version", AttributeValue.fromN(Integer.toString(version)),
                "config", AttributeValue.fromS(json), "created_at", AttributeValue.fromS("2026-01-01T00:00:00.000Z"),
                "created_by", AttributeValue.fromS("key:dev"))));
    }

    String startRun(String tenant) {
        Reply r = post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\"}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
        return r.json().get("run_id").asText();
    }

    JsonNode run(String runId) {
        Reply r = get("/v1/runs/" + runId, DEV);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    JsonNode awaitRun(String runId, Predicate<JsonNode> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = run(runId);
            if (done.test(last)) return last;
            sleep(50);
        }
        throw new AssertionError("run " + runId + " did not get there in " + timeout + "; last: " + last);
    }

    JsonNode awaitTerminal(String runId) {
        return awaitRun(runId, r -> r.get("status").asText().matches("SUCCEEDED|FAILED"), Duration.ofSeconds(60));
    }

    String text(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(resources.artifactBucket()).key(key)).asString(StandardCharsets.UTF_8);
    }

    JsonNode json(String key) {
        return Json.tree(text(key));
    }

    Map<String, AttributeValue> item(String key) {
        return dynamoDb.getItem(b -> b.tableName(resources.runsTable()).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(key)))).item();
    }

    static Map<String, String> artifacts(JsonNode artifacts) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        artifacts.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    double counter(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
