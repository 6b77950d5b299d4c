package com.relay.notify;

import com.relay.api.ApiException;
import com.relay.api.ApiRequest;
import com.relay.api.ApiResponse;
import com.relay.api.Ids;
import com.relay.api.Principal;
import com.relay.api.QueryRules;
import com.relay.api.Timestamps;
import com.relay.runs.RunRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code GET /v1/metrics} (docs/CONTRACT.md#the-metrics-endpoint): run and notification counts of a window,
 * computed at request time from the tenant index (one tenant) or the status index (all tenants,
 * one query per status), aggregated page by page ({@link WindowMetrics}): memory does not grow
 * with the number of items in the window. A failed query surfaces as an SDK error → 503 (ApiGate).
 */
@Component("metricsApi")
public class MetricsApi {

    private static final Set<String> PARAMS = Set.of("tenant_id", "hours");
    private static final Set<Integer> HOURS = Set.of(1, 6, 24, 168);
    /** Items per Query page: with the projections below a page is a few hundred KB at most. */
    static final int PAGE_ITEMS = 1_000;
    private static final List<String> RUN_FIELDS = List.of("run_id", "tenant_id", "status", "stage", "created_by",
            "requested_at", "finished_at", "duration_ms", "error_code");
    private static final List<String> NOTIFICATION_FIELDS = List.of("status");

    private final RunRepository runs;
    private final NotificationRepository notifications;
    private final Clock clock;

    public MetricsApi(RunRepository runs, NotificationRepository notifications, ObjectProvider<Clock> clock) {
        this.runs = runs;
        this.notifications = notifications;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    public ApiResponse metrics(ApiRequest request) {
        Map<String, String> q = request.query(PARAMS);
        Principal principal = request.principal();
        String tenantId = QueryRules.tenantScope(q.get("tenant_id"), principal);
        int hours = 24;
        String h = q.get("hours");
        if (h != null) {
            if (!h.matches("[0-9]{1,3}") || !HOURS.contains(Integer.parseInt(h))) {
                throw ApiException.invalid("query.hours", "must be one of 1, 6, 24, 168");
            }
            hours = Integer.parseInt(h);
        }
        Instant now = Timestamps.now(clock);
        Instant windowStart = now.minus(Duration.ofHours(hours));
        String ws = Timestamps.format(windowStart);

        // aggregated while the pages are read: one page (at most PAGE_ITEMS items) in memory at a time
        WindowMetrics window = new WindowMetrics(NotificationsApi.STATUSES);
        if (tenantId != null) {
            forEach(runs::query, RunRepository.TENANT_INDEX, "tenant_id", tenantId, "requested_at", ws, RUN_FIELDS, window::addRun);
            forEach(notifications::query, NotificationRepository.TENANT_INDEX, "tenant_id", tenantId, "created_at", ws,
                    NOTIFICATION_FIELDS, window::addNotification);
        } else {
            for (String s : WindowMetrics.RUN_STATUSES) {
                forEach(runs::query, RunRepository.STATUS_INDEX, "status", s, "requested_at", ws, RUN_FIELDS, window::addRun);
            }
            for (String s : NotificationsApi.STATUSES) {
                forEach(notifications::query, NotificationRepository.STATUS_INDEX, "status", s, "created_at", ws,
                        NOTIFICATION_FIELDS, window::addNotification);
            }
        }

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant_id", tenantId);
        body.put("hours", hours);
        body.put("window_start", ws);
        body.put("generated_at", Timestamps.format(now));
        body.put("runs", window.runs());
        body.put("notifications", window.notifications());
        return ApiResponse.ok(body);
    }

    /** Offers every item of the window to {@code sink}, page by page; no page is kept. */
    static void forEach(Function<QueryRequest, QueryResponse> query, String index, String partition, String value,
                        String sortKey, String from, List<String> fields, Consumer<Map<String, AttributeValue>> sink) {
        Map<String, String> names = new HashMap<>(Map.of("#p", partition, "#k", sortKey));
        List<String> projected = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            names.put("#f" + i, fields.get(i));
            projected.add("#f" + i);
        }
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse r = query.apply(QueryRequest.builder().indexName(index)
                    .keyConditionExpression("#p = :p AND #k >= :w")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(value), ":w", AttributeValue.fromS(from)))
                    .projectionExpression(String.join(", ", projected))
                    .limit(PAGE_ITEMS).exclusiveStartKey(start).build());
            r.items().forEach(sink);
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
    }
}
