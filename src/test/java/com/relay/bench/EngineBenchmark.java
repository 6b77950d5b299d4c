package com.relay.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Benchmark of the Relay engine against a DuckDB baseline on generated vendor feeds: generates
 * (or reuses) the dataset, runs {@code relay local-run} and {@link DuckDbMerge} as separate
 * processes K times each (interleaved), checks that both merged files are byte-identical and
 * prints a Markdown table. Exit status: 0 success, 1 mismatch or engine failure, 2 usage error.
 * See bench/README.md.
 */
public final class EngineBenchmark {

    static final String NOW = "2024-01-01T00:00:00Z";

    /** Command-line options. */
    public record Args(int vendors, int rows, int skus, long seed, Path dataDir, Path jar, String heap, int runs,
                       int duckdbThreads, String duckdbMemoryLimit, boolean skipRelay, Duration timeout,
                       Path launcher) {

        static final String USAGE = """
                usage: EngineBenchmark [--vendors N] [--rows R] [--skus S] [--seed X] [--data-dir D]
                                       [--jar target/relay.jar] [--heap 512m] [--runs K]
                                       [--duckdb-threads 2] [--duckdb-memory-limit SIZE]
                                       [--timeout-min 60] [--skip-relay] [--launcher bin/relay|none]
                defaults: 20 vendors x 100000 rows, 400000 SKUs (at most vendors x rows), seed 42,
                          data dir bench-data, heap 512m, 3 runs, Relay started by bin/relay""";

        public static Args parse(String[] argv) {
            int vendors = 20;
            int rows = 100_000;
            Integer skus = null;
            long seed = 42;
            Path dataDir = Path.of("bench-data");
            Path jar = Path.of("target/relay.jar");
            String heap = "512m";
            int runs = 3;
            int threads = 2;
            String memoryLimit = null;
            boolean skipRelay = false;
            Path launcher = Files.isRegularFile(Path.of("bin/relay")) ? Path.of("bin/relay") : null;
            Duration timeout = Duration.ofMinutes(60);
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                if (arg.equals("--skip-relay")) {
                    skipRelay = true;
                    continue;
                }
                if (i + 1 >= argv.length) {
                    throw new IllegalArgumentException("missing value for " + arg);
                }
                String value = argv[++i];
                switch (arg) {
                    case "--vendors" -> vendors = positiveInt(arg, value);
                    case "--rows" -> rows = positiveInt(arg, value);
                    case "--skus" -> skus = positiveInt(arg, value);
                    case "--seed" -> seed = parseLong(arg, value);
                    case "--data-dir" -> dataDir = Path.of(value);
                    case "--jar" -> jar = Path.of(value);
                    case "--heap" -> {
                        if (!value.matches("[0-9]+[kKmMgG]?")) {
                            throw new IllegalArgumentException("--heap must look like 512m or 1g, got " + value);
                        }
                        heap = value;
                    }
                    case "--runs" -> runs = positiveInt(arg, value);
                    case "--launcher" -> launcher = value.equals("none") ? null : Path.of(value);
                    case "--duckdb-threads" -> threads = positiveInt(arg, value);
                    case "--duckdb-memory-limit" -> memoryLimit = value;
                    case "--timeout-min" -> timeout = Duration.ofMinutes(positiveInt(arg, value));
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            int skuCount = skus != null ? skus : (int) Math.min(400_000L, (long) vendors * rows);
            return new Args(vendors, rows, skuCount, seed, dataDir, jar, heap, runs, threads, memoryLimit, skipRelay,
                    timeout, launcher);
        }

        private static int positiveInt(String option, String value) {
            long v = parseLong(option, value);
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(option + " must be a positive integer, got " + value);
            }
            return (int) v;
        }

        private static long parseLong(String option, String value) {
            try {
                return Long.parseLong(value.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be an integer, got " + value);
            }
        }
    }

    private final Args args;
    private final PrintStream out;
    private final Path javaExe = Path.of(System.getProperty("java.home"), "bin", "java");

    public EngineBenchmark(Args args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    public static void main(String[] argv) {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Args.USAGE);
            System.exit(2);
            return;
        }
        int status;
        try {
            status = new EngineBenchmark(args, System.out).run();
        } catch (BenchmarkException | IllegalArgumentException e) {
            System.err.println("benchmark failed: " + e.getMessage());
            status = 1;
        } catch (IOException e) {
            System.err.println("benchmark failed: I/O error: " + e);
            status = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("benchmark interrupted");
            status = 1;
        }
        System.exit(status);
    }

