package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.config.RelaySettings;
import com.relay.logging.LogContext;
import com.relay.logging.LogEvents;
import com.relay.notify.BreakerState;
import com.relay.notify.BreakerStore;
import com.relay.notify.CircuitBreakers;
import com.relay.runs.RunCreationPauses;
import com.relay.scheduler.ScheduledTenant;
import com.relay.scheduler.Scheduler;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.TenantRepository.TenantVersion;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Operator controls under {@code /v1/admin} (docs/RUNBOOK.md): pausing run creation, listing and
 * resetting notification circuit breakers, and firing a tenant's schedule by hand. Admin only
 * (403 for tenant principals, checked before anything else is looked at).
 */
@Component("operatorApi")
public class OperatorApi {

    private static final Logger log = LoggerFactory.getLogger(OperatorApi.class);
    /** Breakers one listing shows; the rest is flagged {@code truncated}. */
    static final int MAX_LISTED_BREAKERS = 1000;
    /**
     * {@code <host>[:<port>]} as the breaker key writes it (lower-case DNS name, IPv4, or an IPv6
     * literal in brackets), optionally prefixed {@code ntfy:} as in the {@code Service} metric tag.
     */
    private static final Pattern SERVER = Pattern.compile(
            "^(?:ntfy:)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\\[[0-9a-f:.]{2,45}\\])"
                    + "(?::[0-9]{1,5})?$");

    private final RunCreationPauses pauses;
    private final CircuitBreakers breakers;
    private final TenantRepository tenants;
    private final Scheduler scheduler;
    private final String instanceId;
    private final Clock clock;

