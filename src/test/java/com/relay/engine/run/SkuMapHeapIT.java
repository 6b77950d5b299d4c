package com.relay.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.ChildJvm;
import com.relay.RelayMain;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 #1 through {@code relay local-run} in a child JVM with a 32 MB heap: a 1,000,000-row
 * SKU map (26 MB of CSV; about 170 MB as the {@code HashMap} it used to be, an OutOfMemoryError in
 * this heap) ends as the documented {@code SKU_MAP_TOO_LARGE} run failure under an 8 MB budget.
 */
class SkuMapHeapIT {

    static final String RUN = "00000000-0000-4000-8000-0000000000bb";

    @TempDir Path dir;

    @Test
    void mapTooLargeForTheBudgetFailsCleanlyInASmallHeap() throws Exception {
        Path map = dir.resolve("map.csv");
        try (BufferedWriter w = Files.newBufferedWriter(map)) {
            w.write("vendor_sku,sku\n");
            for (int i = 0; i < 1_000_000; i++) w.write("VENDOR-SKU-" + i + ",SKU-" + i + "\n");
        }
        Path feed = Files.writeString(dir.resolve("feed.csv"), "sku,quantity_available\nVENDOR-SKU-1,1\n");
        Path config = Files.writeString(dir.resolve("tenant.yaml"), """
                tenant_id: t
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                    sku_map: {type: file, local_path: map.csv}
                pricing: {base_margin_pct: 0, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available]}
                """);
        ProcessBuilder pb = new ProcessBuilder(List.of(ChildJvm.java(),
                "-Xmx32m", "-cp", ChildJvm.classPath(), RelayMain.class.getName(), "local-run",
                "--config", config.toString(), "--vendor-file", "v1=" + feed, "--output-dir", dir.resolve("out").toString(),
                "--now", "2024-01-01T00:00:00Z", "--run-id", RUN))
                .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile());
        pb.environment().put("ENGINE_MEMORY_BUDGET_MB", "8");
        pb.environment().put("ENGINE_SPILL_DIR", Files.createDirectories(dir.resolve("spill")).toString());
        Process process = pb.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(dir.resolve("log.txt"));
        assertThat(log).doesNotContain("OutOfMemoryError");
        assertThat(process.exitValue()).as(log).isEqualTo(1);
        assertThat(log).contains("FAILED SKU_MAP_TOO_LARGE at NORMALIZE: sku map for vendor v1 is too large: after ")
                .contains("entries it needs more than its limit of 1048576 bytes of memory (an eighth of ENGINE_MEMORY_BUDGET_MB=8)");
        String errors = Files.readString(dir.resolve("out").resolve(RUN).resolve("tenants/t/reports/errors.json"));
        assertThat(errors).startsWith("[{\"error_code\":\"SKU_MAP_TOO_LARGE\"");
    }
}
