package com.relay.engine.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.BestOfferMerger;
import com.relay.engine.CsvFeedWriter;
import com.relay.engine.EngineFailure;
import com.relay.engine.ErrorEntries;
import com.relay.engine.ErrorThresholds;
import com.relay.engine.HeaderDrift;
import com.relay.engine.InventoryRecord;
import com.relay.engine.NormalizedFileSorter;
import com.relay.engine.RowError;
import com.relay.engine.RowSink;
import com.relay.engine.SkuBlockIndex;
import com.relay.engine.SkuMapping;
import com.relay.engine.VendorFeedParser;
import com.relay.engine.VendorHeader;
import com.relay.engine.VendorParseResult;
import com.relay.publish.BaselineFailure;
import com.relay.publish.BaselineReader;
import com.relay.publish.DiffReport;
import com.relay.publish.DiffResult;
import com.relay.publish.FeedDiff;
import com.relay.publish.PublishBaseline;
import com.relay.publish.PublishGuard;
import com.relay.publish.Publication;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run of the engine from inputs to artifacts (docs/CONTRACT.md#orchestration-streaming-and-memory, docs/CONTRACT.md#missing-vendors, docs/CONTRACT.md#what-each-step-writes steps 3–9, docs/CONTRACT.md#artifacts): the
 * orchestration shared by {@code relay local-run} and the worker. Vendors are parsed in parallel
 * (results do not depend on the interleaving: the merge order is total, error entries are kept
 * per vendor and written in configuration order); records reach the merger in chunks.
 *
 * <p>Data problems end as a FAILED {@link RunResult} with its code; an {@link IOException} means
 * the inputs or the artifact store failed (the worker retries those).
 */
public final class EngineRun {

    /**
     * docs/CONTRACT.md#what-each-step-writes: {@code <run_id>/…} with no empty, {@code .} or {@code ..} segment anywhere, a
     * trailing one included (issue 17 #15: {@code <run>/..} passed a check for {@code /../}).
     */
    static boolean insideRunFolder(String key, String runId) {
        if (!key.startsWith(runId + "/")) return false;
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) return false;
        }
        return true;
    }

    public static final String FETCH_INPUTS = "FETCH_INPUTS";
    public static final String NORMALIZE = "NORMALIZE";
    public static final String MERGE_PRICE = "MERGE_PRICE";
    public static final String WRITE_OUTPUTS = "WRITE_OUTPUTS";
    public static final String COMPLETE = "COMPLETE";
    /** The artifact of docs/ENGINE.md#explain-index. */
    public static final String EXPLAIN_INDEX = "explain_index";

    static final String JSON = "application/json";
    static final String CSV = "text/csv; charset=utf-8";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int CHUNK = 4096;

    /**
     * @param now               the run's {@code now}: default {@code updated_at} and the report timestamps
     * @param inputs            one entry per configured vendor (any order; matched by vendor id)
     * @param workDir           temporary files (spill runs, pending CSVs, error logs); created if needed
     * @param memoryBudgetBytes ENGINE_MEMORY_BUDGET_MB in bytes
     * @param parallelism       vendors parsed at once (≥ 1)
     * @param maxRowsPerVendorFile RELAY_MAX_ROWS_PER_VENDOR_FILE: data rows a vendor file may have, 0 = unlimited
     * @param errorsMaxBytes    ENGINE_ERRORS_MAX_MB in bytes: stored row-error entries per run
     */
    public record Request(TenantConfig config, String runId, long configVersion, Instant now,
                          List<VendorInput> inputs, Path workDir, long memoryBudgetBytes, int parallelism,
                          long maxRowsPerVendorFile, long errorsMaxBytes) {

        /** A run with the defaults of the quota (none) and of the error-log cap. */
        public Request(TenantConfig config, String runId, long configVersion, Instant now, List<VendorInput> inputs,
                       Path workDir, long memoryBudgetBytes, int parallelism) {
            this(config, runId, configVersion, now, inputs, workDir, memoryBudgetBytes, parallelism, 0,
                    DEFAULT_ERRORS_MAX_BYTES);
        }
    }

    /** ENGINE_ERRORS_MAX_MB's default, 64 MiB. */
    public static final long DEFAULT_ERRORS_MAX_BYTES = 64L << 20;
    /** A vendor's SKU map may take this fraction of ENGINE_MEMORY_BUDGET_MB (docs/ENGINE.md). */
    static final int SKU_MAP_BUDGET_DIVISOR = 8;

    private final ObjectMapper mapper;
    private final ArtifactSink sink;
    private final StageListener listener;
    private final VendorFeedParser parser = new VendorFeedParser();

    public EngineRun(ObjectMapper mapper, ArtifactSink sink, StageListener listener) {
        this.mapper = mapper;
        this.sink = sink;
        this.listener = listener;
    }

    /** The JSON writer of reports (decimals written as they are, never in exponent form). */
    public static ObjectMapper reportMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        return mapper;
    }

    /** Timestamps in reports: TS of docs/CONTRACT.md#conventions (milliseconds, {@code Z}). */
    public static String ts(Instant instant) {
        return TS.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    public RunResult execute(Request req) throws IOException {
        return execute(req, null, false);
    }

    /** A whole run compared with {@code baseline} (null: a first publication), see {@link Execution#useBaseline}. */
    public RunResult execute(Request req, PublishBaseline baseline, boolean dryRun) throws IOException {
        try (Execution run = begin(req)) {
            run.useBaseline(baseline, dryRun);
            Optional<RunResult> failed = run.fetchInputs();
            if (failed.isEmpty()) failed = run.normalize();
            if (failed.isEmpty()) failed = run.mergePrice();
            return failed.isPresent() ? failed.get() : run.writeOutputs();
        }
    }

    /**
     * Starts a run whose stages the caller drives one by one (the worker route has one step per
     * stage, docs/CONTRACT.md#what-each-step-writes): {@link Execution#fetchInputs}, {@link Execution#normalize},
     * {@link Execution#mergePrice}, {@link Execution#writeOutputs}, each returning the FAILED result
     * when the run ends there. Close it in every case: it owns temporary files.
     */
    public Execution begin(Request req) throws IOException {
        Files.createDirectories(req.workDir());
        return new Execution(req);
    }

    /** State of one execution; not shared between threads except where stated. */
    public final class Execution implements AutoCloseable {
        final Request req;
        final TenantConfig config;
        final String prefix;
        final Map<String, String> artifacts = new LinkedHashMap<>();
        final List<Map<String, Object>> missingEntries = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        /** Replaced by {@link #resolveInput} from the vendors' source routes, on their threads. */
        final Map<String, VendorInput> inputs = new java.util.concurrent.ConcurrentHashMap<>();
        /** Found vendors whose file is older than their max_age_hours (docs/CONTRACT.md#stale-vendor-files), configuration order. */
        final Map<String, StaleFile> staleFiles = new LinkedHashMap<>();
        /** A stale vendor under stale_policy fail: what FETCH_INPUTS had found before it counted as missing. */
        final Map<String, VendorInput> staleInputs = new LinkedHashMap<>();
        /** A source route's failure that ends the run (SOURCE_AUTH_FAILED), by vendor. */
        final Map<String, EngineFailure> sourceFailures = new java.util.concurrent.ConcurrentHashMap<>();
        final long startNanos = System.nanoTime();
        String stage = FETCH_INPUTS;
        long totalRows;
        long ingestNanos;
        long engineStart;
        long engineNanos;
        long invalid;
        long records;
        BestOfferMerger merger;
        List<VendorParse> jobs = List.of();
        int foundVendors;
        Path merged;
        long outputStart;
        long sorterBudget;
        AtomicInteger firstFailed;
        AtomicLong rowsSoFar;
        MergeFeeder feeder;
        // safe publishing (docs/CONTRACT.md#publishing-diff-delta-and-guard)
        PublishBaseline baseline;
        boolean dryRun;
        Path feedState;
        Path delta;
        DiffResult diff;
        Publication publication;
        /** Each vendor's columns in its previous successful run, from the caller (docs/CONTRACT.md#vendor-drift). */
        volatile Map<String, List<String>> previousHeaders = Map.of();

        Execution(Request req) {
            this.req = req;
            this.config = req.config();
            this.prefix = req.runId() + "/tenants/" + config.tenantId() + "/";
            for (VendorInput in : req.inputs()) inputs.put(in.vendorId(), in);
        }

        /** The stage this execution is in (the last one entered). */
        public String stage() { return stage; }

        /**
         * Each vendor's columns in its last successful run ({@link #vendorHeaders} of that run; an
         * absent vendor has none): the drift of {@link #vendorDrift} is against them, and a
         * {@code missing columns} problem names the new column that most likely replaced a missing
         * one (docs/CONTRACT.md#vendor-drift). Call before the parses of NORMALIZE start for the
         * hint, before {@link #finishNormalize} at the latest. Lists are bounded as headers are
         * ({@link VendorHeader#kept}).
         */
        public void previousHeaders(Map<String, List<String>> byVendor) {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            byVendor.forEach((vendor, columns) -> {
                if (vendor != null && columns != null) copy.put(vendor, VendorHeader.kept(columns));
            });
            previousHeaders = java.util.Collections.unmodifiableMap(copy);
        }

        /**
         * The columns each parsed vendor's file showed (after NORMALIZE; configuration order), bounded
         * ({@link VendorHeader#MAX_LISTED} names, each cut to {@link VendorHeader#MAX_NAME_CHARS}
         * characters): what the caller stores for the next run's {@link #previousHeaders}.
         */
        public Map<String, List<String>> vendorHeaders() {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (VendorParse j : jobs) {
                if (j.header != null) m.put(j.vendorId(), j.header.columns());
            }
            return java.util.Collections.unmodifiableMap(m);
        }

        /**
         * Each parsed vendor with a previous header: how its columns changed (configuration order;
         * {@link HeaderDrift#toJson} is the shape of {@code run_summary.json} {@code vendor_drift}).
         */
        public Map<String, HeaderDrift> vendorDrift() {
            Map<String, List<String>> previous = previousHeaders;
            Map<String, HeaderDrift> m = new LinkedHashMap<>();
            for (VendorParse j : jobs) {
                List<String> before = previous.get(j.vendorId());
                if (j.header != null && before != null) m.put(j.vendorId(), HeaderDrift.between(before, j.header.columns()));
            }
            return java.util.Collections.unmodifiableMap(m);
        }

        /** Artifacts written so far (name → key), in write order. */
        public Map<String, String> artifacts() {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
        }

        /**
         * FETCH_INPUTS for {@code relay local-run}: {@link #startFetch}, every copy through the artifact
         * sink, {@link #finishFetch}. The worker runs the same three steps from its route, copying each
         * vendor in a route of its own (docs/ROUTES.md).
         */
        public Optional<RunResult> fetchInputs() throws IOException {
            List<InboundCopy> copies = startFetch();
            inParallel(copies, this::copyInbound);
            return finishFetch();
        }

        /** Enters FETCH_INPUTS, stores the config snapshot and returns the inbound copies to make, in configuration order. */
        public List<InboundCopy> startFetch() throws IOException {
            enter(FETCH_INPUTS);
            putJson("config_snapshot", "reports/config_snapshot.json", snapshot());
            List<InboundCopy> copies = new ArrayList<>();
            for (TenantConfig.Vendor v : config.vendors()) {
                VendorInput in = input(v);
                if (in.found() && !in.pending()) {
                    copies.add(new InboundCopy(v.vendorId(), key("inbound/" + v.vendorId() + "/" + in.feedName()), in));
                }
            }
            return copies;
        }

        /** The vendors whose source route finds and copies the feed itself (configuration order). */
        public List<String> pendingVendors() {
            return config.vendors().stream().filter(v -> input(v).pending()).map(TenantConfig.Vendor::vendorId).toList();
        }

        /**
         * The key of a pending vendor's run copy for a file named {@code name} (the source route
         * writes it there); the name must be a plain file name.
         */
        public String inboundKey(String vendorId, String name) {
            return key("inbound/" + vendorId + "/" + name);
        }

        /** What the engine knows of a vendor now (a pending one: its SKU map). */
        public VendorInput pendingInput(String vendorId) {
            VendorInput in = inputs.get(vendorId);
            if (in == null || !in.pending()) throw new IllegalStateException("vendor " + vendorId + " is not pending");
            return in;
        }

        /**
         * A pending vendor's source route is done: {@code input} is what it found (its run copy, see
         * {@link VendorInput#fetched}) or {@link VendorInput#missing}. Safe from any thread.
         */
        public void resolveInput(VendorInput input) {
            VendorInput before = inputs.get(input.vendorId());
            if (before == null || !before.pending()) {
                throw new IllegalStateException("vendor " + input.vendorId() + " is not fetched by a source route");
            }
            inputs.put(input.vendorId(), input);
        }

        /**
         * A pending vendor's source failed for good (wrong credentials, say): FETCH_INPUTS fails the
         * run with {@code failure} once every vendor is done (the first in configuration order).
         */
        public void sourceFailed(String vendorId, EngineFailure failure) {
            resolveInput(VendorInput.missing(vendorId, failure.errorCode().toLowerCase(java.util.Locale.ROOT)));
            sourceFailures.put(vendorId, failure);
        }

        /** One vendor's inbound copy through the artifact sink (server-side when the sink can). */
        public void copyInbound(InboundCopy copy) throws IOException {
            VendorInput in = copy.input();
            try (StageListener.VendorWork work = listener.vendorStarted(copy.vendorId(), "fetch")) {
                if (in.feedSize() >= 0) work.bytes(in.feedSize());
                try {
                    if (sink.copyStored(copy.key(), in)) {
                        // copied inside the store (S3 server-side copy)
                    } else if (in.localFile() != null) {
                        sink.copyFile(copy.key(), in.feedContentType(), in.localFile());
                    } else {
                        try (InputStream bytes = in.feed().open()) {
                            sink.copy(copy.key(), in.feedContentType(), bytes, in.feedSize());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    work.failed(e);
                    throw e;
                }
            }
        }

        /**
         * After every copy of {@link #startFetch}: the inbound artifacts (configuration order, whatever
         * order the copies finished in), the input manifest and the required-vendor check.
         */
        public Optional<RunResult> finishFetch() throws IOException {
            List<String> unresolved = pendingVendors();
            if (!unresolved.isEmpty()) {
                throw new IllegalStateException("FETCH_INPUTS finished before the source routes of " + unresolved);
            }
            List<TenantConfig.Vendor> found = config.vendors().stream().filter(v -> input(v).found()).toList();
            for (TenantConfig.Vendor v : found) {
                artifacts.put("inbound_" + v.vendorId(), key("inbound/" + v.vendorId() + "/" + input(v).feedName()));
            }
            checkStaleness(found);
            putJson("input_manifest", "reports/input_manifest.json", manifest());
            for (TenantConfig.Vendor v : config.vendors()) {
                EngineFailure failed = sourceFailures.get(v.vendorId());
                if (failed != null) return Optional.of(fail(failed, List.of()));
            }
            List<String> requiredMissing = collectMissingVendors();
            if (!requiredMissing.isEmpty()) {
                // only stale files: the run says so with their code; any vendor really missing keeps the usual one
                boolean allStale = config.vendors().stream()
                        .filter(v -> v.required() && !input(v).found())
                        .allMatch(v -> staleInputs.containsKey(v.vendorId()));
                return Optional.of(fail(new EngineFailure(allStale ? StaleFile.CODE : "REQUIRED_VENDOR_MISSING", FETCH_INPUTS,
                        (allStale ? "required vendor inbound stale: " : "required vendor inbound missing: ")
                                + String.join(", ", requiredMissing), null), List.of()));
            }
            ingestNanos = System.nanoTime() - startNanos;
            return Optional.empty();
        }

        /**
         * docs/CONTRACT.md#stale-vendor-files: each found vendor with max_age_hours against the run's
         * {@code now}; a stale one warns, or under stale_policy fail becomes a missing vendor (reason
         * VENDOR_FILE_STALE) for the missing-vendor rules that follow.
         */
        private void checkStaleness(List<TenantConfig.Vendor> found) {
            for (TenantConfig.Vendor v : found) {
                VendorInput in = input(v);
                Optional<StaleFile> stale;
                try {
                    stale = StaleFile.check(v, in.feedManifest(), req.now());
                } catch (StaleFile.UnknownAge e) {
                    warnings.add(StaleFile.AGE_UNKNOWN + ":" + v.vendorId());
                    continue;
                }
                if (stale.isEmpty()) continue;
                staleFiles.put(v.vendorId(), stale.get());
                warnings.add(stale.get().warning());
                if (stale.get().fails()) {
                    staleInputs.put(v.vendorId(), in);
                    inputs.put(v.vendorId(), VendorInput.missing(v.vendorId(), StaleFile.CODE));
                }
            }
        }

        /** The found vendors whose file was older than their max_age_hours (configuration order). */
        public Map<String, StaleFile> staleFiles() {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(staleFiles));
        }

        /**
         * NORMALIZE for {@code relay local-run}: {@link #startNormalize}, every vendor's
         * {@link VendorParse#parse} on up to {@code parallelism} threads, {@link #finishNormalize}. The
         * worker runs the same steps as a split in its route.
         */
        public Optional<RunResult> normalize() throws IOException {
            List<VendorParse> parses = startNormalize();
            try {
                inParallel(parses, req.parallelism(), "relay-engine-vendor", VendorParse::parseFromSources);
            } catch (IOException | RuntimeException | Error e) {
                closeParses();
                throw e;
            }
            return finishNormalize();
        }

        /**
         * Enters NORMALIZE and returns one parse per found vendor (configuration order). Their
         * {@link VendorParse#parse} calls may run at once, at most {@link Request#parallelism} of them
         * (the memory budget is shared on that assumption); then {@link #finishNormalize}.
         */
        public List<VendorParse> startNormalize() throws IOException {
            enter(NORMALIZE);
            engineStart = System.nanoTime();
            // three quarters of ENGINE_MEMORY_BUDGET_MB for the best offer per SKU (alive all run
            // long), a quarter for the normalized sorts of the vendors being parsed
            merger = new BestOfferMerger(config.merge().bestOffer(), config.pricing(), req.workDir(),
                    Math.max(1L << 20, req.memoryBudgetBytes() / 4 * 3));
            List<VendorParse> found = new ArrayList<>();
            int index = 0;
            for (TenantConfig.Vendor v : config.vendors()) {
                VendorInput in = input(v);
                if (in.found()) found.add(new VendorParse(index, v, in));
                index++;
            }
            jobs = found;
            foundVendors = jobs.size();
            int threads = Math.max(1, Math.min(req.parallelism(), jobs.size()));
            // A quarter of the budget shared by the vendors being sorted at the same time, the rest
            // for the merger's best-per-SKU table; each side spills when it runs over.
            sorterBudget = Math.max(1L << 20, req.memoryBudgetBytes() / (4L * threads));
            firstFailed = new AtomicInteger(Integer.MAX_VALUE);
            rowsSoFar = new AtomicLong();
            feeder = new MergeFeeder(merger);
            return List.copyOf(jobs);
        }

        /** After every parse: the merge is fed, the first failed vendor (configuration order) fails the run, else the normalized files are stored. */
        public Optional<RunResult> finishNormalize() throws IOException {
            try {
                feeder.finish();
            } catch (IOException | RuntimeException | Error e) {
                closeParses();
                throw e;
            } finally {
                feeder.close();
            }
            VendorParse failed = jobs.stream().filter(j -> j.failure != null).findFirst().orElse(null);
            if (failed != null) {
                List<VendorParse> before = jobs.subList(0, jobs.indexOf(failed) + 1);
                return Optional.of(fail(failed.failure, before));
            }
            for (VendorParse j : jobs) {
                invalid += j.errors.count();
                totalRows += j.result.validRecords() + j.errors.count();
            }
            inParallel(jobs, j -> sink.putFile(key("normalized/" + j.vendor.vendorId() + "/normalized.csv"), CSV, j.normalizedFile));
            for (VendorParse j : jobs) {
                artifacts.put("normalized_" + j.vendor.vendorId(), key("normalized/" + j.vendor.vendorId() + "/normalized.csv"));
            }
            putJson(EXPLAIN_INDEX, "reports/explain_index.json", explainIndex());
            return Optional.empty();
        }

        /** docs/ENGINE.md#explain-index: every found vendor's normalized file and its sparse SKU index. */
        private Map<String, Object> explainIndex() {
            Map<String, Object> vendors = new LinkedHashMap<>();
            for (VendorParse j : jobs) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("normalized_key", artifacts.get("normalized_" + j.vendor.vendorId()));
                v.putAll(j.explainIndex.toJson());
                vendors.put(j.vendor.vendorId(), v);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", req.runId());
            m.put("tenant_id", config.tenantId());
            m.put("block_bytes", SkuBlockIndex.DEFAULT_BLOCK_BYTES);
            m.put("vendors", vendors);
            return m;
        }

        /**
         * How many merged SKUs each pricing step changed (min_price, rounding, ending, map; issue 21),
         * complete once {@link #mergePrice} succeeded.
         */
        public Map<String, Long> pricingStepCounts() {
            if (merger == null) throw new IllegalStateException("no merge in this execution yet");
            return merger.pricingStepCounts();
        }

        /** Stops every parse of NORMALIZE at its next chunk (the caller failed the stage another way). */
        public void abort() {
            AtomicInteger f = firstFailed;
            if (f != null) f.set(-1);
        }

        private void closeParses() {
            for (VendorParse j : jobs) j.close();
        }

        /**
         * The published feed this run is compared with (docs/CONTRACT.md#publishing-diff-delta-and-guard): call before
         * {@link #mergePrice}, or not at all (= no baseline, not a dry run). {@code null} baseline = first
         * publication; {@code dryRun} makes the decision DRY_RUN whatever the guard says.
         */
        public void useBaseline(PublishBaseline baseline, boolean dryRun) {
            this.baseline = baseline;
            this.dryRun = dryRun;
        }

        /** The publication decision once MERGE_PRICE succeeded, else null. */
        public Publication publication() {
            return publication;
        }

        /**
         * MERGE_PRICE: thresholds, errors.json, the merged and priced file joined with the published
         * feed (feed_state.csv, delta.csv and the guard's decision, all written locally).
         */
        public Optional<RunResult> mergePrice() throws IOException {
            enter(MERGE_PRICE);
            ErrorThresholds.Outcome outcome = ErrorThresholds.evaluate(invalid, totalRows, missingEntries.size(),
                    config.errorPolicy());
            if (outcome.failed()) return Optional.of(fail(outcome.toFailure(), jobs));
            if (outcome.warning() != null) warnings.add(outcome.warning());
            if (!missingEntries.isEmpty() || invalid > 0) writeErrors(null, jobs);
            merged = Files.createTempFile(req.workDir(), "relay-merged-", ".csv");
            feedState = Files.createTempFile(req.workDir(), "relay-feed-state-", ".csv");
            delta = Files.createTempFile(req.workDir(), "relay-delta-", ".csv");
            try (BaselineReader published = baseline == null ? null : BaselineReader.open(baseline.file(), MERGE_PRICE);
                 OutputStream out = Files.newOutputStream(merged);
                 CsvFeedWriter writer = CsvFeedWriter.merged(out, config.output());
                 OutputStream stateOut = Files.newOutputStream(feedState);
                 CsvFeedWriter state = CsvFeedWriter.feedState(stateOut);
                 OutputStream deltaOut = Files.newOutputStream(delta)) {
                FeedDiff join = new FeedDiff(published, config.publishOrDefault(), config.output(), req.now(), writer, state,
                        deltaOut);
                merger.finish(join);
                diff = join.finish();
            } catch (BaselineFailure f) {
                return Optional.of(fail(f.failure(), jobs));
            }
            records = diff.skuCount(); // carried SKUs are rows of the merged file too
            Map<String, Long> rowsNow = vendorRows();
            Map<String, Long> rowsThen = baseline == null ? Map.of() : baseline.vendorRows();
            publication = Publication.decide(diff, baseline == null ? null : baseline.runId(), dryRun,
                    PublishGuard.evaluate(config.publishOrDefault().guard(), diff, rowsNow, rowsThen), rowsNow);
            engineNanos = System.nanoTime() - engineStart;
            return Optional.empty();
        }

        /** Each configured vendor's parsed rows (valid records + row errors, as total_rows counts them; 0 when missing). */
        private Map<String, Long> vendorRows() {
            Map<String, Long> rows = new LinkedHashMap<>();
            for (TenantConfig.Vendor v : config.vendors()) rows.put(v.vendorId(), 0L);
            for (VendorParse j : jobs) rows.put(j.vendor.vendorId(), j.result.validRecords() + j.errors.count());
            return rows;
        }

        /** WRITE_OUTPUTS: {@link #writeMerged}, then {@link #summarize}. */
        public RunResult writeOutputs() throws IOException {
            writeMerged();
            return summarize();
        }

        /** Enters WRITE_OUTPUTS and stores the merged CSV. */
        public void writeMerged() throws IOException {
            enter(WRITE_OUTPUTS);
            outputStart = System.nanoTime();
            String mergedKey = key("outputs/merged_inventory.csv");
            sink.putFile(mergedKey, CSV, merged);
            merged = null; // the sink owns it
            artifacts.put("merged_inventory", mergedKey);
            String stateKey = key("outputs/feed_state.csv");
            sink.putFile(stateKey, CSV, feedState);
            feedState = null;
            artifacts.put("feed_state", stateKey);
            String deltaKey = key("outputs/delta.csv");
            sink.putFile(deltaKey, CSV, delta);
            delta = null;
            artifacts.put("delta", deltaKey);
            putJson("diff", "reports/diff.json", DiffReport.diffJson(req.runId(), config.tenantId(), ts(req.now()), diff,
                    publication, baseline == null ? Map.of() : baseline.vendorRows(), pricingStepCounts(), driftJson()));
        }

        /** The run summary (its output time counts the merged CSV's store); the run succeeded. */
        public RunResult summarize() throws IOException {
            putJson("run_summary", "reports/run_summary.json",
                    summary(jobs, records, invalid, ingestNanos, engineNanos, System.nanoTime() - outputStart));
            return new RunResult(RunResult.SUCCEEDED, COMPLETE, null, null, null, null,
                    artifacts(), totalRows, records, publication);
        }

        @Override
        public void close() {
            if (feeder != null) feeder.close();
            for (VendorParse j : jobs) j.close();
            if (merger != null) {
                try {
                    merger.close();
                } catch (Exception ignored) {
                    // spill files only: the work dir is temporary
                }
            }
            for (Path local : new Path[] {merged, feedState, delta}) {
                if (local == null) continue;
                try {
                    Files.deleteIfExists(local);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }

        /** One artifact write per item, {@code parallelism} at a time (stores are I/O bound); the first failure wins. */
        private <T> void inParallel(List<T> items, ArtifactWrite<T> write) throws IOException {
            inParallel(items, req.parallelism(), "relay-engine-artifacts", write);
        }

        /** {@code work} for every item on up to {@code parallelism} daemon threads; the first failure is rethrown. */
        private <T> void inParallel(List<T> items, int parallelism, String threadName, ArtifactWrite<T> write) throws IOException {
            int threads = Math.max(1, Math.min(parallelism, items.size()));
            if (threads == 1) {
                for (T item : items) write.apply(item);
                return;
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (T item : items) {
                    futures.add(pool.submit(() -> {
                        write.apply(item);
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while writing artifacts", e);
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof IOException io) throw io;
                        if (cause instanceof UncheckedIOException uio) throw uio.getCause();
                        if (cause instanceof RuntimeException re) throw re;
                        if (cause instanceof Error err) throw err;
                        throw new IOException(cause);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private void enter(String next) throws IOException {
            stage = next;
            try {
                listener.stageStarted(next);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("stage update failed: " + e.getMessage(), e);
            }
        }

        private VendorInput input(TenantConfig.Vendor v) {
            return inputs.getOrDefault(v.vendorId(), VendorInput.missing(v.vendorId(), "no_objects_found"));
        }

        private String key(String relative) {
            String key = prefix + relative;
            // docs/CONTRACT.md#what-each-step-writes: every key written lies inside the run folder (a programming error otherwise)
            if (!insideRunFolder(key, req.runId())) {
                throw new IllegalStateException("artifact key outside the run folder: " + key);
            }
            return key;
        }

        /** docs/CONTRACT.md#missing-vendors: entries (optional first, then warn-only required) and the missing required ones under fail. */
        private List<String> collectMissingVendors() {
            List<String> requiredFail = new ArrayList<>();
            List<Map<String, Object>> warnOnly = new ArrayList<>();
            List<String> warnOnlyWarnings = new ArrayList<>();
            for (TenantConfig.Vendor v : config.vendors()) {
                if (input(v).found()) continue;
                String p = expectedPrefix(v);
                String where = expectedWhere(v);
                StaleFile stale = staleInputs.containsKey(v.vendorId()) ? staleFiles.get(v.vendorId()) : null;
                if (stale != null) {
                    // docs/CONTRACT.md#stale-vendor-files: the missing-vendor rules, with the stale file's code and reason
                    if (!v.required()) {
                        missingEntries.add(ErrorEntries.missingVendor(StaleFile.CODE,
                                "optional vendor " + v.vendorId() + " skipped: " + stale.describe(), v.vendorId(), p));
                        warnings.add("optional_vendor_missing:" + v.vendorId());
                    } else if (config.errorPolicy().warnOnly()) {
                        warnOnly.add(ErrorEntries.missingVendor(StaleFile.CODE,
                                "required vendor " + v.vendorId() + " skipped: " + stale.describe(), v.vendorId(), p));
                        warnOnlyWarnings.add("required_vendor_missing:" + v.vendorId());
                    } else {
                        requiredFail.add(v.vendorId() + " (" + stale.describe() + ")");
                    }
                    continue;
                }
                if (!v.required()) {
                    missingEntries.add(ErrorEntries.missingVendor("OPTIONAL_VENDOR_MISSING",
                            "optional vendor inbound missing for " + v.vendorId() + " (" + where + ")", v.vendorId(), p));
                    warnings.add("optional_vendor_missing:" + v.vendorId());
                } else if (config.errorPolicy().warnOnly()) {
                    warnOnly.add(ErrorEntries.missingVendor("REQUIRED_VENDOR_MISSING",
                            "required vendor inbound missing for " + v.vendorId() + " (" + where + ")", v.vendorId(), p));
                    warnOnlyWarnings.add("required_vendor_missing:" + v.vendorId());
                } else {
                    requiredFail.add(v.vendorId() + " (" + where + ")");
                }
            }
            missingEntries.addAll(warnOnly);
            warnings.addAll(warnOnlyWarnings);
            return requiredFail;
        }

        /**
         * One found vendor of NORMALIZE: SKU map, parse, normalized file (stored once every vendor
         * parsed). {@link #parse} may run on any thread, at once with the other vendors' parses.
         */
        public final class VendorParse {
            final int index;
            final TenantConfig.Vendor vendor;
            final VendorInput input;
            ErrorLog errors;
            /** The columns the feed showed (docs/CONTRACT.md#vendor-drift); null until its header is read. */
            volatile VendorHeader header;
            VendorParseResult result;
            EngineFailure failure;
            Path normalizedFile;
            SkuBlockIndex explainIndex;

            VendorParse(int index, TenantConfig.Vendor vendor, VendorInput input) {
                this.index = index;
                this.vendor = vendor;
                this.input = input;
            }

            public String vendorId() { return vendor.vendorId(); }

            /** Data rows read so far (valid and invalid); 0 before the parse. */
            public long rows() { return result == null ? 0 : result.totalRows(); }

            /** Where the vendor's feed and SKU map come from (what FETCH_INPUTS found). */
            public VendorInput input() { return input; }

            /** The vendor has a stored SKU map: {@link #parse} needs its bytes. */
            public boolean needsSkuMap() {
                return input.skuMap() != null && input.skuMap() != VendorInput.Source.MISSING;
            }

            /**
             * Reads the vendor: its SKU map ({@code null} unless {@link #needsSkuMap}) and its feed, both
             * streamed and closed here whatever happens. A data problem is kept as the vendor's failure
             * (reported by {@link #finishNormalize}); an I/O error is thrown.
             */
            public void parse(InputStream skuMap, InputStream feed) throws IOException {
                try (InputStream f = feed) {
                    run(skuMap, () -> f);
                }
            }

            /** {@code relay local-run}: opens the sources itself, the feed only once the map is loaded. */
            void parseFromSources() throws IOException {
                run(needsSkuMap() ? input.skuMap().open() : null, input.feed());
            }

            private void run(InputStream skuMap, VendorInput.Source feed) throws IOException {
                try (StageListener.VendorWork work = listener.vendorStarted(vendor.vendorId(), "parse")) {
                    try {
                        parse(skuMap, feed, feeder, sorterBudget, firstFailed, rowsSoFar);
                    } catch (IOException | RuntimeException e) {
                        work.failed(e);
                        throw e;
                    }
                    if (result != null) work.rows(result.totalRows());
                    if (failure != null) work.failed(failure);
                }
            }

            private void parse(InputStream skuMapBytes, VendorInput.Source feedSource, MergeFeeder merger, long sorterBudget,
                               AtomicInteger firstFailed, AtomicLong rowsSoFar) throws IOException {
                errors = new ErrorLog(mapper, req.workDir(), vendor.vendorId(),
                        ErrorThresholds.samplesWorthStoring(config.errorPolicy()), errorsShare());
                long started = System.nanoTime();
                SkuMapping mapping = null;
                try (InputStream map = skuMapBytes) {
                    if (input.skuMap() == VendorInput.Source.MISSING) {
                        errors.add(RowError.vendorLevel(vendor.vendorId(), "missing sku map"));
                    } else if (needsSkuMap()) {
                        if (map == null) throw new IllegalStateException("vendor " + vendor.vendorId() + " needs its sku map");
                        long limit = Math.max(1, req.memoryBudgetBytes() / SKU_MAP_BUDGET_DIVISOR);
                        mapping = SkuMapping.load(map, vendor.parser(), vendor.vendorId(), limit,
                                "an eighth of ENGINE_MEMORY_BUDGET_MB=" + (req.memoryBudgetBytes() >> 20));
                    }
                } catch (EngineFailure f) {
                    failure = f;
                    firstFailed.accumulateAndGet(index, Math::min);
                    return;
                }
                // the map lives while this vendor is sorted: its bytes come out of the sorter's share
                long mapBytes = mapping == null ? 0 : mapping.heldBytes();
                try (NormalizedFileSorter sorter = new NormalizedFileSorter(req.workDir(),
                        Math.max(1L << 20, sorterBudget - mapBytes))) {
                    SkuMapping skuMap = mapping;
                    class ChunkingSink implements RowSink {
                        List<InventoryRecord> chunk = new ArrayList<>(CHUNK);

                        @Override
                        public void accept(InventoryRecord r) throws IOException {
                            sorter.accept(r);
                            chunk.add(r);
                            if (chunk.size() == CHUNK) flush();
                        }

                        @Override
                        public void error(RowError e) throws IOException {
                            errors.add(e);
                        }

                        @Override
                        public void header(VendorHeader seen) {
                            header = seen;
                        }

                        void flush() throws IOException {
                            if (firstFailed.get() < index) throw new Aborted();
                            int n = chunk.size();
                            if (n == 0) return;
                            merger.submit(chunk);
                            chunk = new ArrayList<>(CHUNK);
                            listener.progress(rowsSoFar.addAndGet(n));
                        }
                    }
                    ChunkingSink rows = new ChunkingSink();
                    try (InputStream feed = feedSource.open()) {
                        result = parser.parse(vendor, index, feed, skuMap, req.now(),
                                config.errorPolicy().failOnMissingRequiredColumns(), rows, req.maxRowsPerVendorFile(),
                                req.workDir(), previousHeaders.get(vendor.vendorId()));
                    }
                    rows.flush();
                    listener.vendorParsed(vendor.vendorId(), result.totalRows(), System.nanoTime() - started);
                    normalizedFile = Files.createTempFile(req.workDir(), "relay-normalized-", ".csv");
                    SkuBlockIndex.Builder index = new SkuBlockIndex.Builder();
                    try (OutputStream out = Files.newOutputStream(normalizedFile)) {
                        sorter.writeCsv(out, index);
                    }
                    explainIndex = index.build(Files.size(normalizedFile));
                } catch (EngineFailure f) {
                    failure = f;
                    firstFailed.accumulateAndGet(index, Math::min);
                } catch (Aborted a) {
                    // a vendor earlier in the configuration failed; this one's work is moot
                }
            }

            /** This vendor's part of ENGINE_ERRORS_MAX_MB: an equal share of the found vendors, so what is stored never depends on timing. */
            long errorsShare() {
                return Math.max(1, req.errorsMaxBytes() / Math.max(1, foundVendors));
            }

            void close() {
                if (errors != null) errors.close();
                if (normalizedFile != null) {
                    try {
                        Files.deleteIfExists(normalizedFile);
                    } catch (IOException ignored) {
                        // best effort: the work dir is temporary
                    }
                }
            }
        }

        /** FAILED: errors.json = failure entry, missing-vendor entries, engine entries so far (docs/CONTRACT.md#attempt-outcomes-retry-and-poison). */
        private RunResult fail(EngineFailure f, List<VendorParse> jobsSoFar) throws IOException {
            String key = writeErrors(f, jobsSoFar);
            long invalid = 0;
            long total = 0;
            for (VendorParse j : jobsSoFar) {
                if (j.errors == null) continue;
                invalid += j.errors.count();
                total += (j.result == null ? 0 : j.result.validRecords()) + j.errors.count();
            }
            long rows = f.stage().equals(MERGE_PRICE) ? totalRows : total;
            return new RunResult(RunResult.FAILED, f.stage(), f.stage(), f.errorCode(), f.getMessage(), key,
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(artifacts)), rows, 0);
        }

        private String writeErrors(EngineFailure failure, List<VendorParse> jobs) throws IOException {
            Path file = Files.createTempFile(req.workDir(), "relay-errors-json-", ".json");
            try {
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    out.write('[');
                    boolean first = true;
                    List<Map<String, Object>> head = new ArrayList<>();
                    if (failure != null) head.add(ErrorEntries.failure(failure));
                    head.addAll(missingEntries);
                    for (Map<String, Object> e : head) {
                        if (!first) out.write(',');
                        out.write(mapper.writeValueAsBytes(e));
                        first = false;
                    }
                    for (VendorParse j : jobs) {
                        if (j.errors == null || !j.errors.hasEntries()) continue;
                        if (!first) out.write(',');
                        j.errors.copyTo(out);
                        first = false;
                    }
                    out.write(']');
                }
                String key = key("reports/errors.json");
                sink.putFile(key, JSON, file); // the sink owns the file from here
                artifacts.put("errors", key);
                return key;
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        }

        private Map<String, Object> snapshot() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", req.runId());
            m.put("tenant_id", config.tenantId());
            m.put("config_version", req.configVersion());
            m.put("tenant_config", TenantConfigJson.toObjectNode(config));
            return m;
        }

        private Map<String, Object> manifest() {
            Map<String, Object> vendors = new LinkedHashMap<>();
            for (TenantConfig.Vendor v : config.vendors()) {
                VendorInput in = input(v);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("status", in.found() ? "found" : "missing");
                if (v.inbound().isRemote()) e.put("source_type", v.inbound().type());
                else e.put("s3_prefix", v.inbound().s3Prefix());
                e.put("required", v.required());
                e.put("expected_prefix", expectedPrefix(v));
                VendorInput staleFound = staleInputs.get(v.vendorId());
                if (in.found()) {
                    in.feedManifest().forEach(e::putIfAbsent); // a source never overwrites status, source_type, required
                    e.put("run_copy_key", artifacts.get("inbound_" + v.vendorId()));
                    if (in.skuMapManifest() != null) e.put("sku_map", in.skuMapManifest());
                } else {
                    e.put("reason", in.missingReason());
                    if (staleFound != null) { // what was found and why it does not count
                        staleFound.feedManifest().forEach(e::putIfAbsent);
                        e.put("run_copy_key", artifacts.get("inbound_" + v.vendorId()));
                    }
                }
                StaleFile stale = staleFiles.get(v.vendorId());
                if (stale != null) e.put("stale", stale.toJson());
                vendors.put(v.vendorId(), e);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", req.runId());
            m.put("tenant_id", config.tenantId());
            m.put("config_version", req.configVersion());
            m.put("generated_at", ts(req.now()));
            m.put("vendors", vendors);
            return m;
        }

        private Map<String, Object> summary(List<VendorParse> jobs, long records, long invalid, long ingestNanos,
                                            long engineNanos, long outputNanos) {
            Map<String, Object> counts = new LinkedHashMap<>();
            for (TenantConfig.Vendor v : config.vendors()) counts.put(v.vendorId(), 0L);
            for (VendorParse j : jobs) counts.put(j.vendor.vendorId(), j.result.validRecords());
            Map<String, Object> stageTimes = new LinkedHashMap<>();
            stageTimes.put("ingest_seconds", seconds(ingestNanos));
            stageTimes.put("engine_seconds", seconds(engineNanos));
            stageTimes.put("output_seconds", seconds(outputNanos));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", req.runId());
            m.put("tenant_id", config.tenantId());
            m.put("config_version", req.configVersion());
            m.put("vendor_count", config.vendors().size());
            m.put("record_count", records);
            m.put("vendor_record_counts", counts);
            m.put("invalid_rows", invalid);
            m.put("total_rows", totalRows);
            m.put("warnings", warnings);
            m.put("pricing_steps", pricingStepCounts());
            Map<String, Object> headers = new LinkedHashMap<>();
            for (VendorParse j : jobs) {
                if (j.header != null) headers.put(j.vendorId(), j.header.toJson());
            }
            m.put("vendor_headers", headers);
            m.put("vendor_drift", driftJson());
            m.put("duration_seconds", seconds(System.nanoTime() - startNanos));
            m.put("stage_times", stageTimes);
            m.put("completed_at", ts(req.now()));
            if (publication != null) m.put("publish", DiffReport.summary(publication, diff));
            return m;
        }

        /** {@code vendor_drift} of run_summary.json and diff.json. */
        private Map<String, Object> driftJson() {
            Map<String, Object> drift = new LinkedHashMap<>();
            vendorDrift().forEach((vendor, d) -> drift.put(vendor, d.toJson()));
            return drift;
        }

        private void putJson(String name, String relative, Object value) throws IOException {
            String key = key(relative);
            sink.put(key, JSON, mapper.writeValueAsBytes(value));
            artifacts.put(name, key);
        }
    }

    /** Where a missing vendor's feed was looked for, for the missing-vendor messages. */
    static String expectedWhere(TenantConfig.Vendor v) {
        TenantConfig.Remote r = v.inbound().remote();
        if (r == null) return "expected prefix " + expectedPrefix(v);
        return switch (v.inbound().type()) {
            case "http" -> "nothing at " + r.url();
            case "email" -> "no message in " + r.folder() + " on " + r.host()
                    + (r.from() == null ? "" : " from " + r.from())
                    + (r.subjectContains() == null ? "" : " with a subject containing '" + r.subjectContains() + "'")
                    + " with an attachment matching '" + r.attachmentPattern() + "'";
            default -> "no file matching '" + r.filePattern() + "' at least " + r.minAgeSeconds() + " s old in "
                    + r.directory() + " on " + v.inbound().type() + "://" + r.host() + ":" + r.port();
        };
    }

    static String expectedPrefix(TenantConfig.Vendor v) {
        return v.inbound().s3Prefix() == null ? "" : v.inbound().s3Prefix();
    }

    private static BigDecimal seconds(long nanos) {
        return BigDecimal.valueOf(nanos / 1_000_000, 3);
    }

    /** One found vendor's inbound copy into the run folder (FETCH_INPUTS): {@code key} is the copy's key. */
    public record InboundCopy(String vendorId, String key, VendorInput input) { }

    /** One unit of {@link Execution#inParallel}: an artifact write or a vendor's parse. */
    @FunctionalInterface
    private interface ArtifactWrite<T> {
        void apply(T item) throws IOException;
    }

    /** Thrown inside a vendor's parse when an earlier vendor already failed the run. */
    private static final class Aborted extends IOException {
        Aborted() {
            super("aborted", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

}