    public OperatorApi(RunCreationPauses pauses, CircuitBreakers breakers, TenantRepository tenants, Scheduler scheduler,
                       RelaySettings settings, ObjectProvider<Clock> clock) {
        this.pauses = pauses;
        this.breakers = breakers;
        this.tenants = tenants;
        this.scheduler = scheduler;
        this.instanceId = settings.scheduler().instanceId();
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    // ---- pausing run creation ----

    /** GET /v1/admin/pauses: read consistently, not from the cache. */
    public ApiResponse pauses(ApiRequest request) {
        admin(request);
        request.query(Set.of());
        RunCreationPauses.Snapshot s = pauses.read();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("global", s.global() == null ? null : view(s.global()));
        List<Map<String, Object>> list = new ArrayList<>();
        s.tenants().values().forEach(p -> list.add(view(p)));
        body.put("tenants", list);
        body.put("cache_seconds", pauses.cacheFor().toSeconds());
        return ApiResponse.ok(body);
    }

    /** PUT /v1/admin/pauses/global {"reason"}: sets or replaces the global pause. */
    public ApiResponse pauseAll(ApiRequest request) {
        admin(request);
        request.query(Set.of());
        String reason = reason(request.jsonObject());
        RunCreationPauses.Pause p = pauses.pauseAll(reason, request.principal().id());
        LogEvents.warn(log, "run_creation_paused", "scope", "global", "reason", reason, "paused_by", p.pausedBy());
        return ApiResponse.ok(view(p));
    }

    /** DELETE /v1/admin/pauses/global → 204; 404 PAUSE_NOT_FOUND when run creation was not paused globally. */
    public ApiResponse resumeAll(ApiRequest request) {
        admin(request);
        request.query(Set.of());
        if (!pauses.resumeAll()) throw pauseNotFound("run creation is not paused globally");
        LogEvents.warn(log, "run_creation_resumed", "scope", "global", "resumed_by", request.principal().id());
        return ApiResponse.noContent();
    }

    /** PUT /v1/admin/pauses/tenants/{tenant_id} {"reason"}; 404 unknown tenant; 409 PAUSE_LIMIT. */
    public ApiResponse pauseTenant(ApiRequest request) {
        admin(request);
        String tenantId = existingTenant(request).tenantId();
        request.query(Set.of());
        String reason = reason(request.jsonObject());
        if (pauses.pauseTenant(tenantId, reason, request.principal().id()) == RunCreationPauses.SetOutcome.LIMIT_REACHED) {
            throw new ApiException(409, "PAUSE_LIMIT", RunCreationPauses.MAX_TENANT_PAUSES
                    + " tenants are paused already (the limit of one pause item); pause run creation globally instead");
        }
        LogEvents.warn(log, "run_creation_paused", "scope", "tenant", "tenant_id", tenantId, "reason", reason,
                "paused_by", request.principal().id());
        return ApiResponse.ok(view(pauses.read().tenants().get(tenantId)));
    }

    /** DELETE /v1/admin/pauses/tenants/{tenant_id} → 204; 404 PAUSE_NOT_FOUND. */
    public ApiResponse resumeTenant(ApiRequest request) {
        admin(request);
        String tenantId = tenantPath(request);
        request.query(Set.of());
        if (!pauses.resumeTenant(tenantId)) throw pauseNotFound("run creation is not paused for tenant " + tenantId);
        LogEvents.warn(log, "run_creation_resumed", "scope", "tenant", "tenant_id", tenantId,
                "resumed_by", request.principal().id());
        return ApiResponse.noContent();
    }

    static Map<String, Object> view(RunCreationPauses.Pause p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", p.scope());
        m.put("tenant_id", p.tenantId());
        m.put("reason", p.reason());
        m.put("paused_by", p.pausedBy());
        m.put("paused_at", p.pausedAt());
        return m;
    }

    /** {@code reason}: required, 1–256 characters, no control characters (it is shown to API clients). */
    static String reason(ObjectNode body) {
        List<ApiException.Detail> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("reason")) problems.add(new ApiException.Detail(Ids.shown(f), "unknown field", null));
        });
        JsonNode r = body.get("reason");
        if (r == null || !r.isTextual() || r.asText().isBlank()) {
            problems.add(new ApiException.Detail("reason", "required: a string saying why (shown to clients)", null));
        } else if (r.asText().length() > RunCreationPauses.MAX_REASON_LENGTH) {
            problems.add(new ApiException.Detail("reason", "at most " + RunCreationPauses.MAX_REASON_LENGTH + " characters", null));
        } else if (r.asText().chars().anyMatch(Character::isISOControl)) {
            problems.add(new ApiException.Detail("reason", "must not contain control characters", null));
        }
        if (!problems.isEmpty()) throw ApiException.invalidRequest(problems);
        return r.asText().strip();
    }

    private static ApiException pauseNotFound(String message) {
        return new ApiException(404, "PAUSE_NOT_FOUND", message);
    }

    // ---- circuit breakers ----

    /** GET /v1/admin/circuit-breakers: the shared table's breakers, or this instance's without it. */
    public ApiResponse breakers(ApiRequest request) {
        admin(request);
        request.query(Set.of());
        CircuitBreakers.Listing listing = breakers.list(MAX_LISTED_BREAKERS);
        Instant now = clock.instant();
        List<Map<String, Object>> data = new ArrayList<>();
        listing.breakers().forEach(b -> data.add(view(b, now)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scope", scope());
        body.put("instance_id", instanceId);
        body.put("data", data);
        body.put("truncated", listing.truncated());
        return ApiResponse.ok(body);
    }

    /**
     * POST /v1/admin/circuit-breakers/{server}/{tenant_id}/reset → 200 with the state before;
     * 422 for a malformed server or tenant id, 404 BREAKER_NOT_FOUND for a breaker nobody has.
     */
    public ApiResponse resetBreaker(ApiRequest request) {
        admin(request);
        request.query(Set.of());
        String server = request.path("server");
        String tenantId = request.path("tenant_id");
        List<ApiException.Detail> problems = new ArrayList<>();
        String service = serviceName(server);
        if (service == null) {
            problems.add(new ApiException.Detail("path.server", "must be <host>[:<port>] as in the breaker's server", null));
        }
        if (!Ids.isIdentifier(tenantId)) problems.add(new ApiException.Detail("path.tenant_id", "not a tenant id", null));
        if (!problems.isEmpty()) throw ApiException.invalidRequest(problems);
        String key = CircuitBreakers.key(service, tenantId);
        LogContext.set(LogContext.TENANT_ID, tenantId);
        Optional<BreakerState> before = breakers.reset(key, request.principal().id(), request.correlationId());
        if (before.isEmpty()) {
            throw new ApiException(404, "BREAKER_NOT_FOUND", "no circuit breaker for " + service + " and tenant " + tenantId
                    + (breakers.shared() ? "" : " on this instance (" + Ids.shown(instanceId) + ")"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_name", key);
        body.put("server", service);
        body.put("tenant_id", tenantId);
        body.put("previous_state", before.get().state().name());
        body.put("state", BreakerState.State.CLOSED.name());
        body.put("scope", scope());
        body.put("instance_id", instanceId);
        body.put("reset_by", request.principal().id());
        body.put("reset_at", Timestamps.format(Timestamps.now(clock)));
        return ApiResponse.ok(body);
    }

    /** {@code ntfy:<host>[:<port>]} for a valid path value (upper-case letters folded), else null. */
    static String serviceName(String server) {
        if (server == null || server.length() > 300) return null;
        String s = server.toLowerCase(Locale.ROOT);
        if (!SERVER.matcher(s).matches()) return null;
        return s.startsWith("ntfy:") ? s : "ntfy:" + s;
    }

    private Map<String, Object> view(BreakerStore.Stored b, Instant now) {
        BreakerState s = b.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service_name", b.key());
        m.put("server", CircuitBreakers.serverOf(b.key()));
        m.put("tenant_id", CircuitBreakers.tenantOf(b.key()));
        m.put("state", s.state().name());
        m.put("failures", breakers.rules().failureCount(s, now));
        m.put("opened_at", s.openedAt() == null ? null : Timestamps.format(s.openedAt()));
        m.put("open_until", s.state() == BreakerState.State.OPEN
                ? Timestamps.format(s.openedAt().plus(breakers.rules().openFor())) : null);
        return m;
    }

    private String scope() {
        return breakers.shared() ? "shared" : "instance";
    }

    // ---- firing a schedule by hand ----

    /**
     * POST /v1/admin/tenants/{tenant_id}/schedule/fire → 202 with the run, as POST /v1/runs answers
     * (409 TENANT_ALREADY_RUNNING, 503 RUN_CREATION_PAUSED / QUEUE_UNAVAILABLE likewise); 422
     * SCHEDULE_NOT_CONFIGURED when the latest version has no enabled schedule.
     */
    public ApiResponse fireSchedule(ApiRequest request) {
        admin(request);
        TenantVersion latest = existingTenant(request);
        request.query(Set.of());
        request.jsonObject().fieldNames().forEachRemaining(f -> {
            throw ApiException.invalid(Ids.shown(f), "unknown field (the body must be empty or {})");
        });
        LogContext.set(LogContext.TENANT_ID, latest.tenantId());
        Optional<ScheduledTenant> scheduled;
        try {
            scheduled = ScheduledTenant.of(latest);
        } catch (RuntimeException e) {
            scheduled = Optional.empty();
        }
        if (scheduled.isEmpty()) {
            throw new ApiException(422, "SCHEDULE_NOT_CONFIGURED", "tenant " + latest.tenantId() + "'s latest configuration (version "
                    + latest.configVersion() + ") has no enabled schedule; create the run with POST /v1/runs instead");
        }
        return RunsApi.answer(scheduler.fireByHand(scheduled.get(), request.principal().id(), request.correlationId()),
                latest.tenantId());
    }

    // ---- shared checks ----

    private static void admin(ApiRequest request) {
        if (!request.principal().admin()) throw ApiException.forbidden();
    }

    private static String tenantPath(ApiRequest request) {
        String tenantId = request.path("tenant_id");
        if (!Ids.isIdentifier(tenantId)) throw ApiException.tenantNotFound("(invalid id)");
        return tenantId;
    }

    private TenantVersion existingTenant(ApiRequest request) {
        String tenantId = tenantPath(request);
        return tenants.latest(tenantId).orElseThrow(() -> ApiException.tenantNotFound(tenantId));
    }
}
