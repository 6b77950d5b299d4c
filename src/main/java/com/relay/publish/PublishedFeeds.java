package com.relay.publish;

import static com.relay.aws.DynamoItems.longOr;
import static com.relay.aws.DynamoItems.text;

import com.relay.aws.ProvisionedResources;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The published-feed pointer of each tenant (docs/CONTRACT.md#the-published-feed): one item
 * {@code published#<tenant_id>} in the runs table naming the tenant's published run, with a
 * {@code version} that every change bumps. Every change is a Put conditioned on the version the
 * writer read (or on the item not existing), inside the same transaction as the run record it
 * publishes: two publications racing never both win, and the pointer never names a run whose
 * record says otherwise. Like the lock items it has no {@code tenant_id}/{@code status}, so it never
 * appears in the run indexes.
 */
@Component("publishedFeeds")
public class PublishedFeeds {

    /** How a run became the published one. */
    public static final String ACTION_RUN = "run";
    public static final String ACTION_APPROVE = "approve";
    public static final String ACTION_ROLLBACK = "rollback";

    /**
     * The pointer's content.
     *
     * @param version      0 when read from nothing (a tenant's first publication writes version 1)
     * @param feedKey      the run's {@code outputs/merged_inventory.csv}
     * @param stateKey     the run's {@code outputs/feed_state.csv} (the next run's baseline), or null for a run
     *                     published before feed states existed (then the merged feed is the baseline)
     * @param deltaKey     the run's {@code outputs/delta.csv}, or null
     * @param stats        sku_count, total_quantity, in_stock_count of the published feed
     * @param vendorRows   each vendor's parsed rows in the published run (the vendor row-drop check's baseline)
     */
    public record Pointer(String tenantId, String runId, long version, String publishedAt, String publishedBy,
                          String action, long configVersion, String feedKey, String stateKey, String deltaKey,
                          Map<String, Long> stats, Map<String, Long> vendorRows, String previousRunId) {

        /** The baseline file the next run diffs against: the feed state, else the merged feed. */
        public String baselineKey() {
            return stateKey != null ? stateKey : feedKey;
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String table;

    public PublishedFeeds(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.runsTable();
    }

    public static String key(String tenantId) {
        return "published#" + tenantId;
    }

    /** The tenant's pointer, read consistently; empty before its first publication. */
    public Optional<Pointer> read(String tenantId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(key(tenantId))))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(new Pointer(tenantId, text(item, "published_run_id"), longOr(item, "version", 0),
                text(item, "published_at"), text(item, "published_by"), text(item, "action"),
                longOr(item, "config_version", 0), text(item, "feed_key"), text(item, "state_key"),
                text(item, "delta_key"), numbers(item.get("stats")), numbers(item.get("vendor_rows")),
                text(item, "previous_run_id")));
    }

    /**
     * The Put that makes {@code next} the tenant's pointer, conditioned on the version the writer
     * read ({@code expectedVersion}, 0 = the item must not exist). {@code next.version()} must be
     * {@code expectedVersion + 1}.
     */
    public TransactWriteItem put(Pointer next, long expectedVersion) {
        if (next.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("pointer version " + next.version() + " after " + expectedVersion);
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("run_id", AttributeValue.fromS(key(next.tenantId())));
        item.put("item_type", AttributeValue.fromS("PUBLISHED_FEED"));
        item.put("published_tenant_id", AttributeValue.fromS(next.tenantId()));
        item.put("published_run_id", AttributeValue.fromS(next.runId()));
        item.put("version", AttributeValue.fromN(Long.toString(next.version())));
        item.put("published_at", AttributeValue.fromS(next.publishedAt()));
        item.put("published_by", AttributeValue.fromS(next.publishedBy()));
        item.put("action", AttributeValue.fromS(next.action()));
        item.put("config_version", AttributeValue.fromN(Long.toString(next.configVersion())));
        item.put("feed_key", AttributeValue.fromS(next.feedKey()));
        if (next.stateKey() != null) item.put("state_key", AttributeValue.fromS(next.stateKey()));
        if (next.deltaKey() != null) item.put("delta_key", AttributeValue.fromS(next.deltaKey()));
        item.put("stats", numbersValue(next.stats()));
        item.put("vendor_rows", numbersValue(next.vendorRows()));
        if (next.previousRunId() != null) item.put("previous_run_id", AttributeValue.fromS(next.previousRunId()));
        if (expectedVersion == 0) {
            return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(run_id)")).build();
        }
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                .conditionExpression("version = :seen")
                .expressionAttributeValues(Map.of(":seen", AttributeValue.fromN(Long.toString(expectedVersion))))).build();
    }

    public String table() {
        return table;
    }

    /** A map of numbers ({@code M} of {@code N}); absent or malformed entries are skipped. */
    public static Map<String, Long> numbers(AttributeValue m) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (m == null || !m.hasM()) return out;
        m.m().forEach((k, v) -> {
            if (v.n() != null) out.put(k, Long.parseLong(v.n()));
        });
        return out;
    }

    public static AttributeValue numbersValue(Map<String, Long> values) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        if (values != null) values.forEach((k, v) -> m.put(k, AttributeValue.fromN(Long.toString(v))));
        return AttributeValue.fromM(m);
    }
}
