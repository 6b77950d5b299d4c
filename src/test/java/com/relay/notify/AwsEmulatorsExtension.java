package com.relay.notify;

import com.relay.aws.AwsRuntime;
import com.relay.aws.ProvisionedResources;
import com.relay.aws.Provisioner;
import com.relay.config.RelaySettings;
import com.relay.worker.FaultInjector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One in-memory set of the embedded emulators (ElasticMQ, DynamoDB Local, s3proxy) per test class,
 * started through {@link AwsRuntime} on free ports and provisioned by the real {@link Provisioner}
 * (queues with redrive, tables with their keys and GSIs); stopped after the class. Register with
 * {@code @RegisterExtension static final AwsEmulatorsExtension aws = new AwsEmulatorsExtension();}.
 */
final class AwsEmulatorsExtension implements BeforeAllCallback, AfterAllCallback {

    private RelaySettings settings;
    private AwsRuntime runtime;
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private ProvisionedResources resources;
    private final FaultInjector recorder = new FaultInjector();
    private SqsClient recordedSqs;

    @Override
    public void beforeAll(ExtensionContext context) {
        settings = RelaySettings.load(Map.of("ENVIRONMENT", "prod", "RELAY_EMBEDDED_PERSISTENT", "false",
                "RELAY_EMBEDDED_SQS_PORT", "0", "RELAY_EMBEDDED_DYNAMODB_PORT", "0", "RELAY_EMBEDDED_S3_PORT", "0")::get);
        runtime = AwsRuntime.start(settings);
        sqs = runtime.clients().sqs();
        dynamoDb = runtime.clients().dynamoDb();
        s3 = runtime.clients().s3();
        Provisioner.Result result = new Provisioner(sqs, dynamoDb, s3, settings, false).run(l -> { });
        if (result.hasConflict()) throw new IllegalStateException("provisioning conflict: " + result.lines());
        resources = result.resources();
        recordedSqs = runtime.clients().withInterceptors(List.of(recorder)).sqs();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (AutoCloseable c : new AutoCloseable[] {recordedSqs, sqs, dynamoDb, s3, runtime}) {
            try {
                if (c != null) c.close();
            } catch (Exception ignored) {
                // best effort: the next class starts its own set on new ports
            }
        }
    }

    ProvisionedResources resources() { return resources; }

    /** The plain SQS client of the class (test plumbing: sending job messages, receiving them, queue attributes). */
    SqsClient sqs() { return sqs; }

    DynamoDbClient dynamoDb() { return dynamoDb; }

    /** The SQS client for the code under test: same emulator, every completed call recorded by {@link #recorder()}. */
    SqsClient recordedSqs() { return recordedSqs; }

    FaultInjector recorder() { return recorder; }
}
