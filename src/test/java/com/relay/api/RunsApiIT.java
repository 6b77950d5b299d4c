package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.aws.ProvisionedResources;
import com.relay.aws.Provisioner;
import com.relay.config.RelaySettings;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Run endpoints, the tenant lock and the job message (docs/CONTRACT.md#one-active-run-per-tenant to docs/CONTRACT.md#job-message, docs/CONTRACT.md#endpoints, docs/CONTRACT.md#run-lifecycle-scenarios #9 #10 #14 #15, docs/CONTRACT.md#api-and-configuration-scenarios #12 #15–20). */
class RunsApiIT extends ApiTestSupport {

    @Autowired DynamoDbClient dynamoDb;
    @Autowired S3Client s3;
    @Autowired SqsClient sqs;
    @Autowired ProvisionedResources resources;
    @Autowired RelaySettings settings;

    private String runJson(String tenant) { return "{\"tenant_id\": \"" + tenant + "\", \"vendors\": [\"x\"], \"run_type\": \"inventory_sync\"}"; }

    private Map<String, AttributeValue> item(String key) {
        return dynamoDb.getItem(b -> b.tableName(resources.runsTable()).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(key)))).item();
    }

    /** What a worker's terminal write does (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): status terminal, lock deleted. */
    private void finish(String runId, String tenant, Map<String, AttributeValue> artifacts) {
        dynamoDb.updateItem(b -> b.tableName(resources.runsTable()).key(Map.of("run_id", AttributeValue.fromS(runId)))
                .updateExpression("SET #s = :s, artifacts = :a").expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("SUCCEEDED"), ":a", AttributeValue.fromM(artifacts))));
        dynamoDb.deleteItem(b -> b.tableName(resources.runsTable()).key(Map.of("run_id", AttributeValue.fromS("lock#" + tenant))));
    }

    @Test
    void createdRunIsQueuedLockedAndItsJobCarriesTheCorrelationId() {
        String t = createTenant("run");
        Reply r = send(request("/v1/runs").header("X-API-Key", DEV).header("X-Correlation-Id", "c-123")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(runJson(t))));
        assertThat(r.status()).isEqualTo(202);
        JsonNode run = r.json();
        String runId = run.get("run_id").asText();
        assertThat(r.header("Location")).isEqualTo("/v1/runs/" + runId);
        assertThat(r.header("X-Correlation-Id")).isEqualTo("c-123");
        List<String> keys = new ArrayList<>();
        run.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("run_id", "tenant_id", "config_version", "status", "stage", "created_by",
                "requested_by", "correlation_id", "requested_at", "started_at", "finished_at", "duration_ms", "attempts",
                "last_error", "rows_processed", "failed_stage", "error_code", "error_message", "errors_artifact_key",
                "artifacts", "notification_status", "notification_id", "publish_mode", "inputs_from_run", "publish_status",
                "publish_reasons", "first_publication", "feed_stats", "published_at", "published_by", "publish_action",
                "publications");
        assertThat(run.get("status").asText()).isEqualTo("QUEUED");
        assertThat(run.get("stage").asText()).isEqualTo("QUEUE");
        assertThat(run.get("attempts").asInt()).isZero();
        assertThat(run.get("config_version").asInt()).isEqualTo(1);
        assertThat(run.get("created_by").asText()).isEqualTo("api");
        assertThat(run.get("requested_by").asText()).isEqualTo("key:dev");
        assertThat(run.get("correlation_id").asText()).isEqualTo("c-123");
        assertThat(run.get("artifacts").toString()).isEqualTo("{}");
        assertThat(run.get("started_at").isNull()).isTrue();

        assertThat(item("lock#" + t).get("active_run_id").s()).isEqualTo(runId);
        assertThat(item(runId).get("enqueued_at")).isNotNull();
        Reply read = get("/v1/runs/" + runId, DEV);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("requested_at")).isEqualTo(run.get("requested_at"));

        Message job = findJob(runId);
        assertThat(Json.tree(job.body()).toString()).isEqualTo("{\"run_id\":\"" + runId + "\",\"tenant_id\":\"" + t
                + "\",\"config_version\":1,\"correlation_id\":\"c-123\"}");
        assertThat(job.messageAttributes().get("correlation_id").stringValue()).isEqualTo("c-123");
        assertThat(job.messageAttributes().get("run_id").stringValue()).isEqualTo(runId);
        assertThat(job.messageAttributes().get("tenant_id").stringValue()).isEqualTo(t);

        // docs/CONTRACT.md#run-lifecycle-scenarios #9: a second POST is 409 naming the active run; after the terminal write a new POST succeeds
        Reply second = post("/v1/runs", DEV, runJson(t));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.code()).isEqualTo("TENANT_ALREADY_RUNNING");
        assertThat(second.json().get("active_run_id").asText()).isEqualTo(runId);
        finish(runId, t, Map.of());
        assertThat(post("/v1/runs", DEV, runJson(t)).status()).isEqualTo(202);
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

    @Test
    void fiftyConcurrentPostsGiveOneRunAndFortyNineConflictsNamingIt() throws Exception {
        String t = createTenant("race");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Callable<Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) calls.add(() -> post("/v1/runs", DEV, runJson(t)));
            List<Reply> replies = new ArrayList<>();
            for (Future<Reply> f : pool.invokeAll(calls)) replies.add(f.get());
            List<Reply> accepted = replies.stream().filter(r -> r.status() == 202).toList();
            List<Reply> conflicts = replies.stream().filter(r -> r.status() == 409).toList();
            assertThat(accepted).hasSize(1);
            assertThat(conflicts).hasSize(49);
            String runId = accepted.get(0).json().get("run_id").asText();
            Set<String> named = new HashSet<>();
            conflicts.forEach(c -> named.add(c.json().get("active_run_id").asText()));
            assertThat(named).containsExactly(runId);
            finish(runId, t, Map.of());
            assertThat(post("/v1/runs", DEV, runJson(t)).status()).isEqualTo(202);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void staleLockOfAnOrphanedQueuedRunIsTakenOver() {
        String t = createTenant("stale");
        String orphan = UUID.randomUUID().toString();
        String old = Timestamps.format(Instant.now().minusSeconds(61));
        dynamoDb.putItem(b -> b.tableName(resources.runsTable()).item(Map.of("run_id", AttributeValue.fromS(orphan),
                "item_type", AttributeValue.fromS("RUN"), "tenant_id", AttributeValue.fromS(t),
                "config_version", AttributeValue.fromN("1"), "status", AttributeValue.fromS("QUEUED"),
                "stage", AttributeValue.fromS("QUEUE"), "requested_at", AttributeValue.fromS(old),
                "attempts", AttributeValue.fromN("0"), "artifacts", AttributeValue.fromM(Map.of()))));
        dynamoDb.putItem(b -> b.tableName(resources.runsTable()).item(Map.of("run_id", AttributeValue.fromS("lock#" + t),
                "item_type", AttributeValue.fromS("TENANT_LOCK"), "active_run_id", AttributeValue.fromS(orphan),
                "locked_at", AttributeValue.fromS(old))));
        Reply r = post("/v1/runs", DEV, runJson(t));
        assertThat(r.status()).isEqualTo(202);
        Map<String, AttributeValue> failed = item(orphan);
        assertThat(failed.get("status").s()).isEqualTo("FAILED");
        assertThat(failed.get("error_code").s()).isEqualTo("QUEUE_UNAVAILABLE");
        assertThat(item("lock#" + t).get("active_run_id").s()).isEqualTo(r.json().get("run_id").asText());
    }

    @Test
    void failedSendMarksTheRunFailedAndReleasesTheLock() throws Exception {
        String t = createTenant("noqueue");
        sqs.deleteQueue(b -> b.queueUrl(resources.jobsQueueUrl()));
        Reply r;
        try {
            r = post("/v1/runs", DEV, runJson(t));
        } finally {
            new Provisioner(sqs, dynamoDb, s3, settings, false).run(l -> { });
        }
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.code()).isEqualTo("QUEUE_UNAVAILABLE");
        assertThat(r.header("Retry-After")).isEqualTo("5");
        String runId = r.json().get("run_id").asText();
        assertThat(r.json().at("/error/message").asText()).isEqualTo("job queue unavailable; run " + runId + " was marked FAILED");
        JsonNode run = get("/v1/runs/" + runId, DEV).json();
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("stage").asText()).isEqualTo("QUEUE");
        assertThat(run.get("failed_stage").asText()).isEqualTo("QUEUE");
        assertThat(run.get("error_message").asText()).isEqualTo("job queue unavailable");
        String errorsKey = runId + "/tenants/" + t + "/reports/errors.json";
        assertThat(run.get("errors_artifact_key").asText()).isEqualTo(errorsKey);
        assertThat(run.get("artifacts").toString()).isEqualTo("{\"errors\":\"" + errorsKey + "\"}");
        try (InputStream in = s3.getObject(b -> b.bucket(resources.artifactBucket()).key(errorsKey))) {
            assertThat(Json.MAPPER.readTree(in).toString())
                    .isEqualTo("[{\"error_code\":\"QUEUE_UNAVAILABLE\",\"error_message\":\"job queue unavailable\"}]");
        }
        assertThat(item("lock#" + t)).isNullOrEmpty();
        assertThat(post("/v1/runs", DEV, runJson(t)).status()).isEqualTo(202);
    }

    @Test
    void bodyAndTenantChecks() {
        Reply noConfig = post("/v1/runs", DEV, runJson("nobody-run"));
        assertThat(noConfig.status()).isEqualTo(404);
        assertThat(noConfig.code()).isEqualTo("TENANT_NOT_FOUND");
        Reply unknownField = post("/v1/runs", DEV, "{\"tenant_id\": \"a\", \"force\": true}");
        assertThat(unknownField.status()).isEqualTo(422);
        assertThat(unknownField.json().at("/error/details/0/path").asText()).isEqualTo("force");
        for (String bad : List.of("../x", "a/b", "é", "a\\u0001b", "x".repeat(65))) {
            Reply r = post("/v1/runs", DEV, "{\"tenant_id\": \"" + bad + "\"}");
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.json().at("/error/details/0/path").asText()).isEqualTo("tenant_id");
        }
        assertThat(post("/v1/runs", DEV, "{\"tenant_id\": \"a\", \"run_type\": \"full\"}").status()).isEqualTo(422);
        assertThat(get("/v1/runs/not-a-uuid", DEV).code()).isEqualTo("RUN_NOT_FOUND");
        assertThat(get("/v1/runs/" + UUID.randomUUID(), DEV).code()).isEqualTo("RUN_NOT_FOUND");
    }

    @Test
    void listingRulesAndPagination() {
        assertThat(detailPath(get("/v1/runs?tenant_id=a&status=DONE", DEV))).isEqualTo("query.status");
        assertThat(detailPath(get("/v1/runs?tenant_id=a&limit=0", DEV))).isEqualTo("query.limit");
        assertThat(detailPath(get("/v1/runs?tenant_id=a&limit=101", DEV))).isEqualTo("query.limit");
        assertThat(detailPath(get("/v1/runs?tenant_id=a&foo=1", DEV))).isEqualTo("query.foo");
        assertThat(detailPath(get("/v1/runs?tenant_id=a&tenant_id=b", DEV))).isEqualTo("query.tenant_id");
        Reply neither = get("/v1/runs", DEV);
        assertThat(neither.status()).isEqualTo(422);
        assertThat(neither.json().at("/error/details/0/message").asText()).isEqualTo("tenant_id or status is required");
        assertThat(detailPath(get("/v1/runs?tenant_id=a&created_after=2026-11-22T09:00:00%2B01:00&created_before=2026-11-22T08:00:00Z", DEV)))
                .isEqualTo("query.created_before");
        assertThat(detailPath(get("/v1/runs?tenant_id=a&created_after=yesterday", DEV))).isEqualTo("query.created_after");

        String t = createTenant("list");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Reply r = post("/v1/runs", DEV, runJson(t));
            String id = r.json().get("run_id").asText();
            created.add(0, id);
            finish(id, t, Map.of());
        }
        Reply all = get("/v1/runs?tenant_id=" + t, DEV);
        List<String> ids = new ArrayList<>();
        all.json().get("data").forEach(d -> ids.add(d.get("run_id").asText()));
        assertThat(ids).containsExactlyElementsOf(created);
        Reply p1 = get("/v1/runs?tenant_id=" + t + "&limit=2", DEV);
        assertThat(p1.json().get("data")).hasSize(2);
        assertThat(p1.json().at("/pagination/has_more").asBoolean()).isTrue();
        String cursor = p1.json().at("/pagination/cursor").asText();
        Reply p2 = get("/v1/runs?tenant_id=" + t + "&limit=2&cursor=" + cursor, DEV);
        assertThat(p2.json().at("/data/0/run_id").asText()).isEqualTo(created.get(2));
        assertThat(p2.json().at("/pagination/has_more").asBoolean()).isFalse();
        assertThat(detailPath(get("/v1/runs?tenant_id=" + t + "&status=FAILED&cursor=" + cursor, DEV))).isEqualTo("query.cursor");
        assertThat(get("/v1/runs?tenant_id=" + t + "&status=QUEUED", DEV).json().get("data")).isEmpty();
        assertThat(get("/v1/runs?status=SUCCEEDED&limit=100", DEV).json().get("data").size()).isGreaterThanOrEqualTo(3);
        String from = get("/v1/runs/" + created.get(1), DEV).json().get("requested_at").asText();
        Reply since = get("/v1/runs?tenant_id=" + t + "&created_after=" + from, DEV);
        assertThat(since.json().get("data")).hasSize(2);
        Reply before = get("/v1/runs?tenant_id=" + t + "&created_before=" + from, DEV);
        assertThat(before.json().get("data")).hasSize(1);
    }

    private static String detailPath(Reply r) {
        assertThat(r.status()).isEqualTo(422);
        return r.json().at("/error/details/0/path").asText();
    }

    @Test
    void artifactsArePresignedForTheTtl() throws Exception {
        String t = createTenant("art");
        String runId = post("/v1/runs", DEV, runJson(t)).json().get("run_id").asText();
        String key = runId + "/tenants/" + t + "/outputs/merged_inventory.csv";
        // stored with a type a browser would render (an inbound copy keeps its uploader's type)
        s3.putObject(b -> b.bucket(resources.artifactBucket()).key(key).contentType("text/html"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("sku,price\n"));
        finish(runId, t, Map.of("merged_inventory", AttributeValue.fromS(key)));
        Instant before = Instant.now();
        Reply r = get("/v1/runs/" + runId + "/artifacts", DEV);
        assertThat(r.status()).isEqualTo(200);
        JsonNode entry = r.json().get("merged_inventory");
        assertThat(entry.get("key").asText()).isEqualTo(key);
        Instant expires = Instant.parse(entry.get("expires_at").asText());
        assertThat(expires).isBetween(before.plusSeconds(899), Instant.now().plusSeconds(901));
        var download = http.send(HttpRequest.newBuilder(java.net.URI.create(entry.get("url").asText())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(download.body()).isEqualTo("sku,price\n");
        // issue 17 #15: the URL serves the type of the key's extension, never the stored one
        assertThat(download.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(get("/v1/runs/not-a-uuid/artifacts", DEV).code()).isEqualTo("RUN_NOT_FOUND");
    }

    @Test
    void tenantKeysCannotSeeOtherTenantsRuns() {
        String a = createTenant("riso-a");
        String b = createTenant("riso-b");
        String keyA = tenantKey(a);
        String runB = post("/v1/runs", DEV, runJson(b)).json().get("run_id").asText();
        assertThat(get("/v1/runs/" + runB, keyA).code()).isEqualTo("RUN_NOT_FOUND");
        assertThat(get("/v1/runs/" + runB + "/artifacts", keyA).code()).isEqualTo("RUN_NOT_FOUND");
        assertThat(post("/v1/runs", keyA, runJson(b)).code()).isEqualTo("TENANT_NOT_FOUND");
        assertThat(get("/v1/runs?tenant_id=" + b, keyA).code()).isEqualTo("TENANT_NOT_FOUND");
        assertThat(send(request("/v1/tenants/" + b + "/vendors/vendor-a/inbound/f.csv").header("X-API-Key", keyA)
                .PUT(HttpRequest.BodyPublishers.ofString("x"))).code()).isEqualTo("TENANT_NOT_FOUND");
        // own tenant: default tenant_id, status alone is fine
        Reply own = get("/v1/runs?status=QUEUED", keyA);
        assertThat(own.status()).isEqualTo(200);
        own.json().get("data").forEach(d -> assertThat(d.get("tenant_id").asText()).isEqualTo(a));
        assertThat(post("/v1/runs", keyA, runJson(a)).status()).isEqualTo(202);
    }

    @Test
    void inboundUploadStreamsToTheVendorPrefix() throws Exception {
        String t = createTenant("up");
        String path = "/v1/tenants/" + t + "/vendors/vendor-a/inbound/feed.csv";
        Reply small = send(request(path).header("X-API-Key", DEV).header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.ofString("sku,quantity_available,price\nSKU1,10,5.00\n")));
        assertThat(small.status()).isEqualTo(201);
        assertThat(small.json().get("key").asText()).isEqualTo("tenants/" + t + "/inbound/vendor-a/feed.csv");
        assertThat(small.json().get("size").asLong()).isEqualTo("sku,quantity_available,price\nSKU1,10,5.00\n".length());
        assertThat(small.json().get("etag").asText()).startsWith("\"");

        // what `curl --data-binary @feed.csv` sends: a form content type; the body is the file, not a form
        String feed = "sku,quantity_available,price\nSKU2,3,7.00\n";
        Reply curlLike = send(request("/v1/tenants/" + t + "/vendors/vendor-a/inbound/curl.csv").header("X-API-Key", DEV)
                .header("Content-Type", "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString(feed)));
        assertThat(curlLike.status()).as(curlLike.raw().body()).isEqualTo(201);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(resources.artifactBucket()).key("tenants/" + t + "/inbound/vendor-a/curl.csv"))
                .asUtf8String()).isEqualTo(feed);
        assertThat(s3.headObject(b -> b.bucket(resources.artifactBucket()).key("tenants/" + t + "/inbound/vendor-a/curl.csv"))
                .contentType()).isEqualTo("text/csv"); // from the name, whatever the header (issue 17 #15)

        // 64 MiB generated on the fly, known length (streamed straight to S3) and chunked (spooled to a file)
        long size = 64L * 1024 * 1024;
        Reply big = send(request("/v1/tenants/" + t + "/vendors/vendor-a/inbound/big.csv").header("X-API-Key", DEV)
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> generated(size)), size)));
        assertThat(big.status()).isEqualTo(201);
        assertThat(s3.headObject(b -> b.bucket(resources.artifactBucket()).key("tenants/" + t + "/inbound/vendor-a/big.csv"))
                .contentLength()).isEqualTo(size);
        Reply chunked = send(request("/v1/tenants/" + t + "/vendors/vendor-a/inbound/chunked.csv").header("X-API-Key", DEV)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> generated(5_000_000))));
        assertThat(chunked.status()).isEqualTo(201);
        assertThat(chunked.json().get("size").asLong()).isEqualTo(5_000_000);

        assertThat(send(request("/v1/tenants/" + t + "/vendors/vendor-a/inbound/..").header("X-API-Key", DEV)
                .PUT(HttpRequest.BodyPublishers.ofString("x"))).status()).isIn(404, 422);
        assertThat(send(request("/v1/tenants/" + t + "/vendors/vendor-a/inbound/a%2Fb.csv").header("X-API-Key", DEV)
                .PUT(HttpRequest.BodyPublishers.ofString("x"))).status()).isEqualTo(422);
        assertThat(send(request("/v1/tenants/" + t + "/vendors/vendor-a/inbound/.hidden").header("X-API-Key", DEV)
                .PUT(HttpRequest.BodyPublishers.ofString("x"))).status()).isEqualTo(422);
        assertThat(send(request("/v1/tenants/" + t + "/vendors/vendor-a/inbound/empty.csv").header("X-API-Key", DEV)
                .PUT(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(422);
        assertThat(send(request("/v1/tenants/" + t + "/vendors/nobody/inbound/f.csv").header("X-API-Key", DEV)
                .PUT(HttpRequest.BodyPublishers.ofString("x"))).code()).isEqualTo("VENDOR_NOT_FOUND");
    }

    @Test
    void healthAndReadsAnswerWhileManyUploadsAreOpen() throws Exception {
        String t = createTenant("open");
        // more than the 8 threads of Spring's task executor, which platform-http used to run every
        // exchange on: a health check then waited for the uploads to finish
        int uploads = 12;
        byte[] half = "SKU0000001,10,5.00\n".repeat(50).getBytes(StandardCharsets.US_ASCII);
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < uploads; i++) {
                // raw HTTP/1.1: headers and half the body are on the wire, the rest comes later
                Socket socket = new Socket("127.0.0.1", port);
                open.add(socket);
                socket.setSoTimeout(30_000);
                var out = socket.getOutputStream();
                out.write(("PUT /v1/tenants/" + t + "/vendors/vendor-a/inbound/open-" + i + ".csv HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nX-API-Key: " + DEV + "\r\nContent-Type: text/csv\r\n"
                        + "Content-Length: " + 2 * half.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(half);
                out.flush();
            }
            Thread.sleep(500); // let the service pick them all up

            HttpResponse<String> health = http.send(request("/v1/health").timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(get("/v1/tenants/" + t, DEV).status()).isEqualTo(200);

            for (Socket socket : open) {
                socket.getOutputStream().write(half);
                socket.getOutputStream().flush();
            }
            for (Socket socket : open) {
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(status).isEqualTo("HTTP/1.1 201");
            }
            assertThat(s3.headObject(b -> b.bucket(resources.artifactBucket()).key("tenants/" + t + "/inbound/vendor-a/open-0.csv"))
                    .contentLength()).isEqualTo(2L * half.length);
        } finally {
            for (Socket socket : open) socket.close();
        }
    }

    static InputStream generated(long size) {
        byte[] line = "SKU0000001,10,5.00\n".getBytes(StandardCharsets.US_ASCII);
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                if (left <= 0) return -1;
                return line[(int) (size - left--) % line.length];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) return -1;
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) b[off + i] = line[(int) ((size - left + i) % line.length)];
                left -= n;
                return n;
            }
        };
    }
}
