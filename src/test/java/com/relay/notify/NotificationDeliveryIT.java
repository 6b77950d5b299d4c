package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.aws.Provisioner;
import com.relay.config.RelaySettings;
import com.relay.notify.FakeNtfyServer.Answer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Delivery end to end through the real route, queue and tables against a loopback ntfy:
 * success once, the retry sequence and its waits, no retry on 400, exhaustion, timeouts, the
 * sweeper (N3) and the API's QUEUE_UNAVAILABLE terminal write (docs/CONTRACT.md#attempt-outcomes-retry-and-poison step 3).
 */
class NotificationDeliveryIT extends NotifyTestSupport {

    @Autowired SqsClient sqs;
    @Autowired S3Client s3;
    @Autowired RelaySettings settings;

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void deliveredOnceWithExactlyTheSpecifiedRequest() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer().then(Answer.ok("sPs71M8A2T"))) {
            String tenant = createTenant("ok", ntfy.url());
            Map<String, AttributeValue> record = failedRun(tenant, "FAILED");
            String id = record.get("notification_id").s();
            awaitStatus(id, "completed", WAIT);
            Thread.sleep(1500); // a duplicate delivery would show up here
            assertThat(ntfy.received).hasSize(1);
            FakeNtfyServer.Received r = ntfy.received.get(0);
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/acme-parts-relay");
            Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            names.addAll(r.headers().keySet());
            assertThat(names).containsExactlyInAnyOrderElementsOf(
                    new TreeSet<>(List.of("Content-type", "User-agent", "Title", "Priority", "Tags", "Click", "Host", "Content-length")));
            assertThat(r.headers().get("Content-Type")).containsExactly("text/plain; charset=utf-8");
            assertThat(r.headers().get("User-Agent").get(0)).startsWith("relay-inventory/");
            assertThat(r.headers().get("Title")).containsExactly("[test] Relay run FAILED: " + tenant + " (validation_errors)");
            assertThat(r.headers().get("Priority")).containsExactly("4");
            assertThat(r.headers().get("Tags")).containsExactly("x,relay,test");
            String runId = record.get("run_id").s();
            assertThat(r.headers().get("Click")).containsExactly("https://console.example.com/runs/" + runId);
            assertThat(r.body()).startsWith("Run FAILED for tenant " + tenant + "\nrun_id: " + runId + "\n")
                    .endsWith("\ncorrelation_id: corr-" + runId.substring(0, 8));
            Map<String, AttributeValue> n = notification(id);
            assertThat(n.get("ntfy_message_id").s()).isEqualTo("sPs71M8A2T");
            assertThat(n.get("http_status").n()).isEqualTo("200");
            assertThat(n.get("attempts").n()).isEqualTo("1");
            assertThat(n.get("deliveries").n()).isEqualTo("1");
            assertThat(n).containsKeys("queued_at", "processing_started_at", "processing_completed_at", "duration_ms");
            assertThat(run(runId).get("notification_status").s()).isEqualTo("SENT");
            assertThat(run(runId).get("status").s()).isEqualTo("FAILED");
            awaitQueueEmpty();
        }
    }

    @Test
    void retriesOn503WithTheConfiguredWaits() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer().then(Answer.status(503), Answer.status(503), Answer.ok("third"))) {
            String tenant = createTenant("retry", ntfy.url());
            String id = failedRun(tenant, "SUCCEEDED").get("notification_id").s();
            awaitStatus(id, "completed", WAIT);
            assertThat(ntfy.received).hasSize(3);
            long gap1 = ntfy.received.get(1).atMillis() - ntfy.received.get(0).atMillis();
            long gap2 = ntfy.received.get(2).atMillis() - ntfy.received.get(1).atMillis();
            assertThat(gap1).isBetween(90L, 900L);   // wait 1 = base 100 ms
            assertThat(gap2).isBetween(190L, 1000L); // wait 2 = 200 ms
            Map<String, AttributeValue> n = notification(id);
            assertThat(n.get("attempts").n()).isEqualTo("3");
            assertThat(n.get("deliveries").n()).isEqualTo("1");
            assertThat(n.get("last_error").s()).isEqualTo("HTTP 503");
            assertThat(n.get("ntfy_message_id").s()).isEqualTo("third");
        }
    }

    @Test
    void aRejectionIsNotRetried() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer().then(Answer.status(400))) {
            String tenant = createTenant("reject", ntfy.url());
            Map<String, AttributeValue> record = failedRun(tenant, "FAILED");
            String id = record.get("notification_id").s();
            awaitStatus(id, "failed", WAIT);
            Thread.sleep(1000);
            assertThat(ntfy.received).hasSize(1);
            Map<String, AttributeValue> n = notification(id);
            assertThat(n.get("error_code").s()).isEqualTo("NTFY_REJECTED");
            assertThat(n.get("error_message").s()).isEqualTo("ntfy rejected the message: HTTP 400");
            assertThat(run(record.get("run_id").s()).get("notification_status").s()).isEqualTo("FAILED");
            assertThat(run(record.get("run_id").s()).get("status").s()).isEqualTo("FAILED");
            awaitQueueEmpty();
        }
    }

    @Test
    void exhaustedRetriesFailTheNotificationAndRemoveTheMessage() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer().otherwise(Answer.status(503))) {
            String tenant = createTenant("exhaust", ntfy.url());
            Map<String, AttributeValue> record = failedRun(tenant, "FAILED");
            String id = record.get("notification_id").s();
            awaitStatus(id, "failed", Duration.ofSeconds(30));
            Map<String, AttributeValue> n = notification(id);
            assertThat(n.get("error_code").s()).isEqualTo("RETRIES_EXHAUSTED");
            assertThat(n.get("error_message").s()).isEqualTo("ntfy unavailable after 6 attempts: HTTP 503");
            assertThat(n.get("deliveries").n()).isEqualTo("2");
            assertThat(n.get("attempts").n()).isEqualTo("6");
            assertThat(ntfy.received).hasSize(6);
            // the second delivery began only after the redelivery delay (1 s)
            long between = ntfy.received.get(3).atMillis() - ntfy.received.get(2).atMillis();
            assertThat(between).isGreaterThanOrEqualTo(900L);
            assertThat(run(record.get("run_id").s()).get("notification_status").s()).isEqualTo("FAILED");
            awaitQueueEmpty();
        }
    }

    @Test
    void aStalledAttemptTimesOutAndIsRetried() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer().then(Answer.stall(3000), Answer.ok("after-stall"))) {
            String tenant = createTenant("stall", ntfy.url());
            String id = failedRun(tenant, "FAILED").get("notification_id").s();
            awaitStatus(id, "completed", WAIT);
            Map<String, AttributeValue> n = notification(id);
            assertThat(n.get("attempts").n()).isEqualTo("2");
            assertThat(n.get("last_error").s()).startsWith("HttpTimeoutException");
            assertThat(n.get("ntfy_message_id").s()).isEqualTo("after-stall");
        }
    }

    @Test
    void n3TheSweeperEnqueuesARecordWhoseSendFailed() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer()) {
            String tenant = createTenant("sweep", ntfy.url());
            // the record is created but never sent to the queue (the creator died or the send failed)
            Map<String, AttributeValue> record = runNotifications.recordFor(pinnedConfigs.load(tenant, 1),
                    new com.relay.runs.RunCompletion(java.util.UUID.randomUUID().toString(), tenant, 1, "FAILED", "QUEUE", "api",
                            "2026-11-22T14:00:00.000Z", "2026-11-22T14:00:01.000Z", null, 0, "QUEUE", "QUEUE_UNAVAILABLE",
                            "job queue unavailable", "sweep-1"), java.time.Instant.now()).orElseThrow();
            dynamoDb.putItem(b -> b.tableName(runNotifications.table()).item(record)
                    .conditionExpression("attribute_not_exists(notification_id)"));
            String id = record.get("notification_id").s();
            awaitStatus(id, "completed", WAIT);
            // Only the sweeper can have sent this record's message, and it was delivered exactly once.
            // a fast delivery may take the record created → processing before the sweeper's created → queued
            // write (a transition docs/CONTRACT.md#notification-lifecycle allows); queued_at is recorded either way
            assertThat(ntfy.count()).isEqualTo(1);
            assertThat(notification(id)).containsKeys("queued_at", "processing_completed_at");
        }
    }

    @Test
    void queueUnavailableRunsNotifyThroughTheirTerminalWrite() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer()) {
            String tenant = createTenant("noqueue", ntfy.url());
            sqs.deleteQueue(b -> b.queueUrl(resources.jobsQueueUrl()));
            Reply r;
            try {
                r = post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\"}");
            } finally {
                new Provisioner(sqs, dynamoDb, s3, settings, false).run(l -> { });
            }
            assertThat(r.status()).isEqualTo(503);
            String runId = r.json().get("run_id").asText();
            Map<String, AttributeValue> run = run(runId);
            assertThat(run.get("status").s()).isEqualTo("FAILED");
            assertThat(run.get("notification_status").s()).isIn("PENDING", "SENT");
            String id = run.get("notification_id").s();
            awaitStatus(id, "completed", WAIT);
            assertThat(run(runId).get("notification_status").s()).isEqualTo("SENT");
            assertThat(ntfy.received.get(0).headers().get("Title"))
                    .containsExactly("[test] Relay run FAILED: " + tenant + " (QUEUE_UNAVAILABLE)");
            assertThat(ntfy.received.get(0).body()).contains("\nstage: QUEUE\n").doesNotContain("duration_ms")
                    .contains("\nerror_message: job queue unavailable\n");
        }
    }

    @Test
    void anOrphanFailedByStaleLockRecoveryNotifies() throws Exception {
        try (FakeNtfyServer ntfy = new FakeNtfyServer()) {
            String tenant = createTenant("orphan", ntfy.url());
            String orphan = java.util.UUID.randomUUID().toString();
            String old = com.relay.api.Timestamps.format(java.time.Instant.now().minusSeconds(61));
            Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of("run_id", AttributeValue.fromS(orphan),
                    "item_type", AttributeValue.fromS("RUN"), "tenant_id", AttributeValue.fromS(tenant),
                    "config_version", AttributeValue.fromN("1"), "status", AttributeValue.fromS("QUEUED"),
                    "stage", AttributeValue.fromS("QUEUE"), "requested_at", AttributeValue.fromS(old),
                    "created_by", AttributeValue.fromS("scheduler"), "correlation_id", AttributeValue.fromS("orphan-c1")));
            item.put("attempts", AttributeValue.fromN("0"));
            item.put("artifacts", AttributeValue.fromM(Map.of()));
            dynamoDb.putItem(b -> b.tableName(resources.runsTable()).item(item));
            dynamoDb.putItem(b -> b.tableName(resources.runsTable()).item(Map.of("run_id", AttributeValue.fromS("lock#" + tenant),
                    "item_type", AttributeValue.fromS("TENANT_LOCK"), "active_run_id", AttributeValue.fromS(orphan),
                    "locked_at", AttributeValue.fromS(old))));
            assertThat(post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\"}").status()).isEqualTo(202);
            Map<String, AttributeValue> failed = run(orphan);
            assertThat(failed.get("status").s()).isEqualTo("FAILED");
            assertThat(failed.get("error_code").s()).isEqualTo("QUEUE_UNAVAILABLE");
            String id = failed.get("notification_id").s();
            awaitStatus(id, "completed", WAIT);
            assertThat(run(orphan).get("notification_status").s()).isEqualTo("SENT");
            assertThat(notification(id).get("correlation_id").s()).isEqualTo("orphan-c1");
            assertThat(ntfy.received.get(0).body()).contains("\ncreated_by: scheduler\n").endsWith("correlation_id: orphan-c1");
        }
    }

    @Test
    void n1AnOutcomeOutsideOnCreatesNoRecord() {
        String tenant = "none-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        assertThat(post("/v1/tenants", DEV, config(tenant, "http://127.0.0.1:9", "[\"FAILED\"]")).status()).isEqualTo(201);
        var completion = new com.relay.runs.RunCompletion(java.util.UUID.randomUUID().toString(), tenant, 1, "SUCCEEDED",
                "COMPLETE", "api", "2026-11-22T14:00:00.000Z", "2026-11-22T14:00:01.000Z", 1000L, 5, null, null, null, "c");
        assertThat(runNotifications.recordFor(pinnedConfigs.load(tenant, 1), completion, java.time.Instant.now())).isEmpty();
        assertThat(runNotifications.recordFor(null, completion, java.time.Instant.now())).isEmpty();
    }

    @Autowired org.apache.camel.CamelContext camel;
    @Autowired io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void n11ABadMessageIsLeftForTheRedriveAndCounted() {
        java.util.function.DoubleSupplier badMessages = () -> {
            var c = registry.find("WorkerError").tag("ErrorType", "notification_bad_message").tag("Environment", "test").counter();
            return c == null ? 0 : c.count();
        };
        double before = badMessages.getAsDouble();
        sqs.sendMessage(b -> b.queueUrl(resources.notificationsQueueUrl()).messageBody("{}"));
        await(WAIT, () -> badMessages.getAsDouble() > before, "notification_bad_message to be counted");
        // received and left (not deleted): in flight until its visibility timeout, then received again
        // until NOTIFY_MAX_RECEIVES moves it to the DLQ
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(resources.notificationsQueueUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        assertThat(Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))).isGreaterThanOrEqualTo(1);
        sqs.purgeQueue(b -> b.queueUrl(resources.notificationsQueueUrl())); // keep the queue clean for the other tests
    }

    @Test
    void theNotifierRoutesRunWithTheirErrorConfiguration() {
        assertThat(camel.getRouteController().getRouteStatus("notification-deliver").isStarted()).isTrue();
        assertThat(camel.getRouteController().getRouteStatus("notification-sweeper").isStarted()).isTrue();
        org.apache.camel.model.Model model = camel.getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class);
        assertThat(model.getRouteConfigurationDefinition("notifications-errors")).isNotNull();
        assertThat(model.getRouteDefinition("notification-deliver").getRouteConfigurationId()).isEqualTo("notifications-errors");
        String uri = camel.getRoute("notification-deliver").getEndpoint().getEndpointUri();
        assertThat(uri).contains("deleteAfterRead=false").contains("concurrentConsumers=4");
    }

    private void awaitQueueEmpty() {
        await(Duration.ofSeconds(10), () -> {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(resources.notificationsQueueUrl())
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    && "0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }, "the notifications queue to be empty");
    }
}
