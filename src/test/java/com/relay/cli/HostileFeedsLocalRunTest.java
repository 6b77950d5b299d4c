package com.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.CsvRecordReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 defects 3 and 4 end to end through {@code relay local-run}, in the small-heap Surefire
 * execution (-Xmx256m): a hostile cell or line is a row error counted by the thresholds, never an
 * exception, a retried failure or an OutOfMemoryError.
 */
class HostileFeedsLocalRunTest {

    static final String RUN = "00000000-0000-4000-8000-000000000017";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RANGE = " (at most 1000 significant digits and a scale between -1000 and 1000)";

    @TempDir Path dir;

    record Outcome(int exit, String out, String err) {}

    Outcome run(Path config, Path feed, String outDir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalRunCommand.run(new String[] {"--config", config.toString(), "--vendor-file", "vendor-a=" + feed,
                        "--output-dir", dir.resolve(outDir).toString(), "--run-id", RUN, "--now", "2026-01-01T00:00:00Z"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path config(int maxInvalidRows) throws IOException {
        return Files.writeString(dir.resolve("tenant-" + maxInvalidRows + ".yaml"), """
                tenant_id: tenant-a
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: vendor-a
                    inbound: {type: s3, s3_prefix: tenants/tenant-a/inbound/vendor-a/}
                    parser: {format: csv}
                pricing: {base_margin_pct: 0.1, min_price: 1, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available, price, cost, msrp]}
                error_policy: {max_invalid_rows: %d, max_invalid_row_pct: 0.9}
                """.formatted(maxInvalidRows));
    }

    JsonNode errors(String outDir) throws IOException {
        return JSON.readTree(Files.readString(dir.resolve(outDir).resolve(RUN)
                .resolve("tenants/tenant-a/reports/errors.json")));
    }

    String merged(String outDir) throws IOException {
        return Files.readString(dir.resolve(outDir).resolve(RUN).resolve("tenants/tenant-a/outputs/merged_inventory.csv"));
    }

    @Test
    void decimalsBeyondTheBoundAreRowErrorsNotUnexpectedFailures() throws IOException {
        Path feed = Files.writeString(dir.resolve("a.csv"), """
                sku,quantity_available,cost,price,msrp
                S1,1,2.00,5.00,
                S2,1,1e2147483647,5.00,
                S3,1,2.00,1e10000000,
                S4,1,2.00,5.00,1e-2147483648
                S5,1,1e1000,5.00,1E-1000
                """);
        Outcome ok = run(config(3), feed, "out");
        assertThat(ok.exit()).as(ok.err()).isZero();
        JsonNode errors = errors("out");
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).get("row_number").asInt()).isEqualTo(3);
        assertThat(errors.get(0).get("reason").asText()).isEqualTo("decimal out of range: 1e2147483647" + RANGE);
        assertThat(errors.get(1).get("reason").asText()).isEqualTo("decimal out of range: 1e10000000" + RANGE);
        assertThat(errors.get(2).get("reason").asText()).isEqualTo("decimal out of range: 1e-2147483648" + RANGE);
        // at the bound: 1e1000 is a cost (priced at +10 % and printed in plain notation), 1E-1000 an msrp of 0.00
        assertThat(merged("out")).isEqualTo("sku,quantity_available,price,cost,msrp\nS1,1,2.20,2.00,\n"
                + "S5,1,11" + "0".repeat(999) + ".00,1" + "0".repeat(1000) + ".00,0.00\n");

        Outcome failed = run(config(2), feed, "out2");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).isEqualTo("FAILED validation_errors at MERGE_PRICE: validation errors\n");
    }

    @Test
    void aTwentyMegabyteLineOfCommasIsOneRowErrorWithinTheThresholds() throws IOException {
        byte[] head = "sku,quantity_available,price\nS1,1,5.00\nS2,1,".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\nS3,2,6.00\n".getBytes(StandardCharsets.US_ASCII);
        byte[] feedBytes = new byte[head.length + 20_000_000 + tail.length];
        System.arraycopy(head, 0, feedBytes, 0, head.length);
        Arrays.fill(feedBytes, head.length, head.length + 20_000_000, (byte) ',');
        System.arraycopy(tail, 0, feedBytes, head.length + 20_000_000, tail.length);
        Path feed = Files.write(dir.resolve("commas.csv"), feedBytes);
        feedBytes = null;

        Outcome ok = run(config(1), feed, "out");
        assertThat(ok.exit()).as(ok.err()).isZero();
        JsonNode errors = errors("out");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).get("row_number").asInt()).isEqualTo(3);
        assertThat(errors.get(0).get("reason").asText()).isEqualTo("too many fields: exceeds 16384 fields");
        assertThat(errors.get(0).get("row_data").get("sku").asText()).isEqualTo("S2");
        assertThat(merged("out")).contains("S1,1,5.00").contains("S3,2,6.00");

        Outcome failed = run(config(0), feed, "out2");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).isEqualTo("FAILED validation_errors at MERGE_PRICE: validation errors\n");
    }

    @Test
    void aLineOverTheRecordLimitIsOneRowError() throws IOException {
        String big = "x".repeat(CsvRecordReader.MAX_FIELD_LENGTH - 1);
        String line = "S2,1," + String.join(",", big, big, big, big, big);
        Path feed = Files.writeString(dir.resolve("long.csv"),
                "sku,quantity_available,title\nS1,1,t\n" + line + "\nS3,2,t\n");
        Outcome ok = run(config(1), feed, "out");
        assertThat(ok.exit()).as(ok.err()).isZero();
        JsonNode errors = errors("out");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).get("row_number").asInt()).isEqualTo(3);
        assertThat(errors.get(0).get("reason").asText()).isEqualTo("row too long: exceeds 4194304 characters");
        // the cells before the limit are shown; the cut one as its first 100 chars
        JsonNode surplus = errors.get(0).get("row_data").get("null");
        assertThat(surplus).hasSize(4);
        assertThat(surplus.get(3).asText()).isEqualTo("x".repeat(100) + "...[truncated]");
    }
}
