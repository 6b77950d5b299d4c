package com.relay.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.CanonicalField;
import com.relay.engine.CellFormatter;
import com.relay.engine.EngineFailure;
import com.relay.engine.FeedDecoder;
import com.relay.engine.CsvRecordReader;
import com.relay.engine.InventoryRecord;
import com.relay.engine.OfferComparator;
import com.relay.engine.Pricer;
import com.relay.engine.SkuBlockIndex;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigParser;
import com.relay.tenants.config.ValidationResult;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-SKU explain (docs/ENGINE.md#per-sku-explain, issue 21): from a succeeded run's config snapshot, normalized files and
 * {@code reports/explain_index.json}, every candidate offer of one SKU ordered by the run's
 * {@link OfferComparator}, the winner and what decided it, and the winner's price step by step through
 * the one {@link Pricer}. Per vendor only the byte range of the index that can hold the SKU is read.
 */
public final class SkuExplainer {

    /** Candidates kept per SKU (the best ones; {@code candidate_count} tells how many there were). */
    static final int MAX_CANDIDATES = 100;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SKU = CanonicalField.SKU.ordinal();

    private final String runId;
    private final TenantConfig config;
    private final Map<String, SkuBlockIndex> vendorIndexes = new java.util.HashMap<>();
    private final Map<String, String> normalizedKeys = new java.util.HashMap<>();
    private final RunArtifactReader artifacts;

    SkuExplainer(String runId, TenantConfig config, JsonNode index, RunArtifactReader artifacts) {
        this.runId = runId;
        this.config = config;
        this.artifacts = artifacts;
        index.path("vendors").properties().forEach(e -> {
            vendorIndexes.put(e.getKey(), SkuBlockIndex.fromJson(e.getValue()));
            normalizedKeys.put(e.getKey(), e.getValue().path("normalized_key").asText());
        });
    }

    /**
     * Opens the explain of a run from its artifacts map (name → key): reads the config snapshot
     * and the explain index.
     *
     * @throws ExplainUnavailable when the run has no explain index (a run from before explain existed) or its
     *                            snapshot cannot be read back
     */
    public static SkuExplainer open(String runId, Map<String, String> artifactKeys, RunArtifactReader artifacts)
            throws IOException {
        String snapshotKey = artifactKeys.get("config_snapshot");
        String indexKey = artifactKeys.get("explain_index");
        if (snapshotKey == null || indexKey == null) {
            throw new ExplainUnavailable("run " + runId + " has no " + (snapshotKey == null ? "config_snapshot" : "explain_index")
                    + " artifact (runs finished before explain existed cannot be explained)");
        }
        JsonNode snapshot = JSON.readTree(artifacts.read(snapshotKey));
        byte[] configJson = JSON.writeValueAsBytes(snapshot.path("tenant_config"));
        // cli context: the snapshot was valid when the run started; explain needs pricing and merge only
        ValidationResult parsed = new TenantConfigParser().parse(configJson, TenantConfigParser.Format.JSON,
                TenantConfigParser.Context.cli());
        TenantConfig config = parsed.validConfig().orElseThrow(() ->
                new ExplainUnavailable("run " + runId + ": its config snapshot no longer reads back: " + parsed));
        return new SkuExplainer(runId, config, JSON.readTree(artifacts.read(indexKey)), artifacts);
    }

    /** The explanation of {@code sku}, or empty when no vendor of the run offered it; the vendors read one after another. */
    public Optional<Explanation> explain(String sku) throws IOException {
        return explain(sku, Runnable::run);
    }

    /**
     * {@link #explain(String)} with each vendor's ranged read handed to {@code reads} (the service
     * reads them at once: an S3 GET each, whose latency would otherwise add up vendor by vendor).
     */
    public Optional<Explanation> explain(String sku, java.util.concurrent.Executor reads) throws IOException {
        OfferComparator order = new OfferComparator(config.merge().bestOffer());
        List<java.util.concurrent.CompletableFuture<VendorOffers>> parts = new ArrayList<>();
        for (int i = 0; i < config.vendors().size(); i++) {
            TenantConfig.Vendor v = config.vendors().get(i);
            SkuBlockIndex blocks = vendorIndexes.get(v.vendorId());
            if (blocks == null) continue; // a vendor missing from this run
            long[] range = blocks.rangeOf(sku);
            if (range[1] <= range[0]) continue;
            int vendorIndex = i;
            String key = normalizedKeys.get(v.vendorId());
            parts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    List<InventoryRecord> offers = new ArrayList<>();
                    long found = readOffers(key, range, sku, v.vendorId(), vendorIndex, order, offers);
                    return new VendorOffers(found, offers);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, reads));
        }
        List<InventoryRecord> candidates = new ArrayList<>();
        long count = 0;
        for (java.util.concurrent.CompletableFuture<VendorOffers> part : parts) {
            VendorOffers offers;
            try {
                offers = part.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof java.io.UncheckedIOException u) throw u.getCause();
                throw e;
            }
            count += offers.found();
            candidates.addAll(offers.best());
        }
        if (candidates.isEmpty()) return Optional.empty();
        candidates.sort(order);
        if (candidates.size() > MAX_CANDIDATES) candidates.subList(MAX_CANDIDATES, candidates.size()).clear();
        return Optional.of(describe(sku, candidates, count, order));
    }

    /** Reads one vendor's rows of {@code sku} in {@code range}; keeps the best {@link #MAX_CANDIDATES} in {@code into}. */
    private long readOffers(String key, long[] range, String sku, String vendorId, int vendorIndex, OfferComparator order,
                            List<InventoryRecord> into) throws IOException {
        long found = 0;
        try (InputStream in = artifacts.range(key, range[0], range[1])) {
            CsvRecordReader rows = new CsvRecordReader(FeedDecoder.open(in, "utf-8", vendorId, false), ',', vendorId, false);
            while (rows.nextRecord()) {
                if (rows.cellCount() <= SKU || !rows.cell(SKU).equals(sku)) continue;
                // input order among equal SKUs is the file order (docs/CONTRACT.md#row-order); the original row number is not stored
                into.add(offer(rows, vendorIndex, ++found));
                if (into.size() >= 2 * MAX_CANDIDATES) {
                    into.sort(order);
                    into.subList(MAX_CANDIDATES, into.size()).clear();
                }
            }
        } catch (EngineFailure f) {
            throw new IOException("normalized file " + key + " does not read back: " + f.getMessage(), f);
        }
        return found;
    }

    private static InventoryRecord offer(CsvRecordReader rows, int vendorIndex, long ordinal) {
        return new InventoryRecord(cell(rows, CanonicalField.SKU), cell(rows, CanonicalField.VENDOR_SKU),
                cell(rows, CanonicalField.VENDOR_ID), longOf(cell(rows, CanonicalField.QUANTITY_AVAILABLE), 0L),
                longOf(cell(rows, CanonicalField.LEAD_TIME_DAYS), null), decimal(rows, CanonicalField.COST),
                decimal(rows, CanonicalField.MAP_PRICE), decimal(rows, CanonicalField.PRICE), decimal(rows, CanonicalField.MSRP),
                cell(rows, CanonicalField.CONDITION), cell(rows, CanonicalField.BRAND), cell(rows, CanonicalField.TITLE),
                null, 0, vendorIndex, ordinal);
    }

    private static String cell(CsvRecordReader rows, CanonicalField f) {
        int i = f.ordinal();
        if (i >= rows.cellCount()) return null;
        String c = rows.cell(i);
        return c.isEmpty() && f != CanonicalField.SKU ? null : c;
    }

    private static Long longOf(String text, Long blank) {
        return text == null ? blank : Long.valueOf(Long.parseLong(text));
    }

    private static BigDecimal decimal(CsvRecordReader rows, CanonicalField f) {
        String text = cell(rows, f);
        return text == null ? null : new BigDecimal(text);
    }

    private Explanation describe(String sku, List<InventoryRecord> ranked, long count, OfferComparator order) {
        TenantConfig.BestOffer bestOffer = config.merge().bestOffer();
        BigDecimal shipping = config.pricing().shippingHandlingFlat();
        List<Explanation.Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            InventoryRecord r = ranked.get(i);
            BigDecimal landed = r.cost() == null ? null : r.cost().add(shipping, Pricer.MC);
            Map<String, Object> keys = new LinkedHashMap<>();
            for (TenantConfig.SortKey k : order.keys()) keys.put(k.wireName(), keyValue(k, r, bestOffer, shipping));
            candidates.add(new Explanation.Candidate(i + 1, r.vendorId(), r.vendorSku(), r.vendorIndex(), r.rowNumber(),
                    r.quantityAvailable(), r.cost(), landed, r.leadTimeDays(),
                    r.leadTimeDays() == null ? bestOffer.fallbackLeadTimeDays() : r.leadTimeDays(),
                    r.leadTimeDays() == null, r.mapPrice(), r.price(), keys));
        }
        InventoryRecord winner = ranked.get(0);
        Explanation.TieBreak tieBreak = null;
        if (ranked.size() > 1) {
            InventoryRecord runnerUp = ranked.get(1);
            String decidedBy = order.decidedBy(winner, runnerUp);
            tieBreak = new Explanation.TieBreak(decidedBy, runnerUp.vendorId(),
                    candidates.get(0).sortKeys().get(decidedBy), candidates.get(1).sortKeys().get(decidedBy));
        }
        List<Explanation.Step> steps = new ArrayList<>();
        BigDecimal price = new Pricer(config.pricing()).price(winner,
                (step, before, after) -> steps.add(new Explanation.Step(step.wireName(), before, after)));
        return new Explanation(runId, config.tenantId(), sku, order.keys().stream().map(TenantConfig.SortKey::wireName).toList(),
                count, candidates, winner.vendorId(), tieBreak, steps, price, CellFormatter.money(price, false));
    }

    /** The value a sort key compares (docs/CONTRACT.md#merge-best-offer). */
    private static Object keyValue(TenantConfig.SortKey key, InventoryRecord r, TenantConfig.BestOffer bestOffer,
                                   BigDecimal shipping) {
        return switch (key) {
            case IN_STOCK_DESC -> r.quantityAvailable() > 0;
            case LOWEST_LANDED_COST -> r.cost() == null ? null
                    : bestOffer.includeShippingHandling() ? r.cost().add(shipping, Pricer.MC) : r.cost();
            case LOWEST_COST -> r.cost();
            case SHORTEST_LEAD_TIME -> r.leadTimeDays() == null ? bestOffer.fallbackLeadTimeDays() : r.leadTimeDays();
            case HIGHEST_QUANTITY -> r.quantityAvailable();
            case VENDOR_PRIORITY -> r.vendorIndex();
        };
    }

    private record VendorOffers(long found, List<InventoryRecord> best) { }

    /** The run cannot be explained at all (not a data problem of one SKU). */
    public static final class ExplainUnavailable extends IOException {
        public ExplainUnavailable(String message) {
            super(message);
        }
    }
}
