package com.relay.notify;

import static com.relay.aws.DynamoItems.text;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The aggregates of {@code GET /v1/metrics} (docs/CONTRACT.md#the-metrics-endpoint), accumulated one item at a
 * time while the index pages are read (issue 17 defect 10): counts per status, the duration sum
 * and the 10 most recent runs. Nothing else is kept, so memory does not depend on the number of
 * items in the window. Items must be offered in read order: among runs requested at the same
 * instant, the one read first ranks first (what a stable sort of all items did before).
 */
public final class WindowMetrics {

    static final List<String> RUN_STATUSES = List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED");
    static final int RECENT = 10;

    /** One of the most recent runs: only the fields the answer shows. */
    private record Recent(long seq, Map<String, Object> fields) {
        String requestedAt() { return (String) fields.get("requested_at"); }
    }

    /** Newest first; at the same instant, read first. */
    private static final Comparator<Recent> NEWEST_FIRST = Comparator.comparing(Recent::requestedAt,
            Comparator.nullsFirst(Comparator.<String>naturalOrder())).reversed().thenComparingLong(Recent::seq);

    private final Map<String, Long> runCounts = new LinkedHashMap<>();
    private final Map<String, Long> notificationCounts = new LinkedHashMap<>();
    private long durationSum;
    private long durations;
    private long seq;
    /** The best {@link #RECENT} so far; the head is the one that would go last (dropped first). */
    private final PriorityQueue<Recent> recent = new PriorityQueue<>(RECENT + 1, NEWEST_FIRST.reversed());

    public WindowMetrics(List<String> notificationStatuses) {
        RUN_STATUSES.forEach(s -> runCounts.put(s, 0L));
        notificationStatuses.forEach(s -> notificationCounts.put(s, 0L));
    }

    public void addRun(Map<String, AttributeValue> r) {
        String status = text(r, "status");
        if (runCounts.containsKey(status)) runCounts.merge(status, 1L, Long::sum);
        AttributeValue d = r.get("duration_ms");
        Long duration = d == null || d.n() == null ? null : Long.parseLong(d.n());
        if (("SUCCEEDED".equals(status) || "FAILED".equals(status)) && duration != null) {
            durationSum += duration;
            durations++;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", text(r, "run_id"));
        m.put("tenant_id", text(r, "tenant_id"));
        m.put("status", status);
        m.put("stage", text(r, "stage"));
        m.put("created_by", text(r, "created_by"));
        m.put("requested_at", text(r, "requested_at"));
        m.put("finished_at", text(r, "finished_at"));
        m.put("duration_ms", duration);
        m.put("error_code", text(r, "error_code"));
        recent.add(new Recent(seq++, m));
        if (recent.size() > RECENT) recent.poll();
    }

    public void addNotification(Map<String, AttributeValue> n) {
        String status = text(n, "status");
        if (notificationCounts.containsKey(status)) notificationCounts.merge(status, 1L, Long::sum);
    }

    /** Runs kept for {@code recent} (never more than {@link #RECENT}). */
    int recentKept() { return recent.size(); }

    public Map<String, Object> runs() {
        List<Recent> newest = new ArrayList<>(recent);
        newest.sort(NEWEST_FIRST);
        List<Map<String, Object>> list = new ArrayList<>();
        newest.forEach(r -> list.add(r.fields()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", runCounts.values().stream().mapToLong(Long::longValue).sum());
        body.put("status_counts", new LinkedHashMap<>(runCounts));
        body.put("success_rate", rate(runCounts.get("SUCCEEDED"), runCounts.get("FAILED")));
        body.put("average_duration_ms", durations == 0 ? null
                : BigDecimal.valueOf(durationSum).divide(BigDecimal.valueOf(durations), 0, RoundingMode.HALF_UP).longValueExact());
        body.put("recent", list);
        return body;
    }

    public Map<String, Object> notifications() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", notificationCounts.values().stream().mapToLong(Long::longValue).sum());
        body.put("status_counts", new LinkedHashMap<>(notificationCounts));
        body.put("success_rate", rate(notificationCounts.get("completed"), notificationCounts.get("failed")));
        return body;
    }

    /** {@code good ÷ (good + bad)} half-up to 4 places; null when the divisor is 0. */
    static BigDecimal rate(long good, long bad) {
        if (good + bad == 0) return null;
        return BigDecimal.valueOf(good).divide(BigDecimal.valueOf(good + bad), 4, RoundingMode.HALF_UP);
    }
}
