package com.relay.aws;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Probes every dependency once with a 2 s limit (docs/CONTRACT.md#endpoints {@code GET /v1/health?deep=true}); also
 * behind the actuator readiness group. Only "ok"/"failed" leave this class: error texts could
 * carry resource names or credentials hints and are not shown to callers.
 */
@Component("dependencyProbe")
public class DependencyProbe {

    private static final Duration LIMIT = Duration.ofSeconds(2);

    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final S3Client s3;
    private final ProvisionedResources resources;

    public DependencyProbe(DynamoDbClient dynamoDb, SqsClient sqs, S3Client s3, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.s3 = s3;
        this.resources = resources;
    }

    /** Check name → "ok" or "failed", in the order of the spec's example. */
    public Map<String, String> probe() {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("tenants_table", check(() -> dynamoDb.describeTable(b -> b.tableName(resources.tenantsTable()).overrideConfiguration(limit()))));
        checks.put("runs_table", check(() -> dynamoDb.describeTable(b -> b.tableName(resources.runsTable()).overrideConfiguration(limit()))));
        checks.put("notifications_table", check(() -> dynamoDb.describeTable(b -> b.tableName(resources.notificationsTable()).overrideConfiguration(limit()))));
        checks.put("jobs_queue", check(() -> sqs.getQueueAttributes(b -> b.queueUrl(resources.jobsQueueUrl())
                .attributeNames(QueueAttributeName.QUEUE_ARN).overrideConfiguration(limit()))));
        checks.put("notifications_queue", check(() -> sqs.getQueueAttributes(b -> b.queueUrl(resources.notificationsQueueUrl())
                .attributeNames(QueueAttributeName.QUEUE_ARN).overrideConfiguration(limit()))));
        checks.put("artifact_bucket", check(() -> s3.headBucket(b -> b.bucket(resources.artifactBucket()).overrideConfiguration(limit()))));
        return checks;
    }

    public static boolean allOk(Map<String, String> checks) {
        return checks.values().stream().allMatch("ok"::equals);
    }

    private static Consumer<AwsRequestOverrideConfiguration.Builder> limit() {
        return o -> o.apiCallTimeout(LIMIT).apiCallAttemptTimeout(LIMIT);
    }

    private static String check(Runnable call) {
        try {
            call.run();
            return "ok";
        } catch (RuntimeException e) {
            return "failed";
        }
    }
}
