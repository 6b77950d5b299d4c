package com.relay.worker;

import com.relay.engine.run.RunResult;
import com.relay.logging.LogEvents;
import com.relay.publish.PublishBaseline;
import com.relay.publish.PublishedFeeds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The worker's side of safe publishing (docs/CONTRACT.md#the-published-feed): MERGE_PRICE reads the
 * tenant's published-feed pointer and hands the engine the published run's feed state as the
 * baseline (the route gets the file with an aws2-s3 step); COMPLETE turns the engine's decision into
 * the run's {@code publish_status} and, for a publication, the pointer Put that joins the terminal
 * transaction.
 */
@Component("runPublishing")
public class RunPublishing {

    public static final String MODE_PUBLISH = "publish";
    public static final String MODE_DRY_RUN = "dry_run";

    public static final String PUBLISHED = "PUBLISHED";
    public static final String HELD = "HELD";
    public static final String DRY_RUN = "DRY_RUN";
    public static final String NOT_PUBLISHED = "NOT_PUBLISHED";

    private static final Logger log = LoggerFactory.getLogger(RunPublishing.class);

    private final PublishedFeeds feeds;
    private final com.relay.publish.VendorHeaders headers;

    public RunPublishing(PublishedFeeds feeds, com.relay.publish.VendorHeaders headers) {
        this.feeds = feeds;
        this.headers = headers;
    }

    /**
     * NORMALIZE, before the parses: each vendor's header as the tenant's last successful run saw it,
     * for the engine's drift report (a consistent DynamoDB read in a bean, like the pointer's).
     */
    public void readVendorHeaders(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        a.execution.previousHeaders(headers.read(a.tenantId()));
    }

    /** A successful run's headers replace each vendor's previous one, in its terminal transaction. */
    TransactWriteItem headersUpdate(RunAttempt a, RunResult r, String now) {
        if (!r.succeeded() || a.execution == null) return null;
        Map<String, List<String>> seen = a.execution.vendorHeaders();
        return seen == null || seen.isEmpty() ? null : headers.update(a.tenantId(), a.runId(), seen, now);
    }

    /** MERGE_PRICE, first step: the pointer, read consistently (the route gets its baseline file next). */
    public void readPublished(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        a.published = feeds.read(a.tenantId()).orElse(null);
    }

    /**
     * The baseline (the body: the published run's feed state as it streams from S3, or nothing when the
     * tenant has no published feed yet) is spooled to the work dir and given to the engine with the
     * run's mode.
     */
    public void useBaseline(Exchange exchange) throws IOException {
        RunAttempt a = RunStages.attempt(exchange);
        PublishBaseline baseline = null;
        if (a.published != null && !a.baselineMissing) {
            Path file = a.workDir.resolve("published-baseline.csv");
            try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (org.apache.camel.InvalidPayloadException e) {
                throw new IllegalStateException("the published feed's baseline arrived without a body", e);
            }
            baseline = new PublishBaseline(a.published.runId(), file, a.published.vendorRows());
        }
        // the consumed (closed) S3 stream must not reach the next route: its stream caching would read it
        exchange.getMessage().setBody(null);
        a.execution.useBaseline(baseline, MODE_DRY_RUN.equals(a.publishMode));
    }

    /**
     * The pointer names a run whose baseline object is gone (expired or deleted): without a baseline
     * no guard can be checked, so the run is held for a person to approve, never published blind.
     */
    public void baselineMissing(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        a.baselineMissing = true;
        LogEvents.warn(log, "publish_baseline_missing", "published_run_id", a.published.runId(),
                "key", a.published.baselineKey());
    }

    /** What the terminal write records about publishing, and the pointer Put when the run publishes. */
    record Decision(String status, List<String> reasons, boolean firstPublication, Map<String, Long> stats,
                    Map<String, Long> vendorRows, PublishedFeeds.Pointer pointer, long expectedVersion) {

        Map<String, AttributeValue> runAttributes(String publishedBy, String now) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            m.put("publish_status", AttributeValue.fromS(status));
            List<AttributeValue> r = new ArrayList<>();
            reasons.forEach(x -> r.add(AttributeValue.fromS(x)));
            m.put("publish_reasons", AttributeValue.fromL(r));
            if (!NOT_PUBLISHED.equals(status)) {
                m.put("first_publication", AttributeValue.fromBool(firstPublication));
                m.put("feed_stats", PublishedFeeds.numbersValue(stats));
                m.put("vendor_rows", PublishedFeeds.numbersValue(vendorRows));
            }
            if (pointer != null) {
                m.put("published_at", AttributeValue.fromS(now));
                m.put("published_by", AttributeValue.fromS(publishedBy));
                m.put("publish_action", AttributeValue.fromS(PublishedFeeds.ACTION_RUN));
            }
            return m;
        }
    }

    /** The decision for the attempt's result: failed runs are NOT_PUBLISHED; the engine decides the rest. */
    Decision decide(RunAttempt a, RunResult r, String now) {
        if (!r.succeeded()) return new Decision(NOT_PUBLISHED, List.of(), false, Map.of(), Map.of(), null, 0);
        com.relay.publish.Publication p = r.publication();
        if (p == null) throw new IllegalStateException("run " + a.runId() + " succeeded without a publish decision");
        List<String> reasons = new ArrayList<>(p.reasons());
        String status = switch (p.decision()) {
            case com.relay.publish.Publication.DRY_RUN -> DRY_RUN;
            case com.relay.publish.Publication.HELD -> HELD;
            case com.relay.publish.Publication.PUBLISH -> PUBLISHED;
            default -> throw new IllegalStateException("unknown publish decision " + p.decision());
        };
        if (PUBLISHED.equals(status) && a.baselineMissing) {
            status = HELD;
            reasons.add("the published feed of run " + a.published.runId() + " could not be read ("
                    + a.published.baselineKey() + "), so no guard could be checked: approve this run to publish it");
        }
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("sku_count", p.skuCount());
        stats.put("total_quantity", p.totalQuantity());
        stats.put("in_stock_count", p.inStockCount());
        if (!PUBLISHED.equals(status)) {
            return new Decision(status, reasons, p.firstPublication(), stats, p.vendorRows(), null, 0);
        }
        Map<String, String> artifacts = r.artifacts();
        long seen = a.published == null ? 0 : a.published.version();
        PublishedFeeds.Pointer next = new PublishedFeeds.Pointer(a.tenantId(), a.runId(), seen + 1, now,
                a.createdBy, PublishedFeeds.ACTION_RUN, a.job.configVersion(), artifacts.get("merged_inventory"),
                artifacts.get("feed_state"), artifacts.get("delta"), stats, p.vendorRows(),
                a.published == null ? null : a.published.runId());
        return new Decision(status, reasons, p.firstPublication(), stats, p.vendorRows(), next, seen);
    }

    /**
     * The same run held instead: the pointer moved while the run was running (a person approved or
     * rolled back another run), so this run's diff and guard were computed against a feed that is no
     * longer the live one.
     */
    Decision heldByRace(Decision d, RunAttempt a) {
        List<String> reasons = new ArrayList<>(d.reasons());
        reasons.add("the published feed changed while this run was running (it was compared with run "
                + (a.published == null ? "none" : a.published.runId()) + "): approve this run to publish it");
        LogEvents.warn(log, "publish_pointer_moved", "expected_version", d.expectedVersion());
        return new Decision(HELD, reasons, d.firstPublication(), d.stats(), d.vendorRows(), null, 0);
    }

    TransactWriteItem pointerPut(Decision d) {
        return feeds.put(d.pointer(), d.expectedVersion());
    }
}