    /** Runs the benchmark; returns the exit status (0 identical outputs, 1 mismatch). */
    public int run() throws IOException, InterruptedException {
        FeedGenerator.Params params = new FeedGenerator.Params(args.vendors(), args.rows(), args.skus(), args.seed());
        Path dataDir = args.dataDir().toAbsolutePath();
        long t0 = System.nanoTime();
        FeedGenerator.Dataset data = new FeedGenerator(params).generateIfAbsent(dataDir.resolve(params.dirName()));
        out.printf("dataset: %s (%,d rows; ready in %.1f s)%n", data.dir(), params.totalRows(),
                (System.nanoTime() - t0) / 1e9);

        RelayCli relay = new RelayCli(javaExe, args.jar(), args.heap(), args.launcher());
        if (!args.skipRelay()) {
            relay.preflight(dataDir.resolve("scratch"), Duration.ofSeconds(120));
            MeasuredProcess.Result warm = relay.warmUp(dataDir, args.seed(), args.timeout());
            requireSuccess("Relay local-run (warm-up)", warm);
            out.printf("warm-up relay : %s s (2 x 1000 rows, untimed)%n", BenchReport.seconds(warm.wall()));
        }
        Path runsDir = dataDir.resolve("runs");
        Path logs = dataDir.resolve("logs");
        Path relayOut = runsDir.resolve("relay");
        Path duckOut = runsDir.resolve("duckdb").resolve("merged_inventory.csv");
        List<Duration> relayWalls = new ArrayList<>();
        List<Long> relayRss = new ArrayList<>();
        List<Duration> duckWalls = new ArrayList<>();
        List<Long> duckRss = new ArrayList<>();
        for (int k = 1; k <= args.runs(); k++) {
            if (!args.skipRelay()) {
                RelayCli.deleteTree(relayOut);
                MeasuredProcess.Result r = MeasuredProcess.run(
                        relay.localRunCommand(data.config(), data.vendorFiles(), relayOut, NOW),
                        dataDir, logs.resolve("relay-" + k), args.timeout(), null);
                requireSuccess("Relay local-run", r);
                if (!Files.isRegularFile(RelayCli.mergedFile(relayOut, FeedGenerator.TENANT_ID))) {
                    throw new BenchmarkException("Relay local-run exited 0 but wrote no "
                            + RelayCli.mergedFile(relayOut, FeedGenerator.TENANT_ID));
                }
                relayWalls.add(r.wall());
                relayRss.add(r.peakRssKb());
                out.printf("run %d/%d relay : %s s, peak RSS %s MB%n", k, args.runs(), BenchReport.seconds(r.wall()),
                        BenchReport.megabytes(r.peakRssKb()));
            }
            Files.deleteIfExists(duckOut);
            MeasuredProcess.Result d = MeasuredProcess.run(duckDbCommand(data, duckOut), dataDir,
                    logs.resolve("duckdb-" + k), args.timeout(), null);
            requireSuccess("DuckDB baseline", d);
            duckWalls.add(d.wall());
            duckRss.add(d.peakRssKb());
            out.printf("run %d/%d duckdb: %s s, peak RSS %s MB%n", k, args.runs(), BenchReport.seconds(d.wall()),
                    BenchReport.megabytes(d.peakRssKb()));
        }

        int status = 0;
        String verdict;
        if (args.skipRelay()) {
            verdict = "Relay skipped (--skip-relay): outputs not compared.";
        } else {
            Path relayMerged = RelayCli.mergedFile(relayOut, FeedGenerator.TENANT_ID);
            Optional<BenchReport.Difference> diff = BenchReport.firstDifference(duckOut, relayMerged);
            if (diff.isPresent()) {
                status = 1;
                verdict = "MISMATCH: the merged files differ (" + duckOut + " vs " + relayMerged + "); "
                        + diff.get().describe("duckdb", "relay");
            } else {
                verdict = "Merged files are byte-identical (" + Files.size(duckOut) + " bytes).";
            }
        }
        BenchReport.EngineRuns relayRuns = args.skipRelay() ? null
                : new BenchReport.EngineRuns(relay.label(), relayWalls, relayRss);
        BenchReport.EngineRuns duckRuns = new BenchReport.EngineRuns(
                "DuckDB (threads=" + args.duckdbThreads() + ")", duckWalls, duckRss);
        String report = "## Engine benchmark: " + args.vendors() + " vendors x " + args.rows() + " rows, "
                + args.skus() + " SKUs, seed " + args.seed() + ", " + args.runs() + " run(s)\n\n"
                + BenchReport.table(params.totalRows(), relayRuns, duckRuns) + "\n"
                + BenchReport.targets(relayRuns, duckRuns) + verdict + "\n"
                + "Peak RSS: " + (MeasuredProcess.timeWorks() ? "/usr/bin/time -v" : "/proc/<pid>/status VmHWM polling")
                + "; wall clock includes JVM start-up of both processes.\n";
        out.println();
        out.print(report);
        Files.writeString(dataDir.resolve("results.md"), report);
        if (status != 0) {
            System.err.println(verdict);
        }
        return status;
    }

