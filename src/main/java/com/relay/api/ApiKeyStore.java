package com.relay.api;

import static com.relay.aws.DynamoItems.text;

import com.relay.aws.ProvisionedResources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Tenant API keys issued at run time (docs/CONTRACT.md#endpoints), stored in the runs table as two item kinds whose
 * partition keys can never be a run id (runs are UUIDs) nor a lock ({@code lock#…}):
 * <ul>
 *   <li>{@code run_id = apikey#<sha256 hex>}, {@code item_type API_KEY}: the lookup by hash on every
 *       request ({@code key_id}, {@code key_tenant_id}, {@code created_at}, {@code description},
 *       {@code last_used_at});</li>
 *   <li>{@code run_id = apikeys#<tenant_id>}, {@code item_type API_KEY_INDEX}: one attribute
 *       {@code key#<key_id>} per key holding its hash, for listing and revoking.</li>
 * </ul>
 * Neither carries {@code tenant_id}, {@code status} or {@code requested_at}, so neither appears in
 * the runs table's indexes. Only the SHA-256 of a key is stored.
 */
@Component("apiKeyStore")
public class ApiKeyStore {

    public record StoredKey(String keyId, String tenantId, byte[] sha256, String createdAt, String description,
                            String lastUsedAt) {}

    private final DynamoDbClient dynamoDb;
    private final String table;

    public ApiKeyStore(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.runsTable();
    }

    public Optional<StoredKey> findByHash(byte[] sha256) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of("run_id", s("apikey#" + ApiKeyHashing.hex(sha256))))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(toKey(item));
    }

    /** Writes both items in one transaction; false if the key id is already taken for the tenant. */
    public boolean insert(StoredKey key) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("run_id", s("apikey#" + ApiKeyHashing.hex(key.sha256())));
        item.put("item_type", s("API_KEY"));
        item.put("key_id", s(key.keyId()));
        item.put("key_tenant_id", s(key.tenantId()));
        item.put("created_at", s(key.createdAt()));
        if (key.description() != null) item.put("description", s(key.description()));
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                            .conditionExpression("attribute_not_exists(run_id)")).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table)
                            .key(Map.of("run_id", s("apikeys#" + key.tenantId())))
                            .updateExpression("SET item_type = :t, #k = :h")
                            .conditionExpression("attribute_not_exists(#k)")
                            .expressionAttributeNames(Map.of("#k", "key#" + key.keyId()))
                            .expressionAttributeValues(Map.of(":t", s("API_KEY_INDEX"),
                                    ":h", s(ApiKeyHashing.hex(key.sha256()))))).build()));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
    }

    /** The tenant's keys, oldest first. */
    public List<StoredKey> list(String tenantId) {
        Map<String, AttributeValue> index = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("run_id", s("apikeys#" + tenantId)))).item();
        List<StoredKey> keys = new ArrayList<>();
        if (index == null) return keys;
        for (Map.Entry<String, AttributeValue> e : index.entrySet()) {
            if (!e.getKey().startsWith("key#")) continue;
            findByHash(java.util.HexFormat.of().parseHex(e.getValue().s())).ifPresent(keys::add);
        }
        keys.sort(Comparator.comparing(StoredKey::createdAt).thenComparing(StoredKey::keyId));
        return keys;
    }

    /** Revokes; false when the tenant has no such key. Both deletes are conditional. */
    public Optional<byte[]> delete(String tenantId, String keyId) {
        Map<String, AttributeValue> index = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("run_id", s("apikeys#" + tenantId)))).item();
        AttributeValue hash = index == null ? null : index.get("key#" + keyId);
        if (hash == null) return Optional.empty();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().delete(d -> d.tableName(table)
                            .key(Map.of("run_id", s("apikey#" + hash.s())))).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table)
                            .key(Map.of("run_id", s("apikeys#" + tenantId)))
                            .updateExpression("REMOVE #k")
                            .conditionExpression("#k = :h")
                            .expressionAttributeNames(Map.of("#k", "key#" + keyId))
                            .expressionAttributeValues(Map.of(":h", hash))).build()));
            return Optional.of(java.util.HexFormat.of().parseHex(hash.s()));
        } catch (TransactionCanceledException e) {
            return Optional.empty();
        }
    }

    /** Best effort, at most once a minute per key per instance (see {@link Authenticator}). */
    public void touch(byte[] sha256, String now) {
        dynamoDb.updateItem(b -> b.tableName(table)
                .key(Map.of("run_id", s("apikey#" + ApiKeyHashing.hex(sha256))))
                .updateExpression("SET last_used_at = :n")
                .conditionExpression("attribute_exists(run_id)")
                .expressionAttributeValues(Map.of(":n", s(now))));
    }

    public static Map<String, Object> view(StoredKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", k.keyId());
        m.put("created_at", k.createdAt());
        m.put("description", k.description());
        m.put("last_used_at", k.lastUsedAt());
        return m;
    }

    private static StoredKey toKey(Map<String, AttributeValue> item) {
        String hash = item.get("run_id").s().substring("apikey#".length());
        return new StoredKey(item.get("key_id").s(), item.get("key_tenant_id").s(),
                java.util.HexFormat.of().parseHex(hash), text(item, "created_at"), text(item, "description"),
                text(item, "last_used_at"));
    }

    private static AttributeValue s(String v) { return AttributeValue.fromS(v); }
}
