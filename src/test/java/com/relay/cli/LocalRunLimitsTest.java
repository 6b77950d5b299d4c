package com.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 through {@code relay local-run}: a 1 MiB header name no longer multiplies into the
 * error log, {@code max_invalid_rows: 0} keeps only the first bad row, and the rows-per-file quota.
 */
class LocalRunLimitsTest {

    static final String RUN = "00000000-0000-4000-8000-000000000018";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private static LocalRunCommandTest.Outcome run(String... args) {
        return LocalRunCommandTest.run(args);
    }

    Path config(String errorPolicy) throws IOException {
        return Files.writeString(dir.resolve("tenant.yaml"), """
                tenant_id: t
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                pricing: {base_margin_pct: 0, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available]}
                error_policy: %s
                """.formatted(errorPolicy));
    }

    Path errorsJson() {
        return dir.resolve("out").resolve(RUN).resolve("tenants/t/reports/errors.json");
    }

    @Test
    void oneMegabyteHeaderNameWithMaxInvalidRowsZero() throws IOException {
        // 1 MiB header name, then 50 rows of 3 bytes that each fail: before the caps each row error
        // copied the name, so errors.json was 50 MiB (and as much spilled) for 1 MiB of input
        StringBuilder feed = new StringBuilder("sku,quantity_available,").append("n".repeat(1 << 20)).append('\n');
        for (int i = 0; i < 50; i++) feed.append("A,x\n");
        Path file = Files.writeString(dir.resolve("feed.csv"), feed);

        LocalRunCommandTest.Outcome o = run("--config", config("{max_invalid_rows: 0, max_invalid_row_pct: 0}").toString(),
                "--vendor-file", "v1=" + file, "--output-dir", dir.resolve("out").toString(), "--run-id", RUN);
        assertThat(o.exit()).as(o.err()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("FAILED validation_errors at MERGE_PRICE: validation errors\n");
        assertThat(Files.size(errorsJson())).isLessThan(4 * 1024);
        JsonNode errors = JSON.readTree(errorsJson().toFile());
        assertThat(errors).hasSize(3); // the failure, the omission notice, the first bad row
        assertThat(errors.get(1).get("reason").asText()).startsWith("error entries omitted: 49 of 50 not stored");
        assertThat(errors.get(2).get("row_number").asInt()).isEqualTo(2);
    }

    @Test
    void rowsPerVendorFileOption() throws IOException {
        Path feed = Files.writeString(dir.resolve("feed.csv"), "sku,quantity_available\nA,1\nB,2\nC,3\n");
        String config = config("{max_invalid_rows: 0, max_invalid_row_pct: 0}").toString();

        LocalRunCommandTest.Outcome over = run("--config", config, "--vendor-file", "v1=" + feed, "--output-dir", dir.resolve("out").toString(),
                "--run-id", RUN, "--max-rows-per-vendor-file", "2");
        assertThat(over.exit()).isEqualTo(1);
        assertThat(over.err()).isEqualTo("FAILED VENDOR_FILE_TOO_MANY_ROWS at NORMALIZE: vendor file for v1 has more "
                + "than 2 rows (limit RELAY_MAX_ROWS_PER_VENDOR_FILE=2)\n");

        LocalRunCommandTest.Outcome within = run("--config", config, "--vendor-file", "v1=" + feed, "--output-dir", dir.resolve("out2").toString(),
                "--run-id", RUN, "--max-rows-per-vendor-file", "3");
        assertThat(within.exit()).as(within.err()).isZero();

        LocalRunCommandTest.Outcome bad = run("--config", config, "--vendor-file", "v1=" + feed, "--output-dir", dir.resolve("out3").toString(),
                "--max-rows-per-vendor-file", "-1");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("--max-rows-per-vendor-file must be an integer >= 0, 0 = unlimited (got '-1')\n");
        assertThat(dir.resolve("out3")).doesNotExist();
    }
}
