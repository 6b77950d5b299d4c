package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.cli.LocalRunCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** The worker end to end through the API: happy path, retry, poison, concurrency (docs/CONTRACT.md#receiving-a-job to docs/CONTRACT.md#artifacts, docs/CONTRACT.md#run-lifecycle-scenarios). */
class RunWorkerIT extends WorkerTestSupport {

    @TempDir Path tmp;

    @Test
    void happyPathWritesEveryArtifactPassesEveryStageAndMatchesLocalRun() throws Exception {
        String tenant = uniqueTenant("golden");
        String mapKey = "tenants/" + tenant + "/maps/vendor_1.csv";
        String config = goldenConfig(tenant, "{\"type\": \"s3\", \"s3_prefix\": \"tenants/" + tenant + "/inbound/vendor_1/\"}",
                "{\"type\": \"s3\", \"s3_prefix\": \"tenants/" + tenant + "/inbound/vendor_2/\"}",
                "{\"type\": \"s3\", \"s3_key\": \"" + mapKey + "\"}");
        assertThat(post("/v1/tenants", DEV, config).status()).isEqualTo(201);
        Path golden = Path.of("examples/golden");
        s3.putObject(b -> b.bucket(resources.artifactBucket()).key(mapKey),
                RequestBody.fromFile(golden.resolve("sku_map_vendor_1.csv")));
        upload(tenant, "vendor_1", "vendor_1.csv", Files.readAllBytes(golden.resolve("vendor_1.csv")));
        upload(tenant, "vendor_2", "vendor_2.csv", Files.readAllBytes(golden.resolve("vendor_2.csv")));

        // Each stage write is held for a moment so that polling the API sees every stage.
        faults.pauseAfter(r -> r instanceof UpdateItemRequest u && u.key().get("run_id").s().length() == 36
                && (u.expressionAttributeValues().containsKey(":stage") || u.expressionAttributeValues().containsKey(":fetch")), 400);
        String runId = startRun(tenant);
        Set<String> seen = new LinkedHashSet<>();
        JsonNode run = awaitRun(runId, r -> {
            seen.add(r.get("status").asText() + "/" + r.get("stage").asText());
            return r.get("status").asText().equals("SUCCEEDED") || r.get("status").asText().equals("FAILED");
        }, Duration.ofSeconds(60));
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(seen).contains("RUNNING/FETCH_INPUTS", "RUNNING/NORMALIZE", "RUNNING/MERGE_PRICE",
                "RUNNING/WRITE_OUTPUTS", "SUCCEEDED/COMPLETE");
        assertThat(run.get("attempts").asInt()).isEqualTo(1);
        assertThat(run.get("rows_processed").asLong()).isEqualTo(2);
        assertThat(run.get("duration_ms").asLong()).isPositive();
        assertThat(run.get("finished_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(run.get("error_code").isNull()).isTrue();
        assertThat(run.get("notification_status").asText()).isEqualTo("NONE");
        String prefix = runId + "/tenants/" + tenant + "/";
        Map<String, String> artifacts = artifacts(run.get("artifacts"));
        assertThat(artifacts).containsOnlyKeys("config_snapshot", "inbound_vendor_1", "inbound_vendor_2",
                "input_manifest", "normalized_vendor_1", "normalized_vendor_2", "explain_index", "merged_inventory", "feed_state",
                "delta", "diff", "run_summary");
        assertThat(artifacts.get("inbound_vendor_1")).isEqualTo(prefix + "inbound/vendor_1/vendor_1.csv");
        assertThat(text(artifacts.get("inbound_vendor_1"))).isEqualTo(Files.readString(golden.resolve("vendor_1.csv")));
        assertThat(s3.headObject(b -> b.bucket(resources.artifactBucket()).key(artifacts.get("inbound_vendor_1")))
                .contentType()).isEqualTo("text/csv");
        assertThat(s3.headObject(b -> b.bucket(resources.artifactBucket()).key(artifacts.get("merged_inventory")))
                .contentType()).isEqualTo("text/csv; charset=utf-8");
        JsonNode manifest = json(artifacts.get("input_manifest"));
        JsonNode v1 = manifest.get("vendors").get("vendor_1");
        assertThat(v1.get("status").asText()).isEqualTo("found");
        assertThat(v1.get("s3_key").asText()).isEqualTo("tenants/" + tenant + "/inbound/vendor_1/vendor_1.csv");
        assertThat(v1.get("etag").asText()).startsWith("\"").endsWith("\"");
        assertThat(v1.get("selection").asText()).isEqualTo("latest_by_last_modified");
        assertThat(v1.get("run_copy_key").asText()).isEqualTo(artifacts.get("inbound_vendor_1"));
        assertThat(v1.get("sku_map").get("status").asText()).isEqualTo("found");
        assertThat(v1.get("sku_map").get("s3_key").asText()).isEqualTo(mapKey);
        JsonNode snapshot = json(artifacts.get("config_snapshot"));
        assertThat(snapshot.get("config_version").asInt()).isEqualTo(1);
        assertThat(snapshot.get("tenant_config").get("tenant_id").asText()).isEqualTo(tenant);
        JsonNode summary = json(artifacts.get("run_summary"));
        assertThat(summary.get("record_count").asInt()).isEqualTo(2);
        assertThat(summary.get("total_rows").asInt()).isEqualTo(2);

        // The same inputs through relay local-run, at the same "now", give the same bytes.
        String now = manifest.get("generated_at").asText();
        Path localConfig = tmp.resolve("tenant.json");
        Files.writeString(localConfig, goldenConfig(tenant, "{\"type\": \"local\"}", "{\"type\": \"local\"}",
                "{\"type\": \"file\", \"local_path\": \"" + golden.resolve("sku_map_vendor_1.csv").toAbsolutePath() + "\"}"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalRunCommand.run(new String[] {"--config", localConfig.toString(),
                "--vendor-file", "vendor_1=" + golden.resolve("vendor_1.csv"),
                "--vendor-file", "vendor_2=" + golden.resolve("vendor_2.csv"),
                "--output-dir", tmp.resolve("out").toString(), "--now", now, "--run-id", runId},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path localMerged = tmp.resolve("out").resolve(prefix + "outputs/merged_inventory.csv");
        assertThat(text(artifacts.get("merged_inventory"))).isEqualTo(Files.readString(localMerged))
                .startsWith("sku,quantity_available,price,vendor_id,updated_at\nSKU-001,5,25.74,vendor_1,");
        for (String name : List.of("normalized_vendor_1", "normalized_vendor_2")) {
            String vendor = name.substring("normalized_".length());
            assertThat(text(artifacts.get(name))).isEqualTo(Files.readString(
                    tmp.resolve("out").resolve(prefix + "normalized/" + vendor + "/normalized.csv")));
        }
        // the lock is gone: the next run of the tenant is accepted
        assertThat(item("lock#" + tenant)).isEmpty();
        assertThat(counter("RunSucceeded", "TenantId", tenant)).isEqualTo(1.0);
        assertThat(counter("RunFailed", "TenantId", tenant)).isZero();
        assertThat(counter("RowsProcessed", "TenantId", tenant)).isEqualTo(2.0);
    }

    @Test
    void throttledCopyOnTheFirstAttemptIsRetriedAndSucceedsOnTheSecond() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #6
        String tenant = tenantWith("retry", null, Vendor.of("vendor-a"));
        upload(tenant, "vendor-a", "feed.csv", "sku,quantity_available,price\nSKU1,10,5.00\n");
        faults.fail(r -> r instanceof CopyObjectRequest c && c.destinationKey().contains("/tenants/" + tenant + "/"), 1,
                () -> (RuntimeException) S3Exception.builder().statusCode(503).message("Slow Down (injected)").build());
        String runId = startRun(tenant);
        JsonNode first = awaitRun(runId, r -> !r.get("last_error").isNull(), Duration.ofSeconds(30));
        assertThat(first.get("status").asText()).isEqualTo("RUNNING");
        assertThat(first.get("attempts").asInt()).isEqualTo(1);
        assertThat(first.get("stage").asText()).isEqualTo("FETCH_INPUTS");
        assertThat(first.get("last_error").asText()).contains("Slow Down (injected)");
        Map<String, AttributeValue> afterFirst = item(runId);
        assertThat(Timestamps.parse(afterFirst.get("lease_expires_at").s())).isBeforeOrEqualTo(java.time.Instant.now());
        double retryable = counter("WorkerError", "ErrorType", "run_retryable_error");

        JsonNode done = awaitTerminal(runId);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("stage").asText()).isEqualTo("COMPLETE");
        assertThat(done.get("attempts").asInt()).isEqualTo(2);
        assertThat(done.get("started_at").asText()).isEqualTo(first.get("started_at").asText());
        assertThat(done.get("failed_stage").isNull()).isTrue();
        assertThat(done.get("error_code").isNull()).isTrue();
        assertThat(done.get("error_message").isNull()).isTrue();
        artifacts(done.get("artifacts")).values().forEach(k -> assertThat(k).startsWith(runId + "/"));
        assertThat(retryable).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void throttledDynamoDbStageWriteIsRetriedToo() {
        String tenant = tenantWith("ddbretry", null, Vendor.of("vendor-a"));
        upload(tenant, "vendor-a", "feed.csv", "sku,quantity_available,price\nSKU1,10,5.00\n");
        String[] runId = new String[1];
        faults.fail(r -> r instanceof UpdateItemRequest u && runId[0] != null
                && runId[0].equals(u.key().get("run_id").s()) && u.expressionAttributeValues().containsKey(":stage"), 1,
                () -> (RuntimeException) ProvisionedThroughputExceededException.builder().statusCode(400)
                        .message("Throughput exceeded (injected)").build());
        runId[0] = startRun(tenant);
        JsonNode done = awaitTerminal(runId[0]);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempts").asInt()).isEqualTo(2);
        assertThat(done.get("last_error").asText()).contains("Throughput exceeded (injected)");
    }

    @Test
    void aJobThatKeepsFailingIsPoisonedOnTheThirdReceiveAndEndsInTheDlq() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #7: every attempt fails retryably after reaching NORMALIZE
        String tenant = tenantWith("poison", null, Vendor.of("vendor-a"));
        upload(tenant, "vendor-a", "feed.csv", "sku,quantity_available,price\nSKU1,10,5.00\n");
        faults.fail(r -> r instanceof PutObjectRequest p && p.key().contains("/tenants/" + tenant + "/normalized/"), -1,
                () -> (RuntimeException) S3Exception.builder().statusCode(500).message("Internal (injected)").build());
        double poisonBefore = counter("WorkerError", "ErrorType", "poison_job");
        String runId = startRun(tenant);
        JsonNode afterOne = awaitRun(runId, r -> r.get("attempts").asInt() == 1 && !r.get("last_error").isNull(),
                Duration.ofSeconds(30));
        assertThat(afterOne.get("status").asText()).isEqualTo("RUNNING");
        JsonNode afterTwo = awaitRun(runId, r -> r.get("attempts").asInt() == 2, Duration.ofSeconds(30));
        assertThat(afterTwo.get("status").asText()).isEqualTo("RUNNING");

        JsonNode done = awaitTerminal(runId);
        assertThat(done.get("status").asText()).isEqualTo("FAILED");
        assertThat(done.get("error_code").asText()).isEqualTo("POISON_JOB");
        assertThat(done.get("error_message").asText()).isEqualTo("Job moved to DLQ after repeated failures");
        assertThat(done.get("stage").asText()).isEqualTo("NORMALIZE");
        assertThat(done.get("failed_stage").asText()).isEqualTo("NORMALIZE");
        assertThat(done.get("attempts").asInt()).isEqualTo(2);
        String errorsKey = runId + "/tenants/" + tenant + "/reports/errors.json";
        assertThat(done.get("errors_artifact_key").asText()).isEqualTo(errorsKey);
        assertThat(json(errorsKey).toString())
                .isEqualTo("[{\"error_code\":\"POISON_JOB\",\"error_message\":\"Job moved to DLQ after repeated failures\"}]");
        assertThat(done.get("artifacts").get("errors").asText()).isEqualTo(errorsKey);
        assertThat(done.get("artifacts").has("config_snapshot")).isTrue();
        assertThat(counter("WorkerError", "ErrorType", "poison_job")).isEqualTo(poisonBefore + 1);
        assertThat(counter("RunFailed", "TenantId", tenant)).isEqualTo(1.0);
        assertThat(item("lock#" + tenant)).isEmpty();

        // The message was left for the redrive: once its visibility lapses SQS moves it to the DLQ.
        List<String> dlq = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline && dlq.stream().noneMatch(b -> b.contains(runId))) {
            sqs.receiveMessage(b -> b.queueUrl(resources.jobsDlqUrl()).waitTimeSeconds(1).maxNumberOfMessages(10))
                    .messages().forEach(m -> dlq.add(m.body()));
        }
        assertThat(dlq).anyMatch(b -> b.contains(runId));
    }

    @Test
    void twoTenantsRunAtTheSameTimeWithConcurrencyTwo() {
        String a = tenantWith("para", null, Vendor.of("vendor-a"));
        String b = tenantWith("parb", null, Vendor.of("vendor-a"));
        upload(a, "vendor-a", "feed.csv", "sku,quantity_available,price\nSKU1,10,5.00\n");
        upload(b, "vendor-a", "feed.csv", "sku,quantity_available,price\nSKU2,3,7.00\n");
        // each run holds its NORMALIZE stage for 1.5 s, so two sequential runs could not overlap
        faults.pauseAfter(r -> r instanceof UpdateItemRequest u && u.expressionAttributeValues().containsKey(":stage")
                && "NORMALIZE".equals(u.expressionAttributeValues().get(":stage").s()), 1500);
        String runA = startRun(a);
        String runB = startRun(b);
        JsonNode doneA = awaitTerminal(runA);
        JsonNode doneB = awaitTerminal(runB);
        assertThat(doneA.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(doneB.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(doneA.get("started_at").asText()).isLessThan(doneB.get("finished_at").asText());
        assertThat(doneB.get("started_at").asText()).isLessThan(doneA.get("finished_at").asText());
    }

    /** examples/golden/tenant_config.yaml (docs/CONTRACT.md#golden-file) as JSON, with the given inbound and SKU map sources. */
    static String goldenConfig(String tenant, String inbound1, String inbound2, String skuMap) {
        String parser = "{\"format\": \"csv\", \"delimiter\": \",\", \"encoding\": \"utf-8\", \"column_map\":"
                + " {\"sku\": \"SKU\", \"quantity_available\": \"QTY\", \"cost\": \"COST\", \"map_price\": \"MAP\"}}";
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "America/Los_Angeles", "default_currency": "USD",
                 "vendors": [
                   {"vendor_id": "vendor_1", "inbound": %s, "parser": %s, "sku_map": %s},
                   {"vendor_id": "vendor_2", "inbound": %s, "parser": %s}],
                 "pricing": {"base_margin_pct": 0.20, "min_price": 25.00, "shipping_handling_flat": 9.99,
                             "map_policy": {"enforce": true, "map_floor_behavior": "max(price, map_price)"},
                             "rounding": {"mode": "nearest", "increment": 0.99}},
                 "merge": {"strategy": "best_offer", "best_offer": {"sort_by": ["in_stock_desc", "lowest_landed_cost"],
                           "landed_cost": {"include_shipping_handling": true}, "fallback_lead_time_days": 7}},
                 "output": {"format": "csv", "columns": ["sku", "quantity_available", "price", "vendor_id", "updated_at"]}}
                """.formatted(tenant, inbound1, parser, skuMap, inbound2, parser);
    }

    /** TS parsing for assertions. */
    static final class Timestamps {
        static java.time.Instant parse(String ts) { return java.time.Instant.parse(ts); }
    }

    static String uuid() { return UUID.randomUUID().toString(); }
}
