package com.relay.notify;

import static com.relay.aws.DynamoItems.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.api.ApiException;
import com.relay.api.ApiRequest;
import com.relay.api.ApiResponse;
import com.relay.api.Cursors;
import com.relay.api.Ids;
import com.relay.api.Pagination;
import com.relay.api.Principal;
import com.relay.api.QueryRules;
import com.relay.api.Timestamps;
import com.relay.config.RelaySettings;
import com.relay.logging.LogEvents;
import com.relay.runs.RunRepository;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.config.TenantConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/** Notification endpoints (docs/CONTRACT.md#notification-resource to docs/CONTRACT.md#sending-a-manual-message): list, get, manual message. */
@Component("notificationsApi")
public class NotificationsApi {

    private static final Logger log = LoggerFactory.getLogger(NotificationsApi.class);
    static final Set<String> LIST_PARAMS = Set.of("tenant_id", "status", "run_id", "created_after", "created_before", "limit", "cursor");
    static final List<String> STATUSES = List.of("created", "queued", "processing", "completed", "failed");
    private static final Set<String> CREATE_FIELDS = Set.of("tenant_id", "message", "title", "priority", "tags", "click_url");
    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_+-]{1,64}$");
    private static final Map<String, Integer> PRIORITY_NAMES = Map.of("min", 1, "low", 2, "default", 3, "high", 4, "max", 5, "urgent", 5);
    private static final List<String> KEYS = List.of("notification_id", "kind", "tenant_id", "run_id", "run_status", "status",
            "created_at", "updated_at", "queued_at", "processing_started_at", "processing_completed_at", "duration_ms",
            "created_by", "requested_by", "correlation_id", "server_url", "topic", "token_configured", "title", "message",
            "body", "priority", "tags", "click_url", "deliveries", "attempts", "deferrals", "next_attempt_at", "last_error",
            "http_status", "ntfy_message_id", "error_code", "error_message");
    private static final Set<String> NUMBERS = Set.of("duration_ms", "priority", "deliveries", "attempts", "deferrals", "http_status");

    private final NotificationRepository repository;
    private final NotificationEnqueuer enqueuer;
    private final RunRepository runs;
    private final TenantRepository tenants;
    private final PinnedConfigs configs;
    private final NotificationRecords records;
    private final ManualNotificationLimiter limiter;
    private final Clock clock;

    public NotificationsApi(NotificationRepository repository, NotificationEnqueuer enqueuer, RunRepository runs,
                            TenantRepository tenants, PinnedConfigs configs, RelaySettings settings, ObjectProvider<Clock> clock) {
        this.repository = repository;
        this.enqueuer = enqueuer;
        this.runs = runs;
        this.tenants = tenants;
        this.configs = configs;
        this.records = new NotificationRecords(settings.environment(), settings.notifier().ttlDays());
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.limiter = new ManualNotificationLimiter(settings.notifier().manualPerTenantPerMinute(), this.clock);
    }

    /** GET /v1/notifications/{notification_id}. */
    public ApiResponse get(ApiRequest request) {
        request.query(Set.of());
        String id = request.path("notification_id");
        if (!Ids.isRunId(id)) throw notificationNotFound(id);
        Map<String, AttributeValue> item = repository.get(id).orElseThrow(() -> notificationNotFound(id));
        if (!request.principal().canSee(text(item, "tenant_id"))) throw notificationNotFound(id);
        return ApiResponse.ok(resource(item));
    }

    /** GET /v1/notifications (docs/CONTRACT.md#listing-notifications). */
    public ApiResponse list(ApiRequest request) {
        Map<String, String> q = request.query(LIST_PARAMS);
        Principal principal = request.principal();
        String tenantId = QueryRules.tenantScope(q.get("tenant_id"), principal);
        String status = q.get("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid("query.status", "must be one of created, queued, processing, completed, failed");
        }
        Instant after = time(q, "created_after");
        Instant before = time(q, "created_before");
        QueryRules.checkRange(after, before);
        int limit = Pagination.limit(q.get("limit"));
        String runId = q.get("run_id");
        if (tenantId == null && status == null && runId == null) {
            throw ApiException.invalid("query.tenant_id", "tenant_id, status or run_id is required");
        }
        String filters = "notifications:" + tenantId + "|" + status + "|" + runId + "|" + after + "|" + before;
        if (runId != null) return byRun(runId, principal, tenantId, status, after, before, limit, q.get("cursor"), filters);

        boolean byTenant = tenantId != null;
        String partitionName = byTenant ? "tenant_id" : "status";
        String partitionValue = byTenant ? tenantId : status;
        Map<String, AttributeValue> start = null;
        if (q.get("cursor") != null) {
            start = Cursors.decode(q.get("cursor"), filters);
            AttributeValue p = start.get(partitionName);
            if (start.size() != 3 || p == null || !partitionValue.equals(p.s()) || start.get("notification_id") == null
                    || start.get("created_at") == null) {
                throw ApiException.invalid("query.cursor", "invalid cursor");
            }
        }
        Map<String, String> names = new HashMap<>(Map.of("#p", partitionName));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", AttributeValue.fromS(partitionValue)));
        String keyCondition = "#p = :p" + range(after, before, names, values);
        String filter = null;
        if (byTenant && status != null) {
            filter = "#s = :s";
            names.put("#s", "status");
            values.put(":s", AttributeValue.fromS(status));
        }
        QueryRequest.Builder b = QueryRequest.builder()
                .indexName(byTenant ? NotificationRepository.TENANT_INDEX : NotificationRepository.STATUS_INDEX)
                .keyConditionExpression(keyCondition).expressionAttributeNames(names)
                .expressionAttributeValues(values).scanIndexForward(false);
        if (filter != null) b.filterExpression(filter);
        Pagination.Page found = Pagination.collect(repository::query, b, limit, start);
        List<Map<String, AttributeValue>> items = found.items();
        String cursor = null;
        if (found.more()) {
            Map<String, AttributeValue> last = found.last();
            cursor = Cursors.encode(Map.of("notification_id", last.get("notification_id"), partitionName, last.get(partitionName),
                    "created_at", last.get("created_at")), filters);
        }
        return page(items, limit, cursor);
    }

    /** POST /v1/notifications (docs/CONTRACT.md#sending-a-manual-message). */
    public ApiResponse create(ApiRequest request) {
        request.query(Set.of());
        ObjectNode body = request.jsonObject();
        List<ApiException.Detail> problems = new ArrayList<>();
        QueryRules.checkTenantBody(body, CREATE_FIELDS, problems);
        JsonNode tenant = body.get("tenant_id");
        JsonNode message = body.get("message");
        if (message == null || message.isNull()) problems.add(new ApiException.Detail("message", "required", null));
        else if (!message.isTextual() || message.asText().isEmpty()
                || message.asText().getBytes(StandardCharsets.UTF_8).length > 3900) {
            problems.add(new ApiException.Detail("message", "must be 1 to 3900 bytes of UTF-8 text", null));
        }
        String title = null;
        JsonNode titleNode = body.get("title");
        if (titleNode != null && !titleNode.isNull()) {
            if (!titleNode.isTextual() || titleNode.asText().isEmpty() || titleNode.asText().length() > 250
                    || !titleNode.asText().chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
                problems.add(new ApiException.Detail("title", "must be 1-250 printable ASCII characters", null));
            } else {
                title = titleNode.asText();
            }
        }
        Integer priority = null;
        JsonNode p = body.get("priority");
        if (p != null && !p.isNull()) {
            if (p.isIntegralNumber() && p.canConvertToInt() && p.asInt() >= 1 && p.asInt() <= 5) priority = p.asInt();
            else if (p.isTextual() && PRIORITY_NAMES.containsKey(p.asText())) priority = PRIORITY_NAMES.get(p.asText());
            else problems.add(new ApiException.Detail("priority", "must be 1-5 or one of min, low, default, high, max, urgent", null));
        }
        List<String> tags = new ArrayList<>();
        JsonNode t = body.get("tags");
        if (t != null && !t.isNull()) {
            if (!t.isArray() || t.size() > 10) {
                problems.add(new ApiException.Detail("tags", "must be a list of at most 10 tags", null));
            } else {
                for (int i = 0; i < t.size(); i++) {
                    if (!t.get(i).isTextual() || !TAG.matcher(t.get(i).asText()).matches()) {
                        problems.add(new ApiException.Detail("tags[" + i + "]", "must match ^[A-Za-z0-9_+-]{1,64}$", null));
                    } else {
                        tags.add(t.get(i).asText());
                    }
                }
            }
        }
        String click = null;
        JsonNode c = body.get("click_url");
        if (c != null && !c.isNull()) {
            if (!c.isTextual() || !httpUrl(c.asText())) {
                problems.add(new ApiException.Detail("click_url", "must be an absolute http(s) URL of at most 2048 characters", null));
            } else {
                click = c.asText();
            }
        }
        if (!problems.isEmpty()) throw ApiException.invalidRequest(problems);
        String tenantId = tenant.asText();
        Principal principal = request.principal();
        if (!principal.canSee(tenantId)) throw ApiException.tenantNotFound(tenantId);
        // before any table read: a tenant over its quota costs no DynamoDB call
        limiter.acquire(tenantId).ifPresent(seconds -> { throw rateLimited(tenantId, seconds); });
        if (tenants.latest(tenantId).isEmpty()) throw ApiException.tenantNotFound(tenantId);
        TenantConfig config = configs.latest(tenantId);
        TenantConfig.Ntfy ntfy = config == null || config.notifications() == null ? null : config.notifications().ntfy();
        if (ntfy == null || !ntfy.enabled()) {
            throw new ApiException(422, "NOTIFICATIONS_NOT_CONFIGURED", "tenant " + tenantId + " has no enabled ntfy notifications");
        }
        Instant now = Timestamps.now(clock);
        String createdBy = principal.id().startsWith("jwt:") ? "user" : "api";
        Map<String, AttributeValue> record = records.manual(ntfy, tenantId, message.asText(), title, priority, tags, click,
                createdBy, principal.id(), request.correlationId(), now, NotificationRecords.newId());
        if (!repository.create(record)) throw new ApiException(500, "INTERNAL", "internal error");
        String id = record.get("notification_id").s();
        LogEvents.info(log, "notification_created", "notification_id", id, "kind", "manual", "tenant_id", tenantId);
        boolean queued = enqueuer.enqueue(record);
        Map<String, AttributeValue> stored = queued ? repository.get(id).orElse(record) : record;
        return ApiResponse.accepted(resource(stored), "/v1/notifications/" + id);
    }

    private ApiResponse byRun(String runId, Principal principal, String tenantId, String status, Instant after, Instant before,
                              int limit, String cursor, String filters) {
        if (cursor != null) Cursors.decode(cursor, filters + "|run"); // a run query has one page: any cursor is invalid
        if (!Ids.isRunId(runId)) throw ApiException.runNotFound(runId);
        Map<String, AttributeValue> run = runs.get(runId).orElseThrow(() -> ApiException.runNotFound(runId));
        String runTenant = text(run, "tenant_id");
        if (runTenant == null || !"RUN".equals(text(run, "item_type")) || !principal.canSee(runTenant)) {
            throw ApiException.runNotFound(runId);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        String notificationId = text(run, "notification_id");
        if (notificationId != null) {
            repository.get(notificationId).filter(n -> tenantId == null || tenantId.equals(text(n, "tenant_id")))
                    .filter(n -> status == null || status.equals(text(n, "status")))
                    .filter(n -> after == null || !Instant.parse(text(n, "created_at")).isBefore(after))
                    .filter(n -> before == null || Instant.parse(text(n, "created_at")).isBefore(before))
                    .ifPresent(items::add);
        }
        return page(items, limit, null);
    }

    private static ApiResponse page(List<Map<String, AttributeValue>> items, int limit, String cursor) {
        List<Map<String, Object>> data = new ArrayList<>();
        items.forEach(i -> data.add(resource(i)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("pagination", Pagination.object(limit, cursor));
        return ApiResponse.ok(body);
    }

    /** The Notification resource (docs/CONTRACT.md#notification-resource): every key, in order; internal fields never returned. */
    static Map<String, Object> resource(Map<String, AttributeValue> item) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : KEYS) {
            if (key.equals("token_configured")) {
                m.put(key, item.containsKey("token_secret_ref"));
                continue;
            }
            AttributeValue v = item.get(key);
            if (key.equals("tags")) {
                List<String> tags = new ArrayList<>();
                if (v != null && v.hasL()) v.l().forEach(a -> tags.add(a.s()));
                m.put(key, tags);
            } else if (v == null || Boolean.TRUE.equals(v.nul())) {
                m.put(key, null);
            } else if (NUMBERS.contains(key) && v.n() != null) {
                m.put(key, Long.parseLong(v.n()));
            } else {
                m.put(key, v.s());
            }
        }
        return m;
    }

    /** Key condition on created_at: {@code after} inclusive, {@code before} exclusive (TS text compares exactly). */
    static String range(Instant after, Instant before, Map<String, String> names, Map<String, AttributeValue> values) {
        if (after == null && before == null) return "";
        names.put("#c", "created_at");
        if (after != null && before != null) {
            values.put(":a", AttributeValue.fromS(Timestamps.format(after)));
            values.put(":b", AttributeValue.fromS(Timestamps.format(before.minusMillis(1))));
            return " AND #c BETWEEN :a AND :b";
        }
        if (after != null) {
            values.put(":a", AttributeValue.fromS(Timestamps.format(after)));
            return " AND #c >= :a";
        }
        values.put(":b", AttributeValue.fromS(Timestamps.format(before)));
        return " AND #c < :b";
    }

    private static Instant time(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null) return null;
        Instant t = QueryRules.time(q, name);
        Instant floor = t.truncatedTo(ChronoUnit.MILLIS);
        return floor.equals(t) ? t : floor.plusMillis(1);
    }

    private static boolean httpUrl(String text) {
        if (text.length() > 2048) return false;
        try {
            URI u = new URI(text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** 429 of the quota, naming the limit and its setting (docs/CONTRACT.md#api-errors shape, with {@code Retry-After}). */
    private ApiException rateLimited(String tenantId, long retryAfterSeconds) {
        int limit = limiter.perMinute();
        Map<String, Object> quota = new LinkedHashMap<>();
        quota.put("name", "notifications per minute");
        quota.put("value", limit);
        quota.put("setting", "NOTIFY_MANUAL_PER_TENANT_PER_MINUTE");
        return new ApiException(429, "RATE_LIMITED", "tenant " + tenantId + " may send at most " + limit
                + " notifications per minute (NOTIFY_MANUAL_PER_TENANT_PER_MINUTE); retry after " + retryAfterSeconds + " s",
                List.of(new ApiException.Detail("tenant_id", "notifications per minute limit of " + limit + " reached", null)),
                Map.of("limit", quota), Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    static ApiException notificationNotFound(String id) {
        return new ApiException(404, "NOTIFICATION_NOT_FOUND", "notification " + id + " not found");
    }
}
