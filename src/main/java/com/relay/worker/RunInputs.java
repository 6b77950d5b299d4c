package com.relay.worker;

import com.relay.api.Timestamps;
import com.relay.config.RelaySettings;
import com.relay.engine.ErrorEntries;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.RunResult;
import com.relay.engine.run.VendorInput;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.config.ConfigProblem;
import com.relay.tenants.config.TenantConfigParser;
import com.relay.tenants.config.ValidationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * FETCH_INPUTS' steps (docs/CONTRACT.md#what-each-step-writes steps 2–4): the pinned configuration,
 * re-validated; the inputs listed (newest object per vendor prefix, every page, and the SKU maps);
 * the engine run begun (its config snapshot queued); each vendor's copy opened and closed around
 * its source route; the manifest and the required-vendor check once every copy is made.
 */
@Component("runInputs")
public class RunInputs {

    /** The exchange property holding the split exchange's {@link VendorFetch}. */
    static final String FETCH = "relayFetch";

    private final TenantRepository tenants;
    private final RunAttemptStore attemptStore;
    private final S3Inputs s3Inputs;
    private final RunStages stages;
    private final RelaySettings.Engine engine;
    private final int parallelism;
    private final Clock clock;
    private final TenantConfigParser parser = new TenantConfigParser();
    private final TenantConfigParser.Context parseContext;

    public RunInputs(TenantRepository tenants, S3Inputs s3Inputs, RunStages stages, RelaySettings settings,
                     RunAttemptStore attemptStore, ObjectProvider<Clock> clock) {
        this.tenants = tenants;
        this.attemptStore = attemptStore;
        this.s3Inputs = s3Inputs;
        this.stages = stages;
        this.engine = settings.engine();
        this.parallelism = WorkerConfiguration.vendorThreads(settings);
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        // the same rules as the API that stored the version (NOTIFY_ALLOW_INSECURE_HTTP included)
        this.parseContext = TenantConfigParser.Context.service(settings);
    }

    /** Step 2: the pinned version, re-validated; a FAILED result (errors.json queued) when it is missing or unusable. */
    public void loadConfig(Exchange exchange) {
        RunAttempt a = RunStages.attempt(exchange);
        Optional<TenantRepository.TenantVersion> version = tenants.version(a.tenantId(), a.job.configVersion());
        if (version.isEmpty()) {
            failEarly(a, "missing_tenant_config", "missing tenant config");
            return;
        }
        ValidationResult parsed = parser.parse(version.get().configJson(), TenantConfigParser.Format.JSON, parseContext);
        if (parsed instanceof ValidationResult.Valid valid) {
            a.config = valid.config();
        } else if (parsed instanceof ValidationResult.Invalid invalid && invalid.unsupportedSchemaVersion()) {
            failEarly(a, "unsupported_schema_version", invalid.problems().get(0).message());
        } else if (parsed instanceof ValidationResult.Invalid invalid) {
            ConfigProblem first = invalid.problems().get(0);
            failEarly(a, "invalid_input", "invalid tenant config: " + first.path() + ": " + first.message());
        } else {
            failEarly(a, "invalid_input", "invalid tenant config: " + ((ValidationResult.SyntaxError) parsed).message());
        }
    }