    private List<String> duckDbCommand(FeedGenerator.Dataset data, Path output) {
        List<String> command = new ArrayList<>(List.of(javaExe.toString(), "-Xmx" + args.heap(), "-cp", duckDbClasspath(),
                DuckDbMerge.class.getName(), "--config", data.config().toString()));
        for (Map.Entry<String, Path> e : data.vendorFiles().entrySet()) {
            command.add("--vendor-file");
            command.add(e.getKey() + "=" + e.getValue());
        }
        command.addAll(List.of("--output", output.toString(), "--now", NOW, "--threads",
                Integer.toString(args.duckdbThreads())));
        if (args.duckdbMemoryLimit() != null) {
            command.addAll(List.of("--memory-limit", args.duckdbMemoryLimit()));
        }
        return command;
    }

    /** Only what DuckDbMerge needs (its classes, DuckDB, snakeyaml-engine); else the full classpath. */
    static String duckDbClasspath() {
        String full = System.getProperty("java.class.path");
        List<String> kept = new ArrayList<>();
        try {
            kept.add(Path.of(DuckDbMerge.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (URISyntaxException | RuntimeException e) {
            return full;
        }
        for (String entry : full.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
            if (name.startsWith("duckdb_jdbc") || name.startsWith("snakeyaml-engine")) {
                kept.add(entry);
            }
        }
        return kept.size() == 3 ? String.join(File.pathSeparator, kept) : full;
    }

    private static void requireSuccess(String what, MeasuredProcess.Result r) {
        if (r.timedOut()) {
            throw new BenchmarkException(what + " timed out after " + BenchReport.seconds(r.wall()) + " s (see "
                    + r.stderr() + ")");
        }
        if (r.exitCode() != 0) {
            throw new BenchmarkException(what + " failed with exit status " + r.exitCode() + ":\n"
                    + r.stderrHead(20) + "\n(stdout: " + r.stdoutHead(3) + "; full logs: " + r.stdout() + ", "
                    + r.stderr() + ")");
        }
    }
}
