package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The embedded default, booted as the real application, checked over the AWS wire protocols
 * (issue 2's acceptance list). Emulators run in memory on free ports.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0",
        // these tests read the jobs queue themselves and stand in for the worker's terminal write
        "WORKER_ENABLED=false"})
class EmbeddedFoundationIT {

    @Autowired SqsClient sqs;
    @Autowired DynamoDbClient dynamoDb;
    @Autowired S3Client s3;
    @Autowired S3Presigner presigner;
    @Autowired ProvisionedResources resources;
    @Autowired CamelContext camel;
    @Autowired AwsRuntime aws;
    @LocalServerPort int port;
    @org.springframework.boot.test.web.server.LocalManagementPort int managementPort;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void jobsAndNotificationQueuesHaveDlqsWithRedrive() {
        assertRedrive(resources.jobsQueueUrl(), resources.jobsDlqUrl(), 3);
        assertRedrive(resources.notificationsQueueUrl(), resources.notificationsDlqUrl(), 5);
        Map<QueueAttributeName, String> jobs = sqs.getQueueAttributes(b -> b.queueUrl(resources.jobsQueueUrl())
                .attributeNames(QueueAttributeName.ALL)).attributes();
        // (ElasticMQ does not keep MessageRetentionPeriod, so it is not asserted here)
        assertThat(jobs).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "60")
                .containsEntry(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20");
    }

