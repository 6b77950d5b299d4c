package com.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay local-run} end to end on files (docs/CONTRACT.md#local-run-cli, docs/CONTRACT.md#end-to-end-worked-example, docs/CONTRACT.md#golden-file, docs/CONTRACT.md#run-lifecycle-scenarios, docs/CONTRACT.md#storage-and-cli-checks). */
class LocalRunCommandTest {

    static final String RUN = "00000000-0000-4000-8000-000000000001";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    record Outcome(int exit, String out, String err) {
        JsonNode json() throws IOException { return JSON.readTree(out); }
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalRunCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    String artifact(String relative) throws IOException {
        return Files.readString(dir.resolve("out").resolve(RUN).resolve("tenants").resolve(relative));
    }

    @Test
    void goldenFileFromTheRepositoryExample() throws IOException {
        Path golden = Path.of("examples/golden");
        Outcome o = run("--config", golden.resolve("tenant_config.yaml").toString(),
                "--vendor-file", "vendor_1=" + golden.resolve("vendor_1.csv"),
                "--vendor-file", "vendor_2=" + golden.resolve("vendor_2.csv"),
                "--output-dir", dir.resolve("out").toString(), "--now", "2020-01-01T00:00:00Z", "--run-id", RUN);
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.err()).isEmpty();
        assertThat(artifact("test_tenant/outputs/merged_inventory.csv"))
                .isEqualTo(Files.readString(golden.resolve("expected_merged_inventory.csv")))
                .isEqualTo("sku,quantity_available,price,vendor_id,updated_at\n"
                        + "SKU-001,5,25.74,vendor_1,2020-01-01T00:00:00Z\n"
                        + "SKU-002,3,29.99,vendor_2,2020-01-01T00:00:00Z\n");
        JsonNode line = o.json();
        assertThat(line.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(line.get("failed_stage").isNull()).isTrue();
        List<String> names = new ArrayList<>();
        line.get("artifacts").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("config_snapshot", "inbound_vendor_1", "inbound_vendor_2", "input_manifest",
                "normalized_vendor_1", "normalized_vendor_2", "explain_index", "merged_inventory", "feed_state", "delta", "diff",
                "run_summary");
        assertThat(line.get("artifacts").get("merged_inventory").asText())
                .endsWith(RUN + "/tenants/test_tenant/outputs/merged_inventory.csv");
        // the inbound copy is byte-identical
        assertThat(artifact("test_tenant/inbound/vendor_1/vendor_1.csv")).isEqualTo(Files.readString(golden.resolve("vendor_1.csv")));
        JsonNode snapshot = JSON.readTree(artifact("test_tenant/reports/config_snapshot.json"));
        assertThat(snapshot.get("config_version").asInt()).isEqualTo(1);
        assertThat(snapshot.get("tenant_config").get("pricing").get("base_margin_pct").asText()).isEqualTo("0.20");
    }

    /** docs/CONTRACT.md#end-to-end-worked-example with local files: selection aside, every artifact as the worked example says. */
    @Test
    void workedExample() throws IOException {
        Path config = write("acme.yaml", """
                tenant_id: acme
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: s3, s3_prefix: tenants/acme/inbound/v1/}
                    parser: {format: csv, column_map: {sku: SKU, quantity_available: QTY, cost: COST, map_price: MAP, title: TITLE}}
                    sku_map: {type: s3, s3_key: tenants/acme/maps/v1.csv}
                  - vendor_id: v2
                    inbound: {type: s3, s3_prefix: tenants/acme/inbound/v2/}
                    parser: {format: csv, encoding: latin-1, column_map: {sku: SKU, quantity_available: QTY, cost: COST, map_price: MAP, title: TITLE}}
                  - vendor_id: v3
                    required: false
                    inbound: {type: s3, s3_prefix: tenants/acme/inbound/v3/}
                    parser: {format: csv}
                pricing:
                  base_margin_pct: 0.20
                  min_price: 25
                  shipping_handling_flat: 9.99
                  map_policy: {}
                  rounding: {increment: 0.99}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available, price, vendor_id, updated_at, title, lead_time_days]}
                error_policy: {max_invalid_rows: 5, max_invalid_row_pct: 0.5}
                """);
        Path v1 = write("new.csv", "SKU,QTY,COST,MAP,TITLE\nVEND-1,5,10.00,25.00,\"ACME, \"\"Premium\"\"\"\nVEND-2,x,1,1,t\nSKU-002,0,1.00,,zero stock\n");
        Path v2 = write("feed.csv", "SKU,QTY,COST\nSKU-002,3,15.00\nSKUé,2,5\n".getBytes(StandardCharsets.ISO_8859_1));
        Path map = write("v1map.csv", "vendor_sku,sku\nVEND-1,SKU-001\n");
        Outcome o = run("--config", config.toString(), "--vendor-file", "v1=" + v1, "--vendor-file", "v2=" + v2,
                "--sku-map", "v1=" + map, "--output-dir", dir.resolve("out").toString(),
                "--now", "2026-11-22T08:46:06.046Z", "--run-id", RUN, "--config-version", "3");
        assertThat(o.exit()).as(o.err()).isZero();
        String t = "2026-11-22T08:46:06.046000Z";
        assertThat(artifact("acme/normalized/v1/normalized.csv")).isEqualTo(
                "sku,vendor_sku,vendor_id,quantity_available,lead_time_days,cost,map_price,price,msrp,condition,brand,title,updated_at\n"
                        + "SKU-001,,v1,5,,10.00,25.00,0.00,,,,\"ACME, \"\"Premium\"\"\"," + t + "\n"
                        + "SKU-002,,v1,0,,1.00,,0.00,,,,zero stock," + t + "\n");
        assertThat(artifact("acme/normalized/v2/normalized.csv")).endsWith(
                "SKU-002,,v2,3,,15.00,,0.00,,,,," + t + "\nSKUé,,v2,2,,5.00,,0.00,,,,," + t + "\n");
        assertThat(artifact("acme/outputs/merged_inventory.csv")).isEqualTo(
                "sku,quantity_available,price,vendor_id,updated_at,title,lead_time_days\n"
                        + "SKU-001,5,25.74,v1," + t + ",\"ACME, \"\"Premium\"\"\",7\n"
                        + "SKU-002,3,29.70,v2," + t + ",,7\n"
                        + "SKUé,2,25.74,v2," + t + ",,7\n");
        assertThat(JSON.readTree(artifact("acme/reports/errors.json"))).isEqualTo(JSON.readTree("""
                [{"error_code": "OPTIONAL_VENDOR_MISSING",
                  "error_message": "optional vendor inbound missing for v3 (expected prefix tenants/acme/inbound/v3/)",
                  "vendor_id": "v3", "expected_prefix": "tenants/acme/inbound/v3/"},
                 {"vendor_id": "v1", "row_number": 3, "reason": "invalid int: x",
                  "row_data": {"SKU": "VEND-2", "QTY": "x", "COST": "1", "MAP": "1", "TITLE": "t"}}]"""));
        JsonNode summary = JSON.readTree(artifact("acme/reports/run_summary.json"));
        assertThat(summary.get("config_version").asInt()).isEqualTo(3);
        assertThat(summary.get("vendor_count").asInt()).isEqualTo(3);
        assertThat(summary.get("record_count").asInt()).isEqualTo(3);
        assertThat(summary.get("vendor_record_counts")).isEqualTo(JSON.readTree("{\"v1\": 2, \"v2\": 2, \"v3\": 0}"));
        assertThat(summary.get("invalid_rows").asInt()).isEqualTo(1);
        assertThat(summary.get("total_rows").asInt()).isEqualTo(5);
        assertThat(summary.get("warnings")).isEqualTo(JSON.readTree("[\"optional_vendor_missing:v3\", \"invalid_rows_within_threshold\"]"));
        assertThat(summary.get("completed_at").asText()).isEqualTo("2026-11-22T08:46:06.046Z");
        assertThat(summary.get("stage_times").fieldNames()).toIterable()
                .containsExactly("ingest_seconds", "engine_seconds", "output_seconds");
        JsonNode manifest = JSON.readTree(artifact("acme/reports/input_manifest.json"));
        assertThat(manifest.get("vendors").fieldNames()).toIterable().containsExactly("v1", "v2", "v3");
        assertThat(manifest.at("/vendors/v1/sku_map/status").asText()).isEqualTo("found");
        assertThat(manifest.at("/vendors/v1/selection").asText()).isEqualTo("cli_argument");
        assertThat(manifest.at("/vendors/v1/size").asLong()).isEqualTo(Files.size(v1));
        assertThat(manifest.at("/vendors/v3/status").asText()).isEqualTo("missing");
        assertThat(o.json().get("artifacts").size()).isEqualTo(13);
    }

    private Path tenantA(String policy, boolean required) throws IOException {
        return write("tenant-a.yaml", """
                tenant_id: tenant-a
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: vendor-a
                    required: %s
                    inbound: {type: s3, s3_prefix: tenants/tenant-a/inbound/vendor-a/}
                    parser: {format: csv}
                pricing: {base_margin_pct: 0.1, min_price: 1, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available, price]}
                error_policy: %s
                """.formatted(required, policy));
    }

    @Test
    void aFeedFileOlderThanMaxAgeHoursIsStaleByItsModifiedTime() throws IOException {
        // docs/CONTRACT.md#stale-vendor-files: relay local-run takes the file's mtime
        Path feed = write("a.csv", "sku,quantity_available,price\nSKU1,10,5.00\n");
        Files.setLastModifiedTime(feed, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-01-01T00:00:00Z")));
        Path config = write("stale.yaml", Files.readString(tenantA("{}", true))
                .replace("    parser: {format: csv}\n", "    parser: {format: csv}\n    max_age_hours: 12\n    stale_policy: fail\n"));

        Outcome o = run("--config", config.toString(), "--vendor-file", "vendor-a=" + feed, "--output-dir",
                dir.resolve("out").toString(), "--now", "2026-01-02T00:00:00Z", "--run-id", RUN);

        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("FAILED VENDOR_FILE_STALE at FETCH_INPUTS: required vendor inbound stale: vendor-a "
                + "(file last modified 2026-01-01T00:00:00.000Z is 24.0 hours old, over max_age_hours 12)\n");
        Outcome fresh = run("--config", config.toString(), "--vendor-file", "vendor-a=" + feed, "--output-dir",
                dir.resolve("out").toString(), "--now", "2026-01-01T11:00:00Z", "--run-id", RUN);
        assertThat(fresh.exit()).as(fresh.err()).isZero();
        JsonNode summary = JSON.readTree(artifact("tenant-a/reports/run_summary.json"));
        assertThat(summary.get("warnings").toString()).isEqualTo("[]");
        assertThat(summary.get("vendor_headers").get("vendor-a").get("columns").toString())
                .isEqualTo("[\"sku\",\"quantity_available\",\"price\"]");
    }

    @Test
    void thresholdWithinLimitsSucceedsAndBeyondFailsInMergePrice() throws IOException {
        Path feed = write("a.csv", "sku,quantity_available,price\nSKU1,10,5.00\nSKU2,not-a-number,4.00\n");
        Outcome ok = run("--config", tenantA("{max_invalid_rows: 1, max_invalid_row_pct: 0.6}", true).toString(),
                "--vendor-file", "vendor-a=" + feed, "--output-dir", dir.resolve("out").toString(), "--run-id", RUN);
        assertThat(ok.exit()).isZero();
        assertThat(JSON.readTree(artifact("tenant-a/reports/errors.json"))).hasSize(1);

        Outcome failed = run("--config", tenantA("{max_invalid_rows: 0, max_invalid_row_pct: 0.1}", true).toString(),
                "--vendor-file", "vendor-a=" + feed, "--output-dir", dir.resolve("out2").toString(), "--run-id", RUN);
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).isEqualTo("FAILED validation_errors at MERGE_PRICE: validation errors\n");
        JsonNode line = failed.json();
        assertThat(line.get("status").asText()).isEqualTo("FAILED");
        assertThat(line.get("failed_stage").asText()).isEqualTo("MERGE_PRICE");
        JsonNode errors = JSON.readTree(Files.readString(dir.resolve("out2").resolve(RUN).resolve("tenants/tenant-a/reports/errors.json")));
        assertThat(errors.get(0)).isEqualTo(JSON.readTree("{\"error_code\": \"validation_errors\", \"error_message\": \"validation errors\"}"));
        assertThat(errors.get(1).get("vendor_id").asText()).isEqualTo("vendor-a");
        assertThat(line.get("artifacts").has("merged_inventory")).isFalse();
    }

    @Test
    void missingColumnsFailInNormalizeWithVendorId() throws IOException {
        Path feed = write("a.csv", "sku,price\nSKU1,5.00\n");
        Outcome o = run("--config", tenantA("{max_invalid_rows: 1, max_invalid_row_pct: 0.5}", true).toString(),
                "--vendor-file", "vendor-a=" + feed, "--output-dir", dir.resolve("out").toString(), "--run-id", RUN);
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("FAILED missing_required_columns at NORMALIZE: missing columns: quantity_available\n");
        assertThat(JSON.readTree(artifact("tenant-a/reports/errors.json"))).isEqualTo(JSON.readTree("""
                [{"error_code": "missing_required_columns", "error_message": "missing columns: quantity_available", "vendor_id": "vendor-a"}]"""));
    }

    @Test
    void requiredVendorMissingFailsInFetchInputsAfterWritingTheManifest() throws IOException {
        Outcome o = run("--config", tenantA("{}", true).toString(), "--output-dir", dir.resolve("out").toString(), "--run-id", RUN);
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("FAILED REQUIRED_VENDOR_MISSING at FETCH_INPUTS: required vendor inbound missing: "
                + "vendor-a (expected prefix tenants/tenant-a/inbound/vendor-a/)\n");
        List<String> names = new ArrayList<>();
        o.json().get("artifacts").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("config_snapshot", "input_manifest", "errors");
    }

    @Test
    void optionalVendorMissingSucceedsWithHeaderOnlyOutput() throws IOException {
        Outcome o = run("--config", tenantA("{}", false).toString(), "--output-dir", dir.resolve("out").toString(), "--run-id", RUN);
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(artifact("tenant-a/outputs/merged_inventory.csv")).isEqualTo("sku,quantity_available,price\n");
        assertThat(JSON.readTree(artifact("tenant-a/reports/errors.json")).get(0).get("error_code").asText())
                .isEqualTo("OPTIONAL_VENDOR_MISSING");
        JsonNode summary = JSON.readTree(artifact("tenant-a/reports/run_summary.json"));
        assertThat(summary.get("warnings")).isEqualTo(JSON.readTree("[\"optional_vendor_missing:vendor-a\"]"));
        assertThat(summary.get("total_rows").asInt()).isZero();
    }

    @Test
    void undecodableFeedFailsWithDecodeErrorAndOffset() throws IOException {
        byte[] bytes = "sku,quantity_available,price\nSKUé,1,1.00\n".getBytes(StandardCharsets.ISO_8859_1);
        Path feed = write("bad.csv", bytes);
        Outcome o = run("--config", tenantA("{}", true).toString(), "--vendor-file", "vendor-a=" + feed,
                "--output-dir", dir.resolve("out").toString(), "--run-id", RUN);
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("FAILED DECODE_ERROR at NORMALIZE: decode error for vendor vendor-a: "
                + "invalid UTF-8 byte sequence at byte offset 32\n");
        assertThat(JSON.readTree(artifact("tenant-a/reports/errors.json")).get(0).get("vendor_id").asText()).isEqualTo("vendor-a");
    }

    @Test
    void headerOnlyFeedFailsWithNoRowsParsed() throws IOException {
        Path feed = write("h.csv", "sku,quantity_available\n");
        Outcome o = run("--config", tenantA("{}", true).toString(), "--vendor-file", "vendor-a=" + feed,
                "--output-dir", dir.resolve("out").toString(), "--run-id", RUN);
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("FAILED no_rows_parsed at MERGE_PRICE: no rows parsed\n");
    }

    @Test
    void unsupportedSchemaVersionIsAConfigurationErrorAndWritesNothing() throws IOException {
        Path config = write("v2.yaml", """
                schema_version: 2
                vendors: []
                merge: {strategy: best_offer}
                output: {columns: [sku]}
                """);
        Outcome o = run("--config", config.toString(), "--output-dir", dir.resolve("out").toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err().lines().toList()).containsExactly("unsupported_schema_version",
                "schema_version: unsupported schema_version 2");
        assertThat(o.out()).isEmpty();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void validationProblemsAreListedOnePerLine() throws IOException {
        Path config = write("bad.yaml", """
                tenant_id: t1
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv, encoding: cp1252}
                pricing: {base_margin_pct: 0.1, min_price: 1, shipping_handling_flat: 0, map_policy: {}, rounding: {increment: -1}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku]}
                """);
        Outcome o = run("--config", config.toString(), "--output-dir", dir.resolve("out").toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err().lines().toList()).containsExactly("VALIDATION_ERROR",
                "vendors[0].parser.encoding: must be one of: utf-8, utf8, latin-1, iso-8859-1, iso8859-1, windows-1252, utf-16",
                "pricing.rounding.increment: must be >= 0");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void usageErrors() throws IOException {
        Path golden = Path.of("examples/golden/tenant_config.yaml");
        String out = dir.resolve("out").toString();
        assertThat(run().exit()).isEqualTo(2);
        assertThat(run("--config", golden.toString(), "--vendor-file", "vendor_1", "--output-dir", out).err())
                .isEqualTo("vendor file must be vendor_id=path\n");
        assertThat(run("--config", golden.toString(), "--vendor-file", "nobody=x.csv", "--output-dir", out).err())
                .isEqualTo("unknown vendor 'nobody'\n");
        assertThat(run("--config", golden.toString(), "--vendor-file", "vendor_1=a", "--vendor-file", "vendor_1=b",
                "--output-dir", out).err()).isEqualTo("duplicate vendor file for 'vendor_1'\n");
        assertThat(run("--config", golden.toString(), "--vendor-file", "vendor_1=/no/such/file.csv", "--output-dir", out).err())
                .isEqualTo("cannot read /no/such/file.csv\n");
        assertThat(run("--config", "/no/such/config.yaml", "--output-dir", out).err()).isEqualTo("cannot read /no/such/config.yaml\n");
        Outcome badRunId = run("--config", golden.toString(), "--output-dir", out, "--run-id", "NOT-A-UUID");
        assertThat(badRunId.exit()).isEqualTo(2);
        assertThat(badRunId.err()).startsWith("--run-id must be a lower-case UUID v4");
        assertThat(run("--config", golden.toString(), "--output-dir", out, "--now", "yesterday").exit()).isEqualTo(2);
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void configuredSkuMapThatDoesNotExistGivesOneEntryAndPassesRecordsUnmapped() throws IOException {
        Path config = write("m.yaml", """
                tenant_id: m
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                    sku_map: {type: file, local_path: no-such-map.csv}
                pricing: {base_margin_pct: 0, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available]}
                error_policy: {max_invalid_rows: 1, max_invalid_row_pct: 0.5}
                """);
        Path feed = write("f.csv", "sku,quantity_available\nA,1\n");
        Outcome o = run("--config", config.toString(), "--vendor-file", "v1=" + feed, "--output-dir",
                dir.resolve("out").toString(), "--run-id", RUN);
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(JSON.readTree(artifact("m/reports/errors.json"))).isEqualTo(JSON.readTree(
                "[{\"vendor_id\": \"v1\", \"row_number\": 0, \"reason\": \"missing sku map\", \"row_data\": {\"vendor\": \"v1\"}}]"));
        assertThat(artifact("m/outputs/merged_inventory.csv")).isEqualTo("sku,quantity_available\nA,1\n");
    }

    @Test
    void workFilesAreCleanedUp() throws IOException {
        Path golden = Path.of("examples/golden");
        Path spill = Files.createDirectories(dir.resolve("spill"));
        // the CLI reads ENGINE_SPILL_DIR from the environment; the default temp dir is checked instead
        long before = countRelayTemp();
        run("--config", golden.resolve("tenant_config.yaml").toString(), "--vendor-file", "vendor_1=" + golden.resolve("vendor_1.csv"),
                "--vendor-file", "vendor_2=" + golden.resolve("vendor_2.csv"), "--output-dir", dir.resolve("out").toString());
        assertThat(countRelayTemp()).isEqualTo(before);
        assertThat(spill).isEmptyDirectory();
    }

    private static long countRelayTemp() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("relay-local-run-")).count();
        }
    }
}
