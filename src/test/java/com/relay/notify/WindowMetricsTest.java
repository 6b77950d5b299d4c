package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.api.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Issue 17 defect 10: {@code GET /v1/metrics} aggregates page by page. 50,000 runs are generated
 * page by page (nothing but the current page exists); the aggregate keeps 10 runs, and its numbers
 * equal the ones computed over the whole list by the former method.
 */
class WindowMetricsTest {

    private static Map<String, AttributeValue> run(int i) {
        String[] statuses = {"SUCCEEDED", "FAILED", "RUNNING", "QUEUED", "SUCCEEDED"};
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("run_id", AttributeValue.fromS("run-" + i));
        m.put("tenant_id", AttributeValue.fromS("acme"));
        m.put("status", AttributeValue.fromS(statuses[i % statuses.length]));
        // many runs share an instant: ties keep read order
        m.put("requested_at", AttributeValue.fromS(String.format("2026-11-22T%02d:%02d:00.000Z", (i / 60 / 60) % 24, (i / 60) % 60)));
        if (i % 5 == 0 || i % 5 == 1 || i % 5 == 4) m.put("duration_ms", AttributeValue.fromN(Integer.toString(1_000 + i % 977)));
        return m;
    }

    @Test
    void pagedAggregationKeepsTenRunsAndGivesTheNumbersOfTheWholeList() {
        int total = 50_000;
        int page = 1_000;
        AtomicInteger pages = new AtomicInteger();
        WindowMetrics window = new WindowMetrics(NotificationsApi.STATUSES);
        int[] maxKept = {0};
        MetricsApi.forEach(request -> {
            int from = request.exclusiveStartKey() == null || request.exclusiveStartKey().isEmpty() ? 0
                    : Integer.parseInt(request.exclusiveStartKey().get("i").n());
            assertThat(request.limit()).isEqualTo(MetricsApi.PAGE_ITEMS);
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            for (int i = from; i < Math.min(total, from + page); i++) items.add(run(i));
            pages.incrementAndGet();
            maxKept[0] = Math.max(maxKept[0], window.recentKept());
            QueryResponse.Builder b = QueryResponse.builder().items(items);
            if (from + page < total) b.lastEvaluatedKey(Map.of("i", AttributeValue.fromN(Integer.toString(from + page))));
            return b.build();
        }, "tenant-index", "tenant_id", "acme", "requested_at", "2026-11-22T00:00:00.000Z", List.of("status"), window::addRun);

        assertThat(pages.get()).isEqualTo(50);
        assertThat(maxKept[0]).isEqualTo(WindowMetrics.RECENT);
        assertThat(window.recentKept()).isEqualTo(WindowMetrics.RECENT);

        // the former computation: every item in one list, counted, sorted (stable) newest first
        List<Map<String, AttributeValue>> all = new ArrayList<>();
        for (int i = 0; i < total; i++) all.add(run(i));
        long succeeded = all.stream().filter(r -> r.get("status").s().equals("SUCCEEDED")).count();
        long failed = all.stream().filter(r -> r.get("status").s().equals("FAILED")).count();
        long durationSum = 0;
        long durations = 0;
        for (Map<String, AttributeValue> r : all) {
            String s = r.get("status").s();
            if ((s.equals("SUCCEEDED") || s.equals("FAILED")) && r.containsKey("duration_ms")) {
                durationSum += Long.parseLong(r.get("duration_ms").n());
                durations++;
            }
        }
        all.sort(java.util.Comparator.comparing((Map<String, AttributeValue> r) -> r.get("requested_at").s()).reversed());
        List<String> expectedRecent = all.subList(0, 10).stream().map(r -> r.get("run_id").s()).toList();

        Map<String, Object> runs = window.runs();
        assertThat(runs.get("total")).isEqualTo((long) total);
        assertThat(Json.MAPPER.valueToTree(runs.get("status_counts")).toString()).isEqualTo(
                "{\"QUEUED\":10000,\"RUNNING\":10000,\"SUCCEEDED\":" + succeeded + ",\"FAILED\":" + failed + "}");
        assertThat(runs.get("success_rate")).isEqualTo(WindowMetrics.rate(succeeded, failed));
        assertThat(runs.get("average_duration_ms")).isEqualTo(Math.round((double) durationSum / durations));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> recent = (List<Map<String, Object>>) runs.get("recent");
        assertThat(recent).extracting(r -> r.get("run_id")).containsExactlyElementsOf(expectedRecent);
    }

    @Test
    void notificationCountsAndRates() {
        WindowMetrics window = new WindowMetrics(NotificationsApi.STATUSES);
        for (String s : List.of("completed", "completed", "failed", "queued", "unknown")) {
            window.addNotification(Map.of("status", AttributeValue.fromS(s)));
        }
        assertThat(Json.MAPPER.valueToTree(window.notifications()).toString()).isEqualTo(
                "{\"total\":4,\"status_counts\":{\"created\":0,\"queued\":1,\"processing\":0,\"completed\":2,\"failed\":1},"
                        + "\"success_rate\":0.6667}");
        assertThat(window.runs().get("recent")).asList().isEmpty();
        assertThat(window.runs().get("average_duration_ms")).isNull();
    }
}
