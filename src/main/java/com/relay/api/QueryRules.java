package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request checks shared by the list, metrics and create endpoints (docs/CONTRACT.md#api-conventions, docs/CONTRACT.md#pagination;
 * docs/CONTRACT.md#notification-and-metrics-api): who may ask for which tenant, query time ranges, body field rules.
 */
public final class QueryRules {

    private QueryRules() {}

    /**
     * The tenant a list query is about: a tenant principal's own by default, another one → 404
     * (existence does not leak); an admin's as given (null = none). Invalid ids → 422.
     */
    public static String tenantScope(String requested, Principal principal) {
        if (requested != null && !Ids.isIdentifier(requested)) throw ApiException.invalid("query.tenant_id", "invalid tenant id");
        if (principal.admin()) return requested;
        if (requested == null) return principal.tenantId();
        if (!principal.canSee(requested)) throw ApiException.tenantNotFound(requested);
        return requested;
    }

    /** An ISO-8601 query timestamp (with Z or an offset), or null when absent; invalid → 422. */
    public static Instant time(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null) return null;
        return Timestamps.parseQuery(v).orElseThrow(() ->
                ApiException.invalid("query." + name, "must be an ISO-8601 timestamp with Z or an offset"));
    }

    /** {@code created_before} must be later than {@code created_after} when both are given. */
    public static void checkRange(Instant after, Instant before) {
        if (after != null && before != null && !before.isAfter(after)) {
            throw ApiException.invalid("query.created_before", "must be later than created_after");
        }
    }

    /** Body rules every create endpoint shares: no unknown field, a valid {@code tenant_id}. */
    public static void checkTenantBody(ObjectNode body, Set<String> allowed, List<ApiException.Detail> problems) {
        body.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) problems.add(new ApiException.Detail(Ids.shown(f), "unknown field", null));
        });
        JsonNode tenant = body.get("tenant_id");
        if (tenant == null || tenant.isNull()) problems.add(new ApiException.Detail("tenant_id", "required", null));
        else if (!tenant.isTextual() || !Ids.isIdentifier(tenant.asText())) {
            problems.add(new ApiException.Detail("tenant_id", "must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", null));
        }
    }
}
