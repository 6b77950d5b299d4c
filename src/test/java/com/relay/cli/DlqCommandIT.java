package com.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.ApiTestSupport;
import com.relay.api.Json;
import com.relay.aws.AwsEndpoints;
import com.relay.aws.AwsRuntime;
import com.relay.aws.ProvisionedResources;
import com.relay.worker.FaultInjector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * {@code relay dlq} against a running service: the real application with the worker on and the
 * small timings of {@code WorkerTestSupport} (so a job is poisoned and dead-lettered within
 * seconds), and the command pointed at that context's emulators through
 * {@code AWS_ENDPOINT_URL_SQS/_DYNAMODB/_S3}. The command builds its own clients, so the context's
 * {@link FaultInjector} affects only the service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0",
        "WORKER_ENABLED=true", "WORKER_MAX_CONCURRENCY=2", "WORKER_RECEIVE_WAIT_SECONDS=1",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS=15", "WORKER_VISIBILITY_HEARTBEAT_SECONDS=4",
        "WORKER_RETRY_BACKOFF_SECONDS=1", "WORKER_RETRY_BACKOFF_MAX_SECONDS=2", "WORKER_HEARTBEAT_INTERVAL_SECONDS=1",
        // the active-run test stops the worker's receives for a while: resume quickly afterwards
        "WORKER_RECEIVE_ERROR_BACKOFF_SECONDS=1",
        // the notification test reads the notifications queue itself: no notifier competing for it
        "NOTIFIER_ENABLED=false"})
@Import(DlqCommandIT.Faults.class)
class DlqCommandIT extends ApiTestSupport {

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

    private record Result(int exit, List<String> lines, String err) {
        String lineWith(String text) {
            return lines.stream().filter(l -> l.contains(text)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line with " + text + " in " + lines + "; stderr: " + err));
        }
    }

    @AfterEach
    void clearFaults() {
        faults.clear();
    }

    @Test
    void aPoisonedJobIsPeekedThenRedrivenAsANewRunThatSucceeds() {
        String tenant = uniqueTenant("dlq");
        Reply created = post("/v1/tenants", DEV, config(tenant));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        upload(tenant, "sku,quantity_available,price\nSKU1,10,5.00\n");
        // every attempt fails retryably at NORMALIZE, as in RunWorkerIT: poisoned on the third receive
        faults.fail(r -> r instanceof PutObjectRequest p && p.key().contains("/tenants/" + tenant + "/normalized/"), -1,
                () -> (RuntimeException) S3Exception.builder().statusCode(500).message("Internal (injected)").build());
        String runId = startRun(tenant);
        awaitDlq(resources.jobsDlqUrl(), n -> n >= 1, Duration.ofSeconds(90));

        Result peek = dlq("peek");
        assertThat(peek.exit()).as(peek.err()).isZero();
        assertThat(peek.lineWith("run_id=" + runId)).contains("tenant_id=" + tenant, "status=FAILED", "error_code=POISON_JOB",
                "message_id=", "sent_at=", "receive_count=");
        Result json = dlq("peek", "--json", "--max", "1");
        JsonNode line = Json.tree(json.lines().get(0));
        assertThat(line.get("run_id").asText()).isEqualTo(runId);
        assertThat(line.get("error_code").asText()).isEqualTo("POISON_JOB");
        // peeking left the message where it was, visible at once
        assertThat(visible(resources.jobsDlqUrl())).isEqualTo(1);

        faults.clear();
        Result redrive = dlq("redrive", "--run-id", runId);
        assertThat(redrive.exit()).as(redrive.err() + redrive.lines()).isZero();
        String redriven = redrive.lineWith("run_id=" + runId);
        assertThat(redriven).contains("result=redriven");
        String newRunId = Arrays.stream(redriven.split(" ")).filter(p -> p.startsWith("new_run_id="))
                .map(p -> p.substring("new_run_id=".length())).findFirst().orElseThrow();
        assertThat(newRunId).isNotEqualTo(runId);
        JsonNode newRun = awaitRun(newRunId, r -> r.get("status").asText().matches("SUCCEEDED|FAILED"), Duration.ofSeconds(60));
        assertThat(newRun.get("status").asText()).as(newRun.toString()).isEqualTo("SUCCEEDED");
        assertThat(newRun.get("tenant_id").asText()).isEqualTo(tenant);
        assertThat(newRun.get("created_by").asText()).isEqualTo("api");
        assertThat(newRun.get("requested_by").asText()).isEqualTo("operator");
        assertThat(getRun(runId).get("error_code").asText()).isEqualTo("POISON_JOB"); // the old run is untouched
        awaitDlq(resources.jobsDlqUrl(), n -> n == 0, Duration.ofSeconds(5));
        assertThat(notVisible(resources.jobsDlqUrl())).isZero();

        Result again = dlq("redrive", "--run-id", runId);
        assertThat(again.exit()).isEqualTo(3);
        assertThat(dlq("peek").exit()).isEqualTo(3);
    }

