package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.tenants.TenantRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** Tenant API keys issued at run time (docs/CONTRACT.md#endpoints): admin only; the key is shown once, only its hash is stored. */
@Component("apiKeysApi")
public class ApiKeysApi {

    private final ApiKeyStore store;
    private final TenantRepository tenants;
    private final Authenticator authenticator;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public ApiKeysApi(ApiKeyStore store, TenantRepository tenants, Authenticator authenticator, ObjectProvider<Clock> clock) {
        this.store = store;
        this.tenants = tenants;
        this.authenticator = authenticator;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** POST /v1/tenants/{tenant_id}/api-keys, optional body {@code {"description": "..."}}. */
    public ApiResponse issue(ApiRequest request) {
        String tenantId = adminTenant(request);
        request.query(Set.of());
        ObjectNode body = request.jsonObject();
        List<ApiException.Detail> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("description")) problems.add(new ApiException.Detail(f, "unknown field", null));
        });
        JsonNode d = body.get("description");
        if (d != null && !d.isNull() && (!d.isTextual() || d.asText().length() > 256)) {
            problems.add(new ApiException.Detail("description", "must be a string of at most 256 characters", null));
        }
        if (!problems.isEmpty()) throw ApiException.invalidRequest(problems);
        String description = d == null || d.isNull() ? null : d.asText();
        existing(tenantId);
        String key = ApiKeyHashing.newKey(random);
        byte[] hash = ApiKeyHashing.sha256(key);
        String keyId = "k-" + HexFormat.of().formatHex(hash, 0, 6);
        String now = Timestamps.format(Timestamps.now(clock));
        if (!store.insert(new ApiKeyStore.StoredKey(keyId, tenantId, hash, now, description, null))) {
            throw ApiException.serviceUnavailable();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_id", keyId);
        m.put("api_key", key);
        m.put("tenant_id", tenantId);
        m.put("created_at", now);
        m.put("description", description);
        return ApiResponse.created(m, "/v1/tenants/" + tenantId + "/api-keys/" + keyId);
    }

    /** GET /v1/tenants/{tenant_id}/api-keys: never shows secrets or hashes. */
    public ApiResponse list(ApiRequest request) {
        String tenantId = adminTenant(request);
        request.query(Set.of());
        existing(tenantId);
        List<Map<String, Object>> data = new ArrayList<>();
        store.list(tenantId).forEach(k -> data.add(ApiKeyStore.view(k)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        return ApiResponse.ok(body);
    }

    /** DELETE /v1/tenants/{tenant_id}/api-keys/{key_id} → 204; unknown → 404 API_KEY_NOT_FOUND. */
    public ApiResponse revoke(ApiRequest request) {
        String tenantId = adminTenant(request);
        request.query(Set.of());
        String keyId = request.path("key_id");
        if (!Ids.isIdentifier(keyId)) throw keyNotFound(keyId);
        byte[] hash = store.delete(tenantId, keyId).orElseThrow(() -> keyNotFound(keyId));
        authenticator.forget(hash);
        return ApiResponse.noContent();
    }

    private static String adminTenant(ApiRequest request) {
        if (!request.principal().admin()) throw ApiException.forbidden();
        return TenantsApi.visibleTenant(request);
    }

    private void existing(String tenantId) {
        if (tenants.latest(tenantId).isEmpty()) throw ApiException.tenantNotFound(tenantId);
    }

    private static ApiException keyNotFound(String keyId) {
        return new ApiException(404, "API_KEY_NOT_FOUND", "api key " + keyId + " not found");
    }
}