    private void assertRedrive(String queueUrl, String dlqUrl, int maxReceives) {
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String policy = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY);
        assertThat(Provisioner.sameRedrive(policy, Provisioner.redrivePolicy(dlqArn, maxReceives))).as(policy).isTrue();
    }

    /**
     * A message a Camel aws2-sqs route never manages to process is received three times (the
     * route sees ApproximateReceiveCount 1, 2, 3) and then SQS's redrive moves it to the DLQ.
     * A dedicated queue pair, provisioned the same way, keeps this independent of the worker.
     */
    @Test
    void undeletedMessageReachesDlqAfterThreeReceivesSeenByCamelRoute() throws Exception {
        String dlqUrl = sqs.createQueue(b -> b.queueName("it-poison-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queueUrl = sqs.createQueue(b -> b.queueName("it-poison").attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, Provisioner.redrivePolicy(dlqArn, 3)))).queueUrl();

        List<Integer> receiveCounts = new CopyOnWriteArrayList<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("aws2-sqs://it-poison?queueUrl=" + queueUrl
                        + "&attributeNames=All&messageAttributeNames=All&waitTimeSeconds=1&visibilityTimeout=1"
                        + "&maxMessagesPerPoll=1")
                        .routeId("it-poison-consumer")
                        .errorHandler(noErrorHandler())
                        .process(e -> {
                            @SuppressWarnings("unchecked")
                            Map<MessageSystemAttributeName, String> attrs =
                                    e.getIn().getHeader(Sqs2Constants.ATTRIBUTES, Map.class);
                            receiveCounts.add(Integer.parseInt(attrs.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)));
                            throw new IllegalStateException("never processed");
                        });
            }
        });
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"run_id\":\"poison\"}"));

        List<String> inDlq = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inDlq.isEmpty() && System.nanoTime() < deadline) {
            inDlq = sqs.receiveMessage(b -> b.queueUrl(dlqUrl).waitTimeSeconds(1)).messages().stream()
                    .map(m -> m.body()).toList();
        }
        camel.getRouteController().stopRoute("it-poison-consumer");
        assertThat(inDlq).containsExactly("{\"run_id\":\"poison\"}");
        assertThat(receiveCounts).containsExactly(1, 2, 3);
    }

    @Test
    void tablesExistWithKeysAndIndexes() {
        assertThat(dynamoDb.describeTable(b -> b.tableName(resources.tenantsTable())).table().keySchema())
                .extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
                .containsExactly("tenant_id:HASH", "config_version:RANGE");
        assertThat(dynamoDb.describeTable(b -> b.tableName(resources.runsTable())).table().globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("tenant_id-requested_at-index", "status-requested_at-index");
        assertThat(dynamoDb.describeTable(b -> b.tableName(resources.notificationsTable())).table().globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder("tenant_id-created_at-index", "status-created_at-index");
        assertThat(dynamoDb.describeTimeToLive(b -> b.tableName(resources.runsTable())).timeToLiveDescription()
                .attributeName()).isEqualTo("ttl");
    }

    @Test
    void conditionalPutFailsTheSecondTime() {
        Map<String, AttributeValue> lock = Map.of("run_id", AttributeValue.fromS("lock#it-tenant"),
                "item_type", AttributeValue.fromS("TENANT_LOCK"));
        dynamoDb.putItem(b -> b.tableName(resources.runsTable()).item(lock).conditionExpression("attribute_not_exists(run_id)"));
        assertThatThrownBy(() -> dynamoDb.putItem(b -> b.tableName(resources.runsTable()).item(lock)
                .conditionExpression("attribute_not_exists(run_id)")))
                .isInstanceOf(ConditionalCheckFailedException.class);
    }

    @Test
    void objectReadBackThroughPresignedUrlOverPlainHttpAndTamperingIsRefused() throws Exception {
        String key = "tenants/acme/inbound/v1/file.txt";
        s3.putObject(b -> b.bucket(resources.artifactBucket()).key(key).contentType("text/plain"),
                RequestBody.fromString("hello", StandardCharsets.UTF_8));
        URI url = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(15))
                .getObjectRequest(g -> g.bucket(resources.artifactBucket()).key(key))).url().toURI();
        assertThat(url.getScheme()).isEqualTo("http");

        HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));

        URI tampered = URI.create(url.toString().replace("file.txt", "file.tx2"));
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
    }

    @Test
    void healthEndpointReportsEveryDependency() throws Exception {
        HttpResponse<String> shallow = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(shallow.statusCode()).isEqualTo(200);
        assertThat(shallow.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(shallow.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));

        HttpResponse<String> deep = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health?deep=true"))
                .header("X-Secret-Looking-Header", "must-not-echo").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deep.statusCode()).isEqualTo(200);
        assertThat(deep.body()).contains("\"tenants_table\":\"ok\"", "\"runs_table\":\"ok\"", "\"notifications_table\":\"ok\"",
                "\"jobs_queue\":\"ok\"", "\"notifications_queue\":\"ok\"", "\"artifact_bucket\":\"ok\"");
        assertThat(deep.headers().map()).doesNotContainKey("x-secret-looking-header");
    }

    /**
     * A client's attempt timeout is queued on Relay's one SDK timer while its call is in flight
     * and leaves the queue when the call ends (the SDK's own timer, five threads per client,
     * keeps every cancelled timeout queued for the full 35 s).
     */
    @Test
    void attemptTimeoutsLeaveTheSdkTimerWhenTheCallEnds() {
        AtomicInteger before = new AtomicInteger();
        List<Integer> inFlight = new CopyOnWriteArrayList<>();
        ExecutionInterceptor sees = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                inFlight.add(AwsClientFactory.pendingSdkTimeouts() - before.get());
            }
        };
        int pendingAtStart = AwsClientFactory.pendingSdkTimeouts();
        try (DynamoDbClient client = aws.clients().withInterceptors(List.of(sees)).dynamoDb()) {
            for (int i = 0; i < 300; i++) {
                String runId = "no-such-run-" + i;
                before.set(AwsClientFactory.pendingSdkTimeouts());
                client.getItem(b -> b.tableName(resources.runsTable()).key(Map.of("run_id", AttributeValue.fromS(runId))));
            }
        }
        // other clients' calls (the SQS consumers' long polls) start and end now and then
        assertThat(inFlight).hasSize(300);
        assertThat(inFlight.stream().filter(d -> d == 1).count()).isGreaterThan(290);
        assertThat(AwsClientFactory.pendingSdkTimeouts()).isLessThan(pendingAtStart + 10);
    }

    /**
     * Every emulator listens on the bind host (127.0.0.1) only. On Linux all of 127/8 reaches
     * the loopback interface, so a server bound to every interface would accept 127.0.0.2 too.
     */
    @Test
    void emulatorsListenOnTheBindHostOnly() throws Exception {
        List<URI> endpoints = List.of(sqs.serviceClientConfiguration().endpointOverride().orElseThrow(),
                dynamoDb.serviceClientConfiguration().endpointOverride().orElseThrow(),
                s3.serviceClientConfiguration().endpointOverride().orElseThrow());
        for (URI endpoint : endpoints) {
            assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
            try (Socket reached = new Socket()) {
                reached.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()), 2000);
            }
            assertThatThrownBy(() -> {
                try (Socket other = new Socket()) {
                    other.connect(new InetSocketAddress("127.0.0.2", endpoint.getPort()), 2000);
                }
            }).as("%s answers on 127.0.0.2", endpoint).isInstanceOf(java.io.IOException.class);
        }
    }

    /**
     * Issue 17 #15: in embedded mode the API and management ports listen on loopback only (they
     * bound every interface, although the development key and console password are public).
     */
    @Test
    void apiAndManagementPortsListenOnLoopbackOnly() throws Exception {
        for (int p : List.of(port, managementPort)) {
            try (Socket reached = new Socket()) {
                reached.connect(new InetSocketAddress("127.0.0.1", p), 2000);
            }
            assertThatThrownBy(() -> {
                try (Socket other = new Socket()) {
                    other.connect(new InetSocketAddress("127.0.0.2", p), 2000);
                }
            }).as("port %d answers on 127.0.0.2", p).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void provisioningAgainChangesNothing() {
        var settings = com.relay.config.RelaySettings.load(k -> null);
        List<ProvisionLine> lines = new Provisioner(sqs, dynamoDb, s3, settings, false).run(l -> { }).lines();
        assertThat(lines).hasSize(8).allSatisfy(l -> assertThat(l.outcome()).isEqualTo(ProvisionLine.Outcome.UNCHANGED));
    }

    @Test
    void dryRunChangesNothingAndKeySchemaConflictIsReported() {
        var other = com.relay.config.RelaySettings.load(Map.of(
                "ARTIFACT_BUCKET", "dry-bucket", "TENANTS_TABLE", "dry-tenants", "RUNS_TABLE", "dry-runs",
                "NOTIFICATIONS_TABLE", "dry-notifications",
                "SQS_QUEUE_URL", "http://x/000000000000/dry-jobs",
                "NOTIFICATIONS_QUEUE_URL", "http://x/000000000000/dry-notify")::get);
        List<String> dry = new Provisioner(sqs, dynamoDb, s3, other, true).run(l -> { }).lines().stream()
                .map(l -> l.render(true)).toList();
        assertThat(dry).containsExactly(
                "SQS queue dry-jobs-dlq: would create", "SQS queue dry-jobs: would create",
                "SQS queue dry-notify-dlq: would create", "SQS queue dry-notify: would create",
                "DynamoDB table dry-tenants: would create", "DynamoDB table dry-runs: would create",
                "DynamoDB table dry-notifications: would create", "S3 bucket dry-bucket: would create");
        assertThat(sqs.listQueues(b -> b.queueNamePrefix("dry-")).queueUrls()).isEmpty();
        assertThat(dynamoDb.listTables().tableNames()).noneMatch(n -> n.startsWith("dry-"));

        // a tenants table whose key schema is not ours is left alone and reported
        dynamoDb.createTable(b -> b.tableName("dry-tenants").billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("id").keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName("id").attributeType("S")));
        Provisioner.Result result = new Provisioner(sqs, dynamoDb, s3, other, false).run(l -> { });
        assertThat(result.hasConflict()).isTrue();
        assertThat(result.lines()).extracting(l -> l.render(false)).contains(
                "DynamoDB table dry-tenants: conflict (key schema is [id HASH], expected [tenant_id HASH, config_version RANGE])");
    }
}