    @Test
    void jobsOfAnActiveRunOrOfATenantWithAnActiveRunAreLeftAlone() {
        // a tenant whose required vendor never delivers: its first run FAILs at once
        String tenant = uniqueTenant("dlqbusy");
        Reply created = post("/v1/tenants", DEV, config(tenant).replace("\"required\": false", "\"required\": true"));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String failedRun = startRun(tenant);
        JsonNode failed = awaitRun(failedRun, r -> r.get("status").asText().equals("FAILED"), Duration.ofSeconds(60));
        assertThat(failed.get("error_code").asText()).isEqualTo("REQUIRED_VENDOR_MISSING");
        // the worker cannot receive for now, so the tenant's next run stays QUEUED and holds the lock
        faults.fail(r -> r instanceof ReceiveMessageRequest q && resources.jobsQueueUrl().equals(q.queueUrl()), -1,
                () -> (RuntimeException) SqsException.builder().statusCode(500).message("Internal (injected)").build());
        sleep(3000); // a long poll already in flight (1 s) could still take the job: let it end first
        String activeRun = startRun(tenant);
        for (String run : List.of(failedRun, activeRun)) {
            sqs.sendMessage(b -> b.queueUrl(resources.jobsDlqUrl()).messageBody("{\"run_id\": \"" + run
                    + "\", \"tenant_id\": \"" + tenant + "\", \"config_version\": 1}"));
        }
        try {
            Result redrive = dlq("redrive", "--all");
            assertThat(redrive.exit()).as(redrive.lines() + redrive.err()).isEqualTo(3);
            assertThat(redrive.lineWith("run_id=" + failedRun)).contains("result=left",
                    "detail=\"tenant has an active run " + activeRun + " (lock held)\"");
            assertThat(redrive.lineWith("run_id=" + activeRun)).contains("status=QUEUED", "result=left",
                    "detail=\"run is still active (QUEUED); the worker owns it\"");
            assertThat(visible(resources.jobsDlqUrl())).isEqualTo(2);
            assertThat(getRun(activeRun).get("status").asText()).isEqualTo("QUEUED");
        } finally {
            faults.clear();
            assertThat(dlq("purge", "--older-than", "0s", "--yes").exit()).isZero();
        }
        awaitRun(activeRun, r -> r.get("status").asText().equals("FAILED"), Duration.ofSeconds(60));
    }

    @Test
    void aJobOfAnUnknownRunAndAnUnreadableBodyAreLeftAlone() {
        String unknownRun = UUID.randomUUID().toString();
        sqs.sendMessage(b -> b.queueUrl(resources.jobsDlqUrl()).messageBody("{\"run_id\": \"" + unknownRun
                + "\", \"tenant_id\": \"nobody\", \"config_version\": 1}"));
        sqs.sendMessage(b -> b.queueUrl(resources.jobsDlqUrl()).messageBody("not json"));
        try {
            Result peek = dlq("peek");
            assertThat(peek.lineWith("run_id=" + unknownRun)).contains("status=run_not_found");
            assertThat(peek.lineWith("body_error=")).contains("\"unparseable body: body is not JSON\"", "body=\"not json\"");

            Result redrive = dlq("redrive", "--all");
            assertThat(redrive.exit()).isEqualTo(3);
            assertThat(redrive.lineWith("run_id=" + unknownRun)).contains("result=left", "detail=\"run not found\"");
            assertThat(redrive.lineWith("body_error=")).contains("result=left");
            assertThat(visible(resources.jobsDlqUrl())).isEqualTo(2);
        } finally {
            assertThat(dlq("purge", "--older-than", "0s", "--yes").exit()).isZero();
        }
    }

