package com.relay.notify;

import com.relay.api.ApiException;
import com.relay.api.ApiRequest;
import com.relay.api.ApiResponse;
import com.relay.api.Ids;
import com.relay.api.Principal;
import com.relay.api.QueryRules;
import com.relay.api.Timestamps;
import com.relay.runs.RunRepository;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code GET /v1/metrics} (notifications.md §5.5): run and notification counts of a window,
 * computed at request time from the tenant index (one tenant) or the status index (all tenants,
 * one query per status). A failed query surfaces as an SDK error → 503 (ApiGate).
 */
@Component("metricsApi")
public class MetricsApi {

    private static final Set<String> PARAMS = Set.of("tenant_id", "hours");
    private static final Set<Integer> HOURS = Set.of(1, 6, 24, 168);
    private static final List<String> RUN_STATUSES = List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED");

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

        List<Map<String, AttributeValue>> runItems = new ArrayList<>();
        List<Map<String, AttributeValue>> notificationItems = new ArrayList<>();
        if (tenantId != null) {
            runItems.addAll(all(runs::query, RunRepository.TENANT_INDEX, "tenant_id", tenantId, "requested_at", ws));
            notificationItems.addAll(all(notifications::query, NotificationRepository.TENANT_INDEX, "tenant_id", tenantId,
                    "created_at", ws));
        } else {
            for (String s : RUN_STATUSES) runItems.addAll(all(runs::query, RunRepository.STATUS_INDEX, "status", s, "requested_at", ws));
            for (String s : NotificationsApi.STATUSES) {
                notificationItems.addAll(all(notifications::query, NotificationRepository.STATUS_INDEX, "status", s, "created_at", ws));
            }
        }

        Map<String, Long> runCounts = new LinkedHashMap<>();
        RUN_STATUSES.forEach(s -> runCounts.put(s, 0L));
        long durationSum = 0;
        long durations = 0;
        for (Map<String, AttributeValue> r : runItems) {
            String status = s(r, "status");
            if (runCounts.containsKey(status)) runCounts.merge(status, 1L, Long::sum);
            AttributeValue d = r.get("duration_ms");
            if (("SUCCEEDED".equals(status) || "FAILED".equals(status)) && d != null && d.n() != null) {
                durationSum += Long.parseLong(d.n());
                durations++;
            }
        }
        runItems.sort(Comparator.comparing((Map<String, AttributeValue> r) -> s(r, "requested_at")).reversed());
        List<Map<String, Object>> recent = new ArrayList<>();
        for (Map<String, AttributeValue> r : runItems.subList(0, Math.min(10, runItems.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", s(r, "run_id"));
            m.put("tenant_id", s(r, "tenant_id"));
            m.put("status", s(r, "status"));
            m.put("stage", s(r, "stage"));
            m.put("created_by", s(r, "created_by"));
            m.put("requested_at", s(r, "requested_at"));
            m.put("finished_at", s(r, "finished_at"));
            AttributeValue d = r.get("duration_ms");
            m.put("duration_ms", d == null || d.n() == null ? null : Long.parseLong(d.n()));
            m.put("error_code", s(r, "error_code"));
            recent.add(m);
        }
        Map<String, Object> runsBody = new LinkedHashMap<>();
        runsBody.put("total", runCounts.values().stream().mapToLong(Long::longValue).sum());
        runsBody.put("status_counts", runCounts);
        runsBody.put("success_rate", rate(runCounts.get("SUCCEEDED"), runCounts.get("FAILED")));
        runsBody.put("average_duration_ms", durations == 0 ? null
                : BigDecimal.valueOf(durationSum).divide(BigDecimal.valueOf(durations), 0, RoundingMode.HALF_UP).longValueExact());
        runsBody.put("recent", recent);

        Map<String, Long> notificationCounts = new LinkedHashMap<>();
        NotificationsApi.STATUSES.forEach(s -> notificationCounts.put(s, 0L));
        for (Map<String, AttributeValue> n : notificationItems) {
            String status = s(n, "status");
            if (notificationCounts.containsKey(status)) notificationCounts.merge(status, 1L, Long::sum);
        }
        Map<String, Object> notificationsBody = new LinkedHashMap<>();
        notificationsBody.put("total", notificationCounts.values().stream().mapToLong(Long::longValue).sum());
        notificationsBody.put("status_counts", notificationCounts);
        notificationsBody.put("success_rate", rate(notificationCounts.get("completed"), notificationCounts.get("failed")));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant_id", tenantId);
        body.put("hours", hours);
        body.put("window_start", ws);
        body.put("generated_at", Timestamps.format(now));
        body.put("runs", runsBody);
        body.put("notifications", notificationsBody);
        return ApiResponse.ok(body);
    }

    /** {@code good ÷ (good + bad)} half-up to 4 places; null when the divisor is 0. */
    static BigDecimal rate(long good, long bad) {
        if (good + bad == 0) return null;
        return BigDecimal.valueOf(good).divide(BigDecimal.valueOf(good + bad), 4, RoundingMode.HALF_UP);
    }

    private static List<Map<String, AttributeValue>> all(Function<QueryRequest, QueryResponse> query, String index,
                                                         String partition, String value, String sortKey, String from) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse r = query.apply(QueryRequest.builder().indexName(index)
                    .keyConditionExpression("#p = :p AND #k >= :w")
                    .expressionAttributeNames(Map.of("#p", partition, "#k", sortKey))
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(value), ":w", AttributeValue.fromS(from)))
                    .exclusiveStartKey(start).build());
            out.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private static String s(Map<String, AttributeValue> m, String k) {
        AttributeValue v = m.get(k);
        return v == null ? null : v.s();
    }
}
