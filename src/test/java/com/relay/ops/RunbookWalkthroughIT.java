package com.relay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.ApiTestSupport;
import com.relay.api.Json;
import com.relay.aws.AwsEndpoints;
import com.relay.aws.AwsRuntime;
import com.relay.aws.ProvisionedResources;
import com.relay.cli.DlqCommand;
import com.relay.cli.LocalRunCommand;
import com.relay.worker.FaultInjector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * docs/RUNBOOK.md executed: the README quick start and the runbook's procedures, on the embedded
 * default through the API, with the worker on and the small timings of {@code WorkerTestSupport}
 * (so retries, poison and the DLQ take seconds). Each test method is one section of the runbook;
 * every command the runbook shows is a request, a {@code relay local-run} or a {@code relay dlq}
 * invocation made here. {@code relay dlq} gets this context's emulator endpoints through
 * {@code AWS_ENDPOINT_URL_*}, as {@code DlqCommandIT} does.
 */
@ExtendWith(OutputCaptureExtension.class)
@AutoConfigureObservability(tracing = false) // keeps /actuator/prometheus, which tests otherwise switch off
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0",
        "WORKER_ENABLED=true", "WORKER_MAX_CONCURRENCY=2", "WORKER_RECEIVE_WAIT_SECONDS=1",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS=15", "WORKER_VISIBILITY_HEARTBEAT_SECONDS=4",
        "WORKER_RETRY_BACKOFF_SECONDS=1", "WORKER_RETRY_BACKOFF_MAX_SECONDS=2", "WORKER_HEARTBEAT_INTERVAL_SECONDS=1",
        "WORKER_RECEIVE_ERROR_BACKOFF_SECONDS=1", "SCHEDULER_ENABLED=false"})
@Import(RunbookWalkthroughIT.Faults.class)
class RunbookWalkthroughIT extends ApiTestSupport {

    @TestConfiguration(proxyBeanMethods = false)
    static class Faults {
        @Bean
        FaultInjector faultInjector() {
            return new FaultInjector();
        }
    }

    @Autowired FaultInjector faults;
    @Autowired SqsClient sqs;
    @Autowired ProvisionedResources resources;
    @Autowired AwsRuntime aws;
    @LocalManagementPort int managementPort;
    @TempDir Path tmp;

    static final String GOOD_FEED = "sku,quantity_available,price\nSKU1,10,5.00\nSKU2,3,7.50\n";

    @AfterEach
    void clearFaults() {
        faults.clear();
    }

    // ------------------------------------------------------------------ README quick start, "Where to look first"

    @Test
    void quickStartOnboardUploadRunReadArtifactsAndFollowTheCorrelationId(CapturedOutput output) throws Exception {
        // curl -s $B/health ; curl -s "$B/health?deep=true"
        Reply health = get("/v1/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("ok");
        assertThat(get("/v1/health?deep=true", null).status()).isEqualTo(200);

        // onboard: POST /v1/tenants, then PUT the vendor's feed
        String tenant = uniqueTenant("acme");
        Reply created = post("/v1/tenants", DEV, tenantConfig(tenant, null, null));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.json().get("config_version").asInt()).isEqualTo(1);
        upload(tenant, "feed.csv", GOOD_FEED.getBytes(StandardCharsets.UTF_8));

        // run with our own correlation id: X-Correlation-Id
        String correlationId = "rb-" + UUID.randomUUID().toString().substring(0, 8);
        Reply queued = send(request("/v1/runs").header("X-API-Key", DEV).header("Content-Type", "application/json")
                .header("X-Correlation-Id", correlationId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant_id\": \"" + tenant + "\"}")));
        assertThat(queued.status()).as(queued.raw().body()).isEqualTo(202);
        assertThat(queued.header("X-Correlation-Id")).isEqualTo(correlationId);
        assertThat(queued.json().get("status").asText()).isEqualTo("QUEUED");
        String runId = queued.json().get("run_id").asText();

