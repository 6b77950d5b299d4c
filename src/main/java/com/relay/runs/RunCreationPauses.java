package com.relay.runs;

import static com.relay.aws.DynamoItems.text;

import com.relay.aws.ProvisionedResources;
import com.relay.config.RelaySettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Operator pauses of run creation (docs/RUNBOOK.md "Pausing run creation"): one global pause and
 * one per tenant, each with a reason, who set it and when. All of them live in <em>one</em> item of
 * the runs table, {@code run_id = control#run-creation-pauses}, so every instance learns the whole
 * state with one consistent GetItem per {@code RUN_CREATION_PAUSE_CACHE_SECONDS} however many
 * tenants it creates runs for (the scheduler asks for every tenant at every tick). The item has no
 * {@code tenant_id}/{@code status}/{@code requested_at}, so it never appears in the runs indexes.
 *
 * <p>Every change is one conditional UpdateItem (never read-then-write): setting a pause replaces
 * that one map entry, lifting it is conditioned on the entry existing. A new tenant pause is also
 * conditioned on fewer than {@link #MAX_TENANT_PAUSES} entries, which keeps the item far below
 * DynamoDB's 400 KB. The instance that changes a pause forgets its cached copy at once; the others
 * see the change within the cache time.
 */
@Component("runCreationPauses")
public class RunCreationPauses {

    public static final String ITEM_KEY = "control#run-creation-pauses";
    /** Paused tenants at once; each entry is at most ~400 bytes, so the item stays under 400 KB. */
    public static final int MAX_TENANT_PAUSES = 500;
    /** Reason text limit (characters). */
    public static final int MAX_REASON_LENGTH = 256;
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** One pause. {@code tenantId} null = global. */
    public record Pause(String tenantId, String reason, String pausedBy, String pausedAt) {
        public String scope() { return tenantId == null ? "global" : "tenant"; }
    }

    /** Everything paused at one moment; tenants sorted by id. */
    public record Snapshot(Pause global, Map<String, Pause> tenants) {
        public static final Snapshot NONE = new Snapshot(null, Map.of());

        public Snapshot {
            tenants = Collections.unmodifiableMap(new TreeMap<>(tenants));
        }

        /** The pause that stops a run of {@code tenantId}: the global one wins (it is the wider stop). */
        public Optional<Pause> pausing(String tenantId) {
            if (global != null) return Optional.of(global);
            return Optional.ofNullable(tenants.get(tenantId));
        }
    }

    /** Outcome of setting a tenant pause. */
    public enum SetOutcome { SET, LIMIT_REACHED }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Duration cacheFor;
    private final Clock clock;
    private volatile Cached cached;

    private record Cached(Snapshot snapshot, Instant readAt) {}

    @Autowired
    public RunCreationPauses(DynamoDbClient dynamoDb, ProvisionedResources resources, RelaySettings settings,
                             ObjectProvider<Clock> clock) {
        this(dynamoDb, resources.runsTable(), Duration.ofSeconds(settings.scheduler().pauseCacheSeconds()),
                clock.getIfAvailable(Clock::systemUTC));
    }

    public RunCreationPauses(DynamoDbClient dynamoDb, String runsTable, Duration cacheFor, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = runsTable;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    public Duration cacheFor() { return cacheFor; }

    /** The pause that stops a new run of {@code tenantId} now, if any (cached copy, see the class comment). */
    public Optional<Pause> pausing(String tenantId) {
        return current().pausing(tenantId);
    }

    /** The cached state, read again once it is older than the cache time (0 = every call reads). */
    public Snapshot current() {
        Cached c = cached;
        Instant now = clock.instant();
        if (c != null && now.isBefore(c.readAt().plus(cacheFor))) return c.snapshot();
        Snapshot s = read();
        cached = new Cached(s, now);
        return s;
    }

    /** A consistent read of the item, bypassing the cache (the admin GET). */
    public Snapshot read() {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(ITEM_KEY)))).item();
        Snapshot s = parse(item);
        cached = new Cached(s, clock.instant());
        return s;
    }

    static Snapshot parse(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) return Snapshot.NONE;
        AttributeValue g = item.get("global_pause");
        Pause global = g != null && g.hasM() ? pause(null, g.m()) : null;
        Map<String, Pause> tenants = new HashMap<>();
        AttributeValue t = item.get("tenants");
        if (t != null && t.hasM()) t.m().forEach((id, v) -> {
            if (v.hasM()) tenants.put(id, pause(id, v.m()));
        });
        return new Snapshot(global, tenants);
    }

    private static Pause pause(String tenantId, Map<String, AttributeValue> m) {
        return new Pause(tenantId, text(m, "reason"), text(m, "paused_by"), text(m, "paused_at"));
    }

    /** Sets (or replaces) the global pause. */
    public Pause pauseAll(String reason, String by) {
        Pause p = new Pause(null, reason, by, TS.format(clock.instant()));
        ensureItem();
        dynamoDb.updateItem(b -> b.tableName(table).key(key())
                .updateExpression("SET global_pause = :p, updated_at = :now ADD version :one")
                .conditionExpression("attribute_exists(run_id)")
                .expressionAttributeValues(Map.of(":p", value(p), ":now", AttributeValue.fromS(p.pausedAt()),
                        ":one", AttributeValue.fromN("1"))));
        cached = null;
        return p;
    }

    /** Sets (or replaces) a tenant's pause; refused when {@link #MAX_TENANT_PAUSES} other tenants are paused. */
    public SetOutcome pauseTenant(String tenantId, String reason, String by) {
        Pause p = new Pause(tenantId, reason, by, TS.format(clock.instant()));
        ensureItem();
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key())
                    .updateExpression("SET tenants.#t = :p, updated_at = :now ADD version :one")
                    .conditionExpression("attribute_exists(tenants) AND (attribute_exists(tenants.#t) OR size(tenants) < :max)")
                    .expressionAttributeNames(Map.of("#t", tenantId))
                    .expressionAttributeValues(Map.of(":p", value(p), ":now", AttributeValue.fromS(p.pausedAt()),
                            ":one", AttributeValue.fromN("1"), ":max", AttributeValue.fromN(Integer.toString(MAX_TENANT_PAUSES)))));
        } catch (ConditionalCheckFailedException e) {
            return SetOutcome.LIMIT_REACHED;
        }
        cached = null;
        return SetOutcome.SET;
    }

    /** Lifts the global pause; false when there was none. */
    public boolean resumeAll() {
        return remove("global_pause", Map.of());
    }

    /** Lifts a tenant's pause; false when there was none. */
    public boolean resumeTenant(String tenantId) {
        return remove("tenants.#t", Map.of("#t", tenantId));
    }

    private boolean remove(String path, Map<String, String> names) {
        try {
            dynamoDb.updateItem(b -> {
                b.tableName(table).key(key()).updateExpression("REMOVE " + path + " SET updated_at = :now ADD version :one")
                        .conditionExpression("attribute_exists(" + path + ")")
                        .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(TS.format(clock.instant())),
                                ":one", AttributeValue.fromN("1")));
                if (!names.isEmpty()) b.expressionAttributeNames(names);
            });
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
        cached = null;
        return true;
    }

    /** The item with an empty tenant map, once (a nested SET needs the map to exist); idempotent. */
    private void ensureItem() {
        try {
            dynamoDb.putItem(b -> b.tableName(table).conditionExpression("attribute_not_exists(run_id)").item(Map.of(
                    "run_id", AttributeValue.fromS(ITEM_KEY), "item_type", AttributeValue.fromS("RUN_CREATION_PAUSES"),
                    "tenants", AttributeValue.fromM(Map.of()), "version", AttributeValue.fromN("0"))));
        } catch (ConditionalCheckFailedException e) {
            // already there: the normal case
        }
    }

    private static Map<String, AttributeValue> key() {
        return Map.of("run_id", AttributeValue.fromS(ITEM_KEY));
    }

    private static AttributeValue value(Pause p) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("reason", AttributeValue.fromS(p.reason()));
        m.put("paused_by", AttributeValue.fromS(p.pausedBy()));
        m.put("paused_at", AttributeValue.fromS(p.pausedAt()));
        return AttributeValue.fromM(m);
    }
}
