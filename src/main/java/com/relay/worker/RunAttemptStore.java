package com.relay.worker;

import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import com.relay.runs.RunRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The worker's writes to the runs table (docs/CONTRACT.md#receiving-a-job to docs/CONTRACT.md#attempt-outcomes-retry-and-poison): attempt start, fenced stage starts,
 * lease renewals and releases, and the terminal transaction with the tenant lock release. Every
 * write is conditional; a failed fence means a newer attempt owns the run ({@link Superseded}).
 */
@Component("runAttemptStore")
public class RunAttemptStore {

    /** Stage ranks (docs/CONTRACT.md#statuses-and-stages). */
    public static final List<String> STAGES =
            List.of("QUEUE", "FETCH_INPUTS", "NORMALIZE", "MERGE_PRICE", "WRITE_OUTPUTS", "COMPLETE");

    /** A fenced write failed: another attempt owns the run; this one must stop writing. */
    public static final class Superseded extends RuntimeException {
        public Superseded(String runId) {
            super("run " + runId + " is owned by a newer attempt", null, false, false);
        }
    }

    private static final String START_CONDITION = "attribute_exists(run_id) AND (#st = :queued OR (#st = :running"
            + " AND (attribute_not_exists(lease_expires_at) OR lease_expires_at < :now)))";
    private static final String FENCE = "attribute_exists(run_id) AND attempt_id = :mine AND #st = :running";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public RunAttemptStore(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.runsTable();
    }