    /**
     * Step 4's listing (a bean: the {@code aws2-s3} component lists one page only) and the engine
     * run's start: the config snapshot is queued and the vendors to fetch are the split's body (the
     * S3 copies first, then the vendors whose own route finds their feed).
     */
    public List<VendorFetch> listInputs(Exchange exchange) throws IOException {
        RunAttempt a = RunStages.attempt(exchange);
        List<VendorInput> inputs = a.inputsFromRun == null ? s3Inputs.inputs(a.config)
                : s3Inputs.inputsFromRun(a.config, a.inputsFromRun, otherRunArtifacts(a));
        Files.createDirectories(engine.spillDir());
        a.workDir = Files.createTempDirectory(engine.spillDir(), "relay-run-" + a.runId() + "-");
        EngineRun run = new EngineRun(EngineRun.reportMapper(), a.pending, stages.listener(a));
        a.execution = run.begin(new EngineRun.Request(a.config, a.runId(), a.job.configVersion(), Timestamps.now(clock),
                inputs, a.workDir, engine.memoryBudgetBytes(), parallelism, engine.maxRowsPerVendorFile(),
                engine.errorsMaxBytes()));
        List<VendorFetch> fetches = new java.util.ArrayList<>();
        a.execution.startFetch().forEach(copy -> fetches.add(VendorFetch.forCopy(copy)));
        List<String> pending = a.execution.pendingVendors();
        for (com.relay.tenants.config.TenantConfig.Vendor v : a.config.vendors()) {
            if (pending.contains(v.vendorId())) fetches.add(VendorFetch.forRemote(v));
        }
        a.fetches = List.copyOf(fetches);
        return a.fetches;
    }

    /** A vendor's exchange of the fetch split starts: its {@code relay.vendor.fetch} span. */
    public void vendorStarted(Exchange exchange) {
        VendorFetch fetch = exchange.getMessage().getBody(VendorFetch.class);
        // the source route may replace the body (a remote file's stream): the vendor stays here
        exchange.setProperty(FETCH, fetch);
        stages.openVendor(exchange, RunStages.attempt(exchange), fetch.getVendorId(), "fetch");
        VendorSpan span = RunStages.vendorSpan(exchange);
        if (span != null && fetch.getSize() >= 0) span.bytes(fetch.getSize());
    }

    /** The vendor's source route made its copy: the exchange's outcome for the split's aggregation. */
    public VendorOutcomes.VendorOutcome vendorFetched(Exchange exchange) {
        VendorFetch fetch = exchange.getProperty(FETCH, VendorFetch.class);
        Long stored = exchange.getProperty(SourceFiles.STORED_BYTES, Long.class);
        return new VendorOutcomes.VendorOutcome(fetch.getVendorId(), "fetch", stored != null ? stored : fetch.getSize());
    }

    /** Ends the vendor's span, failed or not (the split's doFinally). */
    public void vendorEnded(Exchange exchange) {
        stages.closeVendor(exchange);
    }

    /**
     * After the split: every found vendor must have been copied (the split's outcomes), then the
     * input manifest is queued and the required-vendor check may end the run FAILED.
     */
    public void finish(Exchange exchange) throws Exception {
        RunAttempt a = RunStages.attempt(exchange);
        a.rethrowSplitFailure();
        List<VendorOutcomes.VendorOutcome> copied = VendorOutcomes.of(exchange.getMessage().getBody());
        if (copied.size() != a.fetches.size()) {
            throw new IllegalStateException("FETCH_INPUTS copied " + copied.size() + " of " + a.fetches.size() + " vendors");
        }
        a.result = a.execution.finishFetch().orElse(null);
    }

    /** The artifacts of the run whose inputs this one reuses (checked by the API: same tenant). */
    private Map<String, String> otherRunArtifacts(RunAttempt a) {
        Map<String, String> out = new java.util.HashMap<>();
        attemptStore.read(a.inputsFromRun).ifPresent(item -> {
            if (!a.tenantId().equals(com.relay.aws.DynamoItems.text(item, "tenant_id"))) return;
            software.amazon.awssdk.services.dynamodb.model.AttributeValue m = item.get("artifacts");
            if (m != null && m.hasM()) m.m().forEach((k, v) -> out.put(k, v.s()));
        });
        return out;
    }

    private void failEarly(RunAttempt a, String code, String message) {
        String key = ErrorEntries.key(a.runId(), a.tenantId());
        try {
            a.pending.put(key, "application/json", EngineRun.reportMapper().writeValueAsBytes(
                    List.of(ErrorEntries.failure(code, message, null))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        a.earlyArtifacts = Map.of("errors", key);
        a.result = new RunResult(RunResult.FAILED, EngineRun.FETCH_INPUTS, EngineRun.FETCH_INPUTS, code, message, key,
                a.earlyArtifacts, 0, 0);
    }
}
