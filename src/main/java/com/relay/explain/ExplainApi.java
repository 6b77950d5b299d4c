package com.relay.explain;

import com.relay.api.ApiException;
import com.relay.api.ApiRequest;
import com.relay.api.ApiResponse;
import com.relay.api.RunsApi;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET /v1/runs/{run_id}/explain?sku=X (docs/API.md#explain-a-sku): the run as {@code GET /v1/runs/{run_id}} sees it
 * (another tenant's run is 404), SUCCEEDED only (409), then {@link SkuExplainer} over the run's artifacts.
 */
@Component("explainApi")
public class ExplainApi {

    /** Runs whose snapshot and index stay parsed: a SUCCEEDED run's artifacts never change. */
    static final int CACHED_RUNS = 16;
    /** Ranged GETs at once, over every request (the vendors of one SKU are read in parallel). */
    static final int READ_THREADS = 8;

    private final RunsApi runs;
    private final ProducerTemplate producer;
    private final Map<String, SkuExplainer> opened = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(CACHED_RUNS, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, SkuExplainer> eldest) {
                    return size() > CACHED_RUNS;
                }
            });
    private final java.util.concurrent.ExecutorService reads = java.util.concurrent.Executors.newFixedThreadPool(READ_THREADS, r -> {
        Thread t = new Thread(r, "relay-explain-read");
        t.setDaemon(true);
        return t;
    });

    public ExplainApi(RunsApi runs, ProducerTemplate producer) {
        this.runs = runs;
        this.producer = producer;
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        reads.shutdownNow();
    }

    public ApiResponse explain(ApiRequest request) {
        String sku = request.query(Set.of("sku")).get("sku");
        Map<String, AttributeValue> run = runs.visibleRun(request);
        String runId = request.path("run_id");
        if (sku == null || sku.isBlank()) {
            throw new ApiException(400, "INVALID_QUERY", "query parameter sku is required and must not be blank",
                    List.of(new ApiException.Detail("query.sku", "required, not blank", null)), Map.of(), Map.of());
        }
        AttributeValue status = run.get("status");
        if (status == null || !"SUCCEEDED".equals(status.s())) {
            throw new ApiException(409, "RUN_NOT_SUCCEEDED", "run " + runId + " is " + (status == null ? "unknown" : status.s())
                    + ": only a SUCCEEDED run can be explained");
        }
        Map<String, String> artifacts = new LinkedHashMap<>();
        AttributeValue stored = run.get("artifacts");
        if (stored != null && stored.hasM()) stored.m().forEach((name, key) -> artifacts.put(name, key.s()));
        try {
            SkuExplainer explainer = opened.get(runId);
            if (explainer == null) {
                explainer = SkuExplainer.open(runId, artifacts, new S3RunArtifacts(producer));
                opened.put(runId, explainer);
            }
            Explanation e = explainer.explain(sku, reads)
                    .orElseThrow(() -> new ApiException(404, "SKU_NOT_IN_RUN",
                            "sku '" + shown(sku) + "' is not in run " + runId + " (no vendor offered it)"));
            return ApiResponse.ok(e.toJson());
        } catch (SkuExplainer.ExplainUnavailable u) {
            throw new ApiException(409, "EXPLAIN_UNAVAILABLE", u.getMessage());
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    /** An echoed SKU is cut (a query may be long); the full one is the caller's. */
    private static String shown(String sku) {
        return sku.length() <= 200 ? sku : sku.substring(0, 200) + "...";
    }
}