        // GET /v1/runs/{id}: the first place to look
        JsonNode run = awaitTerminal(runId);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("stage").asText()).isEqualTo("COMPLETE");
        assertThat(run.get("correlation_id").asText()).isEqualTo(correlationId);
        assertThat(run.get("rows_processed").asInt()).isEqualTo(2);
        assertThat(run.get("attempts").asInt()).isEqualTo(1);
        assertThat(run.get("error_code").isNull()).isTrue();
        assertThat(run.get("notification_status").asText()).isEqualTo("NONE");

        // GET /v1/runs?tenant_id=…  (newest first)
        Reply list = get("/v1/runs?tenant_id=" + tenant + "&limit=20", DEV);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("data").get(0).get("run_id").asText()).isEqualTo(runId);

        // GET /v1/runs/{id}/artifacts, then fetch a presigned URL over plain HTTP (no key needed)
        JsonNode artifacts = artifacts(runId);
        assertThat(names(artifacts)).contains("config_snapshot", "inbound_vendor-a", "input_manifest",
                "normalized_vendor-a", "explain_index", "merged_inventory", "feed_state", "delta", "diff", "run_summary");
        String merged = fetch(artifacts.get("merged_inventory").get("url").asText());
        assertThat(merged).startsWith("sku,quantity_available,price\nSKU1,10,");
        JsonNode summary = Json.tree(fetch(artifacts.get("run_summary").get("url").asText()));
        assertThat(summary.get("record_count").asInt()).isEqualTo(2);

        // logs: every line of this run carries the correlation id (grep '"correlation_id":"<id>"')
        List<String> events = awaitEvents(output, correlationId, List.of("run_created", "run_started", "run_stage",
                "run_succeeded"));
        assertThat(events).contains("run_created", "run_started", "run_stage", "run_succeeded");
        JsonNode succeeded = parsableJsonLines(output).stream().filter(l -> correlationId.equals(l.path("correlation_id").asText())
                && "run_succeeded".equals(l.path("event").asText())).findFirst().orElseThrow();
        assertThat(succeeded.get("run_id").asText()).isEqualTo(runId);
        assertThat(succeeded.get("tenant_id").asText()).isEqualTo(tenant);
        assertThat(output.getOut()).contains("\"correlation_id\":\"" + correlationId + "\"");

        // readiness on the management port (S3, SQS, DynamoDB included)
        assertThat(management("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        // /actuator/prometheus on the management port
        HttpResponse<String> prometheus = management("/actuator/prometheus", null);
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("RunSucceeded", "TenantId=\"" + tenant + "\"", "WorkerHeartbeat",
                "RunFailed");

        // Hawtio on the management port, embedded default credentials
        HttpResponse<String> hawtio = management("/actuator/hawtio/", "admin:relay-dev-hawtio");
        assertThat(hawtio.statusCode()).isEqualTo(200);
        assertThat(management("/actuator/hawtio/", null).statusCode()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ "Error codes": inspect, fix, re-run

    @Test
    void requiredVendorMissingIsFixedByUploadingTheFeed() {
        String tenant = onboard("rvm", null);
        JsonNode failed = awaitTerminal(startRun(tenant));
        inspect(tenant, failed, "FETCH_INPUTS", "REQUIRED_VENDOR_MISSING",
                "required vendor inbound missing: vendor-a (expected prefix tenants/" + tenant + "/inbound/vendor-a/)");
        JsonNode artifacts = artifacts(failed.get("run_id").asText());
        assertThat(names(artifacts)).containsExactlyInAnyOrder("config_snapshot", "input_manifest", "errors");
        JsonNode manifest = Json.tree(fetch(artifacts.get("input_manifest").get("url").asText()));
        assertThat(manifest.get("vendors").get("vendor-a").get("status").asText()).isEqualTo("missing");
        assertThat(manifest.get("vendors").get("vendor-a").get("reason").asText()).isEqualTo("no_objects_found");
        assertThat(manifest.get("vendors").get("vendor-a").get("expected_prefix").asText())
                .isEqualTo("tenants/" + tenant + "/inbound/vendor-a/");
        // GET /v1/runs?tenant_id=<t>&status=FAILED finds it
        Reply failedRuns = get("/v1/runs?tenant_id=" + tenant + "&status=FAILED&limit=20", DEV);
        assertThat(failedRuns.json().get("data").get(0).get("run_id").asText()).isEqualTo(failed.get("run_id").asText());
        // GET /v1/runs?status=FAILED&limit=20 (admin, every tenant): newest first
        Reply allFailed = get("/v1/runs?status=FAILED&limit=20", DEV);
        assertThat(allFailed.status()).isEqualTo(200);
        assertThat(allFailed.json().get("data")).isNotEmpty();
        assertThat(get("/v1/runs?status=QUEUED&limit=20", DEV).status()).isEqualTo(200);
        assertThat(get("/v1/runs?status=RUNNING&limit=20", DEV).status()).isEqualTo(200);

        upload(tenant, "feed.csv", GOOD_FEED.getBytes(StandardCharsets.UTF_8));
        assertSucceeds(tenant, 1);
    }

    @Test
    void missingRequiredColumnsIsFixedWithAColumnMapInANewConfigVersion() throws Exception {
        String tenant = onboard("mrc", null);
        String feed = "sku,qty,price\nSKU1,10,5.00\n";
        upload(tenant, "feed.csv", feed.getBytes(StandardCharsets.UTF_8));
        JsonNode failed = awaitTerminal(startRun(tenant));
        JsonNode first = inspect(tenant, failed, "NORMALIZE", "missing_required_columns",
                "missing columns: quantity_available. `quantity_available` is missing; the file has a similar column `qty`");
        assertThat(first.get("vendor_id").asText()).isEqualTo("vendor-a");

        // reproduce locally with the stored configuration and the run's inbound copy, then validate the fix
        Reply current = get("/v1/tenants/" + tenant, DEV);
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.json().get("config_version").asInt()).isEqualTo(1);
        Path feedFile = write("mrc-feed.csv", fetch(artifacts(failed.get("run_id").asText()).get("inbound_vendor-a").get("url").asText()));
        LocalRun before = localRun(write("mrc-v1.json", tenantConfig(tenant, null, null)), feedFile);
        assertThat(before.exit()).isEqualTo(1);
        assertThat(before.json().get("error_code").asText()).isEqualTo("missing_required_columns");
        String fixed = tenantConfig(tenant, null, "{\"quantity_available\": \"qty\"}");
        LocalRun after = localRun(write("mrc-v2.json", fixed), feedFile);
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(after.json().get("status").asText()).isEqualTo("SUCCEEDED");

        // PUT /v1/tenants/{id}/config → version 2, then a new run
        Reply put = put("/v1/tenants/" + tenant + "/config", DEV, fixed);
        assertThat(put.status()).as(put.raw().body()).isEqualTo(200);
        assertThat(put.json().get("config_version").asInt()).isEqualTo(2);
        Reply versions = get("/v1/tenants/" + tenant + "/versions", DEV);
        assertThat(versions.status()).isEqualTo(200);
        assertThat(versions.json().get("data").get(0).get("config_version").asInt()).isEqualTo(2);
        // an earlier version: GET /v1/tenants/{id}?config_version=1
        Reply v1 = get("/v1/tenants/" + tenant + "?config_version=1", DEV);
        assertThat(v1.status()).isEqualTo(200);
        assertThat(v1.json().get("config_version").asInt()).isEqualTo(1);
        assertSucceeds(tenant, 2);
    }

    @Test
    void validationErrorsAreFixedByUploadingACorrectedFeed() throws Exception {
        String tenant = onboard("val", null);
        String bad = "sku,quantity_available,price\nSKU1,10,5.00\nSKU2,not-a-number,4.00\n";
        upload(tenant, "feed.csv", bad.getBytes(StandardCharsets.UTF_8));
        JsonNode failed = awaitTerminal(startRun(tenant));
        inspect(tenant, failed, "MERGE_PRICE", "validation_errors", "validation errors");
        JsonNode errors = errors(failed);
        assertThat(errors).hasSize(2);
        assertThat(errors.get(1).get("vendor_id").asText()).isEqualTo("vendor-a");
        assertThat(errors.get(1).get("row_number").asInt()).isEqualTo(3);
        assertThat(errors.get(1).get("reason").asText()).isEqualTo("invalid int: not-a-number");
        assertThat(names(artifacts(failed.get("run_id").asText()))).contains("normalized_vendor-a")
                .doesNotContain("merged_inventory");

        // validate the corrected feed with relay local-run before uploading it
        Path config = write("val.json", tenantConfig(tenant, null, null));
        LocalRun stillBad = localRun(config, write("val-bad.csv", bad));
        assertThat(stillBad.exit()).isEqualTo(1);
        assertThat(stillBad.json().get("error_code").asText()).isEqualTo("validation_errors");
        Path corrected = write("val-good.csv", GOOD_FEED);
        assertThat(localRun(config, corrected).exit()).isZero();

        upload(tenant, "feed.csv", Files.readAllBytes(corrected));
        assertSucceeds(tenant, 1);
    }

    @Test
    void aDecodeErrorIsFixedByUploadingTheFeedInTheConfiguredEncoding() throws Exception {
        String tenant = onboard("dec", null);
        // "Café" in Latin-1: 0xE9 is not UTF-8
        byte[] latin1 = "sku,quantity_available,price\nCAF\u00c9-1,10,5.00\n".getBytes(StandardCharsets.ISO_8859_1);
        upload(tenant, "feed.csv", latin1);
        JsonNode failed = awaitTerminal(startRun(tenant));
        JsonNode first = inspect(tenant, failed, "NORMALIZE", "DECODE_ERROR", null);
        assertThat(failed.get("error_message").asText()).startsWith("decode error for vendor vendor-a: ");
        assertThat(first.get("vendor_id").asText()).isEqualTo("vendor-a");

        LocalRun local = localRun(write("dec.json", tenantConfig(tenant, null, null)), write("dec.csv", latin1));
        assertThat(local.exit()).isEqualTo(1);
        assertThat(local.json().get("error_code").asText()).isEqualTo("DECODE_ERROR");

        upload(tenant, "feed.csv", new String(latin1, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8));
        JsonNode ok = assertSucceeds(tenant, 1);
        assertThat(fetch(artifacts(ok.get("run_id").asText()).get("merged_inventory").get("url").asText()))
                .contains("CAF\u00c9-1");
    }

    @Test
    void queueUnavailableIsA503WithAFailedRunAndANewPostOnceTheQueueIsBack() {
        String tenant = onboard("queue", null);
        upload(tenant, "feed.csv", GOOD_FEED.getBytes(StandardCharsets.UTF_8));
        faults.fail(r -> r instanceof SendMessageRequest s && resources.jobsQueueUrl().equals(s.queueUrl()), 1,
                () -> (RuntimeException) SqsException.builder().statusCode(500).message("Internal (injected)").build());
        Reply refused = post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\"}");
        assertThat(refused.status()).as(refused.raw().body()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("QUEUE_UNAVAILABLE");
        assertThat(refused.header("Retry-After")).isEqualTo("5");
        String runId = refused.json().get("run_id").asText();
        JsonNode failed = getRun(runId);
        inspect(tenant, failed, "QUEUE", "QUEUE_UNAVAILABLE", "job queue unavailable");
        assertSucceeds(tenant, 1); // the lock was released: a new POST is accepted
    }

    // ------------------------------------------------------------------ "DLQ inspection and replay"

    @Test
    void aPoisonedJobIsFoundWithDlqPeekAndRedrivenAsANewRunThatSucceeds() {
        String tenant = onboard("poison", null);
        upload(tenant, "feed.csv", GOOD_FEED.getBytes(StandardCharsets.UTF_8));
        // every attempt fails retryably at NORMALIZE (as RunWorkerIT's poison test): poisoned on the third receive
        faults.fail(r -> r instanceof PutObjectRequest p && p.key().contains("/tenants/" + tenant + "/normalized/"), -1,
                () -> (RuntimeException) S3Exception.builder().statusCode(500).message("Internal (injected)").build());
        String runId = startRun(tenant);
        JsonNode retrying = awaitRun(runId, r -> !r.get("last_error").isNull(), Duration.ofSeconds(30));
        assertThat(retrying.get("status").asText()).isEqualTo("RUNNING");
        assertThat(retrying.get("last_error").asText()).contains("Internal (injected)");
        JsonNode poisoned = awaitTerminal(runId);
        inspect(tenant, poisoned, "NORMALIZE", "POISON_JOB", "Job moved to DLQ after repeated failures");
        assertThat(poisoned.get("attempts").asInt()).isEqualTo(2);
        assertThat(errors(poisoned)).hasSize(1);
        awaitVisible(resources.jobsDlqUrl(), n -> n >= 1, Duration.ofSeconds(90));

        // relay dlq peek
        Dlq peek = dlq("peek");
        assertThat(peek.exit()).as(peek.err()).isZero();
        assertThat(peek.lineWith("run_id=" + runId)).contains("tenant_id=" + tenant, "status=FAILED", "error_code=POISON_JOB");
        // relay dlq peek --json --max 1
        Dlq json = dlq("peek", "--json", "--max", "1");
        assertThat(Json.tree(json.lines().get(0)).get("run_id").asText()).isEqualTo(runId);

        // the cause is fixed (here: the injected S3 fault stops), then relay dlq redrive --run-id <run_id>
        faults.clear();
        Dlq redrive = dlq("redrive", "--run-id", runId);
        assertThat(redrive.exit()).as(redrive.err() + redrive.lines()).isZero();
        String line = redrive.lineWith("run_id=" + runId);
        assertThat(line).contains("result=redriven");
        String newRunId = Arrays.stream(line.split(" ")).filter(p -> p.startsWith("new_run_id="))
                .map(p -> p.substring("new_run_id=".length())).findFirst().orElseThrow();
        JsonNode replayed = awaitTerminal(newRunId);
        assertThat(replayed.get("status").asText()).as(replayed.toString()).isEqualTo("SUCCEEDED");
        assertThat(replayed.get("created_by").asText()).isEqualTo("api");
        assertThat(replayed.get("requested_by").asText()).isEqualTo("operator");
        assertThat(replayed.get("correlation_id").asText()).isNotEqualTo(poisoned.get("correlation_id").asText());
        assertThat(getRun(runId).get("error_code").asText()).isEqualTo("POISON_JOB"); // the old run stays as it was
        awaitVisible(resources.jobsDlqUrl(), n -> n == 0, Duration.ofSeconds(5));
        // nothing left: peek exits 3; the notifications DLQ is looked at the same way
        assertThat(dlq("peek").exit()).isEqualTo(3);
        Dlq notifications = dlq("peek", "--queue", "notifications");
        assertThat(notifications.exit()).as(notifications.err()).isEqualTo(3);
        assertThat(notifications.lines()).contains("0 message(s) shown (the DLQ is empty)");
    }

    // ------------------------------------------------------------------ "ntfy down or circuit open"

    @Test
    void anUnreachableNtfyServerLeavesTheRunSucceededAndTheNotificationWaitingNotDropped() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: connections are refused
        }
        String tenant = onboard("ntfy", ", \"notifications\": {\"ntfy\": {\"url\": \"http://127.0.0.1:" + deadPort
                + "\", \"topic\": \"relay-runbook\"}}");
        upload(tenant, "feed.csv", GOOD_FEED.getBytes(StandardCharsets.UTF_8));
        JsonNode run = awaitTerminal(startRun(tenant));
        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("notification_status").asText()).isEqualTo("PENDING");
        String notificationId = run.get("notification_id").asText();

        // GET /v1/notifications?run_id=<run_id>
        Reply byRun = get("/v1/notifications?run_id=" + run.get("run_id").asText(), DEV);
        assertThat(byRun.status()).isEqualTo(200);
        assertThat(byRun.json().get("data").get(0).get("notification_id").asText()).isEqualTo(notificationId);
        // GET /v1/notifications/<id>: attempts recorded with last_error, never failed while retries remain
        JsonNode n = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            n = get("/v1/notifications/" + notificationId, DEV).json();
            if (n.get("attempts").asInt() >= 1 && !n.get("last_error").isNull()) break;
            sleep(100);
        }
        assertThat(n.get("attempts").asInt()).as(n.toString()).isGreaterThanOrEqualTo(1);
        assertThat(n.get("last_error").isNull()).as(n.toString()).isFalse();
        assertThat(n.get("status").asText()).isIn("queued", "processing");
        assertThat(n.get("server_url").asText()).isEqualTo("http://127.0.0.1:" + deadPort);
        assertThat(n.get("correlation_id").asText()).isEqualTo(run.get("correlation_id").asText());
        // GET /v1/notifications?tenant_id=<t>&status=failed: nothing was given up on
        Reply failed = get("/v1/notifications?tenant_id=" + tenant + "&status=failed", DEV);
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.json().get("data")).isEmpty();
        // the run's own outcome is not changed by the notification
        assertThat(getRun(run.get("run_id").asText()).get("status").asText()).isEqualTo("SUCCEEDED");
    }

    // ------------------------------------------------------------------ helpers

    /** The runbook's inspection: run record fields, then errors.json (first entry = the failure) via the artifacts URL. */
    private JsonNode inspect(String tenant, JsonNode run, String stage, String code, String message) {
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("failed_stage").asText()).as(run.toString()).isEqualTo(stage);
        assertThat(run.get("error_code").asText()).isEqualTo(code);
        if (message != null) assertThat(run.get("error_message").asText()).isEqualTo(message);
        assertThat(run.get("finished_at").isNull()).isFalse();
        String runId = run.get("run_id").asText();
        assertThat(run.get("errors_artifact_key").asText()).isEqualTo(runId + "/tenants/" + tenant + "/reports/errors.json");
        JsonNode first = errors(run).get(0);
        assertThat(first.get("error_code").asText()).isEqualTo(code);
        assertThat(first.get("error_message").asText()).isEqualTo(run.get("error_message").asText());
        // the lock is released with the terminal write: GET /v1/runs?tenant_id=<t>&status=RUNNING is empty
        assertThat(get("/v1/runs?tenant_id=" + tenant + "&status=RUNNING", DEV).json().get("data")).isEmpty();
        return first;
    }

    private JsonNode errors(JsonNode run) {
        return Json.tree(fetch(artifacts(run.get("run_id").asText()).get("errors").get("url").asText()));
    }

    private JsonNode assertSucceeds(String tenant, int configVersion) {
        JsonNode run = awaitTerminal(startRun(tenant));
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("config_version").asInt()).isEqualTo(configVersion);
        assertThat(run.get("error_code").isNull()).isTrue();
        return run;
    }

    /** A one-vendor S3 tenant; {@code extra} is appended to the top-level object, {@code columnMap} goes into the parser. */
    static String tenantConfig(String tenant, String extra, String columnMap) {
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [{"vendor_id": "vendor-a", "required": true,
                              "inbound": {"type": "s3", "s3_prefix": "tenants/%s/inbound/vendor-a/"},
                              "parser": {"format": "csv"%s}}],
                 "pricing": {"base_margin_pct": 0.1, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {"increment": 0.01}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku", "quantity_available", "price"]}%s}
                """.formatted(tenant, tenant, columnMap == null ? "" : ", \"column_map\": " + columnMap,
                extra == null ? "" : extra);
    }

    private String onboard(String base, String extra) {
        String tenant = uniqueTenant(base);
        Reply r = post("/v1/tenants", DEV, tenantConfig(tenant, extra, null));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return tenant;
    }

    private void upload(String tenant, String filename, byte[] bytes) {
        Reply r = send(request("/v1/tenants/" + tenant + "/vendors/vendor-a/inbound/" + filename)
                .header("X-API-Key", DEV).header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
    }

    private String startRun(String tenant) {
        Reply r = post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\"}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
        return r.json().get("run_id").asText();
    }

    private JsonNode getRun(String runId) {
        Reply r = get("/v1/runs/" + runId, DEV);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    private JsonNode awaitRun(String runId, Predicate<JsonNode> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = getRun(runId);
            if (done.test(last)) return last;
            sleep(50);
        }
        throw new AssertionError("run " + runId + " did not get there in " + timeout + "; last: " + last);
    }

    private JsonNode awaitTerminal(String runId) {
        return awaitRun(runId, r -> r.get("status").asText().matches("SUCCEEDED|FAILED"), Duration.ofSeconds(60));
    }

    private JsonNode artifacts(String runId) {
        Reply r = get("/v1/runs/" + runId + "/artifacts", DEV);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    private static List<String> names(JsonNode artifacts) {
        List<String> names = new ArrayList<>();
        artifacts.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A presigned URL fetched with no credentials, as curl would. */
    private String fetch(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(url).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> management(String path, String basicUserPassword) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).GET();
        if (basicUserPassword != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    basicUserPassword.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Like {@link ApiTestSupport#jsonLines} but skips a line another thread tore (this test reads while the worker logs). */
    private static List<JsonNode> parsableJsonLines(CapturedOutput output) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.getOut().split("\n")) {
            if (!line.startsWith("{")) continue;
            try {
                lines.add(Json.MAPPER.readTree(line));
            } catch (IOException e) {
                // a line another thread interleaved; not ours to judge here
            }
        }
        return lines;
    }

    private static List<String> awaitEvents(CapturedOutput output, String correlationId, List<String> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> events = List.of();
        while (System.nanoTime() < deadline) {
            events = parsableJsonLines(output).stream().filter(l -> correlationId.equals(l.path("correlation_id").asText()))
                    .map(l -> l.path("event").asText()).toList();
            if (events.containsAll(wanted)) break;
            sleep(100);
        }
        return events;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private record LocalRun(int exit, String out, String err) {
        JsonNode json() {
            return Json.tree(out.lines().reduce((a, b) -> b).orElseThrow());
        }
    }

    /** relay local-run --config <file> --vendor-file vendor-a=<feed> --output-dir <dir> */
    private LocalRun localRun(Path config, Path feed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalRunCommand.run(new String[] {"--config", config.toString(), "--vendor-file", "vendor-a=" + feed,
                        "--output-dir", tmp.resolve("out-" + UUID.randomUUID()).toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new LocalRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Dlq(int exit, List<String> lines, String err) {
        String lineWith(String text) {
            return lines.stream().filter(l -> l.contains(text)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line with " + text + " in " + lines + "; stderr: " + err));
        }
    }

    /** relay dlq …, pointed at this context's emulators. */
    private Dlq dlq(String... args) {
        AwsEndpoints e = aws.clients().endpoints();
        Map<String, String> env = Map.of("RELAY_MODE", "embedded", "AWS_ENDPOINT_URL_SQS", e.sqs().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", e.dynamoDb().toString(), "AWS_ENDPOINT_URL_S3", e.s3().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DlqCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
        return new Dlq(exit, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    private void awaitVisible(String url, Predicate<Integer> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
            if (done.test(last)) return;
            sleep(250);
        }
        throw new AssertionError("queue " + url + " did not get there in " + timeout + "; visible: " + last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
