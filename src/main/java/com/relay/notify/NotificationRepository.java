package com.relay.notify;

import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Notification records (docs/CONTRACT.md#notification-records). Every state change is a conditional write that
 * encodes one transition of docs/CONTRACT.md#notification-lifecycle; a failed condition changes nothing and is reported to the
 * caller, which re-reads and decides again. The move to {@code completed}/{@code failed} of a
 * run-completion record and the run's {@code PENDING → SENT/FAILED} are one transaction (docs/CONTRACT.md#link-with-the-run-record).
 */
@Component("notificationRepository")
public class NotificationRepository {

    private static final Logger log = LoggerFactory.getLogger(NotificationRepository.class);
    public static final String TENANT_INDEX = "tenant_id-created_at-index";
    public static final String STATUS_INDEX = "status-created_at-index";

    /** Which docs/CONTRACT.md#notification-lifecycle transition a final write is. */
    public enum Fence {
        /** {@code processing → completed/failed}: {@code status = processing AND delivery_token = :mine}. */
        LEASE,
        /** {@code created/queued → failed}: {@code status IN (created, queued)}. */
        PRE_LEASE,
        /** {@code processing → failed (EXPIRED)}: {@code status = processing AND lease_expires_at < :now}. */
        EXPIRED_LEASE
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String runsTable;

    public NotificationRepository(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.notificationsTable();
        this.runsTable = resources.runsTable();
    }

    public String table() { return table; }

    /** {@code — → created}; false when the id exists. */
    public boolean create(Map<String, AttributeValue> record) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(record).conditionExpression("attribute_not_exists(notification_id)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    public Optional<Map<String, AttributeValue>> get(String id) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(id))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** {@code created → queued} with {@code queued_at}; false when it was no longer {@code created}. */
    public boolean markQueued(String id, Instant now) {
        return update(id, "SET #s = :q, queued_at = if_not_exists(queued_at, :n), updated_at = :n", "#s = :c",
                Map.of(":q", s("queued"), ":c", s("created"), ":n", s(Timestamps.format(now)))).isPresent();
    }

    /**
     * Takes the lease (rule 7 of docs/CONTRACT.md#processing-a-notification-message): {@code created/queued → processing}, or a takeover of an
     * expired lease. The record after the write, or empty when the condition failed.
     */
    public Optional<Map<String, AttributeValue>> takeLease(String id, String token, Instant leaseExpires, Instant now) {
        Map<String, AttributeValue> v = new HashMap<>();
        v.put(":p", s("processing"));
        v.put(":c", s("created"));
        v.put(":q", s("queued"));
        v.put(":tok", s(token));
        v.put(":lease", s(Timestamps.format(leaseExpires)));
        v.put(":n", s(Timestamps.format(now)));
        v.put(":one", AttributeValue.fromN("1"));
        v.put(":zero", AttributeValue.fromN("0"));
        return update(id, "SET #s = :p, delivery_token = :tok, lease_expires_at = :lease, "
                        + "deliveries = if_not_exists(deliveries, :zero) + :one, "
                        + "processing_started_at = if_not_exists(processing_started_at, :n), "
                        // a consumer may win the race with the enqueuer's created → queued write: the message
                        // was sent all the same, so the record must not end up without queued_at
                        + "queued_at = if_not_exists(queued_at, :n), updated_at = :n",
                "#s IN (:c, :q) OR (#s = :p AND lease_expires_at < :n)", v);
    }

    /** One HTTP attempt made under the lease: {@code attempts + 1}, latest {@code http_status}/{@code last_error}. */
    public boolean recordAttempt(String id, String token, AttemptResult result, Instant now) {
        Map<String, AttributeValue> v = fenceValues(token);
        v.put(":n", s(Timestamps.format(now)));
        v.put(":one", AttributeValue.fromN("1"));
        v.put(":zero", AttributeValue.fromN("0"));
        StringBuilder set = new StringBuilder("SET attempts = if_not_exists(attempts, :zero) + :one, updated_at = :n");
        String remove = "";
        if (result.transportError()) {
            remove = " REMOVE http_status";
        } else {
            set.append(", http_status = :h");
            v.put(":h", AttributeValue.fromN(Integer.toString(result.httpStatus())));
        }
        if (Classification.verdict(result) != Classification.Verdict.SUCCESS) {
            set.append(", last_error = :e");
            v.put(":e", s(result.describe()));
        }
        return update(id, set + remove, "#s = :p AND delivery_token = :tok", v).isPresent();
    }

    /** Every attempt retryable, more deliveries allowed: lease released, {@code next_attempt_at}. */
    public boolean releaseForRedelivery(String id, String token, Instant nextAttempt, Instant now) {
        Map<String, AttributeValue> v = fenceValues(token);
        v.put(":n", s(Timestamps.format(now)));
        v.put(":next", s(Timestamps.format(nextAttempt)));
        return update(id, "SET lease_expires_at = :n, next_attempt_at = :next, updated_at = :n",
                "#s = :p AND delivery_token = :tok", v).isPresent();
    }

    /** Releases the lease after an unexpected error. */
    public boolean releaseLease(String id, String token, Instant now) {
        Map<String, AttributeValue> v = fenceValues(token);
        v.put(":n", s(Timestamps.format(now)));
        return update(id, "SET lease_expires_at = :n, updated_at = :n", "#s = :p AND delivery_token = :tok", v).isPresent();
    }

    /**
     * Deferral bookkeeping (docs/CONTRACT.md#deferral-while-the-circuit-is-open): {@code deferrals + 1}, {@code last_error}, {@code next_attempt_at},
     * the lease released when {@code token} holds it; the status is unchanged.
     */
    public boolean defer(String id, String token, long delaySeconds, Instant now) {
        Map<String, AttributeValue> v = new HashMap<>();
        v.put(":n", s(Timestamps.format(now)));
        v.put(":next", s(Timestamps.format(now.plusSeconds(delaySeconds))));
        v.put(":e", s("circuit open; deferred " + delaySeconds + " s"));
        v.put(":one", AttributeValue.fromN("1"));
        v.put(":zero", AttributeValue.fromN("0"));
        v.put(":p", s("processing"));
        String set = "SET deferrals = if_not_exists(deferrals, :zero) + :one, last_error = :e, next_attempt_at = :next, updated_at = :n";
        if (token != null) {
            v.put(":tok", s(token));
            return update(id, set + ", lease_expires_at = :n", "#s = :p AND delivery_token = :tok", v).isPresent();
        }
        v.put(":c", s("created"));
        v.put(":q", s("queued"));
        return update(id, set, "#s IN (:c, :q) OR (#s = :p AND lease_expires_at <= :n)", v).isPresent();
    }

    /**
     * Moves the record to {@code completed} or {@code failed} under {@code fence}, with the run's
     * {@code PENDING → SENT/FAILED} in the same transaction for run-completion records. False when the
     * record's condition failed (another delivery owns it, or it is final).
     *
     * @param fields attributes to set besides {@code status}, {@code updated_at},
     *               {@code processing_completed_at} and {@code duration_ms}
     */
    public boolean finish(Map<String, AttributeValue> record, Fence fence, String token, boolean completed,
                          Map<String, AttributeValue> fields, Instant now) {
        String id = record.get("notification_id").s();
        String nowTs = Timestamps.format(now);
        Map<String, AttributeValue> v = new HashMap<>();
        Map<String, String> names = new HashMap<>(Map.of("#s", "status"));
        StringBuilder set = new StringBuilder("SET #s = :final, updated_at = :n, processing_completed_at = :n, duration_ms = :d");
        v.put(":final", s(completed ? "completed" : "failed"));
        v.put(":n", s(nowTs));
        long duration = Math.max(0, now.toEpochMilli() - Instant.parse(record.get("created_at").s()).toEpochMilli());
        v.put(":d", AttributeValue.fromN(Long.toString(duration)));
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : fields.entrySet()) {
            set.append(", #f").append(i).append(" = :f").append(i);
            names.put("#f" + i, e.getKey());
            v.put(":f" + i, e.getValue());
            i++;
        }
        String condition;
        v.put(":p", s("processing"));
        switch (fence) {
            case LEASE -> {
                condition = "#s = :p AND delivery_token = :tok";
                v.put(":tok", s(token));
                set.append(", lease_expires_at = :n");
            }
            case PRE_LEASE -> {
                condition = "#s IN (:c, :q)";
                v.remove(":p");
                v.put(":c", s("created"));
                v.put(":q", s("queued"));
            }
            default -> condition = "#s = :p AND lease_expires_at < :n";
        }
        Update notification = Update.builder().tableName(table).key(key(id)).updateExpression(set.toString())
                .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(v).build();
        AttributeValue runId = record.get("run_id");
        if (runId == null) return updateOnly(notification);
        Update run = Update.builder().tableName(runsTable).key(Map.of("run_id", runId))
                .updateExpression("SET notification_status = :ns, updated_at = :n")
                .conditionExpression("notification_id = :id AND notification_status = :pending")
                .expressionAttributeValues(Map.of(":ns", s(completed ? "SENT" : "FAILED"), ":n", s(nowTs),
                        ":id", s(id), ":pending", s("PENDING")))
                .build();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().update(notification).build(),
                    TransactWriteItem.builder().update(run).build()));
            return true;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            boolean recordFailed = !reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code());
            boolean runFailed = reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code());
            if (recordFailed) return false;
            if (runFailed) {
                // The run does not name this record as PENDING (it cannot be made SENT/FAILED):
                // the record still reaches its final state; the run is left as it is.
                log.warn("run {} is not PENDING for notification {}; run notification_status left unchanged", runId.s(), id);
                return updateOnly(notification);
            }
            throw e;
        }
    }

    /** One DynamoDB page of a notifications index query. */
    public QueryResponse query(QueryRequest request) {
        return dynamoDb.query(request.toBuilder().tableName(table).build());
    }

    /** Records {@code created} at or before {@code cutoff}, oldest first (the sweeper, docs/CONTRACT.md#creation-enqueue-and-the-sweeper step 4). */
    public List<Map<String, AttributeValue>> createdBefore(Instant cutoff, int max) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse r = query(QueryRequest.builder().indexName(STATUS_INDEX)
                    .keyConditionExpression("#s = :c AND created_at <= :t")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":c", s("created"), ":t", s(Timestamps.format(cutoff))))
                    .exclusiveStartKey(start).limit(100).build());
            out.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null && out.size() < max);
        return out;
    }

    private boolean updateOnly(Update u) {
        try {
            dynamoDb.updateItem(b -> b.tableName(u.tableName()).key(u.key()).updateExpression(u.updateExpression())
                    .conditionExpression(u.conditionExpression()).expressionAttributeNames(u.expressionAttributeNames())
                    .expressionAttributeValues(u.expressionAttributeValues()));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private Optional<Map<String, AttributeValue>> update(String id, String expression, String condition,
                                                         Map<String, AttributeValue> values) {
        try {
            return Optional.of(dynamoDb.updateItem(b -> b.tableName(table).key(key(id)).updateExpression(expression)
                    .conditionExpression("attribute_exists(notification_id) AND (" + condition + ")")
                    .expressionAttributeNames(expression.contains("#s") || condition.contains("#s") ? Map.of("#s", "status") : null)
                    .expressionAttributeValues(values).returnValues(ReturnValue.ALL_NEW)).attributes());
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    private static Map<String, AttributeValue> fenceValues(String token) {
        Map<String, AttributeValue> v = new HashMap<>();
        v.put(":p", s("processing"));
        v.put(":tok", s(token));
        return v;
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("notification_id", AttributeValue.fromS(id));
    }

    static AttributeValue s(String v) { return AttributeValue.fromS(v); }
}