    @Test
    void purgeDeletesOnlyWithYesAndOnlyOlderMessages() {
        sqs.sendMessage(b -> b.queueUrl(resources.notificationsDlqUrl()).messageBody("{\"notification_id\": \""
                + UUID.randomUUID() + "\", \"tenant_id\": \"acme\"}"));
        sleep(1200);

        assertThat(dlq("purge", "--queue", "notifications", "--older-than", "1d").exit()).isEqualTo(3);
        Result dry = dlq("purge", "--queue", "notifications", "--older-than", "1s");
        assertThat(dry.exit()).isZero();
        assertThat(dry.lineWith("tenant_id=acme")).contains("result=would_delete");
        assertThat(dry.lineWith("nothing deleted")).contains("1 message(s)");
        assertThat(visible(resources.notificationsDlqUrl())).isEqualTo(1);

        Result purge = dlq("purge", "--queue", "notifications", "--older-than", "1s", "--yes");
        assertThat(purge.exit()).isZero();
        assertThat(purge.lineWith("tenant_id=acme")).contains("result=deleted");
        awaitDlq(resources.notificationsDlqUrl(), n -> n == 0, Duration.ofSeconds(5));
        assertThat(notVisible(resources.notificationsDlqUrl())).isZero();
    }

    @Test
    void aNotificationIsMovedBackToItsQueueUnchanged() {
        String notificationId = UUID.randomUUID().toString();
        String body = "{\"notification_id\": \"" + notificationId + "\", \"tenant_id\": \"acme\", \"correlation_id\": \"c-1\"}";
        sqs.sendMessage(b -> b.queueUrl(resources.notificationsDlqUrl()).messageBody(body)
                .messageAttributes(Map.of("correlation_id", MessageAttributeValue.builder().dataType("String")
                        .stringValue("c-1").build())));

        Result redrive = dlq("redrive", "--queue", "notifications", "--notification-id", notificationId, "--json");
        assertThat(redrive.exit()).as(redrive.err()).isZero();
        JsonNode line = Json.tree(redrive.lineWith(notificationId));
        assertThat(line.get("result").asText()).isEqualTo("moved");

        List<Message> moved = sqs.receiveMessage(b -> b.queueUrl(resources.notificationsQueueUrl()).waitTimeSeconds(2)
                .messageAttributeNames("All")).messages();
        assertThat(moved).hasSize(1);
        assertThat(moved.get(0).body()).isEqualTo(body);
        assertThat(moved.get(0).messageAttributes().get("correlation_id").stringValue()).isEqualTo("c-1");
        sqs.deleteMessage(b -> b.queueUrl(resources.notificationsQueueUrl()).receiptHandle(moved.get(0).receiptHandle()));
        assertThat(visible(resources.notificationsDlqUrl()) + notVisible(resources.notificationsDlqUrl())).isZero();
    }

    // ---------------------------------------------------------------- helpers

    private Result dlq(String... args) {
        AwsEndpoints e = aws.clients().endpoints();
        Map<String, String> env = Map.of("RELAY_MODE", "embedded", "AWS_ENDPOINT_URL_SQS", e.sqs().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", e.dynamoDb().toString(), "AWS_ENDPOINT_URL_S3", e.s3().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DlqCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
        return new Result(exit, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    private void upload(String tenant, String csv) {
        Reply r = send(request("/v1/tenants/" + tenant + "/vendors/vendor-a/inbound/feed.csv")
                .header("X-API-Key", DEV).header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.ofString(csv)));
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
            sleep(100);
        }
        throw new AssertionError("run " + runId + " did not get there in " + timeout + "; last: " + last);
    }

    /** Waits on the visible-message count of a queue; reading it does not receive anything. */
    private void awaitDlq(String url, Predicate<Integer> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = visible(url);
            if (done.test(last)) return;
            sleep(250);
        }
        throw new AssertionError("queue " + url + " did not get there in " + timeout + "; visible: " + last);
    }

    private int visible(String url) {
        return count(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    }

    private int notVisible(String url) {
        return count(url, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    private int count(String url, QueueAttributeName name) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(name)).attributes().get(name));
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
