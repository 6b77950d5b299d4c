package com.relay.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.aws.ProvisionLine.Outcome;
import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * {@code relay provision} (docs/CONTRACT.md#provisioning): creates or updates queues (with DLQs and redrive), tables
 * (keys, GSIs, TTL) and the bucket, idempotently. The same code runs at embedded start-up, from
 * the LocalStack init and against real AWS. Nothing is ever deleted; an incompatible table key
 * schema is reported as a conflict and left alone.
 */
public final class Provisioner {

    // public: the CDK app (com.relay.deploy) defines the same queues
    public static final int RETENTION_SECONDS = 1_209_600; // 14 days
    public static final int RECEIVE_WAIT_SECONDS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final RelaySettings settings;
    private final boolean dryRun;

    public Provisioner(SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3, RelaySettings settings, boolean dryRun) {
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.settings = settings;
        this.dryRun = dryRun;
    }

    /** Result: every line printed, and where the resources are (queue URLs null in a dry run that would create them). */
    public record Result(List<ProvisionLine> lines, ProvisionedResources resources) {
        public boolean hasConflict() {
            return lines.stream().anyMatch(l -> l.outcome() == Outcome.CONFLICT);
        }
    }

    public Result run(Consumer<ProvisionLine> out) {
        List<ProvisionLine> lines = new ArrayList<>();
        Consumer<ProvisionLine> emit = l -> { lines.add(l); out.accept(l); };
        RelaySettings.Resources r = settings.resources();

        String jobsDlq = queue(r.jobsDlqName(), Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, str(RETENTION_SECONDS)), null, 0, emit);
        String jobs = queue(r.jobsQueueName(), Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, str(settings.worker().visibilityTimeoutSeconds()),
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD, str(RETENTION_SECONDS),
                        QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, str(RECEIVE_WAIT_SECONDS)),
                jobsDlq, settings.worker().poisonMaxReceives(), emit);
        String notifDlq = queue(r.notificationsDlqName(), Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, str(RETENTION_SECONDS)), null, 0, emit);
        String notif = queue(r.notificationsQueueName(), Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, str(settings.notifier().visibilityTimeoutSeconds()),
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD, str(RETENTION_SECONDS),
                        QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, str(RECEIVE_WAIT_SECONDS)),
                notifDlq, settings.notifier().maxReceives(), emit);

        for (TableSpec spec : TableSpec.all(settings)) {
            emit.accept(table(spec));
        }
        emit.accept(bucket(r.artifactBucket()));

        return new Result(lines, new ProvisionedResources(r.artifactBucket(), r.tenantsTable(), r.runsTable(),
                r.notificationsTable(), jobs, jobsDlq, notif, notifDlq));
    }

    // ---------------------------------------------------------------- SQS

    /** Returns the queue URL (null in a dry run for a queue that does not exist yet). */
    private String queue(String name, Map<QueueAttributeName, String> base, String dlqUrl, int maxReceives,
                         Consumer<ProvisionLine> emit) {
        Map<QueueAttributeName, String> desired = new LinkedHashMap<>(base);
        String existing = queueUrl(name);
        boolean needsRedrive = maxReceives > 0;
        if (needsRedrive && dlqUrl != null) {
            desired.put(QueueAttributeName.REDRIVE_POLICY, redrivePolicy(queueArn(dlqUrl), maxReceives));
        }
        if (existing == null) {
            String created = dryRun ? null : sqs.createQueue(b -> b.queueName(name).attributes(desired)).queueUrl();
            emit.accept(new ProvisionLine("SQS queue", name, Outcome.CREATED, null));
            return created;
        }
        final String url = existing;
        Map<QueueAttributeName, String> current = sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.ALL)).attributes();
        Map<QueueAttributeName, String> changes = new HashMap<>();
        desired.forEach((k, v) -> {
            // An attribute the endpoint does not report at all cannot be managed there (ElasticMQ
            // has no retention period): re-sending it every time would never converge.
            if (!current.containsKey(k) && k != QueueAttributeName.REDRIVE_POLICY) return;
            boolean same = k == QueueAttributeName.REDRIVE_POLICY
                    ? sameRedrive(current.get(k), v) : Objects.equals(current.get(k), v);
            if (!same) changes.put(k, v);
        });
        if (needsRedrive && dlqUrl == null) {
            // dry run and the DLQ does not exist yet: the redrive policy would be set
            changes.put(QueueAttributeName.REDRIVE_POLICY, "");
        }
        if (changes.isEmpty()) {
            emit.accept(new ProvisionLine("SQS queue", name, Outcome.UNCHANGED, null));
        } else {
            if (!dryRun) sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(changes));
            emit.accept(new ProvisionLine("SQS queue", name, Outcome.UPDATED, null));
        }
        return url;
    }

    private String queueUrl(String name) {
        try {
            return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            return null;
        }
    }

    private String queueArn(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    static String redrivePolicy(String dlqArn, int maxReceives) {
        return "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + maxReceives + "}";
    }

    /** Emulators and AWS format the policy differently (numbers as strings): compare the values. */
    static boolean sameRedrive(String current, String desired) {
        if (current == null || current.isBlank()) return false;
        try {
            JsonNode a = JSON.readTree(current);
            JsonNode b = JSON.readTree(desired);
            return a.path("deadLetterTargetArn").asText().equals(b.path("deadLetterTargetArn").asText())
                    && a.path("maxReceiveCount").asText().equals(b.path("maxReceiveCount").asText());
        } catch (Exception e) {
            return false;
        }
    }

    private static String str(int n) { return Integer.toString(n); }

    // ---------------------------------------------------------------- DynamoDB

    private ProvisionLine table(TableSpec spec) {
        TableDescription current;
        try {
            current = dynamoDb.describeTable(b -> b.tableName(spec.name())).table();
        } catch (ResourceNotFoundException e) {
            current = null;
        }
        if (current == null) {
            if (!dryRun) {
                createTable(spec);
            }
            return new ProvisionLine("DynamoDB table", spec.name(), Outcome.CREATED, null);
        }
        if (!sameKeys(current.keySchema(), spec.keys())) {
            return new ProvisionLine("DynamoDB table", spec.name(), Outcome.CONFLICT,
                    "key schema is " + describeKeys(current.keySchema()) + ", expected " + describeKeys(spec.keys()));
        }
        Set<String> existingIndexes = current.globalSecondaryIndexes() == null ? Set.of()
                : current.globalSecondaryIndexes().stream().map(GlobalSecondaryIndexDescription::indexName)
                        .collect(Collectors.toSet());
        List<TableSpec.Index> missing = spec.indexes().stream().filter(i -> !existingIndexes.contains(i.name())).toList();
        boolean ttlMissing = spec.ttlAttribute() != null && !ttlEnabled(spec);
        if (missing.isEmpty() && !ttlMissing) {
            return new ProvisionLine("DynamoDB table", spec.name(), Outcome.UNCHANGED, null);
        }
        if (!dryRun) {
            for (TableSpec.Index index : missing) {
                // DynamoDB accepts one new GSI per UpdateTable call
                dynamoDb.updateTable(b -> b.tableName(spec.name())
                        .attributeDefinitions(spec.attributeDefinitions())
                        .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder()
                                .create(CreateGlobalSecondaryIndexAction.builder()
                                        .indexName(index.name()).keySchema(index.keys())
                                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                                        .build())
                                .build()));
                dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(spec.name()));
            }
            if (ttlMissing) enableTtl(spec);
        }
        return new ProvisionLine("DynamoDB table", spec.name(), Outcome.UPDATED, null);
    }

    private void createTable(TableSpec spec) {
        dynamoDb.createTable(b -> {
            b.tableName(spec.name()).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(spec.keys()).attributeDefinitions(spec.attributeDefinitions());
            if (!spec.indexes().isEmpty()) {
                b.globalSecondaryIndexes(spec.indexes().stream().map(i -> GlobalSecondaryIndex.builder()
                        .indexName(i.name()).keySchema(i.keys())
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                        .build()).toList());
            }
        });
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(spec.name()));
        if (spec.ttlAttribute() != null) enableTtl(spec);
    }

    private boolean ttlEnabled(TableSpec spec) {
        var d = dynamoDb.describeTimeToLive(b -> b.tableName(spec.name())).timeToLiveDescription();
        return d != null && (d.timeToLiveStatus() == TimeToLiveStatus.ENABLED || d.timeToLiveStatus() == TimeToLiveStatus.ENABLING)
                && spec.ttlAttribute().equals(d.attributeName());
    }

    private void enableTtl(TableSpec spec) {
        dynamoDb.updateTimeToLive(b -> b.tableName(spec.name())
                .timeToLiveSpecification(t -> t.enabled(true).attributeName(spec.ttlAttribute())));
    }

    private static boolean sameKeys(List<KeySchemaElement> a, List<KeySchemaElement> b) {
        return describeKeys(a).equals(describeKeys(b));
    }

    private static String describeKeys(List<KeySchemaElement> keys) {
        return keys.stream().map(k -> k.attributeName() + " " + k.keyTypeAsString()).collect(Collectors.joining(", ", "[", "]"));
    }

    // ---------------------------------------------------------------- S3

    private ProvisionLine bucket(String name) {
        boolean exists;
        try {
            s3.headBucket(b -> b.bucket(name));
            exists = true;
        } catch (NoSuchBucketException e) {
            exists = false;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw e;
            exists = false;
        }
        if (exists) return new ProvisionLine("S3 bucket", name, Outcome.UNCHANGED, null);
        if (!dryRun) {
            String region = settings.region();
            s3.createBucket(b -> {
                b.bucket(name);
                if (settings.mode() == RelayMode.AWS && region != null && !"us-east-1".equals(region)) {
                    b.createBucketConfiguration(CreateBucketConfiguration.builder().locationConstraint(region).build());
                }
            });
            if (settings.mode() == RelayMode.AWS) {
                s3.putPublicAccessBlock(b -> b.bucket(name).publicAccessBlockConfiguration(p -> p
                        .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
            }
        }
        return new ProvisionLine("S3 bucket", name, Outcome.CREATED, null);
    }

    /** Key schema, GSIs and TTL of one table (docs/CONTRACT.md#tenants-table, docs/CONTRACT.md#runs-table; docs/CONTRACT.md#notifications-table, docs/CONTRACT.md#circuit-breaker); also the CDK app's tables. */
    public record TableSpec(String name, List<KeySchemaElement> keys, List<Index> indexes,
                     Map<String, ScalarAttributeType> attributes, String ttlAttribute) {

        public record Index(String name, List<KeySchemaElement> keys) {}

        List<AttributeDefinition> attributeDefinitions() {
            return attributes.entrySet().stream().map(e -> AttributeDefinition.builder()
                    .attributeName(e.getKey()).attributeType(e.getValue()).build()).toList();
        }

        public static List<TableSpec> all(RelaySettings settings) {
            RelaySettings.Resources r = settings.resources();
            List<TableSpec> specs = new ArrayList<>();
            // the directory index lists tenants without reading their versions (TenantRepository, issue 17)
            specs.add(new TableSpec(r.tenantsTable(), List.of(hash("tenant_id"), range("config_version")),
                    List.of(new Index("tenant_directory-tenant_id-index", List.of(hash("tenant_directory"), range("tenant_id")))),
                    attrs("tenant_id", ScalarAttributeType.S, "config_version", ScalarAttributeType.N,
                            "tenant_directory", ScalarAttributeType.S), null));
            specs.add(new TableSpec(r.runsTable(), List.of(hash("run_id")),
                    List.of(new Index("tenant_id-requested_at-index", List.of(hash("tenant_id"), range("requested_at"))),
                            new Index("status-requested_at-index", List.of(hash("status"), range("requested_at")))),
                    attrs("run_id", ScalarAttributeType.S, "tenant_id", ScalarAttributeType.S,
                            "status", ScalarAttributeType.S, "requested_at", ScalarAttributeType.S), "ttl"));
            specs.add(new TableSpec(r.notificationsTable(), List.of(hash("notification_id")),
                    List.of(new Index("tenant_id-created_at-index", List.of(hash("tenant_id"), range("created_at"))),
                            new Index("status-created_at-index", List.of(hash("status"), range("created_at")))),
                    attrs("notification_id", ScalarAttributeType.S, "tenant_id", ScalarAttributeType.S,
                            "status", ScalarAttributeType.S, "created_at", ScalarAttributeType.S), "ttl"));
            if (r.circuitBreakerTable() != null) {
                // ttl: idle breakers disappear (updated_at + 7 days; absent = CLOSED, docs/CONTRACT.md#circuit-breaker)
                specs.add(new TableSpec(r.circuitBreakerTable(), List.of(hash("service_name")), List.of(),
                        attrs("service_name", ScalarAttributeType.S), "ttl"));
            }
            return specs;
        }

        private static KeySchemaElement hash(String n) {
            return KeySchemaElement.builder().attributeName(n).keyType(KeyType.HASH).build();
        }

        private static KeySchemaElement range(String n) {
            return KeySchemaElement.builder().attributeName(n).keyType(KeyType.RANGE).build();
        }

        private static Map<String, ScalarAttributeType> attrs(Object... kv) {
            Map<String, ScalarAttributeType> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (ScalarAttributeType) kv[i + 1]);
            return m;
        }
    }
}
