package com.relay.publish;

import static com.relay.aws.DynamoItems.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.api.ApiException;
import com.relay.api.ApiRequest;
import com.relay.api.ApiResponse;
import com.relay.api.Ids;
import com.relay.api.RunsApi;
import com.relay.api.Timestamps;
import com.relay.logging.LogContext;
import com.relay.logging.LogEvents;
import com.relay.runs.RunRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The published-feed endpoints (docs/API.md#the-published-feed, docs/CONTRACT.md#the-published-feed):
 * the feed and its status, approving a held or dry run, rolling back to an earlier run. A
 * publication is one {@code TransactWriteItems}: the pointer Put conditioned on the version read,
 * and the run's update conditioned on its tenant and status (a bean: aws2-ddb has no transactions).
 * The routes then sync the tenant's stable copy ({@code direct:sync-published-copy}).
 */
@Component("publishingApi")
public class PublishingApi {

    private static final int POINTER_RETRIES = 3;
    private static final Logger log = LoggerFactory.getLogger(PublishingApi.class);

    private final PublishedFeeds feeds;
    private final RunRepository runs;
    private final DynamoDbClient dynamoDb;
    private final Clock clock;
    private final ProducerTemplate producer;

    public PublishingApi(PublishedFeeds feeds, RunRepository runs, DynamoDbClient dynamoDb, CamelContext camel,
                         ObjectProvider<Clock> clock) {
        this.producer = camel.createProducerTemplate();
        this.feeds = feeds;
        this.runs = runs;
        this.dynamoDb = dynamoDb;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** GET /v1/tenants/{tenant_id}/feed/status. */
    public ApiResponse status(ApiRequest request) {
        request.query(Set.of());
        String tenantId = visibleTenant(request);
        return ApiResponse.ok(statusBody(pointer(tenantId)));
    }

    /**
     * GET /v1/tenants/{tenant_id}/feed: the published run's merged CSV, streamed from S3 through the
     * route {@code published-feed-object} (aws2-s3 getObject), with {@code X-Relay-Run-Id}.
     */
    public ApiResponse feed(ApiRequest request) {
        request.query(Set.of());
        String tenantId = visibleTenant(request);
        PublishedFeeds.Pointer p = pointer(tenantId);
        Exchange got = producer.send("direct:published-feed-object",
                e -> e.getMessage().setHeader("CamelAwsS3Key", p.feedKey()));
        if (got.getException() != null) {
            if (got.getException() instanceof software.amazon.awssdk.services.s3.model.NoSuchKeyException) {
                throw new ApiException(404, "NO_PUBLISHED_FEED", "the feed file of published run " + p.runId()
                        + " is gone from the bucket; roll back to another run (docs/RUNBOOK.md#a-run-was-held-what-to-check)");
            }
            throw new IllegalStateException("reading the published feed failed", got.getException());
        }
        Long length = got.getMessage().getHeader("CamelAwsS3ContentLength", Long.class);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Relay-Run-Id", p.runId());
        headers.put("X-Relay-Published-At", p.publishedAt());
        headers.put("Content-Disposition", "attachment; filename=\"" + tenantId + "-merged_inventory.csv\"");
        return ApiResponse.stream(got.getMessage().getBody(java.io.InputStream.class), "text/csv; charset=utf-8",
                length == null ? -1 : length, headers);
    }

    /** POST /v1/runs/{run_id}/publish: a HELD or DRY_RUN run becomes the published one. */
    public ApiResponse publish(ApiRequest request) {
        request.query(Set.of());
        noBodyFields(request);
        String runId = request.path("run_id");
        Map<String, AttributeValue> run = visibleRun(request, runId);
        String tenantId = text(run, "tenant_id");
        String publishStatus = text(run, "publish_status");
        requireSucceeded(run, runId);
        if (!"HELD".equals(publishStatus) && !"DRY_RUN".equals(publishStatus)) {
            throw new ApiException(409, "RUN_NOT_PUBLISHABLE", "run " + runId + " has publish_status " + publishStatus
                    + ": only a HELD or DRY_RUN run is approved (use POST /v1/tenants/" + tenantId
                    + "/feed/rollback to publish an earlier run again)");
        }
        return publishRun(request, run, PublishedFeeds.ACTION_APPROVE);
    }

    /** POST /v1/tenants/{tenant_id}/feed/rollback {@code {"run_id": …}}: an earlier SUCCEEDED run of the tenant is published again. */
    public ApiResponse rollback(ApiRequest request) {
        request.query(Set.of());
        String tenantId = visibleTenant(request);
        ObjectNode body = request.jsonObject();
        List<ApiException.Detail> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("run_id")) problems.add(new ApiException.Detail(f, "unknown field", null));
        });
        JsonNode id = body.get("run_id");
        if (id == null || id.isNull()) problems.add(new ApiException.Detail("run_id", "is required", null));
        else if (!id.isTextual()) problems.add(new ApiException.Detail("run_id", "must be a string", null));
        if (!problems.isEmpty()) throw ApiException.invalidRequest(problems);
        String runId = id.asText();
        Map<String, AttributeValue> run = visibleRun(request, runId);
        // another tenant's run is not found here, whatever the caller may see elsewhere
        if (!tenantId.equals(text(run, "tenant_id"))) throw ApiException.runNotFound(runId);
        requireSucceeded(run, runId);
        return publishRun(request, run, PublishedFeeds.ACTION_ROLLBACK);
    }

    private ApiResponse publishRun(ApiRequest request, Map<String, AttributeValue> run, String action) {
        String runId = text(run, "run_id");
        String tenantId = text(run, "tenant_id");
        Map<String, String> artifacts = artifacts(run);
        if (artifacts.get("merged_inventory") == null) {
            throw new ApiException(409, "RUN_NOT_PUBLISHABLE", "run " + runId + " has no merged feed to publish");
        }
        String by = request.principal().id();
        for (int attempt = 0; attempt < POINTER_RETRIES; attempt++) {
            Optional<PublishedFeeds.Pointer> current = feeds.read(tenantId);
            if (current.isPresent() && runId.equals(current.get().runId())) {
                throw new ApiException(409, "ALREADY_PUBLISHED", "run " + runId + " is already the published feed of tenant "
                        + tenantId, List.of(), Map.of("run_id", runId), Map.of());
            }
            long seen = current.map(PublishedFeeds.Pointer::version).orElse(0L);
            String now = Timestamps.format(Timestamps.now(clock));
            PublishedFeeds.Pointer next = new PublishedFeeds.Pointer(tenantId, runId, seen + 1, now, by, action,
                    Long.parseLong(run.get("config_version").n()), artifacts.get("merged_inventory"),
                    artifacts.get("feed_state"), artifacts.get("delta"), PublishedFeeds.numbers(run.get("feed_stats")),
                    PublishedFeeds.numbers(run.get("vendor_rows")), current.map(PublishedFeeds.Pointer::runId).orElse(null));
            Outcome outcome = commit(next, seen, run, by, now, action);
            if (outcome == Outcome.COMMITTED) {
                LogContext.set(LogContext.TENANT_ID, tenantId);
                LogEvents.info(log, "feed_published", "run_id", runId, "action", action, "published_by", by,
                        "previous_run_id", next.previousRunId());
                syncStableCopy(tenantId);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("feed", statusBody(next));
                body.put("run", RunsApi.status(runs.get(runId).orElse(run)));
                return ApiResponse.ok(body);
            }
            if (outcome == Outcome.RUN_CHANGED) {
                throw new ApiException(409, "RUN_NOT_PUBLISHABLE", "run " + runId + " is no longer a SUCCEEDED run of tenant "
                        + tenantId);
            }
            // the pointer moved between our read and our write: read it again
        }
        throw new ApiException(409, "PUBLISH_CONFLICT", "the published feed of tenant " + tenantId
                + " kept changing while run " + runId + " was being published; retry");
    }

    /**
     * The tenant's stable copy follows the pointer (route {@code sync-published-copy}). A failed copy
     * is logged, never the request's failure: the pointer changed and the feed endpoint serves the run.
     */
    private void syncStableCopy(String tenantId) {
        Exchange done = producer.send("direct:sync-published-copy",
                e -> e.getMessage().setHeader(PublishedCopy.TENANT_HEADER, tenantId));
        if (done.getException() != null) {
            LogEvents.warn(log, "published_copy_failed", "error", done.getException().getClass().getSimpleName());
        }
    }

    private enum Outcome { COMMITTED, POINTER_MOVED, RUN_CHANGED }

    private Outcome commit(PublishedFeeds.Pointer next, long seen, Map<String, AttributeValue> run, String by, String now,
                           String action) {
        Map<String, AttributeValue> entry = new LinkedHashMap<>();
        entry.put("action", AttributeValue.fromS(action));
        entry.put("by", AttributeValue.fromS(by));
        entry.put("at", AttributeValue.fromS(now));
        if (next.previousRunId() != null) entry.put("previous_run_id", AttributeValue.fromS(next.previousRunId()));
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":published", AttributeValue.fromS("PUBLISHED"));
        values.put(":at", AttributeValue.fromS(now));
        values.put(":by", AttributeValue.fromS(by));
        values.put(":action", AttributeValue.fromS(action));
        values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(entry))));
        values.put(":none", AttributeValue.fromL(List.of()));
        values.put(":succeeded", AttributeValue.fromS("SUCCEEDED"));
        values.put(":tenant", AttributeValue.fromS(next.tenantId()));
        TransactWriteItem runUpdate = TransactWriteItem.builder().update(u -> u.tableName(feeds.table())
                .key(Map.of("run_id", run.get("run_id")))
                .updateExpression("SET publish_status = :published, published_at = :at, published_by = :by,"
                        + " publish_action = :action, publications = list_append(if_not_exists(publications, :none), :entry),"
                        + " updated_at = :at")
                .conditionExpression("#st = :succeeded AND tenant_id = :tenant")
                .expressionAttributeNames(Map.of("#st", "status"))
                .expressionAttributeValues(values)).build();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(List.of(feeds.put(next, seen), runUpdate)));
            return Outcome.COMMITTED;
        } catch (TransactionCanceledException e) {
            List<String> codes = e.hasCancellationReasons()
                    ? e.cancellationReasons().stream().map(CancellationReason::code).toList() : List.of();
            if (codes.size() > 1 && "ConditionalCheckFailed".equals(codes.get(1))) return Outcome.RUN_CHANGED;
            if (!codes.isEmpty() && "ConditionalCheckFailed".equals(codes.get(0))) return Outcome.POINTER_MOVED;
            throw e; // a transaction conflict: the caller gets 503 and retries
        }
    }

    private PublishedFeeds.Pointer pointer(String tenantId) {
        return feeds.read(tenantId).orElseThrow(() -> new ApiException(404, "NO_PUBLISHED_FEED",
                "tenant " + tenantId + " has no published feed yet: a successful run publishes the first one"));
    }

    static Map<String, Object> statusBody(PublishedFeeds.Pointer p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant_id", p.tenantId());
        m.put("run_id", p.runId());
        m.put("published_at", p.publishedAt());
        m.put("published_by", p.publishedBy());
        m.put("action", p.action());
        m.put("config_version", p.configVersion());
        m.put("sku_count", p.stats().get("sku_count"));
        m.put("total_quantity", p.stats().get("total_quantity"));
        m.put("in_stock_count", p.stats().get("in_stock_count"));
        m.put("vendor_rows", p.vendorRows());
        m.put("previous_run_id", p.previousRunId());
        m.put("version", p.version());
        m.put("feed_key", p.feedKey());
        m.put("delta_key", p.deltaKey());
        m.put("stable_feed_key", PublishedCopy.stableFeedKey(p.tenantId()));
        m.put("stable_delta_key", p.deltaKey() == null ? null : PublishedCopy.stableDeltaKey(p.tenantId()));
        return m;
    }

    private static String visibleTenant(ApiRequest request) {
        String tenantId = request.path("tenant_id");
        if (!Ids.isIdentifier(tenantId) || !request.principal().canSee(tenantId)) throw ApiException.tenantNotFound(tenantId);
        LogContext.set(LogContext.TENANT_ID, tenantId);
        return tenantId;
    }

    private Map<String, AttributeValue> visibleRun(ApiRequest request, String runId) {
        if (!Ids.isRunId(runId)) throw ApiException.runNotFound(runId);
        Map<String, AttributeValue> run = runs.get(runId).orElseThrow(() -> ApiException.runNotFound(runId));
        String tenant = text(run, "tenant_id");
        if (tenant == null || !"RUN".equals(text(run, "item_type")) || !request.principal().canSee(tenant)) {
            throw ApiException.runNotFound(runId);
        }
        return run;
    }

    private static void requireSucceeded(Map<String, AttributeValue> run, String runId) {
        String status = text(run, "status");
        if (!"SUCCEEDED".equals(status)) {
            throw new ApiException(409, "RUN_NOT_PUBLISHABLE", "run " + runId + " is " + status
                    + ": only a SUCCEEDED run can be published");
        }
    }

    /** POST /publish takes no fields: an empty body or {@code {}}. */
    private static void noBodyFields(ApiRequest request) {
        byte[] body = request.body();
        if (body == null || body.length == 0) return;
        ObjectNode node = request.jsonObject();
        List<ApiException.Detail> problems = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> problems.add(new ApiException.Detail(f, "unknown field", null)));
        if (!problems.isEmpty()) throw ApiException.invalidRequest(problems);
    }

    private static Map<String, String> artifacts(Map<String, AttributeValue> run) {
        Map<String, String> out = new LinkedHashMap<>();
        AttributeValue m = run.get("artifacts");
        if (m != null && m.hasM()) m.m().forEach((k, v) -> out.put(k, v.s()));
        return out;
    }
}
