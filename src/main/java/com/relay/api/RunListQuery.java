package com.relay.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/**
 * The validated query of {@code GET /v1/runs} (RI §5.4, §5.5, §9.12 #16–18). {@code after} is
 * inclusive and {@code beforeExclusive} exclusive, both rounded up to whole milliseconds so they
 * compare exactly with TS text.
 */
public record RunListQuery(String tenantId, String status, Instant after, Instant beforeExclusive, int limit,
                           String cursor) {

    public static final Set<String> PARAMS = Set.of("tenant_id", "status", "created_after", "created_before", "limit", "cursor");
    private static final Set<String> STATUSES = Set.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED");

    /** @param principal a tenant principal's tenant is the default; another tenant → 404 */
    public static RunListQuery parse(Map<String, String> q, Principal principal) {
        String tenantId = q.get("tenant_id");
        if (tenantId != null && !Ids.isIdentifier(tenantId)) throw ApiException.invalid("query.tenant_id", "invalid tenant id");
        if (!principal.admin()) {
            if (tenantId == null) tenantId = principal.tenantId();
            else if (!principal.canSee(tenantId)) throw ApiException.tenantNotFound(tenantId);
        }
        String status = q.get("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid("query.status", "must be one of QUEUED, RUNNING, SUCCEEDED, FAILED");
        }
        Instant after = time(q, "created_after");
        Instant before = time(q, "created_before");
        if (after != null && before != null && !before.isAfter(after)) {
            throw ApiException.invalid("query.created_before", "must be later than created_after");
        }
        int limit = Pagination.limit(q.get("limit"));
        if (tenantId == null && status == null) throw ApiException.invalid("query.tenant_id", "tenant_id or status is required");
        return new RunListQuery(tenantId, status, ceilMillis(after), ceilMillis(before), limit, q.get("cursor"));
    }

    /** The filters a cursor is bound to. */
    public String filters() {
        return "runs:" + tenantId + "|" + status + "|" + after + "|" + beforeExclusive;
    }

    private static Instant time(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null) return null;
        return Timestamps.parseQuery(v).orElseThrow(() ->
                ApiException.invalid("query." + name, "must be an ISO-8601 timestamp with Z or an offset"));
    }

    private static Instant ceilMillis(Instant t) {
        if (t == null) return null;
        Instant floor = t.truncatedTo(ChronoUnit.MILLIS);
        return floor.equals(t) ? t : floor.plusMillis(1);
    }
}
