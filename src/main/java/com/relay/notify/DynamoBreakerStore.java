package com.relay.notify;

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

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? null : Instant.parse(v.s());
    }
}
