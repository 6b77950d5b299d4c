package com.relay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.config.InvalidSettingsException;
import com.relay.config.RelaySettings;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.LocalArtifactSink;
import com.relay.engine.run.RunResult;
import com.relay.engine.run.StageListener;
import com.relay.engine.run.VendorInput;
import com.relay.publish.PublishBaseline;
import com.relay.publish.Publication;
import com.relay.tenants.config.ConfigProblem;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigParser;
import com.relay.tenants.config.ValidationResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code relay local-run} (docs/CONTRACT.md#local-run-cli): the worker's engine and artifacts on local files, without AWS,
 * Spring or network. Exit 0 SUCCEEDED, 1 FAILED, 2 usage or configuration error (nothing written).
 */
public final class LocalRunCommand {

    static final String USAGE = """
            usage: relay local-run --config <tenant.yaml|tenant.json>
                                   --vendor-file <vendor_id>=<path> [--vendor-file <vendor_id>=<path> ...]
                                   [--sku-map <vendor_id>=<path> ...]
                                   --output-dir <dir>
                                   [--now <ISO-8601 instant>] [--run-id <uuid>] [--config-version <n>]
                                   [--max-rows-per-vendor-file <n>]
                                   [--published <merged_inventory.csv|feed_state.csv>] [--explain <sku> [--json]]
                   relay local-run --output-dir <dir> [--run-id <uuid>] --explain <sku> [--json]""";

    private static final Pattern UUID_V4 = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    /** Feeds that take longer than this to read get a progress line on stderr. */
    private static final long PROGRESS_NANOS = 1_000_000_000L;

    private LocalRunCommand() {}

    /** A usage or configuration error: the lines go to stderr, exit status 2. */
    static final class UsageError extends Exception {
        final List<String> lines;

        UsageError(List<String> lines) {
            super(String.join("\n", lines), null, false, false);
            this.lines = lines;
        }

        UsageError(String line) {
            this(List.of(line));
        }
    }

    /**
     * @param explainSku {@code --explain}: the SKU to explain after the run, or in the run already in
     *                   {@code outputDir} when there is no {@code --config}
     * @param json       {@code --json}: the explanation as JSON instead of a table
     * @param runIdGiven whether {@code --run-id} was given (explaining an existing run needs it when the folder holds several)
     */
    record Args(Path config, Map<String, String> vendorFiles, Map<String, String> skuMaps, Path outputDir,
                Instant now, String runId, long configVersion, Long maxRowsPerVendorFile, Path published,
                String explainSku, boolean json, boolean runIdGiven) {}

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        TenantConfig config;
        List<VendorInput> inputs;
        try {
            args = parse(argv);
            if (args.config() == null) return LocalExplain.explainExisting(args, out, err);
            config = loadConfig(args.config());
            inputs = inputs(args, config);
            if (args.published() != null) readable(args.published(), args.published().toString());
        } catch (UsageError e) {
            e.lines.forEach(err::println);
            return 2;
        }
        RelaySettings.Engine engine;
        try {
            engine = RelaySettings.fromEnvironment().engine();
        } catch (InvalidSettingsException e) {
            err.println(e.getMessage());
            return 2;
        }

        ObjectMapper mapper = mapper();
        Path workDir = null;
        try {
            Files.createDirectories(engine.spillDir());
            workDir = Files.createTempDirectory(engine.spillDir(), "relay-local-run-");
            StageListener progress = new StageListener() {
                @Override
                public void vendorParsed(String vendorId, long rows, long nanos) {
                    if (nanos >= PROGRESS_NANOS) {
                        err.printf("vendor %s: %d rows in %.1f s (%d rows/s)%n", vendorId, rows, nanos / 1e9,
                                Math.round(rows / (nanos / 1e9)));
                    }
                }
            };
            LocalArtifactSink sink = new LocalArtifactSink(args.outputDir());
            RunResult result = new EngineRun(mapper, sink, progress).execute(new EngineRun.Request(config, args.runId(),
                    args.configVersion(), args.now(), inputs, workDir, engine.memoryBudgetBytes(),
                    Runtime.getRuntime().availableProcessors(),
                    // the option wins over RELAY_MAX_ROWS_PER_VENDOR_FILE, as for the service's setting
                    args.maxRowsPerVendorFile() != null ? args.maxRowsPerVendorFile() : engine.maxRowsPerVendorFile(),
                    engine.errorsMaxBytes()),
                    // docs/CONTRACT.md#publishing-diff-delta-and-guard: without --published, a first publication
                    args.published() == null ? null : new PublishBaseline(null, args.published(), Map.of()), false);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("run_id", args.runId());
            line.put("tenant_id", config.tenantId());
            line.put("status", result.status());
            line.put("failed_stage", result.failedStage());
            line.put("error_code", result.errorCode());
            line.put("error_message", result.errorMessage());
            line.put("output_dir", args.outputDir().toString());
            Map<String, String> artifacts = new LinkedHashMap<>();
            result.artifacts().forEach((name, key) -> artifacts.put(name, sink.locate(key)));
            line.put("artifacts", artifacts);
            Publication publication = result.publication();
            if (publication != null) {
                Map<String, Object> publish = new LinkedHashMap<>();
                publish.put("decision", publication.decision());
                publish.put("first_publication", publication.firstPublication());
                publish.put("reasons", publication.reasons());
                line.put("publish", publish);
            }
            out.println(mapper.writeValueAsString(line));
            if (publication != null && publication.held()) {
                err.println("HELD: the guard would not publish this feed (see reports/diff.json):");
                publication.reasons().forEach(reason -> err.println("  " + reason));
            }
            if (!result.succeeded()) {
                err.println("FAILED " + result.errorCode() + " at " + result.failedStage() + ": " + result.errorMessage());
                return 1;
            }
            if (args.explainSku() != null) {
                return LocalExplain.explain(args.outputDir(), args.runId(), result.artifacts(), args.explainSku(),
                        args.json(), out, err);
            }
            return 0;
        } catch (IOException e) {
            err.println("FAILED: cannot complete the run: " + e.getMessage());
            return 1;
        } finally {
            deleteTree(workDir);
        }
    }

    static ObjectMapper mapper() {
        return EngineRun.reportMapper();
    }

    static Args parse(String[] argv) throws UsageError {
        if (argv.length == 0) throw new UsageError(List.of(USAGE));
        Path config = null;
        Path outputDir = null;
        Instant now = null;
        String runId = null;
        long configVersion = 1;
        Long maxRows = null;
        Path published = null;
        String explain = null;
        boolean json = false;
        Map<String, String> vendorFiles = new LinkedHashMap<>();
        Map<String, String> skuMaps = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String flag = argv[i];
            switch (flag) {
                case "--config" -> config = Path.of(value(argv, ++i, flag));
                case "--output-dir" -> outputDir = Path.of(value(argv, ++i, flag));
                case "--vendor-file" -> pair(value(argv, ++i, flag), vendorFiles, "vendor file");
                case "--sku-map" -> pair(value(argv, ++i, flag), skuMaps, "sku map");
                case "--now" -> now = instant(value(argv, ++i, flag));
                case "--run-id" -> {
                    runId = value(argv, ++i, flag);
                    if (!UUID_V4.matcher(runId).matches()) {
                        throw new UsageError("--run-id must be a lower-case UUID v4 (got '" + runId + "')");
                    }
                }
                case "--config-version" -> {
                    String v = value(argv, ++i, flag);
                    try {
                        configVersion = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        configVersion = 0;
                    }
                    if (configVersion < 1) throw new UsageError("--config-version must be an integer >= 1 (got '" + v + "')");
                }
                case "--max-rows-per-vendor-file" -> {
                    String v = value(argv, ++i, flag);
                    try {
                        maxRows = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        maxRows = -1L;
                    }
                    if (maxRows < 0) {
                        throw new UsageError("--max-rows-per-vendor-file must be an integer >= 0, 0 = unlimited (got '" + v + "')");
                    }
                }
                case "--published" -> published = Path.of(value(argv, ++i, flag));
                case "--explain" -> {
                    explain = value(argv, ++i, flag);
                    if (explain.isBlank()) throw new UsageError("--explain needs a non-blank sku");
                }
                case "--json" -> json = true;
                case "-h", "--help" -> throw new UsageError(List.of(USAGE));
                default -> throw new UsageError(List.of("unknown argument '" + flag + "'", USAGE));
            }
        }
        if (config == null && explain == null) throw new UsageError(List.of("--config is required", USAGE));
        if (outputDir == null) throw new UsageError(List.of("--output-dir is required", USAGE));
        if (json && explain == null) throw new UsageError(List.of("--json goes with --explain", USAGE));
        if (config == null && !vendorFiles.isEmpty()) {
            throw new UsageError(List.of("--vendor-file needs --config (without it --explain reads a finished run)", USAGE));
        }
        return new Args(config, vendorFiles, skuMaps, outputDir,
                now != null ? now : Instant.now().truncatedTo(ChronoUnit.MILLIS),
                runId != null ? runId : UUID.randomUUID().toString(), configVersion, maxRows, published, explain, json,
                runId != null);
    }

    private static String value(String[] argv, int i, String flag) throws UsageError {
        if (i >= argv.length) throw new UsageError(List.of(flag + " needs a value", USAGE));
        return argv[i];
    }

    private static void pair(String text, Map<String, String> target, String what) throws UsageError {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) throw new UsageError(what + " must be vendor_id=path");
        String vendor = text.substring(0, eq);
        if (target.putIfAbsent(vendor, text.substring(eq + 1)) != null) {
            throw new UsageError("duplicate " + what + " for '" + vendor + "'");
        }
    }

    private static Instant instant(String text) throws UsageError {
        try {
            return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new UsageError("--now must be an ISO-8601 instant such as 2020-01-01T00:00:00Z (got '" + text + "')");
        }
    }

    static TenantConfig loadConfig(Path path) throws UsageError {
        TenantConfigParser.Format format = TenantConfigParser.Format.fromFileName(path.getFileName().toString())
                .orElseThrow(() -> new UsageError("--config must name a .json, .yaml or .yml file"));
        byte[] body;
        try {
            body = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UsageError("cannot read " + path);
        }
        ValidationResult result = new TenantConfigParser().parse(body, format, TenantConfigParser.Context.cli());
        if (result instanceof ValidationResult.Valid valid) return valid.config();
        if (result instanceof ValidationResult.SyntaxError syntax) {
            throw new UsageError(List.of(syntax.code().name(), syntax.message()));
        }
        ValidationResult.Invalid invalid = (ValidationResult.Invalid) result;
        List<String> lines = new ArrayList<>();
        lines.add(invalid.unsupportedSchemaVersion() ? "unsupported_schema_version" : "VALIDATION_ERROR");
        for (ConfigProblem p : invalid.problems()) lines.add(p.toCliLine());
        throw new UsageError(lines);
    }

    /** Every vendor of the configuration, found (a --vendor-file) or missing; files checked readable up front. */
    static List<VendorInput> inputs(Args args, TenantConfig config) throws UsageError {
        Map<String, TenantConfig.Vendor> vendors = new LinkedHashMap<>();
        for (TenantConfig.Vendor v : config.vendors()) vendors.put(v.vendorId(), v);
        for (String id : args.vendorFiles().keySet()) {
            if (!vendors.containsKey(id)) throw new UsageError("unknown vendor '" + id + "'");
        }
        for (String id : args.skuMaps().keySet()) {
            if (!vendors.containsKey(id)) throw new UsageError("unknown vendor '" + id + "'");
        }
        Path configDir = args.config().toAbsolutePath().getParent();
        List<VendorInput> inputs = new ArrayList<>();
        for (TenantConfig.Vendor v : config.vendors()) {
            String given = args.vendorFiles().get(v.vendorId());
            if (given == null) {
                inputs.add(VendorInput.missing(v.vendorId(), "no_vendor_file"));
                continue;
            }
            Path feed = Path.of(given);
            BasicFileAttributes attrs = readable(feed, given);
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("s3_key", null);
            manifest.put("local_path", given);
            manifest.put("etag", null);
            manifest.put("size", attrs.size());
            manifest.put("last_modified", EngineRun.ts(attrs.lastModifiedTime().toInstant()));
            manifest.put("selection", "cli_argument");

            VendorInput.Source skuSource = null;
            Map<String, Object> skuManifest = null;
            String skuGiven = args.skuMaps().get(v.vendorId());
            TenantConfig.SkuMap configured = v.skuMap();
            if (skuGiven != null) {
                Path map = Path.of(skuGiven);
                BasicFileAttributes mapAttrs = readable(map, skuGiven);
                skuSource = () -> Files.newInputStream(map);
                if (configured != null && configured.s3Key() != null) {
                    skuManifest = skuMapManifest("found", configured.s3Key(), skuGiven, mapAttrs);
                }
            } else if (configured != null && configured.localPath() != null) {
                Path map = configDir.resolve(configured.localPath());
                skuSource = Files.isReadable(map) ? () -> Files.newInputStream(map) : VendorInput.Source.MISSING;
            } else if (configured != null && configured.s3Key() != null) {
                skuSource = VendorInput.Source.MISSING;
                skuManifest = skuMapManifest("missing", configured.s3Key(), null, null);
            }
            inputs.add(new VendorInput(v.vendorId(), () -> Files.newInputStream(feed), feed.getFileName().toString(),
                    attrs.size(), com.relay.engine.FeedFileTypes.contentTypeOf(feed.getFileName().toString()), manifest,
                    skuSource, skuManifest, null, feed));
        }
        return inputs;
    }

    private static Map<String, Object> skuMapManifest(String status, String s3Key, String localPath, BasicFileAttributes attrs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("s3_key", s3Key);
        if (localPath != null) m.put("local_path", localPath);
        m.put("etag", null);
        m.put("size", attrs == null ? null : attrs.size());
        m.put("last_modified", attrs == null ? null : EngineRun.ts(attrs.lastModifiedTime().toInstant()));
        return m;
    }

    private static BasicFileAttributes readable(Path path, String given) throws UsageError {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attrs.isRegularFile() || !Files.isReadable(path)) throw new UsageError("cannot read " + given);
            return attrs;
        } catch (IOException e) {
            throw new UsageError("cannot read " + given);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary files only
        }
    }
}
