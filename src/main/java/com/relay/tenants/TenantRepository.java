package com.relay.tenants;

import com.relay.aws.ProvisionedResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Tenant configuration versions in the tenants table (RI §2.4, §2.5). Versions are immutable and
 * written only with {@code attribute_not_exists(config_version)}; nothing is ever overwritten.
 */
@Component("tenantRepository")
public class TenantRepository {

    /** One stored version; {@code configJson} is the normalised configuration text. */
    public record TenantVersion(String tenantId, long configVersion, String createdAt, String createdBy,
                                String configJson) {}

    /** A page of versions, newest first; {@code lastKey} is null on the last page. */
    public record Page(List<TenantVersion> items, Map<String, AttributeValue> lastKey) {}

    public static final int PUT_ATTEMPTS = 3;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public TenantRepository(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.tenantsTable();
    }

    /** Writes version 1; false when any version exists (version 1 exists whenever any does). */
    public boolean createFirst(String tenantId, String configJson, String createdBy, String now) {
        try {
            put(new TenantVersion(tenantId, 1, now, createdBy, configJson));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Writes latest + 1. A lost race re-reads the latest version and tries again, at most
     * {@link #PUT_ATTEMPTS} times in all. Empty when the tenant has no version; throws
     * {@link VersionConflictException} when every attempt lost.
     * <p>
     * Versions are numbered 1, 2, … without gaps and each number is written only once
     * (conditional put), so refusing any number above {@code maxVersions} caps the stored versions
     * without a read-then-write race: {@link VersionLimitException}.
     */
    public Optional<TenantVersion> putNext(String tenantId, String configJson, String createdBy, String now,
                                           long maxVersions) {
        for (int attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
            Optional<TenantVersion> latest = latest(tenantId);
            if (latest.isEmpty()) return Optional.empty();
            if (latest.get().configVersion() >= maxVersions) throw new VersionLimitException(tenantId, maxVersions);
            TenantVersion next = new TenantVersion(tenantId, latest.get().configVersion() + 1, now, createdBy, configJson);
            try {
                put(next);
                return Optional.of(next);
            } catch (ConditionalCheckFailedException e) {
                // another writer took this version number: re-read and retry
            }
        }
        throw new VersionConflictException(tenantId);
    }

    public Optional<TenantVersion> latest(String tenantId) {
        QueryResponse r = dynamoDb.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("tenant_id = :t")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenantId)))
                .scanIndexForward(false).limit(1));
        return r.items().stream().findFirst().map(TenantRepository::toVersion);
    }

    /**
     * The latest version of every tenant from one paginated Scan of the table, keeping the greatest
     * {@code config_version} per tenant (notifications.md §6.2: the scheduler's one scan per tick).
     * Eventually consistent: a version written moments ago may be seen at the next tick.
     */
    public List<TenantVersion> latestOfEach() {
        Map<String, TenantVersion> latest = new java.util.TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse r = dynamoDb.scan(b -> b.tableName(table)
                    .projectionExpression("#t, #v, #c")
                    .expressionAttributeNames(Map.of("#t", "tenant_id", "#v", "config_version", "#c", "config"))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) {
                TenantVersion v = toVersion(item);
                latest.merge(v.tenantId(), v, (a, b) -> a.configVersion() >= b.configVersion() ? a : b);
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return new ArrayList<>(latest.values());
    }

    public Optional<TenantVersion> version(String tenantId, long version) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("tenant_id", AttributeValue.fromS(tenantId),
                        "config_version", AttributeValue.fromN(Long.toString(version))))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toVersion(item));
    }

    /** Versions newest first, {@code limit} per page, starting after {@code startKey} (null: first page). */
    public Page versions(String tenantId, int limit, Map<String, AttributeValue> startKey) {
        QueryResponse r = dynamoDb.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("tenant_id = :t")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenantId)))
                .projectionExpression("tenant_id, config_version, created_at, created_by")
                .scanIndexForward(false).limit(limit).exclusiveStartKey(startKey));
        List<TenantVersion> items = new ArrayList<>();
        r.items().forEach(i -> items.add(toVersion(i)));
        return new Page(items, r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null);
    }

    private void put(TenantVersion v) {
        dynamoDb.putItem(b -> b.tableName(table).conditionExpression("attribute_not_exists(config_version)")
                .item(Map.of("tenant_id", AttributeValue.fromS(v.tenantId()),
                        "config_version", AttributeValue.fromN(Long.toString(v.configVersion())),
                        "config", AttributeValue.fromS(v.configJson()),
                        "created_at", AttributeValue.fromS(v.createdAt()),
                        "created_by", AttributeValue.fromS(v.createdBy()))));
    }

    private static TenantVersion toVersion(Map<String, AttributeValue> item) {
        AttributeValue config = item.get("config");
        return new TenantVersion(item.get("tenant_id").s(), Long.parseLong(item.get("config_version").n()),
                s(item, "created_at"), s(item, "created_by"), config == null ? null : config.s());
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /** Every conditional put of RI §2.4 lost its race. */
    /** The tenant already stores {@code maxVersions} versions (TENANT_MAX_CONFIG_VERSIONS). */
    public static final class VersionLimitException extends RuntimeException {
        private final long maxVersions;

        public VersionLimitException(String tenantId, long maxVersions) {
            super("tenant " + tenantId + " already has " + maxVersions + " config versions");
            this.maxVersions = maxVersions;
        }

        public long maxVersions() { return maxVersions; }
    }

    public static final class VersionConflictException extends RuntimeException {
        public VersionConflictException(String tenantId) {
            super("could not write a new version of tenant " + tenantId + " after " + PUT_ATTEMPTS + " attempts");
        }
    }
}
