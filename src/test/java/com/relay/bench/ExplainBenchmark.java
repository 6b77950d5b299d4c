package com.relay.bench;

import com.relay.cli.LocalRunCommand;
import com.relay.engine.CharSource;
import com.relay.engine.CsvRecordReader;
import com.relay.engine.SkuBlockIndex;
import com.relay.explain.LocalRunArtifacts;
import com.relay.explain.SkuExplainer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Issue 21 explain figures (docs/PERFORMANCE.md "Safe publishing (issue 21): explain"), not a test:
 * runs {@code relay local-run} on a generated dataset (bench/run's layout), then times
 * {@link SkuExplainer} on random merged SKUs (file-channel ranged reads) and the index building
 * alone over the run's normalized files.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) \
 *     com.relay.bench.ExplainBenchmark bench-data/v20-r100000-s400000-seed42 [explains]</pre>
 */
public final class ExplainBenchmark {

    private static final String RUN = "0b3c5d7e-9f11-4a22-8b33-c44d55e66f77";

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int explains = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path out = Files.createTempDirectory("relay-explain-bench-");
        List<String> argv = new ArrayList<>(List.of("--config", data.resolve("tenant.yaml").toString()));
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("vendor_\\d+\\.csv")).sorted().toList()) {
                argv.addAll(List.of("--vendor-file", f.getFileName().toString().replace(".csv", "") + "=" + f));
            }
        }
        argv.addAll(List.of("--output-dir", out.toString(), "--now", "2020-01-01T00:00:00Z", "--run-id", RUN));
        long t0 = System.nanoTime();
        int exit = LocalRunCommand.run(argv.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()), System.err);
        System.out.printf("local-run exit %d in %.2f s%n", exit, (System.nanoTime() - t0) / 1e9);
        Path tenantDir;
        try (Stream<Path> t = Files.list(out.resolve(RUN).resolve("tenants"))) {
            tenantDir = t.findFirst().orElseThrow();
        }
        String prefix = RUN + "/tenants/" + tenantDir.getFileName() + "/";
        System.out.printf("explain_index.json: %d bytes%n", Files.size(tenantDir.resolve("reports/explain_index.json")));

        List<String> skus = new ArrayList<>();
        var reader = new CsvRecordReader(CharSource.of(Files.readString(tenantDir.resolve("outputs/merged_inventory.csv"))), ',', "b", false);
        reader.readHeader();
        while (reader.nextRecord()) skus.add(reader.cell(0));
        System.out.printf("merged SKUs: %d%n", skus.size());

        Random random = new Random(21);
        SkuExplainer warm = SkuExplainer.open(RUN, keys(prefix), new LocalRunArtifacts(out));
        for (int i = 0; i < 200; i++) warm.explain(skus.get(random.nextInt(skus.size()))).orElseThrow();
        long[] nanos = new long[explains];
        for (int i = 0; i < explains; i++) {
            long s = System.nanoTime();
            // a request: open (config snapshot + index JSON) and explain, as the API does per call
            SkuExplainer.open(RUN, keys(prefix), new LocalRunArtifacts(out)).explain(skus.get(random.nextInt(skus.size()))).orElseThrow();
            nanos[i] = System.nanoTime() - s;
        }
        Arrays.sort(nanos);
        System.out.printf("explain (open + explain, %d SKUs): p50 %.1f ms, p95 %.1f ms, max %.1f ms%n", explains,
                nanos[explains / 2] / 1e6, nanos[explains * 95 / 100] / 1e6, nanos[explains - 1] / 1e6);

        // the index's own work: every row through Builder.wants, entries added, over the normalized files
        long rows = 0;
        long best = Long.MAX_VALUE;
        List<byte[]> normalized = new ArrayList<>();
        List<long[]> rowStarts = new ArrayList<>();
        try (Stream<Path> v = Files.list(tenantDir.resolve("normalized"))) {
            for (Path d : v.sorted().toList()) {
                byte[] bytes = Files.readAllBytes(d.resolve("normalized.csv"));
                normalized.add(bytes);
                long[] starts = new long[bytes.length];
                int n = 0;
                for (int i = 0; i < bytes.length; i++) if (bytes[i] == '\n') starts[n++] = i + 1;
                rowStarts.add(Arrays.copyOf(starts, n - 1));
                rows += n - 1;
            }
        }
        for (int round = 0; round < 5; round++) {
            long s = System.nanoTime();
            for (int f = 0; f < normalized.size(); f++) {
                SkuBlockIndex.Builder b = new SkuBlockIndex.Builder();
                long[] starts = rowStarts.get(f);
                b.header(starts.length == 0 ? 0 : starts[0]);
                for (long at : starts) {
                    if (b.wants(at)) b.add("sku-" + at, at);
                }
                b.build(normalized.get(f).length);
            }
            best = Math.min(best, System.nanoTime() - s);
        }
        System.out.printf("index building over %d normalized rows: %.1f ms (best of 5)%n", rows, best / 1e6);
        System.out.println("output kept in " + out);
    }

    private static Map<String, String> keys(String prefix) {
        return Map.of("config_snapshot", prefix + "reports/config_snapshot.json",
                "explain_index", prefix + "reports/explain_index.json");
    }
}
