package com.relay.api;

import static com.relay.aws.DynamoItems.text;

import com.relay.aws.ProvisionedResources;
import com.relay.logging.LogContext;
import com.relay.config.RelaySettings;
import com.relay.runs.RunCreationPauses;
import com.relay.runs.RunCreator;
import com.relay.runs.RunRepository;
import com.relay.tenants.TenantRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Run endpoints (docs/CONTRACT.md#endpoints): create, read, list, artifacts. */
@Component("runsApi")
public class RunsApi {

    private static final Set<String> CREATE_FIELDS =
            Set.of("tenant_id", "vendors", "run_type", "mode", "config_version", "inputs_from_run");
    private static final List<String> STATUS_KEYS = List.of("run_id", "tenant_id", "config_version", "status", "stage",
            "created_by", "requested_by", "correlation_id", "requested_at", "started_at", "finished_at", "duration_ms",
            "attempts", "last_error", "rows_processed", "failed_stage", "error_code", "error_message",
            "errors_artifact_key", "artifacts", "notification_status", "notification_id",
            // safe publishing (docs/CONTRACT.md#the-published-feed)
            "publish_mode", "inputs_from_run", "publish_status", "publish_reasons", "first_publication", "feed_stats",
            "published_at", "published_by", "publish_action", "publications");
    private static final Set<String> NUMBERS = Set.of("config_version", "duration_ms", "attempts", "rows_processed");

    private final TenantRepository tenants;
    private final RunRepository runs;
    private final RunCreator creator;
    private final S3Presigner presigner;
    private final String bucket;
    private final Duration urlTtl;
    private final Clock clock;

    public RunsApi(TenantRepository tenants, RunRepository runs, RunCreator creator, S3Presigner presigner,
                   ProvisionedResources resources, RelaySettings settings, ObjectProvider<Clock> clock) {
        this.tenants = tenants;
        this.runs = runs;
        this.creator = creator;
        this.presigner = presigner;
        this.bucket = resources.artifactBucket();
        this.urlTtl = Duration.ofSeconds(settings.api().artifactUrlTtlSeconds());
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** POST /v1/runs. */
    public ApiResponse create(ApiRequest request) {
        request.query(Set.of());
        ObjectNode body = request.jsonObject();
        List<ApiException.Detail> problems = new ArrayList<>();
        QueryRules.checkTenantBody(body, CREATE_FIELDS, problems);
        JsonNode tenant = body.get("tenant_id");
        JsonNode vendors = body.get("vendors");
        if (vendors != null && !vendors.isNull()) {
            if (!vendors.isArray()) problems.add(new ApiException.Detail("vendors", "must be a list of strings", null));
            else for (int i = 0; i < vendors.size(); i++) {
                if (!vendors.get(i).isTextual()) problems.add(new ApiException.Detail("vendors[" + i + "]", "must be a string", null));
            }
        }
        JsonNode runType = body.get("run_type");
        if (runType != null && !runType.isNull() && !(runType.isTextual() && runType.asText().equals("inventory_sync"))) {
            problems.add(new ApiException.Detail("run_type", "must be inventory_sync", null));
        }
        String mode = RunOptions.mode(body.get("mode"), problems);
        Long pinned = RunOptions.configVersion(body.get("config_version"), mode, problems);
        String inputsFrom = RunOptions.inputsFromRun(body.get("inputs_from_run"), problems);
        if (!problems.isEmpty()) throw ApiException.invalidRequest(problems);
        String tenantId = tenant.asText();
        if (!request.principal().canSee(tenantId)) throw ApiException.tenantNotFound(tenantId);
        LogContext.set(LogContext.TENANT_ID, tenantId); // ApiGate clears the context with the response
        long latest = tenants.latest(tenantId).orElseThrow(() -> ApiException.tenantNotFound(tenantId)).configVersion();
        long version = latest;
        if (pinned != null) {
            if (tenants.version(tenantId, pinned).isEmpty()) {
                throw ApiException.invalid("config_version", "tenant " + tenantId + " has no configuration version "
                        + pinned + " (the latest is " + latest + ")");
            }
            version = pinned;
        }
        if (inputsFrom != null) RunOptions.checkInputsFrom(runs.get(inputsFrom), inputsFrom, tenantId);
        Instant now = Timestamps.now(clock);
        RunCreator.Result result = creator.create(new RunCreator.Request(tenantId, version, request.principal().createdBy(),
                request.principal().id(), request.correlationId(), mode, inputsFrom), now);
        return answer(result, tenantId);
    }

    /** The answer of {@code POST /v1/runs} (and of firing a schedule by hand) for a creation result. */
    static ApiResponse answer(RunCreator.Result result, String tenantId) {
        if (result instanceof RunCreator.Created c) {
            LogContext.set(LogContext.RUN_ID, c.run().get("run_id").s());
            return ApiResponse.accepted(status(c.run()), "/v1/runs/" + c.run().get("run_id").s());
        }
        if (result instanceof RunCreator.Paused p) throw paused(p.pause(), tenantId);
        if (result instanceof RunCreator.AlreadyRunning a) {
            throw new ApiException(409, "TENANT_ALREADY_RUNNING", "tenant " + tenantId + " already has an active run",
                    List.of(), Map.of("active_run_id", a.activeRunId()), Map.of());
        }
        if (result instanceof RunCreator.QueueUnavailable q) {
            throw new ApiException(503, "QUEUE_UNAVAILABLE", "job queue unavailable; run " + q.runId() + " was marked FAILED",
                    List.of(), Map.of("run_id", q.runId()), Map.of("Retry-After", "5"));
        }
        throw ApiException.serviceUnavailable();
    }

    /** Seconds a client is told to wait on a pause: a pause has no end time, so no tighter hint exists. */
    static final String PAUSED_RETRY_AFTER_SECONDS = "60";

    /**
     * 503 {@code RUN_CREATION_PAUSED}: the scope and the operator's reason (shown to the client, so
     * the runbook asks operators to write it for tenants); who paused is for admins only.
     */
    static ApiException paused(RunCreationPauses.Pause pause, String tenantId) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("scope", pause.scope());
        p.put("tenant_id", pause.tenantId());
        p.put("reason", pause.reason());
        p.put("paused_at", pause.pausedAt());
        String where = pause.tenantId() == null ? "for every tenant" : "for tenant " + tenantId;
        return new ApiException(503, "RUN_CREATION_PAUSED", "run creation is paused " + where + ": " + pause.reason(),
                List.of(), Map.of("pause", p), Map.of("Retry-After", PAUSED_RETRY_AFTER_SECONDS));
    }

    /** GET /v1/runs/{run_id}. */
    public ApiResponse get(ApiRequest request) {
        request.query(Set.of());
        return ApiResponse.ok(status(visibleRun(request)));
    }

    /** GET /v1/runs/{run_id}/artifacts: presigned GETs valid for ARTIFACT_URL_TTL_SECONDS. */
    public ApiResponse artifacts(ApiRequest request) {
        request.query(Set.of());
        Map<String, AttributeValue> run = visibleRun(request);
        Map<String, Object> body = new LinkedHashMap<>();
        AttributeValue artifacts = run.get("artifacts");
        String expiresAt = Timestamps.format(Timestamps.now(clock).plus(urlTtl));
        if (artifacts != null && artifacts.hasM()) {
            new TreeMap<>(artifacts.m()).forEach((name, key) -> {
                String url = presigner.presignGetObject(b -> b.signatureDuration(urlTtl)
                        .getObjectRequest(g -> g.bucket(bucket).key(key.s()).responseContentType(servedType(key.s()))))
                        .url().toString();
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("key", key.s());
                entry.put("url", url);
                entry.put("expires_at", expiresAt);
                body.put(name, entry);
            });
        }
        return ApiResponse.ok(body);
    }

    /**
     * The type a presigned URL serves, from the key's extension only (issue 17 #15): an inbound
     * copy keeps the type its uploader or vendor chose, which must never reach a browser (text/html).
     */
    static String servedType(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        if (k.endsWith(".csv")) return "text/csv; charset=utf-8";
        if (k.endsWith(".json")) return "application/json";
        return "application/octet-stream";
    }

    private static boolean isString(AttributeValue v) {
        return v != null && v.s() != null;
    }

    /** GET /v1/runs: newest first; keeps querying past filtered-out items to fill a page (docs/CONTRACT.md#pagination). */
    public ApiResponse list(ApiRequest request) {
        RunListQuery q = RunListQuery.parse(request.query(RunListQuery.PARAMS), request.principal());
        boolean byTenant = q.tenantId() != null;
        String partitionName = byTenant ? "tenant_id" : "status";
        String partitionValue = byTenant ? q.tenantId() : q.status();
        Map<String, AttributeValue> start = null;
        if (q.cursor() != null) {
            start = Cursors.decode(q.cursor(), q.filters());
            AttributeValue p = start.get(partitionName);
            // every key attribute a string: a number in its place made DynamoDB refuse the query (issue 17 #11)
            if (start.size() != 3 || p == null || !partitionValue.equals(p.s()) || !isString(start.get("run_id"))
                    || !isString(start.get("requested_at"))) {
                throw ApiException.invalid("query.cursor", "invalid cursor");
            }
        }
        Map<String, String> names = new HashMap<>(Map.of("#p", partitionName));
        if (q.after() != null || q.beforeExclusive() != null) names.put("#r", "requested_at");
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", AttributeValue.fromS(partitionValue)));
        String keyCondition = "#p = :p";
        if (q.after() != null && q.beforeExclusive() != null) {
            keyCondition += " AND #r BETWEEN :a AND :b";
            values.put(":a", AttributeValue.fromS(Timestamps.format(q.after())));
            values.put(":b", AttributeValue.fromS(Timestamps.format(q.beforeExclusive().minusMillis(1))));
        } else if (q.after() != null) {
            keyCondition += " AND #r >= :a";
            values.put(":a", AttributeValue.fromS(Timestamps.format(q.after())));
        } else if (q.beforeExclusive() != null) {
            keyCondition += " AND #r < :b";
            values.put(":b", AttributeValue.fromS(Timestamps.format(q.beforeExclusive())));
        }
        String filter = null;
        if (byTenant && q.status() != null) {
            filter = "#s = :s";
            names.put("#s", "status");
            values.put(":s", AttributeValue.fromS(q.status()));
        }
        QueryRequest.Builder b = QueryRequest.builder().indexName(byTenant ? RunRepository.TENANT_INDEX : RunRepository.STATUS_INDEX)
                .keyConditionExpression(keyCondition).expressionAttributeNames(names)
                .expressionAttributeValues(values).scanIndexForward(false);
        if (filter != null) b.filterExpression(filter);
        Pagination.Page page;
        try {
            page = Pagination.collect(runs::query, b, q.limit(), start);
        } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
            // a start key DynamoDB refuses (400 ValidationException) can only come from the cursor
            if (start != null && e.statusCode() == 400) throw ApiException.invalid("query.cursor", "invalid cursor");
            throw e;
        }
        List<Map<String, AttributeValue>> items = page.items();
        String cursor = null;
        if (page.more()) {
            Map<String, AttributeValue> last = page.last();
            cursor = Cursors.encode(Map.of("run_id", last.get("run_id"), partitionName, last.get(partitionName),
                    "requested_at", last.get("requested_at")), q.filters());
        }
        List<Map<String, Object>> data = new ArrayList<>();
        items.forEach(i -> data.add(status(i)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("pagination", Pagination.object(q.limit(), cursor));
        return ApiResponse.ok(body);
    }

    /** The run of {@code run_id} when the principal may see it; 404 otherwise (also for another tenant's run). */
    public Map<String, AttributeValue> visibleRun(ApiRequest request) {
        String runId = request.path("run_id");
        if (!Ids.isRunId(runId)) throw ApiException.runNotFound(runId);
        Map<String, AttributeValue> run = runs.get(runId).orElseThrow(() -> ApiException.runNotFound(runId));
        AttributeValue tenant = run.get("tenant_id");
        if (tenant == null || !"RUN".equals(text(run, "item_type"))
                || !request.principal().canSee(tenant.s())) {
            throw ApiException.runNotFound(runId);
        }
        return run;
    }

    /** RunStatus (docs/CONTRACT.md#endpoints): every key, in order, absent values null. */
    public static Map<String, Object> status(Map<String, AttributeValue> item) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : STATUS_KEYS) {
            AttributeValue v = item.get(key);
            if (key.equals("artifacts")) {
                Map<String, String> artifacts = new TreeMap<>();
                if (v != null && v.hasM()) v.m().forEach((k, a) -> artifacts.put(k, a.s()));
                m.put(key, artifacts);
            } else if (v == null || Boolean.TRUE.equals(v.nul())) {
                m.put(key, null);
            } else if (v.hasL() || v.hasM() || v.bool() != null) {
                m.put(key, RunOptions.plain(v));
            } else if (NUMBERS.contains(key) && v.n() != null) {
                m.put(key, Long.parseLong(v.n()));
            } else {
                m.put(key, v.s());
            }
        }
        return m;
    }
}