    public Optional<Map<String, AttributeValue>> read(String runId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(runId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /**
     * Attempt start (docs/CONTRACT.md#receiving-a-job): RUNNING, stage → FETCH_INPUTS forward only, started_at if absent,
     * attempts + 1, attempt_id, lease, receive_count. Returns the item after the write, or empty
     * when the start condition failed (the caller re-reads and decides again).
     */
    public Optional<Map<String, AttributeValue>> startAttempt(String runId, String attemptId, Instant now, Instant lease,
                                                              int receiveCount) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":queued", s("QUEUED"));
        values.put(":running", s("RUNNING"));
        values.put(":now", s(Timestamps.format(now)));
        values.put(":one", n(1));
        values.put(":mine", s(attemptId));
        values.put(":lease", s(Timestamps.format(lease)));
        values.put(":rc", n(receiveCount));
        String set = "SET #st = :running, started_at = if_not_exists(started_at, :now), attempts = attempts + :one,"
                + " attempt_id = :mine, lease_expires_at = :lease, receive_count = :rc, updated_at = :now";
        // The stage moves only from QUEUE; a later attempt keeps the furthest stage reached.
        Map<String, AttributeValue> withStage = new HashMap<>(values);
        withStage.put(":queue", s("QUEUE"));
        withStage.put(":fetch", s("FETCH_INPUTS"));
        try {
            return Optional.of(update(runId, set + ", stage = :fetch", START_CONDITION + " AND stage = :queue", withStage));
        } catch (ConditionalCheckFailedException e) {
            // the stage is already past QUEUE (a re-attempt), or the start condition failed
        }
        try {
            return Optional.of(update(runId, set, START_CONDITION, values));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** A stage starts (docs/CONTRACT.md#statuses-and-stages): stage forward only, artifacts so far; fenced on attempt_id. */
    public void enterStage(String runId, String attemptId, String stage, Map<String, String> artifacts, Instant now) {
        Map<String, AttributeValue> values = fenceValues(attemptId, now);
        values.put(":artifacts", artifactsValue(artifacts));
        String set = "SET artifacts = :artifacts, updated_at = :now";
        int rank = STAGES.indexOf(stage);
        if (rank < 0) throw new IllegalArgumentException("unknown stage " + stage);
        List<String> lower = new ArrayList<>();
        Map<String, AttributeValue> withStage = new HashMap<>(values);
        for (int i = 0; i < rank; i++) {
            lower.add(":l" + i);
            withStage.put(":l" + i, s(STAGES.get(i)));
        }
        withStage.put(":stage", s(stage));
        try {
            update(runId, set + ", stage = :stage", FENCE + " AND stage IN (" + String.join(", ", lower) + ")", withStage);
            return;
        } catch (ConditionalCheckFailedException e) {
            // an earlier attempt got further: keep its stage, record the artifacts
        }
        fenced(runId, set, values);
    }

    /** Heartbeat (docs/CONTRACT.md#what-each-step-writes): the lease moves to {@code lease}; fenced. */
    public void renewLease(String runId, String attemptId, Instant lease, Instant now) {
        Map<String, AttributeValue> values = fenceValues(attemptId, now);
        values.put(":lease", s(Timestamps.format(lease)));
        fenced(runId, "SET lease_expires_at = :lease, updated_at = :now", values);
    }

    /** Rows read so far in NORMALIZE ({@code rows_read}), so a long run visibly moves; fenced. */
    public void progress(String runId, String attemptId, long rowsRead, Instant now) {
        Map<String, AttributeValue> values = fenceValues(attemptId, now);
        values.put(":rows", n(rowsRead));
        fenced(runId, "SET rows_read = :rows, updated_at = :now", values);
    }

    /**
     * Retryable or unexpected error, or shutdown (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): stays RUNNING, {@code last_error},
     * lease released ({@code lease_expires_at = now}), artifacts so far; fenced. False when superseded.
     */
    public boolean release(String runId, String attemptId, String lastError, Map<String, String> artifacts, Instant now) {
        Map<String, AttributeValue> values = fenceValues(attemptId, now);
        values.put(":err", s(lastError));
        String set = "SET last_error = :err, lease_expires_at = :now, updated_at = :now";
        if (artifacts != null) {
            values.put(":artifacts", artifactsValue(artifacts));
            set += ", artifacts = :artifacts";
        }
        try {
            fenced(runId, set, values);
            return true;
        } catch (Superseded e) {
            return false;
        }
    }

    /** The terminal write's run-side content (docs/CONTRACT.md#attempt-outcomes-retry-and-poison step 1). */
    public record Terminal(String runId, String tenantId, String status, String finishedAt, Long durationMs,
                           long rowsProcessed, Map<String, String> artifacts, boolean addErrorsOnly,
                           String failedStage, String errorCode, String errorMessage, String errorsArtifactKey,
                           Map<String, AttributeValue> notification, String notificationsTable,
                           Map<String, AttributeValue> extra, TransactWriteItem pointerPut,
                           TransactWriteItem headersUpdate) {

        public Terminal(String runId, String tenantId, String status, String finishedAt, Long durationMs,
                        long rowsProcessed, Map<String, String> artifacts, boolean addErrorsOnly,
                        String failedStage, String errorCode, String errorMessage, String errorsArtifactKey,
                        Map<String, AttributeValue> notification, String notificationsTable) {
            this(runId, tenantId, status, finishedAt, durationMs, rowsProcessed, artifacts, addErrorsOnly, failedStage,
                    errorCode, errorMessage, errorsArtifactKey, notification, notificationsTable, Map.of(), null, null);
        }
    }

    /**
     * {@code POINTER_MOVED}: the run's condition held but the published-feed pointer's did not (another
     * publication since MERGE_PRICE read it); nothing was written.
     */
    public enum Outcome { COMMITTED, CONDITION_FAILED, POINTER_MOVED }

    /** Worker terminal write: condition {@code attempt_id = :mine AND status = RUNNING}. */
    public Outcome terminalForAttempt(Terminal t, String attemptId) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":mine", s(attemptId));
        values.put(":running", s("RUNNING"));
        return terminal(t, FENCE, values);
    }

    /**
     * Terminal write without an attempt (poison, abandon): condition
     * {@code status IN (QUEUED, RUNNING) AND (no lease OR lease < now)}.
     */
    public Outcome terminalWithoutLiveAttempt(Terminal t, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":queued", s("QUEUED"));
        values.put(":running", s("RUNNING"));
        values.put(":now", s(Timestamps.format(now)));
        return terminal(t, "attribute_exists(run_id) AND #st IN (:queued, :running)"
                + " AND (attribute_not_exists(lease_expires_at) OR lease_expires_at < :now)", values);
    }

