package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: {@code GET /v1/runs/{run_id}/explain?sku=X} on a real run through the embedded service
 * (API, worker, S3 ranged reads of the normalized files): a SKU two vendors offer, a SKU one vendor
 * offers, an unknown SKU, the query checks, another tenant's run and a run that did not succeed.
 */
class ExplainApiIT extends WorkerTestSupport {

    private static final String COLUMNS = "[\"sku\", \"vendor_id\", \"quantity_available\", \"price\"]";

    @Test
    void explainsASucceededRunAndMatchesItsMergedFeed() {
        String tenant = uniqueTenant("explain");
        Reply created = post("/v1/tenants", DEV, s3Config(tenant, null, COLUMNS, Vendor.of("va"), Vendor.of("vb")));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        upload(tenant, "va", "a.csv", "sku,quantity_available,cost,lead_time_days\nX,5,10.00,3\nONLY,1,3.00,\n");
        upload(tenant, "vb", "b.csv", "sku,quantity_available,cost\nX,5,8.00\n");
        String runId = startRun(tenant);
        JsonNode run = awaitTerminal(runId);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        Map<String, String> feed = new HashMap<>();
        for (String line : text(run.get("artifacts").get("merged_inventory").asText()).split("\n")) {
            String[] cells = line.split(",");
            feed.put(cells[0], cells[1] + "/" + cells[3]);
        }

        Reply x = get("/v1/runs/" + runId + "/explain?sku=X", DEV);
        assertThat(x.status()).as(x.raw().body()).isEqualTo(200);
        JsonNode e = x.json();
        assertThat(e.get("sku").asText()).isEqualTo("X");
        assertThat(e.get("candidate_count").asInt()).isEqualTo(2);
        assertThat(e.at("/candidates/0/vendor_id").asText()).isEqualTo("vb");
        assertThat(e.at("/candidates/1/vendor_id").asText()).isEqualTo("va");
        assertThat(e.at("/candidates/0/lead_time_fallback_applied").asBoolean()).isTrue();
        assertThat(e.at("/winner/vendor_id").asText()).isEqualTo("vb");
        assertThat(e.at("/winner/decided_by").asText()).isEqualTo("lowest_landed_cost");
        assertThat(e.at("/winner/runner_up_vendor_id").asText()).isEqualTo("va");
        List<String> steps = new java.util.ArrayList<>();
        e.at("/pricing/steps").forEach(s -> steps.add(s.get("step").asText()));
        assertThat(steps).containsExactly("landed_cost", "margin", "min_price", "rounding", "rounding_floor_fix", "ending", "map");
        assertThat("vb/" + e.at("/pricing/price_csv").asText()).isEqualTo(feed.get("X"));

        Reply only = get("/v1/runs/" + runId + "/explain?sku=ONLY", DEV);
        assertThat(only.status()).isEqualTo(200);
        assertThat(only.json().at("/winner/decided_by").asText()).isEqualTo("only_offer");
        assertThat("va/" + only.json().at("/pricing/price_csv").asText()).isEqualTo(feed.get("ONLY"));

        Reply unknown = get("/v1/runs/" + runId + "/explain?sku=NOPE", DEV);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/code").asText()).isEqualTo("SKU_NOT_IN_RUN");
        assertThat(unknown.json().at("/error/message").asText()).contains("'NOPE' is not in run " + runId);

        assertThat(get("/v1/runs/" + runId + "/explain", DEV).json().at("/error/code").asText()).isEqualTo("INVALID_QUERY");
        assertThat(get("/v1/runs/" + runId + "/explain?sku=%20", DEV).status()).isEqualTo(400);
        assertThat(get("/v1/runs/" + runId + "/explain?sku=X&x=1", DEV).status()).isEqualTo(422);

        String other = uniqueTenant("explain-other");
        assertThat(post("/v1/tenants", DEV, s3Config(other, null, COLUMNS, Vendor.of("va"))).status()).isEqualTo(201);
        Reply hidden = get("/v1/runs/" + runId + "/explain?sku=X", tenantKey(other));
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.json().at("/error/code").asText()).isEqualTo("RUN_NOT_FOUND");
        assertThat(get("/v1/runs/" + runId + "/explain?sku=X", tenantKey(tenant)).status()).isEqualTo(200);
    }

    @Test
    void aRunThatDidNotSucceedIsAConflict() {
        String tenant = uniqueTenant("explain-failed");
        assertThat(post("/v1/tenants", DEV, s3Config(tenant, null, COLUMNS, Vendor.of("va"))).status()).isEqualTo(201);
        String runId = startRun(tenant); // the required vendor has no file: FAILED in FETCH_INPUTS
        JsonNode run = awaitTerminal(runId);
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        Reply r = get("/v1/runs/" + runId + "/explain?sku=X", DEV);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("RUN_NOT_SUCCEEDED");
        assertThat(r.json().at("/error/message").asText()).isEqualTo("run " + runId + " is FAILED: only a SUCCEEDED run can be explained");
    }
}
