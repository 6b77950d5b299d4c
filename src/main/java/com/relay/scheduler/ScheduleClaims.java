package com.relay.scheduler;

import com.relay.aws.ProvisionedResources;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Schedule-claim items in the runs table (docs/CONTRACT.md#one-run-per-fire, docs/CONTRACT.md#runs-table): one conditional put per
 * {@code (tenant, F)} decides which scheduler instance handles a fire; the outcome is written once,
 * by the claimer, afterwards. Claim items carry no {@code tenant_id}, {@code status} or
 * {@code requested_at}, so they never appear in the runs indexes; DynamoDB's TTL process deletes
 * them {@code SCHEDULER_CLAIM_TTL_DAYS} after the fire.
 */
@Component("scheduleClaims")
public class ScheduleClaims {

    /** Claim outcomes (docs/CONTRACT.md#one-run-per-fire). */
    public enum Outcome { CREATED, SKIPPED_ACTIVE, SKIPPED_PAUSED, FAILED_ENQUEUE, ERROR }

    private static final DateTimeFormatter KEY_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamoDb;
    private final String table;

    public ScheduleClaims(DynamoDbClient dynamoDb, ProvisionedResources resources) {
        this.dynamoDb = dynamoDb;
        this.table = resources.runsTable();
    }

    /** {@code schedule#<tenant_id>#<F as YYYY-MM-DDTHH:MM:SSZ>}. */
    public static String key(String tenantId, Instant fire) {
        return "schedule#" + tenantId + "#" + KEY_TIME.format(fire);
    }

    /** Epoch seconds of {@code F} + {@code ttlDays} days. */
    static long ttl(Instant fire, int ttlDays) {
        return fire.plus(Duration.ofDays(ttlDays)).getEpochSecond();
    }

    /** The conditional put ({@code attribute_not_exists(run_id)}); false when another instance holds the claim. */
    public boolean claim(String tenantId, Instant fire, String instanceId, Instant now, int ttlDays) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("run_id", AttributeValue.fromS(key(tenantId, fire)));
        item.put("item_type", AttributeValue.fromS("SCHEDULE_CLAIM"));
        item.put("claimed_by", AttributeValue.fromS(instanceId));
        item.put("claimed_at", AttributeValue.fromS(TS.format(now)));
        item.put("ttl", AttributeValue.fromN(Long.toString(ttl(fire, ttlDays))));
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(run_id)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Writes {@code outcome} (and {@code outcome_run_id}) once, by the claimer: condition
     * {@code claimed_by = :me AND attribute_not_exists(outcome)}. False when the condition failed.
     */
    public boolean recordOutcome(String claimKey, String instanceId, Outcome outcome, String runId) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":me", AttributeValue.fromS(instanceId));
        values.put(":o", AttributeValue.fromS(outcome.name()));
        Map<String, String> names = new HashMap<>(Map.of("#o", "outcome", "#by", "claimed_by"));
        String set = "SET #o = :o";
        if (runId != null) {
            set += ", #r = :r";
            names.put("#r", "outcome_run_id");
            values.put(":r", AttributeValue.fromS(runId));
        }
        String update = set;
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("run_id", AttributeValue.fromS(claimKey)))
                    .updateExpression(update)
                    .conditionExpression("attribute_exists(run_id) AND #by = :me AND attribute_not_exists(#o)")
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
