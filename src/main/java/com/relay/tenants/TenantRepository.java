package com.relay.tenants;

import static com.relay.aws.DynamoItems.text;

import com.relay.aws.ProvisionedResources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Tenant configuration versions in the tenants table (docs/CONTRACT.md#versioning, docs/CONTRACT.md#tenants-table). Versions are immutable and
 * written only with {@code attribute_not_exists(config_version)}; nothing is ever overwritten.
 *
 * <p>Besides the versions (1, 2, …) each tenant has one <em>directory item</em> at
 * {@code config_version 0}, written once when the tenant is created, whose {@code tenant_directory}
 * attribute puts it in the sparse index {@link #DIRECTORY_INDEX}: the scheduler lists tenants from
 * that index and reads only each tenant's latest version, never every version (issue 17 defect 10).
 * Every version read below asks for {@code config_version >= 1}, so the directory item is never
 * taken for a version.
 */
@Component("tenantRepository")
public class TenantRepository {

    /** One stored version; {@code configJson} is the normalised configuration text. */
    public record TenantVersion(String tenantId, long configVersion, String createdAt, String createdBy,
                                String configJson) {}

    /** A page of versions, newest first; {@code lastKey} is null on the last page. */
    public record Page(List<TenantVersion> items, Map<String, AttributeValue> lastKey) {}

    public static final int PUT_ATTEMPTS = 3;
    /** Sparse GSI over the directory items: hash {@code tenant_directory}, range {@code tenant_id}. */
    public static final String DIRECTORY_INDEX = "tenant_directory-tenant_id-index";
    /** The one {@code tenant_directory} value (a single index partition, sorted by tenant id). */
    static final String DIRECTORY = "tenants";
    /** Tenant ids per directory page. */
    static final int DIRECTORY_PAGE = 100;
    /** Marks a table whose existing tenants were put in the directory (ids never contain '#'). */
    static final String BACKFILL_MARKER = "#directory-backfill";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private volatile boolean directoryReady;

    public TenantRepository(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.tenantsTable();
    }

    /** Writes version 1; false when any version exists (version 1 exists whenever any does). */
    public boolean createFirst(String tenantId, String configJson, String createdBy, String now) {
        // the directory item first: a crash in between leaves a listed tenant without versions,
        // which every reader skips, never a tenant the scheduler cannot find
        putDirectoryItem(tenantId, now);
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
                .keyConditionExpression("tenant_id = :t AND config_version >= :first")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenantId), ":first", AttributeValue.fromN("1")))
                .scanIndexForward(false).limit(1));
        return r.items().stream().findFirst().map(TenantRepository::toVersion);
    }

    /**
     * Hands the latest version of every tenant to {@code each}, one at a time, in tenant id order
     * (docs/CONTRACT.md#which-tenants-fire; issue 17 defect 10): the tenant ids come from the directory index,
     * {@value #DIRECTORY_PAGE} per Query, and each tenant's latest version from one consistent
     * Query of one item. Reads: {@code ⌈tenants / 100⌉ + tenants} requests, one item per tenant,
     * whatever the number of versions; memory: one page of ids and one configuration.
     * The first call on a table whose tenants predate the directory lists them once (below).
     */
    public void forEachLatest(Consumer<TenantVersion> each) {
        if (!directoryReady) backfillDirectory();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = dynamoDb.query(b -> b.tableName(table).indexName(DIRECTORY_INDEX)
                    .keyConditionExpression("tenant_directory = :d")
                    .expressionAttributeValues(Map.of(":d", AttributeValue.fromS(DIRECTORY)))
                    .projectionExpression("tenant_id").limit(DIRECTORY_PAGE).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) latest(item.get("tenant_id").s()).ifPresent(each);
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /**
     * Puts every tenant of a table written before the directory existed into it, once per table:
     * one paginated Scan (keys only), a conditional directory put per tenant, then the marker item
     * that tells every later process (and this one) to skip this. Idempotent; concurrent
     * instances may both do it.
     */
    synchronized void backfillDirectory() {
        if (directoryReady) return;
        Map<String, AttributeValue> marker = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("tenant_id", AttributeValue.fromS(BACKFILL_MARKER), "config_version", AttributeValue.fromN("0"))))
                .item();
        if (marker == null || marker.isEmpty()) {
            String now = java.time.Instant.now().toString();
            Set<String> listed = new HashSet<>();
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse r = dynamoDb.scan(b -> b.tableName(table).projectionExpression("tenant_id, config_version")
                        .exclusiveStartKey(from));
                for (Map<String, AttributeValue> item : r.items()) {
                    String tenantId = item.get("tenant_id").s();
                    if (!tenantId.equals(BACKFILL_MARKER) && listed.add(tenantId)) putDirectoryItem(tenantId, now);
                }
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null);
            dynamoDb.putItem(b -> b.tableName(table).item(Map.of("tenant_id", AttributeValue.fromS(BACKFILL_MARKER),
                    "config_version", AttributeValue.fromN("0"), "created_at", AttributeValue.fromS(now),
                    "tenants_listed", AttributeValue.fromN(Integer.toString(listed.size())))));
        }
        directoryReady = true;
    }

    private void putDirectoryItem(String tenantId, String now) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).conditionExpression("attribute_not_exists(config_version)")
                    .item(Map.of("tenant_id", AttributeValue.fromS(tenantId), "config_version", AttributeValue.fromN("0"),
                            "tenant_directory", AttributeValue.fromS(DIRECTORY), "created_at", AttributeValue.fromS(now))));
        } catch (ConditionalCheckFailedException e) {
            // already listed
        }
    }

    public Optional<TenantVersion> version(String tenantId, long version) {
        if (version < 1) return Optional.empty(); // 0 is the directory item
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("tenant_id", AttributeValue.fromS(tenantId),
                        "config_version", AttributeValue.fromN(Long.toString(version))))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toVersion(item));
    }

    /** Versions newest first, {@code limit} per page, starting after {@code startKey} (null: first page). */
    public Page versions(String tenantId, int limit, Map<String, AttributeValue> startKey) {
        QueryResponse r = dynamoDb.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("tenant_id = :t AND config_version >= :first")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenantId), ":first", AttributeValue.fromN("1")))
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
                text(item, "created_at"), text(item, "created_by"), config == null ? null : config.s());
    }

    /** Every conditional put of docs/CONTRACT.md#versioning lost its race. */
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
