package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.runs.RunCreator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Every failure code of docs/CONTRACT.md#run-error-codes the worker writes, each FAILED with its errors.json (docs/CONTRACT.md#attempt-outcomes-retry-and-poison,
 * docs/CONTRACT.md#run-lifecycle-scenarios #1–#5, #8), and the receive rules for odd messages (docs/CONTRACT.md#receiving-a-job, docs/CONTRACT.md#run-lifecycle-scenarios #11–#13, #16).
 */
class RunFailuresIT extends WorkerTestSupport {

    @Autowired RunCreator runCreator;

    private static final String FEED_WITH_BAD_ROW = "sku,quantity_available,price\nSKU1,10,5.00\nSKU2,not-a-number,4.00\n";

    private JsonNode runToEnd(String tenant, String file, byte[] bytes) {
        if (bytes != null) upload(tenant, "vendor-a", file, bytes);
        return awaitTerminal(startRun(tenant));
    }

    private JsonNode errors(JsonNode run) {
        return json(run.get("errors_artifact_key").isNull()
                ? run.get("artifacts").get("errors").asText() : run.get("errors_artifact_key").asText());
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void invalidRowWithinTheThresholdSucceedsWithOneErrorEntry() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #1
        String t = tenantWith("th1", "{\"max_invalid_rows\": 1, \"max_invalid_row_pct\": 0.6}", Vendor.of("vendor-a"));
        JsonNode run = runToEnd(t, "feed.csv", utf8(FEED_WITH_BAD_ROW));
        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("finished_at").isNull()).isFalse();
        JsonNode errors = json(run.get("artifacts").get("errors").asText());
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).get("vendor_id").asText()).isEqualTo("vendor-a");
        assertThat(errors.get(0).get("reason").asText()).isEqualTo("invalid int: not-a-number");
        assertThat(json(run.get("artifacts").get("run_summary").asText()).get("warnings").toString())
                .isEqualTo("[\"invalid_rows_within_threshold\"]");
    }

    @Test
    void invalidRowBeyondTheThresholdFailsWithValidationErrors() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #2
        String t = tenantWith("th2", "{\"max_invalid_rows\": 0, \"max_invalid_row_pct\": 0.1}", Vendor.of("vendor-a"));
        JsonNode run = runToEnd(t, "feed.csv", utf8(FEED_WITH_BAD_ROW));
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("failed_stage").asText()).isEqualTo("MERGE_PRICE");
        assertThat(run.get("error_code").asText()).isEqualTo("validation_errors");
        assertThat(run.get("error_message").asText()).isEqualTo("validation errors");
        assertThat(run.get("rows_processed").asInt()).isEqualTo(2);
        String key = run.get("run_id").asText() + "/tenants/" + t + "/reports/errors.json";
        assertThat(run.get("errors_artifact_key").asText()).isEqualTo(key);
        JsonNode errors = json(key);
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).toString()).isEqualTo("{\"error_code\":\"validation_errors\",\"error_message\":\"validation errors\"}");
        assertThat(errors.get(1).get("row_number").asInt()).isEqualTo(3);
        assertThat(run.get("artifacts").has("normalized_vendor-a")).isTrue();
        assertThat(run.get("artifacts").has("merged_inventory")).isFalse();
        assertThat(item("lock#" + t)).isEmpty();
    }

    @Test
    void missingColumnsFailInNormalize() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #3
        String t = tenantWith("cols", "{\"max_invalid_rows\": 1, \"max_invalid_row_pct\": 0.5}", Vendor.of("vendor-a"));
        JsonNode run = runToEnd(t, "feed.csv", utf8("sku,price\nSKU1,5.00\n"));
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("failed_stage").asText()).isEqualTo("NORMALIZE");
        assertThat(run.get("error_code").asText()).isEqualTo("missing_required_columns");
        assertThat(run.get("error_message").asText()).isEqualTo("missing columns: quantity_available");
        assertThat(errors(run).toString()).isEqualTo("[{\"error_code\":\"missing_required_columns\","
                + "\"error_message\":\"missing columns: quantity_available\",\"vendor_id\":\"vendor-a\"}]");
        assertThat(artifacts(run.get("artifacts"))).containsOnlyKeys("config_snapshot", "inbound_vendor-a",
                "input_manifest", "errors");
    }

    @Test
    void requiredVendorMissingFailsInFetchInputsWithTheManifestWritten() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #4
        String t = tenantWith("req", null, Vendor.of("vendor-a"));
        JsonNode run = runToEnd(t, null, null);
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("failed_stage").asText()).isEqualTo("FETCH_INPUTS");
        assertThat(run.get("error_code").asText()).isEqualTo("REQUIRED_VENDOR_MISSING");
        assertThat(run.get("error_message").asText()).isEqualTo(
                "required vendor inbound missing: vendor-a (expected prefix tenants/" + t + "/inbound/vendor-a/)");
        assertThat(run.get("artifacts").has("input_manifest")).isTrue();
        JsonNode manifest = json(run.get("artifacts").get("input_manifest").asText());
        assertThat(manifest.get("vendors").get("vendor-a").get("status").asText()).isEqualTo("missing");
        assertThat(manifest.get("vendors").get("vendor-a").get("reason").asText()).isEqualTo("no_objects_found");
        assertThat(errors(run).get(0).get("error_code").asText()).isEqualTo("REQUIRED_VENDOR_MISSING");
    }

    @Test
    void optionalVendorMissingSucceedsWithAHeaderOnlyFile() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #5
        String t = tenantWith("opt", null, new Vendor("vendor-a", false, null));
        JsonNode run = runToEnd(t, null, null);
        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("rows_processed").asInt()).isZero();
        assertThat(text(run.get("artifacts").get("merged_inventory").asText())).isEqualTo("sku,quantity_available,price\n");
        assertThat(json(run.get("artifacts").get("run_summary").asText()).get("warnings").toString())
                .isEqualTo("[\"optional_vendor_missing:vendor-a\"]");
        assertThat(json(run.get("artifacts").get("errors").asText()).get(0).get("error_code").asText())
                .isEqualTo("OPTIONAL_VENDOR_MISSING");
    }

    @Test
    void anUploadedFeedOlderThanMaxAgeHoursFailsTheRequiredVendorAsStale() throws InterruptedException {
        // docs/CONTRACT.md#stale-vendor-files: the uploaded object's S3 LastModified against the run's now
        String tenant = uniqueTenant("stale");
        String config = s3Config(tenant, null, SKU_QTY_PRICE, Vendor.of("vendor-a")).replace("\"parser\": {\"format\": \"csv\"}",
                "\"parser\": {\"format\": \"csv\"}, \"max_age_hours\": 0.0003, \"stale_policy\": \"fail\"");
        assertThat(post("/v1/tenants", DEV, config).status()).isEqualTo(201);
        upload(tenant, "vendor-a", "feed.csv", utf8("sku,quantity_available,price\nSKU1,1,5.00\n"));
        Thread.sleep(2000); // 0.0003 h is 1.08 s: the file is older than that from here on

        JsonNode run = awaitTerminal(startRun(tenant));

        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("failed_stage").asText()).isEqualTo("FETCH_INPUTS");
        assertThat(run.get("error_code").asText()).isEqualTo("VENDOR_FILE_STALE");
        assertThat(run.get("error_message").asText()).startsWith("required vendor inbound stale: vendor-a (file last modified ")
                .endsWith(" hours old, over max_age_hours 0.0003)");
        JsonNode manifest = json(run.get("artifacts").get("input_manifest").asText()).get("vendors").get("vendor-a");
        assertThat(manifest.get("status").asText()).isEqualTo("missing");
        assertThat(manifest.get("reason").asText()).isEqualTo("VENDOR_FILE_STALE");
        assertThat(manifest.get("s3_key").asText()).isEqualTo("tenants/" + tenant + "/inbound/vendor-a/feed.csv");
    }

    @Test
    void undecodableBytesUnterminatedQuotesAndEmptyFeedsFail() {
        String decode = tenantWith("dec", null, Vendor.of("vendor-a"));
        JsonNode run = runToEnd(decode, "feed.csv", new byte[] {'s', 'k', 'u', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThat(run.get("error_code").asText()).isEqualTo("DECODE_ERROR");
        assertThat(run.get("failed_stage").asText()).isEqualTo("NORMALIZE");
        assertThat(run.get("error_message").asText()).startsWith("decode error for vendor vendor-a: ");
        assertThat(errors(run).get(0).get("vendor_id").asText()).isEqualTo("vendor-a");

        String quote = tenantWith("quo", null, Vendor.of("vendor-a"));
        run = runToEnd(quote, "feed.csv", utf8("sku,quantity_available,price\n\"SKU1,10,5.00\n"));
        assertThat(run.get("error_code").asText()).isEqualTo("CSV_PARSE_ERROR");
        assertThat(run.get("error_message").asText())
                .isEqualTo("csv parse error for vendor vendor-a: unterminated quoted field starting in row 2");

        String empty = tenantWith("nor", null, Vendor.of("vendor-a"));
        run = runToEnd(empty, "feed.csv", utf8("sku,quantity_available,price\n"));
        assertThat(run.get("error_code").asText()).isEqualTo("no_rows_parsed");
        assertThat(run.get("failed_stage").asText()).isEqualTo("MERGE_PRICE");
        assertThat(errors(run).toString()).isEqualTo("[{\"error_code\":\"no_rows_parsed\",\"error_message\":\"no rows parsed\"}]");
    }

    @Test
    void missingOrUnusableConfigVersionsFailInFetchInputs() {
        String t = tenantWith("cfg", null, Vendor.of("vendor-a"));
        // a run pinned to a version that does not exist (created through the same path as the API)
        RunCreator.Result created = runCreator.create(new RunCreator.Request(t, 99, "api", "key:dev", UUID.randomUUID().toString()),
                Instant.now());
        String runId = ((RunCreator.Created) created).run().get("run_id").s();
        JsonNode run = awaitTerminal(runId);
        assertThat(run.get("error_code").asText()).isEqualTo("missing_tenant_config");
        assertThat(run.get("error_message").asText()).isEqualTo("missing tenant config");
        assertThat(run.get("failed_stage").asText()).isEqualTo("FETCH_INPUTS");
        assertThat(artifacts(run.get("artifacts"))).containsOnlyKeys("errors");
        assertThat(errors(run).toString()).isEqualTo("[{\"error_code\":\"missing_tenant_config\",\"error_message\":\"missing tenant config\"}]");

        // versions edited by hand in the table: another schema version, then an invalid document
        handWrittenVersion(t, 2, "{\"schema_version\": 2, \"tenant_id\": \"" + t + "\"}");
        run = awaitTerminal(startRun(t));
        assertThat(run.get("error_code").asText()).isEqualTo("unsupported_schema_version");
        assertThat(run.get("error_message").asText()).isEqualTo("unsupported schema_version 2");

        handWrittenVersion(t, 3, s3Config(t, null, SKU_QTY_PRICE, Vendor.of("vendor-a")).replace("\"timezone\": \"UTC\"",
                "\"timezone\": \"Mars/Olympus\""));
        run = awaitTerminal(startRun(t));
        assertThat(run.get("error_code").asText()).isEqualTo("invalid_input");
        assertThat(run.get("error_message").asText()).startsWith("invalid tenant config: timezone: ");
    }

    @Test
    void theWorkerLoadsThePinnedVersionNotTheLatest() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #8
        String t = tenantWith("pin", null, Vendor.of("vendor-a"));
        upload(t, "vendor-a", "feed.csv", "sku,quantity_available,price\nSKU1,10,5.00\n");
        // the attempt start is held for 2 s, so version 2 exists before the worker loads a config
        faults.pauseAfter(r -> r instanceof UpdateItemRequest u && u.expressionAttributeValues().containsKey(":rc"), 2000);
        String runId = startRun(t);
        assertThat(put("/v1/tenants/" + t + "/config", DEV, s3Config(t, null, SKU_QTY_PRICE, Vendor.of("vendor-a"))
                .replace("\"USD\"", "\"EUR\"")).status()).isEqualTo(200);
        JsonNode run = awaitTerminal(runId);
        assertThat(run.get("config_version").asInt()).isEqualTo(1);
        JsonNode snapshot = json(run.get("artifacts").get("config_snapshot").asText());
        assertThat(snapshot.get("config_version").asInt()).isEqualTo(1);
        assertThat(snapshot.get("tenant_config").get("default_currency").asText()).isEqualTo("USD");
        assertThat(get("/v1/tenants/" + t, DEV).json().get("config_version").asInt()).isEqualTo(2);
    }

    @Test
    void badBodiesAndUnknownRunsAreLeftForTheDlqAndTheWorkerCarriesOn() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #11, #12
        double bad = counter("WorkerError", "ErrorType", "bad_message");
        String unknownRun = UUID.randomUUID().toString();
        sqs.sendMessage(b -> b.queueUrl(resources.jobsQueueUrl()).messageBody("not json"));
        sqs.sendMessage(b -> b.queueUrl(resources.jobsQueueUrl()).messageBody("{\"run_id\": \"" + unknownRun
                + "\", \"tenant_id\": \"nobody\", \"config_version\": 1}"));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (counter("WorkerError", "ErrorType", "bad_message") < bad + 2 && System.nanoTime() < deadline) sleep(50);
        assertThat(counter("WorkerError", "ErrorType", "bad_message")).isGreaterThanOrEqualTo(bad + 2);
        assertThat(item(unknownRun)).isEmpty();
        // not deleted: both are in flight (invisible), waiting for their next receive and the redrive
        String inFlight = sqs.getQueueAttributes(b -> b.queueUrl(resources.jobsQueueUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
        assertThat(Integer.parseInt(inFlight)).isGreaterThanOrEqualTo(2);
        // the worker still runs jobs
        String t = tenantWith("after", null, Vendor.of("vendor-a"));
        assertThat(runToEnd(t, "feed.csv", utf8("sku,quantity_available,price\nSKU1,10,5.00\n")).get("status").asText())
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void aRedeliveredJobOfASucceededRunIsDeletedWithoutAWrite() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #13
        String t = tenantWith("redel", null, Vendor.of("vendor-a"));
        JsonNode run = runToEnd(t, "feed.csv", utf8("sku,quantity_available,price\nSKU1,10,5.00\n"));
        String runId = run.get("run_id").asText();
        String updatedAt = item(runId).get("updated_at").s();
        String probe = UUID.randomUUID().toString();
        sqs.sendMessage(b -> b.queueUrl(resources.jobsQueueUrl()).messageBody("{\"run_id\": \"" + runId
                + "\", \"tenant_id\": \"" + t + "\", \"config_version\": 1, \"probe\": \"" + probe + "\"}"));
        // the worker received this copy and deleted it with the receipt handle it was given
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String receipt = null;
        boolean deleted = false;
        while (System.nanoTime() < deadline && !deleted) {
            for (FaultInjector.Call c : faults.calls()) {
                if (c.response() instanceof ReceiveMessageResponse r) {
                    for (Message m : r.messages()) if (m.body().contains(probe)) receipt = m.receiptHandle();
                }
                if (receipt != null && c.request() instanceof DeleteMessageRequest d && receipt.equals(d.receiptHandle())) {
                    deleted = true;
                }
            }
            sleep(50);
        }
        assertThat(deleted).as("copy of a SUCCEEDED run's job deleted").isTrue();
        assertThat(item(runId).get("updated_at").s()).isEqualTo(updatedAt);
    }

    @Test
    void aSecondCopyOfAJobIsIgnoredWhileTheFirstAttemptHoldsItsLease() {
        // docs/CONTRACT.md#run-lifecycle-scenarios #16
        String t = tenantWith("dup", null, Vendor.of("vendor-a"));
        upload(t, "vendor-a", "feed.csv", "sku,quantity_available,price\nSKU1,10,5.00\n");
        faults.pauseAfter(r -> r instanceof UpdateItemRequest u && u.expressionAttributeValues().containsKey(":stage")
                && "NORMALIZE".equals(u.expressionAttributeValues().get(":stage").s()), 3000);
        String runId = startRun(t);
        awaitRun(runId, r -> r.get("stage").asText().equals("NORMALIZE"), Duration.ofSeconds(20));
        sqs.sendMessage(b -> b.queueUrl(resources.jobsQueueUrl()).messageBody("{\"run_id\": \"" + runId
                + "\", \"tenant_id\": \"" + t + "\", \"config_version\": 1}"));
        JsonNode run = awaitTerminal(runId);
        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("attempts").asInt()).isEqualTo(1);
        assertThat(run.get("last_error").isNull()).isTrue();
    }
}
