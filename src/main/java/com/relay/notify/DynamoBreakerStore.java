package com.relay.notify;

import static com.relay.aws.DynamoItems.instant;

import com.relay.api.Timestamps;
import com.relay.notify.BreakerState.State;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Shared breaker state in {@code CIRCUIT_BREAKER_TABLE}: one item per breaker key
 * ({@code ntfy:<host>[:<port>]#<tenant_id>}, see {@link CircuitBreakers#key}), strongly
 * consistent reads, every write a PutItem conditioned on {@code version = :read} (or
 * {@code attribute_not_exists(service_name)} for the first one). Errors propagate; the caller
 * falls back to its local breaker.
 */
public final class DynamoBreakerStore implements BreakerStore {

    private static final long TTL_SECONDS = 7L * 86_400;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public DynamoBreakerStore(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public BreakerState read(String service) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("service_name", AttributeValue.fromS(service)))).item();
        if (item == null || item.isEmpty()) return BreakerState.INITIAL;
        return parse(item);
    }

    @Override
    public List<Stored> list(int max) {
        List<Stored> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.scan(b -> b.tableName(table).consistentRead(true).limit(Math.min(100, max + 1))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                if (out.size() > max) break;
                out.add(new Stored(item.get("service_name").s(), parse(item)));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() <= max);
        return out;
    }

    @Override
    public java.util.Optional<BreakerState> reset(String key) {
        String now = Timestamps.format(Timestamps.now(clock));
        try {
            var old = dynamoDb.updateItem(b -> b.tableName(table)
                    .key(Map.of("service_name", AttributeValue.fromS(key)))
                    .updateExpression("SET #s = :closed, failure_times = :none, half_open_successes = :zero, "
                            + "updated_at = :now, #ttl = :ttl REMOVE opened_at, probe_expires_at ADD version :one")
                    .conditionExpression("attribute_exists(service_name)")
                    .expressionAttributeNames(Map.of("#s", "state", "#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":closed", AttributeValue.fromS(State.CLOSED.name()),
                            ":none", AttributeValue.fromL(List.of()), ":zero", AttributeValue.fromN("0"),
                            ":now", AttributeValue.fromS(now), ":one", AttributeValue.fromN("1"),
                            ":ttl", AttributeValue.fromN(Long.toString(Instant.parse(now).getEpochSecond() + TTL_SECONDS))))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD));
            return java.util.Optional.of(parse(old.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return java.util.Optional.empty();
        }
    }

    private static BreakerState parse(Map<String, AttributeValue> item) {
        List<Instant> failures = new ArrayList<>();
        AttributeValue ft = item.get("failure_times");
        if (ft != null && ft.hasL()) ft.l().forEach(v -> failures.add(Instant.parse(v.s())));
        return new BreakerState(State.valueOf(item.get("state").s()), failures, instant(item, "opened_at"),
                item.containsKey("half_open_successes") ? Integer.parseInt(item.get("half_open_successes").n()) : 0,
                instant(item, "probe_expires_at"), Long.parseLong(item.get("version").n()));
    }

    @Override
    public boolean write(String service, BreakerState read, BreakerState next) {
        Instant now = Timestamps.now(clock);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("service_name", AttributeValue.fromS(service));
        // the key's parts, for operators reading the table (the key alone decides)
        item.put("server", AttributeValue.fromS(CircuitBreakers.serverOf(service)));
        String tenant = CircuitBreakers.tenantOf(service);
        if (tenant != null) item.put("tenant_id", AttributeValue.fromS(tenant));
        item.put("state", AttributeValue.fromS(next.state().name()));
        item.put("failure_times", AttributeValue.fromL(next.failureTimes().stream()
                .map(t -> AttributeValue.fromS(Timestamps.format(t))).toList()));
        if (next.openedAt() != null) item.put("opened_at", AttributeValue.fromS(Timestamps.format(next.openedAt())));
        item.put("half_open_successes", AttributeValue.fromN(Integer.toString(next.halfOpenSuccesses())));
        if (next.probeExpiresAt() != null) {
            item.put("probe_expires_at", AttributeValue.fromS(Timestamps.format(next.probeExpiresAt())));
        }
        item.put("version", AttributeValue.fromN(Long.toString(read.version() + 1)));
        item.put("updated_at", AttributeValue.fromS(Timestamps.format(now)));
        item.put("ttl", AttributeValue.fromN(Long.toString(now.getEpochSecond() + TTL_SECONDS)));
        try {
            if (read.version() == 0) {
                dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(service_name)"));
            } else {
                dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("version = :v")
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(read.version())))));
            }
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
