package com.relay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.RelayApplication;
import com.relay.aws.ProvisionedResources;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker benchmark (issue 5): the service on the embedded default (emulators in this JVM,
 * data in a fresh folder), driven over HTTP exactly as an operator would.
 * <ol>
 *   <li>the engine benchmark's feeds (20 × 100,000 rows by default) uploaded through the inbound
 *       API, one run through {@code POST /v1/runs}, timed from the POST to the observed SUCCEEDED,
 *       against {@code relay local-run} on the same files (a separate process); merged outputs
 *       compared byte for byte;</li>
 *   <li>N small runs (2 vendors × 100 rows), each POST → SUCCEEDED, for the latency p50/p95.</li>
 * </ol>
 * Prints a Markdown table (also written to {@code <data-dir>/api-results.md}). See bench/README.md.
 */
public final class ApiBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "relay-dev-key";

    record Args(int vendors, int rows, int skus, long seed, Path dataDir, Path jar, String heap, int runs,
                int smallRuns, Path launcher, int warmUpRuns) {
        static Args parse(String[] argv) {
            int vendors = 20;
            int rows = 100_000;
            Integer skus = null;
            long seed = 42;
            Path dataDir = Path.of("bench-data");
            Path jar = Path.of("target/relay.jar");
            String heap = "512m";
            int runs = 1;
            int small = 50;
            int warmUps = 1;
            Path launcher = Files.isRegularFile(Path.of("bin/relay")) ? Path.of("bin/relay") : null;
            for (int i = 0; i < argv.length; i += 2) {
                if (i + 1 >= argv.length) throw new IllegalArgumentException("missing value for " + argv[i]);
                String v = argv[i + 1];
                switch (argv[i]) {
                    case "--vendors" -> vendors = Integer.parseInt(v);
                    case "--rows" -> rows = Integer.parseInt(v);
                    case "--skus" -> skus = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--data-dir" -> dataDir = Path.of(v);
                    case "--jar" -> jar = Path.of(v);
                    case "--heap" -> heap = v;
                    case "--runs" -> runs = Integer.parseInt(v);
                    case "--small-runs" -> small = Integer.parseInt(v);
                    case "--warm-up-runs" -> warmUps = Integer.parseInt(v);
                    case "--launcher" -> launcher = v.equals("none") ? null : Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + argv[i]);
                }
            }
            int s = skus != null ? skus : (int) Math.min(400_000L, (long) vendors * rows);
            return new Args(vendors, rows, s, seed, dataDir, jar, heap, runs, small, launcher, warmUps);
        }
    }

    private final Args args;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    ApiBenchmark(Args args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: ApiBenchmark [--vendors 20] [--rows 100000] [--skus S] [--seed 42] [--data-dir bench-data]"
                    + " [--jar target/relay.jar] [--heap 512m] [--runs 1] [--small-runs 50] [--warm-up-runs 1] [--launcher bin/relay|none]");
            System.exit(2);
            return;
        }
        int status = new ApiBenchmark(args, System.out).run();
        System.exit(status);
    }

    int run() throws Exception {
        Path dataDir = args.dataDir().toAbsolutePath();
        FeedGenerator.Params params = new FeedGenerator.Params(args.vendors(), args.rows(), args.skus(), args.seed());
        FeedGenerator.Dataset big = new FeedGenerator(params).generateIfAbsent(dataDir.resolve(params.dirName()));
        FeedGenerator.Params smallParams = new FeedGenerator.Params(2, 100, 150, args.seed());
        FeedGenerator.Dataset small = new FeedGenerator(smallParams).generateIfAbsent(dataDir.resolve(smallParams.dirName()));
        out.printf("datasets: %s, %s%n", big.dir(), small.dir());

        // relay local-run on the same files: the reference time and bytes
        Path javaExe = Path.of(System.getProperty("java.home"), "bin", "java");
        RelayCli cli = new RelayCli(javaExe, args.jar(), args.heap(), args.launcher());
        Path localOut = dataDir.resolve("runs").resolve("api-bench-local");
        List<Duration> localWalls = new ArrayList<>();
        MeasuredProcess.Result warm = cli.warmUp(dataDir, args.seed(), Duration.ofMinutes(10));
        if (warm.exitCode() != 0) throw new BenchmarkException("relay local-run (warm-up) failed: " + warm.stderrHead(20));
        for (int k = 1; k <= args.runs(); k++) {
            RelayCli.deleteTree(localOut);
            MeasuredProcess.Result r = MeasuredProcess.run(cli.localRunCommand(big.config(), big.vendorFiles(), localOut,
                    EngineBenchmark.NOW), dataDir, dataDir.resolve("logs").resolve("api-bench-local-" + k),
                    Duration.ofMinutes(60), null);
            if (r.exitCode() != 0) throw new BenchmarkException("relay local-run failed: " + r.stderrHead(20));
            localWalls.add(r.wall());
            out.printf("local-run %d/%d: %s s%n", k, args.runs(), BenchReport.seconds(r.wall()));
        }

        Path appData = dataDir.resolve("api-bench-service");
        Map<String, Object> props = BenchService.properties(appData);
        int status = 0;
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(RelayApplication.class).properties(props).run()) {
            base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/v1";
            String bigTenant = onboard(big, "bench-big");
            List<Duration> apiWalls = new ArrayList<>();
            List<Duration> recorded = new ArrayList<>();
            String lastRun = null;
            // untimed: the first big run of a fresh service JVM spends a good part of its time in the
            // JIT compilers (the engine's code is cold); a running service has compiled it long ago
            List<Duration> coldWalls = new ArrayList<>();
            for (int w = 1; w <= args.warmUpRuns(); w++) {
                long t0 = System.nanoTime();
                JsonNode done = awaitEnd(post(bigTenant), 100);
                if (!"SUCCEEDED".equals(done.get("status").asText())) throw new BenchmarkException("API warm-up run failed: " + done);
                coldWalls.add(Duration.ofNanos(System.nanoTime() - t0));
                out.printf("API warm-up run %d/%d: %s s (untimed)%n", w, args.warmUpRuns(),
                        BenchReport.seconds(coldWalls.get(coldWalls.size() - 1)));
            }
            for (int k = 1; k <= args.runs(); k++) {
                long t0 = System.nanoTime();
                String runId = post(bigTenant);
                JsonNode done = awaitEnd(runId, 100);
                Duration wall = Duration.ofNanos(System.nanoTime() - t0);
                if (!"SUCCEEDED".equals(done.get("status").asText())) {
                    throw new BenchmarkException("API run failed: " + done);
                }
                apiWalls.add(wall);
                recorded.add(Duration.between(java.time.Instant.parse(done.get("requested_at").asText()),
                        java.time.Instant.parse(done.get("finished_at").asText())));
                lastRun = runId;
                out.printf("API run %d/%d: %s s (POST → SUCCEEDED), run record %s s%n", k, args.runs(),
                        BenchReport.seconds(wall), BenchReport.seconds(recorded.get(recorded.size() - 1)));
            }
            // byte-identical merged output
            ProvisionedResources res = app.getBean(ProvisionedResources.class);
            Path apiMerged = dataDir.resolve("runs").resolve("api-bench-merged.csv");
            Files.deleteIfExists(apiMerged);
            String key = lastRun + "/tenants/" + bigTenant + "/outputs/merged_inventory.csv";
            app.getBean(S3Client.class).getObject(b -> b.bucket(res.artifactBucket()).key(key), apiMerged);
            Optional<BenchReport.Difference> diff = BenchReport.firstDifference(
                    RelayCli.mergedFile(localOut, FeedGenerator.TENANT_ID), apiMerged);
            String verdict = diff.isEmpty() ? "identical" : "DIFFERENT: " + diff.get().describe("local-run", "api");
            if (diff.isPresent()) status = 1;

            String smallTenant = onboard(small, "bench-small");
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < args.smallRuns(); i++) {
                long t0 = System.nanoTime();
                JsonNode done = awaitEnd(post(smallTenant), 20);
                if (!"SUCCEEDED".equals(done.get("status").asText())) throw new BenchmarkException("small run failed: " + done);
                latencies.add((System.nanoTime() - t0) / 1_000_000);
            }
            Collections.sort(latencies);
            String table = report(params, median(localWalls), median(apiWalls), median(recorded), verdict, latencies,
                    coldWalls.isEmpty() ? null : coldWalls.get(0));
            out.println();
            out.println(table);
            Files.writeString(dataDir.resolve("api-results.md"), table, StandardCharsets.UTF_8);
        }
        return status;
    }

    private String report(FeedGenerator.Params params, Duration local, Duration api, Duration recorded, String verdict,
                          List<Long> latencies, Duration cold) {
        double ratio = api.toNanos() / (double) local.toNanos();
        StringBuilder t = new StringBuilder();
        t.append("| measure | value | target |\n|---|---|---|\n");
        t.append(String.format("| feeds | %d vendors × %,d rows (%,d rows, %,d SKUs) | |%n", params.vendors(),
                params.rowsPerVendor(), params.totalRows(), params.skus()));
        t.append(String.format("| `relay local-run` (median of %d) | %s s | |%n", args.runs(), BenchReport.seconds(local)));
        t.append(String.format("| API run, POST → SUCCEEDED observed (median of %d) | %s s | |%n", args.runs(),
                BenchReport.seconds(api)));
        t.append(String.format("| API run, requested_at → finished_at | %s s | |%n", BenchReport.seconds(recorded)));
        if (cold != null) {
            t.append(String.format("| first API run after start-up (cold JIT, untimed warm-up) | %s s (%.2f×) | |%n",
                    BenchReport.seconds(cold), cold.toNanos() / (double) local.toNanos()));
        }
        t.append(String.format("| API / local-run | %.2f× | ≤ 1.3× |%n", ratio));
        t.append(String.format("| merged CSV, API vs local-run | %s | identical |%n", verdict));
        t.append(String.format("| small runs (2 × 100 rows), POST → SUCCEEDED | %d runs: p50 %d ms, p95 %d ms, max %d ms | p95 < 500 ms |%n",
                latencies.size(), pct(latencies, 50), pct(latencies, 95), latencies.get(latencies.size() - 1)));
        return t.toString();
    }

    private static long pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static Duration median(List<Duration> ds) {
        List<Duration> s = new ArrayList<>(ds);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    /** Creates the tenant (inbound S3 prefixes instead of the dataset's local files) and uploads every feed. */
    private String onboard(FeedGenerator.Dataset data, String tenant) throws Exception {
        String yaml = Files.readString(data.config()).replace("tenant_id: " + FeedGenerator.TENANT_ID, "tenant_id: " + tenant);
        StringBuilder converted = new StringBuilder();
        String vendor = null;
        for (String line : yaml.split("\n", -1)) {
            if (line.startsWith("  - vendor_id: ")) vendor = line.substring("  - vendor_id: ".length()).trim();
            if (line.trim().equals("inbound: {type: local}")) {
                line = "    inbound: {type: s3, s3_prefix: tenants/" + tenant + "/inbound/" + vendor + "/}";
            }
            converted.append(line).append('\n');
        }
        send("POST", "/tenants", "application/yaml", HttpRequest.BodyPublishers.ofString(converted.toString()));
        long t0 = System.nanoTime();
        for (Map.Entry<String, Path> e : data.vendorFiles().entrySet()) {
            send("PUT", "/tenants/" + tenant + "/vendors/" + e.getKey() + "/inbound/" + e.getValue().getFileName(),
                    "text/csv", HttpRequest.BodyPublishers.ofFile(e.getValue()));
        }
        out.printf("tenant %s: %d feeds uploaded in %s s%n", tenant, data.vendorFiles().size(),
                BenchReport.seconds(Duration.ofNanos(System.nanoTime() - t0)));
        return tenant;
    }

    private String post(String tenant) throws Exception {
        return send("POST", "/runs", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"tenant_id\": \"" + tenant + "\"}")).get("run_id").asText();
    }

    private JsonNode awaitEnd(String runId, long pollMillis) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode r = send("GET", "/runs/" + runId, null, HttpRequest.BodyPublishers.noBody());
            String s = r.get("status").asText();
            if (s.equals("SUCCEEDED") || s.equals("FAILED")) return r;
            Thread.sleep(pollMillis);
        }
        throw new BenchmarkException("run " + runId + " did not end within 60 minutes");
    }

    private JsonNode send(String method, String path, String contentType, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("X-API-Key", KEY).method(method, body);
        if (contentType != null) b.header("Content-Type", contentType);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() >= 300) throw new BenchmarkException(method + " " + path + " → " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body());
    }
}
