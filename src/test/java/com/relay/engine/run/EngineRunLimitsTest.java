package com.relay.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.RowError;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigParser;
import com.relay.tenants.config.ValidationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's per-run limits (issue 17 #1, #2, quota), measured on the files the run really
 * writes: errors.json through {@link LocalArtifactSink}, and the work folder's bytes (spill) while
 * the run is in NORMALIZE and MERGE_PRICE.
 */
class EngineRunLimitsTest {

    static final String RUN = "00000000-0000-4000-8000-000000000017";
    static final ObjectMapper JSON = new ObjectMapper();
    /** A 1 MiB header name: before the caps every row error copied it whole. */
    static final String HUGE_NAME = "h".repeat(1 << 20);

    @TempDir Path dir;

    /** Largest total size of the work folder seen at the checkpoints. */
    final AtomicLong maxSpill = new AtomicLong();

    static TenantConfig config(String errorPolicy, String skuMap) {
        String yaml = """
                tenant_id: lim
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}%s
                pricing: {base_margin_pct: 0, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available]}
                error_policy: %s
                """.formatted(skuMap == null ? "" : "\n    sku_map: {type: file, local_path: map.csv}", errorPolicy);
        ValidationResult r = new TenantConfigParser().parse(yaml.getBytes(StandardCharsets.UTF_8),
                TenantConfigParser.Format.YAML, TenantConfigParser.Context.cli());
        return ((ValidationResult.Valid) r).config();
    }

    /** header {@code sku,quantity_available,<1 MiB name>}, then {@code rows} 3-byte rows {@code A,x} (invalid int). */
    Path hugeHeaderFeed(int rows) throws IOException {
        StringBuilder sb = new StringBuilder("sku,quantity_available,").append(HUGE_NAME).append('\n');
        for (int i = 0; i < rows; i++) sb.append("A,x\n");
        return Files.writeString(dir.resolve("feed.csv"), sb);
    }

    RunResult run(TenantConfig config, Path feed, Path map, long errorsMaxBytes, long maxRows) throws IOException {
        Path work = dir.resolve("work");
        StageListener spillMeter = new StageListener() {
            @Override
            public void stageStarted(String stage) { measure(work); }

            @Override
            public void vendorParsed(String vendorId, long rows, long nanos) { measure(work); }
        };
        VendorInput input = new VendorInput("v1", () -> Files.newInputStream(feed), "feed.csv", Files.size(feed),
                "text/csv", Map.of("local_path", feed.toString()), map == null ? null : () -> Files.newInputStream(map),
                null, null, feed);
        EngineRun.Request req = new EngineRun.Request(config, RUN, 1, Instant.parse("2024-01-01T00:00:00Z"),
                List.of(input), work, 8L << 20, 2, maxRows, errorsMaxBytes);
        return new EngineRun(EngineRun.reportMapper(), new LocalArtifactSink(dir.resolve("out")), spillMeter).execute(req);
    }

    void measure(Path work) {
        try (Stream<Path> files = Files.walk(work)) {
            long bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            maxSpill.accumulateAndGet(bytes, Math::max);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    Path errorsFile() {
        return dir.resolve("out").resolve(RUN).resolve("tenants/lim/reports/errors.json");
    }

    @Test
    void oneMegabyteHeaderNameWithMaxInvalidRowsZeroStoresOnlyTheFirstBadRow() throws IOException {
        // 100 rows: before the caps, ~100 MiB of errors.json and as much spilled for 1 MiB of input
        Path feed = hugeHeaderFeed(100);
        RunResult result = run(config("{max_invalid_rows: 0, max_invalid_row_pct: 0.5}", null), feed, null,
                EngineRun.DEFAULT_ERRORS_MAX_BYTES, 0);

        assertThat(result.errorCode()).isEqualTo("validation_errors");
        assertThat(result.rowsProcessed()).isEqualTo(100); // every row still counted
        assertThat(Files.size(errorsFile())).isLessThan(4 * 1024);
        assertThat(maxSpill.get()).isLessThan(4 * 1024);
        JsonNode errors = JSON.readTree(errorsFile().toFile());
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).get("error_code").asText()).isEqualTo("validation_errors");
        assertThat(errors.get(1).get("row_number").asLong()).isZero();
        assertThat(errors.get(1).get("reason").asText()).isEqualTo("error entries omitted: 99 of 100 not stored: "
                + "99 after max_invalid_rows 0 was exceeded (the run fails validation_errors)");
        assertThat(errors.get(1).get("row_data").toString()).isEqualTo("{\"vendor\":\"v1\"}");
        JsonNode first = errors.get(2);
        assertThat(first.get("row_number").asLong()).isEqualTo(2);
        assertThat(first.get("reason").asText()).isEqualTo("invalid int: x");
        String clipped = "h".repeat(RowError.TEXT_LIMIT) + RowError.TRUNCATED;
        assertThat(first.get("row_data").toString())
                .isEqualTo("{\"sku\":\"A\",\"quantity_available\":\"x\",\"" + clipped + "\":null}");
    }

