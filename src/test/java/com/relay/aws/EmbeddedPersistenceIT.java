package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.RelayApplication;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Persisted embedded mode: a queue message, a table item and an object survive a restart. */
class EmbeddedPersistenceIT {

    @TempDir Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(RelayApplication.class).properties(Map.of(
                "RELAY_DATA_DIR", dataDir.toString(), "RELAY_EMBEDDED_PERSISTENT", "true",
                "RELAY_EMBEDDED_SQS_PORT", "0", "RELAY_EMBEDDED_DYNAMODB_PORT", "0", "RELAY_EMBEDDED_S3_PORT", "0",
                "SERVER_PORT", "0", "MANAGEMENT_PORT", "0")).run();
    }

    @Test
    void messageItemAndObjectSurviveRestart() throws Exception {
        Map<String, AttributeValue> item = Map.of("tenant_id", AttributeValue.fromS("acme"),
                "config_version", AttributeValue.fromN("1"), "config", AttributeValue.fromS("{}"));
        try (ConfigurableApplicationContext first = start()) {
            ProvisionedResources r = first.getBean(ProvisionedResources.class);
            first.getBean(SqsClient.class).sendMessage(b -> b.queueUrl(r.jobsQueueUrl()).messageBody("{\"run_id\":\"kept\"}"));
            first.getBean(DynamoDbClient.class).putItem(b -> b.tableName(r.tenantsTable()).item(item));
            first.getBean(S3Client.class).putObject(b -> b.bucket(r.artifactBucket()).key("tenants/acme/inbound/v1/a.csv"),
                    RequestBody.fromString("sku,quantity_available\n", StandardCharsets.UTF_8));
        }
        assertThat(Files.list(dataDir).map(p -> p.getFileName().toString()).toList())
                .containsExactlyInAnyOrder("sqs", "dynamodb", "s3");

        try (ConfigurableApplicationContext second = start()) {
            ProvisionedResources r = second.getBean(ProvisionedResources.class);
            List<Message> messages = second.getBean(SqsClient.class)
                    .receiveMessage(b -> b.queueUrl(r.jobsQueueUrl()).waitTimeSeconds(2)).messages();
            assertThat(messages).extracting(Message::body).containsExactly("{\"run_id\":\"kept\"}");
            assertThat(second.getBean(DynamoDbClient.class).getItem(b -> b.tableName(r.tenantsTable()).consistentRead(true)
                    .key(Map.of("tenant_id", item.get("tenant_id"), "config_version", item.get("config_version")))).item())
                    .isEqualTo(item);
            byte[] body = second.getBean(S3Client.class).getObjectAsBytes(b -> b.bucket(r.artifactBucket())
                    .key("tenants/acme/inbound/v1/a.csv")).asByteArray();
            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("sku,quantity_available\n");
        }
    }
}
