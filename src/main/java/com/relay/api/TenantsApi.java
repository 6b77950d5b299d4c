package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.config.RelaySettings;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.TenantRepository.TenantVersion;
import com.relay.tenants.config.ConfigProblem;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigJson;
import com.relay.tenants.config.TenantConfigParser;
import com.relay.tenants.config.TenantConfigParser.Format;
import com.relay.tenants.config.ValidationResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Tenant configuration endpoints (docs/CONTRACT.md#versioning, docs/CONTRACT.md#endpoints). */
@Component("tenantsApi")
public class TenantsApi {

    private final TenantRepository tenants;
    private final TenantConfigParser parser = new TenantConfigParser();
    private final TenantConfigParser.Context context;
    private final Clock clock;
    private final int maxConfigVersions;

    /**
     * The largest stored configuration (normalised JSON, UTF-8): DynamoDB's item limit of 400 KB
     * (409,600 bytes) less room for the item's other attributes. Fixed by DynamoDB, not a setting.
     */
    static final int MAX_CONFIG_BYTES = 409_600 - 4_096;

    public TenantsApi(TenantRepository tenants, RelaySettings settings, ObjectProvider<Clock> clock) {
        this.tenants = tenants;
        this.maxConfigVersions = settings.api().limits().maxConfigVersions();
        this.context = TenantConfigParser.Context.service(settings); // NOTIFY_ALLOW_INSECURE_HTTP (docs/CONTRACT.md#the-notifications-section), RELAY_MAX_VENDORS_PER_RUN
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** POST /v1/tenants: auth → 415 → 413 → 400 → 422 → scope (403) → 409 → version 1. */
    public ApiResponse create(ApiRequest request) {
        request.query(Set.of());
        TenantConfig config = parse(request);
        if (!request.principal().canSee(config.tenantId())) throw ApiException.forbidden();
        String now = Timestamps.format(Timestamps.now(clock));
        String json = storable(TenantConfigJson.toJson(config));
        if (!tenants.createFirst(config.tenantId(), json, request.principal().id(), now)) {
            throw new ApiException(409, "TENANT_EXISTS", "tenant " + config.tenantId() + " already exists");
        }
        return ApiResponse.created(view(new TenantVersion(config.tenantId(), 1, now, request.principal().id(), json)),
                "/v1/tenants/" + config.tenantId());
    }

    /** GET /v1/tenants/{tenant_id}[?config_version=N]. */
    public ApiResponse get(ApiRequest request) {
        String tenantId = visibleTenant(request);
        Map<String, String> q = request.query(Set.of("config_version"));
        String versionText = q.get("config_version");
        if (versionText == null) {
            return ApiResponse.ok(view(tenants.latest(tenantId).orElseThrow(() -> ApiException.tenantNotFound(tenantId))));
        }
        if (!versionText.matches("[0-9]{1,18}") || Long.parseLong(versionText) < 1) {
            throw ApiException.invalid("query.config_version", "must be an integer >= 1");
        }
        long n = Long.parseLong(versionText);
        Optional<TenantVersion> v = tenants.version(tenantId, n);
        if (v.isPresent()) return ApiResponse.ok(view(v.get()));
        if (tenants.latest(tenantId).isEmpty()) throw ApiException.tenantNotFound(tenantId);
        throw new ApiException(404, "TENANT_NOT_FOUND", "tenant " + tenantId + " has no config version " + n);
    }

    /** GET /v1/tenants/{tenant_id}/versions (newest first, docs/CONTRACT.md#pagination pagination). */
    public ApiResponse versions(ApiRequest request) {
        String tenantId = visibleTenant(request);
        Map<String, String> q = request.query(Set.of("limit", "cursor"));
        int limit = Pagination.limit(q.get("limit"));
        String filters = "versions:" + tenantId;
        Map<String, AttributeValue> start = null;
        if (q.get("cursor") != null) {
            start = Cursors.decode(q.get("cursor"), filters);
            AttributeValue t = start.get("tenant_id");
            if (start.size() != 2 || t == null || !tenantId.equals(t.s()) || start.get("config_version") == null
                    || start.get("config_version").n() == null) {
                throw ApiException.invalid("query.cursor", "invalid cursor");
            }
        }
        // one extra item tells whether another page exists
        TenantRepository.Page page = tenants.versions(tenantId, limit + 1, start);
        if (page.items().isEmpty() && start == null) throw ApiException.tenantNotFound(tenantId);
        List<Map<String, Object>> data = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < Math.min(limit, page.items().size()); i++) {
            TenantVersion v = page.items().get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tenant_id", v.tenantId());
            m.put("config_version", v.configVersion());
            m.put("created_at", v.createdAt());
            m.put("created_by", v.createdBy());
            data.add(m);
        }
        if (page.items().size() > limit) {
            TenantVersion last = page.items().get(limit - 1);
            cursor = Cursors.encode(Map.of("tenant_id", AttributeValue.fromS(tenantId),
                    "config_version", AttributeValue.fromN(Long.toString(last.configVersion()))), filters);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("pagination", Pagination.object(limit, cursor));
        return ApiResponse.ok(body);
    }

    /** PUT /v1/tenants/{tenant_id}/config: auth → scope (404) → 415 → 413 → 400 → 422 → 400 mismatch → 404 → latest + 1. */
    public ApiResponse putConfig(ApiRequest request) {
        String tenantId = visibleTenant(request);
        request.query(Set.of());
        TenantConfig config = parse(request);
        if (!config.tenantId().equals(tenantId)) {
            throw new ApiException(400, "TENANT_ID_MISMATCH",
                    "tenant_id in body (" + config.tenantId() + ") does not match path (" + tenantId + ")");
        }
        String now = Timestamps.format(Timestamps.now(clock));
        try {
            TenantVersion v = tenants.putNext(tenantId, storable(TenantConfigJson.toJson(config)), request.principal().id(),
                            now, maxConfigVersions)
                    .orElseThrow(() -> ApiException.tenantNotFound(tenantId));
            return ApiResponse.ok(view(v));
        } catch (TenantRepository.VersionLimitException e) {
            throw new ApiException(409, "CONFIG_VERSION_LIMIT", "tenant " + tenantId + " already stores "
                    + e.maxVersions() + " config versions, the most allowed (TENANT_MAX_CONFIG_VERSIONS)");
        } catch (TenantRepository.VersionConflictException e) {
            throw ApiException.serviceUnavailable();
        }
    }

    /**
     * The configuration text if it fits one DynamoDB item, else 413 (issue 17 #11: DynamoDB's
     * refusal was answered 503 with Retry-After, and clients retried a request that can never succeed).
     */
    static String storable(String json) {
        int bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_CONFIG_BYTES) {
            throw new ApiException(413, "CONFIG_TOO_LARGE", "the normalised configuration is " + bytes
                    + " bytes; at most " + MAX_CONFIG_BYTES + " bytes can be stored (DynamoDB's 400 KB item limit)");
        }
        return json;
    }

    /** The path tenant if it can exist and the principal may see it, else the tenant's 404 (docs/CONTRACT.md#api-conventions, docs/CONTRACT.md#authentication-and-authorization). */
    static String visibleTenant(ApiRequest request) {
        String tenantId = request.path("tenant_id");
        if (!Ids.isIdentifier(tenantId) || !request.principal().canSee(tenantId)) {
            throw ApiException.tenantNotFound(Ids.isIdentifier(tenantId) ? tenantId : "(invalid id)");
        }
        return tenantId;
    }

    private TenantConfig parse(ApiRequest request) {
        Format format;
        if (request.mediaType() == null) {
            format = Format.JSON;
        } else {
            format = Format.fromContentType(request.contentType())
                    .orElseThrow(() -> ApiException.unsupportedMediaType(request.contentType()));
        }
        ValidationResult result = parser.parse(request.body(), format, context);
        if (result instanceof ValidationResult.SyntaxError s) {
            throw s.code() == ValidationResult.SyntaxErrorCode.MALFORMED_JSON ? ApiException.malformedJson()
                    : ApiException.malformedYaml();
        }
        if (result instanceof ValidationResult.Invalid invalid) {
            List<ApiException.Detail> details = new ArrayList<>();
            // the parser's paths and messages may quote the client's keys and values: never raw (issue 17 #15)
            for (ConfigProblem p : invalid.problems()) {
                details.add(new ApiException.Detail(Ids.printable(p.path()), Ids.printable(p.message()), p.code()));
                if (details.size() == 100) break; // a body of 10,000 bad fields gets the first 100
            }
            throw new ApiException(422, "VALIDATION_ERROR", "tenant configuration is invalid", details, Map.of(), Map.of());
        }
        return ((ValidationResult.Valid) result).config();
    }

    /** TenantConfigVersion (docs/CONTRACT.md#endpoints). */
    static Map<String, Object> view(TenantVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant_id", v.tenantId());
        m.put("config_version", v.configVersion());
        m.put("created_at", v.createdAt());
        m.put("created_by", v.createdBy());
        JsonNode config = Json.tree(v.configJson());
        m.put("config", config);
        return m;
    }
}