    @Test
    void errorLogStopsStoringAtItsByteCapAndCountsTheRest() throws IOException {
        Path feed = hugeHeaderFeed(400);
        long cap = 64 * 1024;
        RunResult result = run(config("{max_invalid_rows: 1000000, max_invalid_row_pct: 1}", null), feed, null, cap, 0);

        assertThat(result.succeeded()).isTrue();
        assertThat(Files.size(errorsFile())).isLessThanOrEqualTo(cap + 1024);
        assertThat(maxSpill.get()).isLessThanOrEqualTo(cap + 1024);
        JsonNode errors = JSON.readTree(errorsFile().toFile());
        String notice = errors.get(0).get("reason").asText();
        int stored = errors.size() - 1;
        assertThat(stored).isBetween(10, 399);
        assertThat(notice).isEqualTo("error entries omitted: " + (400 - stored) + " of 400 not stored: " + (400 - stored)
                + " beyond this vendor's " + cap + " bytes of errors.json (ENGINE_ERRORS_MAX_MB)");
        for (int i = 1; i <= stored; i++) assertThat(errors.get(i).get("row_number").asLong()).isEqualTo(i + 1);
        JsonNode summary = JSON.readTree(dir.resolve("out").resolve(RUN).resolve("tenants/lim/reports/run_summary.json").toFile());
        assertThat(summary.get("invalid_rows").asLong()).isEqualTo(400);
        assertThat(summary.get("total_rows").asLong()).isEqualTo(400);
    }

    @Test
    void rowsPerVendorFileQuotaFailsTheVendorNamingTheLimitAndTheSetting() throws IOException {
        Path feed = Files.writeString(dir.resolve("feed.csv"), "sku,quantity_available\nA,1\nB,2\nC,3\n");
        TenantConfig config = config("{max_invalid_rows: 0, max_invalid_row_pct: 0}", null);

        RunResult over = run(config, feed, null, EngineRun.DEFAULT_ERRORS_MAX_BYTES, 2);
        assertThat(over.errorCode()).isEqualTo("VENDOR_FILE_TOO_MANY_ROWS");
        assertThat(over.failedStage()).isEqualTo("NORMALIZE");
        assertThat(over.errorMessage())
                .isEqualTo("vendor file for v1 has more than 2 rows (limit RELAY_MAX_ROWS_PER_VENDOR_FILE=2)");
        assertThat(JSON.readTree(errorsFile().toFile()).get(0).toString()).isEqualTo("{\"error_code\":\"VENDOR_FILE_TOO_MANY_ROWS\","
                + "\"error_message\":\"" + over.errorMessage() + "\",\"vendor_id\":\"v1\"}");

        assertThat(run(config, feed, null, EngineRun.DEFAULT_ERRORS_MAX_BYTES, 3).succeeded()).isTrue();
        assertThat(run(config, feed, null, EngineRun.DEFAULT_ERRORS_MAX_BYTES, 0).succeeded()).isTrue();
    }

    @Test
    void skuMapOverAnEighthOfTheBudgetFailsTheRunWithSkuMapTooLarge() throws IOException {
        Path feed = Files.writeString(dir.resolve("feed.csv"), "sku,quantity_available\nV1,1\n");
        StringBuilder map = new StringBuilder("vendor_sku,sku\n");
        for (int i = 0; i < 100_000; i++) map.append("VEND-").append(i).append(",SKU-").append(i).append('\n');
        Path mapFile = Files.writeString(dir.resolve("map.csv"), map); // ~2.2 MB; the limit is 1 MiB

        RunResult result = run(config("{max_invalid_rows: 0, max_invalid_row_pct: 0}", "map.csv"), feed, mapFile,
                EngineRun.DEFAULT_ERRORS_MAX_BYTES, 0);
        assertThat(result.errorCode()).isEqualTo("SKU_MAP_TOO_LARGE");
        assertThat(result.failedStage()).isEqualTo("NORMALIZE");
        assertThat(result.errorMessage()).startsWith("sku map for vendor v1 is too large: after ")
                .endsWith(" entries it needs more than its limit of 1048576 bytes of memory "
                        + "(an eighth of ENGINE_MEMORY_BUDGET_MB=8); raise ENGINE_MEMORY_BUDGET_MB or split the vendor's map");
        assertThat(JSON.readTree(errorsFile().toFile()).get(0).get("vendor_id").asText()).isEqualTo("v1");
    }
}
