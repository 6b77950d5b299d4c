package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.publish.PublishedCopy;
import com.relay.publish.PublishedFeeds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Safe publishing through the API on the embedded default (docs/CONTRACT.md#the-published-feed): the
 * issue's walk (first run publishes, a run that lost most SKUs is held while the feed keeps serving
 * the first, approval publishes it, rollback restores the first, a dry run with another config
 * version changes nothing live and its diff shows the price changes) and the refusals (another
 * tenant's run, a FAILED run), plus two terminal writes racing for the pointer.
 */
class PublishingIT extends WorkerTestSupport {

    @Autowired PublishedFeeds feeds;
    @Autowired RunAttemptStore store;

    static String config(String tenant, String margin, String guard) {
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [
                   {"vendor_id": "vendor_a", "inbound": {"type": "s3", "s3_prefix": "tenants/%s/inbound/vendor_a/"},
                    "parser": {"format": "csv"}},
                   {"vendor_id": "vendor_b", "required": false,
                    "inbound": {"type": "s3", "s3_prefix": "tenants/%s/inbound/vendor_b/"}, "parser": {"format": "csv"}}],
                 "pricing": {"base_margin_pct": %s, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {"increment": 0.01}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku", "quantity_available", "price", "vendor_id"]},
                 "publish": {"guard": %s}}
                """.formatted(tenant, tenant, tenant, margin, guard);
    }

    static String vendorA(int skus) {
        StringBuilder b = new StringBuilder("sku,quantity_available,cost\n");
        for (int i = 1; i <= skus; i++) b.append("A%02d,%d,%d.00\n".formatted(i, 10 + i, 5 + i));
        return b.toString();
    }

    /** The feed as a client receives it: the run id header, then the CSV bytes. */
    String feed(String tenant) {
        try {
            java.net.http.HttpResponse<String> r = http.send(request("/v1/tenants/" + tenant + "/feed")
                    .header("X-API-Key", DEV).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow().replace(" ", "")).isEqualToIgnoringCase("text/csv;charset=utf-8");
            return r.headers().firstValue("X-Relay-Run-Id").orElseThrow() + "\n" + r.body();
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    String stableCopy(String tenant) {
        return text(PublishedCopy.stableFeedKey(tenant));
    }

    @Test
    void firstRunPublishesALossyRunIsHeldApprovalAndRollbackMoveTheFeedAndADryRunChangesNothingLive() {
        String tenant = uniqueTenant("publish");
        Reply created = post("/v1/tenants", DEV, config(tenant, "0.1", "{\"max_sku_drop_pct\": 0.2}"));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        Reply none = get("/v1/tenants/" + tenant + "/feed", DEV);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.code()).isEqualTo("NO_PUBLISHED_FEED");
        upload(tenant, "vendor_a", "a1.csv", vendorA(10));
        upload(tenant, "vendor_b", "b1.csv", "sku,quantity_available,cost\nA01,3,4.00\nB01,7,9.00\n");

        // 1. the first run publishes, and says it had nothing to compare with
        String first = startRun(tenant);
        JsonNode r1 = awaitTerminal(first);
        assertThat(r1.get("status").asText()).as(r1.toString()).isEqualTo("SUCCEEDED");
        assertThat(r1.get("publish_status").asText()).isEqualTo("PUBLISHED");
        assertThat(r1.get("first_publication").asBoolean()).isTrue();
        String merged1 = text(artifacts(r1.get("artifacts")).get("merged_inventory"));
        assertThat(merged1).contains("A01,3,4.40,vendor_b").contains("B01,7,9.90,vendor_b");
        assertThat(feed(tenant)).isEqualTo(first + "\n" + merged1);
        assertThat(stableCopy(tenant)).isEqualTo(merged1);
        JsonNode status1 = get("/v1/tenants/" + tenant + "/feed/status", DEV).json();
        assertThat(status1.get("run_id").asText()).isEqualTo(first);
        assertThat(status1.get("sku_count").asLong()).isEqualTo(11);
        assertThat(status1.get("total_quantity").asLong()).isEqualTo(3 + 7 + (12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20));
        assertThat(json(artifacts(r1.get("artifacts")).get("diff")).get("first_publication").asBoolean()).isTrue();

        // 2. vendor_a's next file lost 80 % of its SKUs: held, the feed still serves the first run
        upload(tenant, "vendor_a", "a2.csv", vendorA(2));
        String second = startRun(tenant);
        JsonNode r2 = awaitTerminal(second);
        assertThat(r2.get("status").asText()).as(r2.toString()).isEqualTo("SUCCEEDED");
        assertThat(r2.get("publish_status").asText()).isEqualTo("HELD");
        assertThat(r2.get("publish_reasons").toString()).contains("max_sku_drop_pct");
        assertThat(feed(tenant)).isEqualTo(first + "\n" + merged1);
        assertThat(stableCopy(tenant)).isEqualTo(merged1);
        JsonNode diff = json(artifacts(r2.get("artifacts")).get("diff"));
        assertThat(diff.toString()).contains("max_sku_drop_pct");
        String merged2 = text(artifacts(r2.get("artifacts")).get("merged_inventory"));

        // 3. approving it publishes it, recorded with who and when
        Reply approved = post("/v1/runs/" + second + "/publish", DEV, "");
        assertThat(approved.status()).as(approved.raw().body()).isEqualTo(200);
        assertThat(approved.json().get("feed").get("run_id").asText()).isEqualTo(second);
        assertThat(approved.json().get("feed").get("action").asText()).isEqualTo("approve");
        assertThat(feed(tenant)).isEqualTo(second + "\n" + merged2);
        assertThat(stableCopy(tenant)).isEqualTo(merged2);
        JsonNode r2After = run(second);
        assertThat(r2After.get("publish_status").asText()).isEqualTo("PUBLISHED");
        assertThat(r2After.get("published_by").asText()).isNotBlank();
        assertThat(r2After.get("publish_action").asText()).isEqualTo("approve");
        assertThat(post("/v1/runs/" + second + "/publish", DEV, "").status()).isEqualTo(409);

        // 4. rollback restores the first
        Reply rolledBack = post("/v1/tenants/" + tenant + "/feed/rollback", DEV, "{\"run_id\": \"" + first + "\"}");
        assertThat(rolledBack.status()).as(rolledBack.raw().body()).isEqualTo(200);
        assertThat(feed(tenant)).isEqualTo(first + "\n" + merged1);
        assertThat(stableCopy(tenant)).isEqualTo(merged1);
        JsonNode status4 = get("/v1/tenants/" + tenant + "/feed/status", DEV).json();
        assertThat(status4.get("action").asText()).isEqualTo("rollback");
        assertThat(status4.get("previous_run_id").asText()).isEqualTo(second);
        JsonNode listed = get("/v1/runs?tenant_id=" + tenant, DEV).json().get("data");
        assertThat(listed.toString()).contains("\"publish_action\":\"rollback\"").contains("\"publish_action\":\"approve\"");

        // 5. a dry run of another config version, on the first run's inputs: nothing live changes, the diff shows prices
        Reply v2 = put("/v1/tenants/" + tenant + "/config", DEV, config(tenant, "0.5", "{\"max_sku_drop_pct\": 0.2}"));
        assertThat(v2.status()).as(v2.raw().body()).isIn(200, 201);
        long version = v2.json().get("config_version").asLong();
        Reply dry = post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\", \"mode\": \"dry_run\", \"config_version\": "
                + version + ", \"inputs_from_run\": \"" + first + "\"}");
        assertThat(dry.status()).as(dry.raw().body()).isEqualTo(202);
        JsonNode r5 = awaitTerminal(dry.json().get("run_id").asText());
        assertThat(r5.get("status").asText()).as(r5.toString()).isEqualTo("SUCCEEDED");
        assertThat(r5.get("publish_status").asText()).isEqualTo("DRY_RUN");
        assertThat(feed(tenant)).isEqualTo(first + "\n" + merged1);
        JsonNode dryDiff = json(artifacts(r5.get("artifacts")).get("diff"));
        assertThat(dryDiff.toString()).contains("price");
        String delta = text(artifacts(r5.get("artifacts")).get("delta"));
        assertThat(delta).startsWith("sku,field,before,after,reason\n").contains("A01,price,4.40,6.00,pricing_changed");
    }

    @Test
    void anotherTenantsRunIsNotFoundAndAFailedRunIsNotPublishable() {
        String tenant = uniqueTenant("pubrefuse");
        String other = uniqueTenant("pubother");
        assertThat(post("/v1/tenants", DEV, config(tenant, "0.1", "{}")).status()).isEqualTo(201);
        assertThat(post("/v1/tenants", DEV, config(other, "0.1", "{}")).status()).isEqualTo(201);
        upload(other, "vendor_a", "a.csv", vendorA(3));
        String otherRun = startRun(other);
        assertThat(awaitTerminal(otherRun).get("publish_status").asText()).isEqualTo("PUBLISHED");
        Reply cross = post("/v1/tenants/" + tenant + "/feed/rollback", DEV, "{\"run_id\": \"" + otherRun + "\"}");
        assertThat(cross.status()).as(cross.raw().body()).isEqualTo(404);
        assertThat(get("/v1/tenants/" + tenant + "/feed", DEV).status()).isEqualTo(404);

        // no vendor_a file: the required vendor is missing, the run FAILED and NOT_PUBLISHED
        String failed = startRun(tenant);
        JsonNode f = awaitTerminal(failed);
        assertThat(f.get("status").asText()).isEqualTo("FAILED");
        assertThat(f.get("publish_status").asText()).isEqualTo("NOT_PUBLISHED");
        Reply publishFailed = post("/v1/runs/" + failed + "/publish", DEV, "");
        assertThat(publishFailed.status()).as(publishFailed.raw().body()).isEqualTo(409);
        assertThat(publishFailed.json().get("error").get("code").asText()).isEqualTo("RUN_NOT_PUBLISHABLE");
        Reply rollbackFailed = post("/v1/tenants/" + tenant + "/feed/rollback", DEV, "{\"run_id\": \"" + failed + "\"}");
        assertThat(rollbackFailed.status()).isEqualTo(409);
        Reply badMode = post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\", \"mode\": \"yolo\"}");
        assertThat(badMode.status()).isEqualTo(422);
        Reply pinnedPublish = post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\", \"config_version\": 1}");
        assertThat(pinnedPublish.status()).isEqualTo(422);
        assertThat(pinnedPublish.raw().body()).contains("only allowed with mode dry_run");
    }

    /**
     * A rollback lands while a publishing run is past MERGE_PRICE: the run's pointer Put loses its
     * condition, so the run is written HELD (it was compared with a feed that is no longer live) and
     * the rollback stands.
     */
    @Test
    void aRollbackDuringARunLeavesThatRunHeldAndTheRollbackLive() {
        String tenant = uniqueTenant("pubmid");
        assertThat(post("/v1/tenants", DEV, config(tenant, "0.1", "{}")).status()).isEqualTo(201);
        upload(tenant, "vendor_a", "a1.csv", vendorA(5));
        String first = startRun(tenant);
        assertThat(awaitTerminal(first).get("publish_status").asText()).isEqualTo("PUBLISHED");
        upload(tenant, "vendor_a", "a2.csv", vendorA(6));
        String second = startRun(tenant);
        assertThat(awaitTerminal(second).get("publish_status").asText()).isEqualTo("PUBLISHED");

        upload(tenant, "vendor_a", "a3.csv", vendorA(7));
        faults.pauseAfter(r -> r instanceof software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest u
                && u.expressionAttributeValues().containsKey(":stage")
                && "WRITE_OUTPUTS".equals(u.expressionAttributeValues().get(":stage").s()), 3000);
        String third = startRun(tenant);
        awaitRun(third, r -> "WRITE_OUTPUTS".equals(r.get("stage").asText()), java.time.Duration.ofSeconds(60));
        Reply rolledBack = post("/v1/tenants/" + tenant + "/feed/rollback", DEV, "{\"run_id\": \"" + first + "\"}");
        assertThat(rolledBack.status()).as(rolledBack.raw().body()).isEqualTo(200);

        JsonNode r3 = awaitTerminal(third);
        assertThat(r3.get("status").asText()).as(r3.toString()).isEqualTo("SUCCEEDED");
        assertThat(r3.get("publish_status").asText()).isEqualTo("HELD");
        assertThat(r3.get("publish_reasons").toString()).contains("changed while this run was running");
        assertThat(feeds.read(tenant).orElseThrow().runId()).isEqualTo(first);
        assertThat(feed(tenant)).startsWith(first + "\n");
    }

    /**
     * Vendor drift through the service (docs/CONTRACT.md#vendor-drift): each successful run's header
     * is stored with its terminal write and the next run compares with it; a missing required
     * column names the column that replaced it.
     */
    @Test
    void driftIsReportedAgainstTheLastSuccessfulRunAndAMissingColumnNamesItsReplacement() {
        String tenant = uniqueTenant("pubdrift");
        assertThat(post("/v1/tenants", DEV, config(tenant, "0.1", "{}")).status()).isEqualTo(201);
        upload(tenant, "vendor_a", "a1.csv", "sku,quantity_available,cost,Warehouse Qty\nA01,5,2.00,3\n");
        JsonNode r1 = awaitTerminal(startRun(tenant));
        assertThat(r1.get("status").asText()).as(r1.toString()).isEqualTo("SUCCEEDED");
        assertThat(json(artifacts(r1.get("artifacts")).get("run_summary")).at("/vendor_headers/vendor_a/columns").toString())
                .isEqualTo("[\"sku\",\"quantity_available\",\"cost\",\"Warehouse Qty\"]");

        upload(tenant, "vendor_a", "a2.csv", "sku,quantity_available,cost,Warehouse Quantity\nA01,5,2.00,3\n");
        JsonNode r2 = awaitTerminal(startRun(tenant));
        assertThat(r2.get("status").asText()).as(r2.toString()).isEqualTo("SUCCEEDED");
        JsonNode drift = json(artifacts(r2.get("artifacts")).get("run_summary")).at("/vendor_drift/vendor_a");
        assertThat(drift.get("renamed").toString()).isEqualTo("[{\"from\":\"Warehouse Qty\",\"to\":\"Warehouse Quantity\"}]");
        assertThat(json(artifacts(r2.get("artifacts")).get("diff")).at("/vendor_drift/vendor_a/renamed").toString())
                .isEqualTo(drift.get("renamed").toString());

        upload(tenant, "vendor_a", "a3.csv", "sku,Available Quantity,cost,Warehouse Quantity\nA01,5,2.00,3\n");
        JsonNode r3 = awaitTerminal(startRun(tenant));
        assertThat(r3.get("status").asText()).isEqualTo("FAILED");
        assertThat(r3.get("error_code").asText()).isEqualTo("missing_required_columns");
        assertThat(r3.get("error_message").asText())
                .contains("`quantity_available` is missing; the file has a new column `Available Quantity`");
    }

    /**
     * {@code missing_sku_policy: zero} through the service: a published SKU the next delivery lacks
     * stays in the live feed with quantity 0 (a {@code zeroed_missing} delta row), and keeps its
     * {@code missing_since} across runs. Dropping after {@code zero_days} is the engine's test
     * (SafePublishingRunTest), since a run's clock cannot be moved through the API.
     */
    @Test
    void theZeroPolicyKeepsAMissingSkuLiveAtQuantityZeroAcrossRuns() {
        String tenant = uniqueTenant("pubzero");
        String config = config(tenant, "0.1", "{}").replace("\"publish\": {\"guard\": {}}",
                "\"publish\": {\"guard\": {}, \"missing_sku_policy\": \"zero\", \"zero_days\": 7}");
        assertThat(config).contains("\"missing_sku_policy\": \"zero\"");
        assertThat(post("/v1/tenants", DEV, config).status()).isEqualTo(201);
        upload(tenant, "vendor_a", "a1.csv", vendorA(5));
        String first = startRun(tenant);
        assertThat(awaitTerminal(first).get("publish_status").asText()).isEqualTo("PUBLISHED");

        upload(tenant, "vendor_a", "a2.csv", vendorA(4));
        String second = startRun(tenant);
        JsonNode r2 = awaitTerminal(second);
        assertThat(r2.get("publish_status").asText()).as(r2.toString()).isEqualTo("PUBLISHED");
        assertThat(feed(tenant)).isEqualTo(second + "\n" + text(artifacts(r2.get("artifacts")).get("merged_inventory")))
                .contains("A05,0,11.00,vendor_a");
        assertThat(text(artifacts(r2.get("artifacts")).get("delta"))).contains("A05,quantity_available,15,0,zeroed_missing");
        String since = text(artifacts(r2.get("artifacts")).get("feed_state")).lines().filter(l -> l.startsWith("A05,"))
                .findFirst().orElseThrow();

        upload(tenant, "vendor_a", "a3.csv", vendorA(4));
        JsonNode r3 = awaitTerminal(startRun(tenant));
        assertThat(r3.get("publish_status").asText()).isEqualTo("PUBLISHED");
        assertThat(text(artifacts(r3.get("artifacts")).get("merged_inventory"))).contains("A05,0,11.00,vendor_a");
        // still carried, same missing_since: no new delta row for it
        assertThat(text(artifacts(r3.get("artifacts")).get("feed_state")).lines().filter(l -> l.startsWith("A05,")))
                .containsExactly(since);
        assertThat(text(artifacts(r3.get("artifacts")).get("delta"))).doesNotContain("A05");
    }

    /** Two runs' terminal writes racing for the pointer they both read at version 0: one publishes, one is told. */
    @Test
    void twoTerminalWritesRacingForThePointerLeaveExactlyOneWinner() throws Exception {
        String tenant = uniqueTenant("pubrace");
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String runId = java.util.UUID.randomUUID().toString();
            runIds.add(runId);
            dynamoDb.putItem(b -> b.tableName(resources.runsTable()).item(Map.of(
                    "run_id", AttributeValue.fromS(runId), "item_type", AttributeValue.fromS("RUN"),
                    "tenant_id", AttributeValue.fromS(tenant), "status", AttributeValue.fromS("RUNNING"),
                    "attempt_id", AttributeValue.fromS("attempt-" + runId), "requested_at",
                    AttributeValue.fromS("2026-12-07T00:00:00.000Z"), "artifacts", AttributeValue.fromM(Map.of()))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(runIds.size());
        try {
            List<Future<RunAttemptStore.Outcome>> outcomes = new ArrayList<>();
            for (String runId : runIds) {
                Callable<RunAttemptStore.Outcome> write = () -> {
                    String now = Instant.now().toString();
                    PublishedFeeds.Pointer next = new PublishedFeeds.Pointer(tenant, runId, 1, now, "test", "run", 1,
                            runId + "/merged.csv", null, null, Map.of("sku_count", 1L), Map.of(), null);
                    return store.terminalForAttempt(new RunAttemptStore.Terminal(runId, tenant, "SUCCEEDED", now, 1L, 1,
                            Map.of(), false, null, null, null, null, null, null,
                            Map.of("publish_status", AttributeValue.fromS("PUBLISHED")), feeds.put(next, 0), null),
                            "attempt-" + runId);
                };
                outcomes.add(pool.submit(write));
            }
            Set<String> seen = new TreeSet<>();
            for (Future<RunAttemptStore.Outcome> f : outcomes) {
                try {
                    seen.add(f.get().name());
                } catch (java.util.concurrent.ExecutionException e) {
                    // a TransactionConflict between the racers is an SDK error: the worker retries it as any other
                    seen.add("RETRYABLE");
                }
            }
            assertThat(seen).contains("COMMITTED");
            long winners = outcomes.stream().filter(f -> {
                try {
                    return f.get() == RunAttemptStore.Outcome.COMMITTED;
                } catch (Exception e) {
                    return false;
                }
            }).count();
            assertThat(winners).isEqualTo(1);
            PublishedFeeds.Pointer pointer = feeds.read(tenant).orElseThrow();
            assertThat(pointer.version()).isEqualTo(1);
            assertThat(item(pointer.runId()).get("status").s()).isEqualTo("SUCCEEDED");
            for (String runId : runIds) {
                if (!runId.equals(pointer.runId())) assertThat(item(runId).get("status").s()).isEqualTo("RUNNING");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
