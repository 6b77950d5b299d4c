package com.relay.runs;

import com.relay.aws.ProvisionedResources;
import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Run items and tenant locks in the runs table (docs/CONTRACT.md#one-active-run-per-tenant, docs/CONTRACT.md#runs-table). Every state change is a
 * conditional write or a {@code TransactWriteItems} with conditions; nothing reads then writes.
 */
@Component("runRepository")
public class RunRepository {

    public static final String TENANT_INDEX = "tenant_id-requested_at-index";
    public static final String STATUS_INDEX = "status-requested_at-index";

    /** Outcome of one lock transaction. */
    public enum TxOutcome { COMMITTED, CONDITION_FAILED, CONFLICT }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final CoalescingItemReader reads;

    public RunRepository(DynamoDbClient dynamoDb, ProvisionedResources resources, RelaySettings settings) {
        this.dynamoDb = dynamoDb;
        this.table = resources.runsTable();
        this.reads = new CoalescingItemReader(dynamoDb, table, "run_id", readCallsInFlight(settings.mode()));
    }

    /**
     * Point reads in flight at once before further ones wait to go out together: two against the
     * in-process emulator, whose one SQLite thread serves calls in turn (more only queue there; one
     * leaves its HTTP side idle), eight over a network, where round trips overlap.
     */
    static int readCallsInFlight(RelayMode mode) {
        return mode == RelayMode.EMBEDDED ? 2 : 8;
    }

    public static String lockKey(String tenantId) { return "lock#" + tenantId; }

    /** docs/CONTRACT.md#one-active-run-per-tenant acquire: Put lock (attribute_not_exists) + Put run (attribute_not_exists), one transaction. */
    public TxOutcome createWithLock(Map<String, AttributeValue> run, String now) {
        String runId = run.get("run_id").s();
        String tenantId = run.get("tenant_id").s();
        return transact(List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(lockItem(tenantId, runId, now))
                        .conditionExpression("attribute_not_exists(run_id)")).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table).item(run)
                        .conditionExpression("attribute_not_exists(run_id)")).build()));
    }

    /**
     * docs/CONTRACT.md#one-active-run-per-tenant stale-lock takeover: optionally fail the orphaned QUEUED run (terminal write, condition
     * {@code status = QUEUED AND attribute_not_exists(enqueued_at)}), replace the lock (condition
     * {@code active_run_id = :stale}) and put the new run, all in one transaction.
     */
    public TxOutcome takeOver(String staleRunId, Map<String, AttributeValue> orphanFailure,
                              Map<String, AttributeValue> run, String now) {
        return takeOver(staleRunId, orphanFailure, run, now, null, null);
    }

    /**
     * As {@link #takeOver(String, Map, Map, String)}, with the orphan's run-completion notification
     * record Put in the same transaction ({@code attribute_not_exists(notification_id)}) when not null
     * (docs/CONTRACT.md#attempt-outcomes-retry-and-poison step 3).
     */
    public TxOutcome takeOver(String staleRunId, Map<String, AttributeValue> orphanFailure,
                              Map<String, AttributeValue> run, String now,
                              String notificationsTable, Map<String, AttributeValue> notification) {
        String runId = run.get("run_id").s();
        String tenantId = run.get("tenant_id").s();
        List<TransactWriteItem> items = new ArrayList<>();
        if (orphanFailure != null) items.add(terminalQueueFailure(staleRunId, orphanFailure));
        if (orphanFailure != null && notification != null) items.add(notificationPut(notificationsTable, notification));
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(lockItem(tenantId, runId, now))
                .conditionExpression("active_run_id = :stale")
                .expressionAttributeValues(Map.of(":stale", AttributeValue.fromS(staleRunId)))).build());
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(run)
                .conditionExpression("attribute_not_exists(run_id)")).build());
        return transact(items);
    }

    /**
     * docs/CONTRACT.md#attempt-outcomes-retry-and-poison terminal write of the API's enqueue failure: the run becomes FAILED (condition
     * {@code status = QUEUED AND attribute_not_exists(enqueued_at)}) and the lock is released
     * (condition {@code attribute_not_exists(run_id) OR active_run_id = :run_id}).
     */
    public TxOutcome failQueued(String runId, String tenantId, Map<String, AttributeValue> failure) {
        return failQueued(runId, tenantId, failure, null, null);
    }

    /** As {@link #failQueued(String, String, Map)}, plus the notification record's Put when not null. */
    public TxOutcome failQueued(String runId, String tenantId, Map<String, AttributeValue> failure,
                                String notificationsTable, Map<String, AttributeValue> notification) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(terminalQueueFailure(runId, failure));
        items.add(TransactWriteItem.builder().delete(d -> d.tableName(table)
                .key(Map.of("run_id", AttributeValue.fromS(lockKey(tenantId))))
                .conditionExpression("attribute_not_exists(run_id) OR active_run_id = :r")
                .expressionAttributeValues(Map.of(":r", AttributeValue.fromS(runId)))).build());
        if (notification != null) items.add(notificationPut(notificationsTable, notification));
        return transact(items);
    }

    private static TransactWriteItem notificationPut(String notificationsTable, Map<String, AttributeValue> notification) {
        return TransactWriteItem.builder().put(p -> p.tableName(notificationsTable).item(notification)
                .conditionExpression("attribute_not_exists(notification_id)")).build();
    }

    /** Sets {@code enqueued_at} after the job was sent (docs/CONTRACT.md#endpoints step 6). */
    public void markEnqueued(String runId, String now) {
        dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("run_id", AttributeValue.fromS(runId)))
                .updateExpression("SET enqueued_at = :n, updated_at = :n")
                .conditionExpression("attribute_exists(run_id)")
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(now))));
    }

    /**
     * A run or lock item, read consistently. Concurrent reads share {@code BatchGetItem} calls
     * ({@link CoalescingItemReader}): same answers as one {@code GetItem} each, far fewer calls.
     */
    public Optional<Map<String, AttributeValue>> get(String runId) {
        return reads.get(runId);
    }

    /** The lock item's {@code active_run_id}, read consistently. */
    public Optional<String> activeRun(String tenantId) {
        return get(lockKey(tenantId)).map(i -> i.get("active_run_id")).map(AttributeValue::s);
    }

    /** One DynamoDB page of an index query (filters already in {@code request}). */
    public QueryResponse query(QueryRequest request) {
        return dynamoDb.query(request.toBuilder().tableName(table).build());
    }

    private TransactWriteItem terminalQueueFailure(String runId, Map<String, AttributeValue> failure) {
        StringBuilder set = new StringBuilder("SET ");
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : failure.entrySet()) {
            if (i > 0) set.append(", ");
            set.append("#a").append(i).append(" = :v").append(i);
            names.put("#a" + i, e.getKey());
            values.put(":v" + i, e.getValue());
            i++;
        }
        names.put("#st", "status");
        values.put(":queued", AttributeValue.fromS("QUEUED"));
        return TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(Map.of("run_id", AttributeValue.fromS(runId)))
                .updateExpression(set + " REMOVE lease_expires_at")
                .conditionExpression("#st = :queued AND attribute_not_exists(enqueued_at)")
                .expressionAttributeNames(names).expressionAttributeValues(values)).build();
    }

    private static Map<String, AttributeValue> lockItem(String tenantId, String runId, String now) {
        return Map.of("run_id", AttributeValue.fromS(lockKey(tenantId)),
                "item_type", AttributeValue.fromS("TENANT_LOCK"),
                "active_run_id", AttributeValue.fromS(runId),
                "locked_at", AttributeValue.fromS(now));
    }

    private TxOutcome transact(List<TransactWriteItem> items) {
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(items));
            return TxOutcome.COMMITTED;
        } catch (TransactionCanceledException e) {
            boolean conditionFailed = e.hasCancellationReasons() && e.cancellationReasons().stream()
                    .map(CancellationReason::code).anyMatch("ConditionalCheckFailed"::equals);
            return conditionFailed ? TxOutcome.CONDITION_FAILED : TxOutcome.CONFLICT;
        }
    }
}
