package com.relay.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/**
 * The validated query of {@code GET /v1/runs} (docs/CONTRACT.md#endpoints, docs/CONTRACT.md#pagination, docs/CONTRACT.md#api-and-configuration-scenarios #16–18). {@code after} is
 * inclusive and {@code beforeExclusive} exclusive, both rounded up to whole milliseconds so they
 * compare exactly with TS text.
 */
public record RunListQuery(String tenantId, String status, Instant after, Instant beforeExclusive, int limit,
                           String cursor) {

    public static final Set<String> PARAMS = Set.of("tenant_id", "status", "created_after", "created_before", "limit", "cursor");
    private static final Set<String> STATUSES = Set.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED");

    /** @param principal a tenant principal's tenant is the default; another tenant → 404 */
    public static RunListQuery parse(Map<String, String> q, Principal principal) {
        String tenantId = QueryRules.tenantScope(q.get("tenant_id"), principal);
        String status = q.get("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid("query.status", "must be one of QUEUED, RUNNING, SUCCEEDED, FAILED");
        }
        Instant after = QueryRules.time(q, "created_after");
        Instant before = QueryRules.time(q, "created_before");
        QueryRules.checkRange(after, before);
        int limit = Pagination.limit(q.get("limit"));
        if (tenantId == null && status == null) throw ApiException.invalid("query.tenant_id", "tenant_id or status is required");
        return new RunListQuery(tenantId, status, ceilMillis(after), ceilMillis(before), limit, q.get("cursor"));
    }

    /** The filters a cursor is bound to. */
    public String filters() {
        return "runs:" + tenantId + "|" + status + "|" + after + "|" + beforeExclusive;
    }

    private static Instant ceilMillis(Instant t) {
        if (t == null) return null;
        Instant floor = t.truncatedTo(ChronoUnit.MILLIS);
        return floor.equals(t) ? t : floor.plusMillis(1);
    }
}
