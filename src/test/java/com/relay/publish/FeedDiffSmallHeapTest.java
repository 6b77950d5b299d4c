package com.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.relay.engine.CsvFeedWriter;
import com.relay.engine.InventoryRecord;
import com.relay.tenants.config.TenantConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/CONTRACT.md#publishing-diff-delta-and-guard: the join holds no feed in memory. A 1,000,000-SKU
 * published feed joined with a 1,000,000-SKU run (a tenth removed, a tenth added, every SKU's
 * price changed) in the small-heap JVM of the hostile-input tests ({@code -Xmx256m}, pom
 * execution {@code small-heap}): anything that kept a row per SKU would not fit.
 */
class FeedDiffSmallHeapTest {

    static final int SKUS = 1_000_000;
    static final Instant NOW = Instant.parse("2026-01-02T00:00:00Z");

    @TempDir Path dir;

    static InventoryRecord record(int i, long quantity, String price) {
        return new InventoryRecord(String.format("SKU-%07d", i), "V" + i, "v1", quantity, 3L, new BigDecimal("1.00"), null,
                new BigDecimal(price), null, "new", "Brand", "A title for item " + i, NOW, 0, 0, i);
    }

    @Test
    void a_million_sku_join_streams() throws IOException {
        // -Dtest runs it in the default execution too: only the small heap proves anything
        assumeTrue(Runtime.getRuntime().maxMemory() <= 300L << 20, "runs in the -Xmx256m small-heap execution");
        // the published feed: SKUs 0..999,999, every tenth one (i % 10 == 9) will be gone
        Path published = dir.resolve("published.csv");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(published));
             CsvFeedWriter w = CsvFeedWriter.feedState(out)) {
            for (int i = 0; i < SKUS; i++) w.writeRow(record(i, i % 4, "10.00"), null);
        }
        TenantConfig.Output output = new TenantConfig.Output("csv", List.of("sku", "quantity_available", "price", "title"), false);
        DiffResult diff;
        try (BaselineReader baseline = BaselineReader.open(published, "MERGE_PRICE");
             OutputStream mergedOut = new BufferedOutputStream(Files.newOutputStream(dir.resolve("merged.csv")));
             CsvFeedWriter merged = CsvFeedWriter.merged(mergedOut, output);
             OutputStream stateOut = new BufferedOutputStream(Files.newOutputStream(dir.resolve("state.csv")));
             CsvFeedWriter state = CsvFeedWriter.feedState(stateOut);
             OutputStream deltaOut = Files.newOutputStream(dir.resolve("delta.csv"))) {
            FeedDiff join = new FeedDiff(baseline, TenantConfig.Publish.DEFAULT, output, NOW, merged, state, deltaOut);
            // the run: SKUs 0..999,999 but the tenth ones, plus 100,000 new ones after them; prices +5 %
            for (int i = 0; i < SKUS + SKUS / 10; i++) {
                if (i < SKUS && i % 10 == 9) continue;
                join.accept(record(i, i % 4, "10.50"));
            }
            diff = join.finish();
        }
        assertThat(diff.baselineSkuCount()).isEqualTo(SKUS);
        assertThat(diff.removed()).isEqualTo(SKUS / 10);
        assertThat(diff.added()).isEqualTo(SKUS / 10);
        assertThat(diff.changed()).isEqualTo(SKUS - SKUS / 10);
        assertThat(diff.skuCount()).isEqualTo(SKUS);
        assertThat(diff.medianPriceChange()).isEqualTo(new BigDecimal("0.0500"));
        assertThat(diff.priceCompared()).isEqualTo(SKUS - SKUS / 10);
        assertThat(diff.samples().get("removed")).hasSize(FeedDiff.SAMPLE_SIZE).startsWith("SKU-0000009", "SKU-0000019");
        assertThat(diff.priceMoves()).hasSize(FeedDiff.TOP_MOVES);
        assertThat(diff.deltaRows()).isEqualTo(SKUS - SKUS / 10 + 2L * (SKUS / 10));
        assertThat(Files.size(dir.resolve("state.csv"))).isGreaterThan(50L * SKUS);
    }
}