    private Outcome terminal(Terminal t, String condition, Map<String, AttributeValue> values) {
        Map<String, String> names = new HashMap<>();
        names.put("#st", "status");
        values.put(":status", s(t.status()));
        values.put(":finished", s(t.finishedAt()));
        values.put(":rows", n(t.rowsProcessed()));
        StringBuilder set = new StringBuilder("SET #st = :status, finished_at = :finished, rows_processed = :rows,"
                + " updated_at = :finished, notification_status = :ns");
        values.put(":ns", s(t.notification() == null ? "NONE" : "PENDING"));
        if (t.notification() != null) {
            set.append(", notification_id = :nid");
            values.put(":nid", t.notification().get("notification_id"));
        }
        if (t.durationMs() != null) {
            set.append(", duration_ms = :dur");
            values.put(":dur", n(t.durationMs()));
        }
        if ("SUCCEEDED".equals(t.status())) {
            set.append(", stage = :complete");
            values.put(":complete", s("COMPLETE"));
        }
        if (t.addErrorsOnly()) {
            names.put("#errors", "errors");
            set.append(", artifacts.#errors = :ekey");
            values.put(":ekey", s(t.errorsArtifactKey()));
        } else {
            set.append(", artifacts = :artifacts");
            values.put(":artifacts", artifactsValue(t.artifacts()));
        }
        int extra = 0;
        for (Map.Entry<String, AttributeValue> e : t.extra().entrySet()) {
            // publish_status and its companions (docs/CONTRACT.md#the-published-feed)
            names.put("#x" + extra, e.getKey());
            values.put(":x" + extra, e.getValue());
            set.append(", #x").append(extra).append(" = :x").append(extra);
            extra++;
        }
        if (t.errorCode() != null) {
            set.append(", failed_stage = :fstage, error_code = :code, error_message = :msg");
            values.put(":fstage", s(t.failedStage()));
            values.put(":code", s(t.errorCode()));
            values.put(":msg", s(t.errorMessage()));
            if (t.errorsArtifactKey() != null) {
                set.append(", errors_artifact_key = :ekey");
                values.put(":ekey", s(t.errorsArtifactKey()));
            }
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(t.runId()))
                .updateExpression(set + " REMOVE lease_expires_at")
                .conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)).build());
        items.add(TransactWriteItem.builder().delete(d -> d.tableName(table)
                .key(key(RunRepository.lockKey(t.tenantId())))
                .conditionExpression("attribute_not_exists(run_id) OR active_run_id = :r")
                .expressionAttributeValues(Map.of(":r", s(t.runId())))).build());
        if (t.notification() != null) {
            items.add(TransactWriteItem.builder().put(p -> p.tableName(t.notificationsTable()).item(t.notification())
                    .conditionExpression("attribute_not_exists(notification_id)")).build());
        }
        int pointerIndex = -1;
        if (t.pointerPut() != null) {
            pointerIndex = items.size();
            items.add(t.pointerPut());
        }
        if (t.headersUpdate() != null) items.add(t.headersUpdate());
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(items));
            return Outcome.COMMITTED;
        } catch (TransactionCanceledException e) {
            boolean runConditionFailed = e.hasCancellationReasons() && !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code());
            if (runConditionFailed) return Outcome.CONDITION_FAILED;
            if (pointerIndex >= 0 && e.cancellationReasons().size() > pointerIndex
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(pointerIndex).code())) {
                return Outcome.POINTER_MOVED;
            }
            boolean anyCondition = e.hasCancellationReasons() && e.cancellationReasons().stream()
                    .map(CancellationReason::code).anyMatch("ConditionalCheckFailed"::equals);
            if (anyCondition) {
                // the lock belongs to another run, or the notification id exists: a programming error
                throw new IllegalStateException("terminal write of run " + t.runId() + " rejected: "
                        + e.cancellationReasons().stream().map(CancellationReason::code).toList());
            }
            throw e; // a transaction conflict: retryable like any other SDK error
        }
    }

    private Map<String, AttributeValue> update(String runId, String set, String condition, Map<String, AttributeValue> values) {
        return dynamoDb.updateItem(b -> b.tableName(table).key(key(runId)).updateExpression(set)
                .conditionExpression(condition).expressionAttributeNames(Map.of("#st", "status"))
                .expressionAttributeValues(values).returnValues(ReturnValue.ALL_NEW)).attributes();
    }

    private void fenced(String runId, String set, Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(runId)).updateExpression(set)
                    .conditionExpression(FENCE).expressionAttributeNames(Map.of("#st", "status"))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            throw new Superseded(runId);
        }
    }

    private static Map<String, AttributeValue> fenceValues(String attemptId, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":mine", s(attemptId));
        values.put(":running", s("RUNNING"));
        values.put(":now", s(Timestamps.format(now)));
        return values;
    }

    static AttributeValue artifactsValue(Map<String, String> artifacts) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> m.put(k, s(v)));
        return AttributeValue.fromM(m);
    }

    private static Map<String, AttributeValue> key(String runId) {
        return Map.of("run_id", s(runId));
    }

    private static AttributeValue s(String v) { return AttributeValue.fromS(v); }

    private static AttributeValue n(long v) { return AttributeValue.fromN(Long.toString(v)); }
}
