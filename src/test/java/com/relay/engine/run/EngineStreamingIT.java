package com.relay.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.ChildJvm;
import com.relay.RelayMain;
import com.relay.bench.FeedGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine streams (docs/CONTRACT.md#orchestration-streaming-and-memory): {@code relay local-run} in a child JVM with a 48 MB heap runs
 * feeds several times larger than that heap, with a 600,000-SKU merge that cannot fit in it, so
 * both the merge and the normalized-file sort must spill to disk and finish with an external merge.
 */
class EngineStreamingIT {

    static final String RUN_ID = "00000000-0000-4000-8000-0000000000aa";

    @TempDir Path dir;

    @Test
    void feedsLargerThanTheHeapCompleteWithSpilling() throws Exception {
        // 2 vendors x 1,500,000 rows ≈ 160 MB of CSV, 600,000 distinct SKUs
        FeedGenerator.Dataset data = new FeedGenerator(new FeedGenerator.Params(2, 1_500_000, 600_000, 7))
                .generate(dir.resolve("data"));
        long inputBytes = 0;
        for (Path f : data.vendorFiles().values()) inputBytes += Files.size(f);
        assertThat(inputBytes).isGreaterThan(3L * 48 * 1024 * 1024);

        Path spill = Files.createDirectories(dir.resolve("spill"));
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.java(),
                "-Xmx48m", "-cp", ChildJvm.classPath(), RelayMain.class.getName(), "local-run",
                "--config", data.config().toString(), "--output-dir", dir.resolve("out").toString(),
                "--now", "2024-01-01T00:00:00Z", "--run-id", RUN_ID));
        data.vendorFiles().forEach((vendor, file) -> {
            cmd.add("--vendor-file");
            cmd.add(vendor + "=" + file);
        });
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile());
        pb.environment().put("ENGINE_MEMORY_BUDGET_MB", "8");
        pb.environment().put("ENGINE_SPILL_DIR", spill.toString());
        Process process = pb.start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(dir.resolve("log.txt"));
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("\"status\":\"SUCCEEDED\"").doesNotContain("OutOfMemoryError");

        Path tenant = dir.resolve("out").resolve(RUN_ID).resolve("tenants").resolve(FeedGenerator.TENANT_ID);
        try (Stream<String> merged = Files.lines(tenant.resolve("outputs/merged_inventory.csv"))) {
            assertThat(merged.count()).isEqualTo(600_000 + 1);
        }
        for (String vendor : data.vendorFiles().keySet()) {
            assertSortedBySku(tenant.resolve("normalized").resolve(vendor).resolve("normalized.csv"), 1_500_000);
        }
        try (Stream<Path> left = Files.list(spill)) {
            assertThat(left.toList()).as("spill files are deleted").isEmpty();
        }
    }

    /** Every row present and SKUs (first column, never quoted here) in non-decreasing code point order. */
    private static void assertSortedBySku(Path file, long rows) throws IOException {
        long count = 0;
        String previous = null;
        try (var reader = Files.newBufferedReader(file)) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty() || line.charAt(0) == '"') continue;
                String sku = line.substring(0, line.indexOf(','));
                if (previous != null) assertThat(com.relay.engine.CodePointOrder.compareStrings(previous, sku)).as("%s then %s", previous, sku).isLessThanOrEqualTo(0);
                previous = sku;
                count++;
            }
        }
        assertThat(count).isGreaterThan(rows * 9 / 10);
    }
}
