package com.relay.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.HeaderDrift;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigParser;
import com.relay.tenants.config.ValidationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/CONTRACT.md#vendor-drift and docs/CONTRACT.md#stale-vendor-files through a whole engine run:
 * what run_summary.json, input_manifest.json and errors.json really hold.
 */
class VendorDriftAndStalenessTest {

    static final String RUN = "00000000-0000-4000-8000-000000000021";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
    static final String GOOD = "SKU,Qty,Cost\nA,1,2.00\n";

    @TempDir Path dir;

    /** Vendors v1 (required) and v2 (its {@code required} and staleness given), both csv reading SKU and Qty. */
    static TenantConfig config(String v2, String errorPolicy) {
        String yaml = """
                tenant_id: drift
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv, column_map: {sku: SKU, quantity_available: Qty, cost: Cost}}
                  - vendor_id: v2
                    inbound: {type: local}
                    parser: {format: csv, column_map: {sku: SKU, quantity_available: Qty, cost: Cost}}
                    %s
                pricing: {base_margin_pct: 0, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available, vendor_id]}
                error_policy: %s
                """.formatted(v2, errorPolicy);
        ValidationResult r = new TenantConfigParser().parse(yaml.getBytes(StandardCharsets.UTF_8),
                TenantConfigParser.Format.YAML, TenantConfigParser.Context.cli());
        assertThat(r).isInstanceOf(ValidationResult.Valid.class);
        return ((ValidationResult.Valid) r).config();
    }

    static TenantConfig config(String v2) {
        return config(v2, "{}");
    }

    /** A feed as relay local-run hands it over: its last_modified in the manifest (null: unknown). */
    VendorInput input(String vendorId, String feed, Instant lastModified) throws IOException {
        Path file = Files.writeString(dir.resolve(vendorId + ".csv"), feed);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("local_path", file.toString());
        manifest.put("last_modified", lastModified == null ? null : EngineRun.ts(lastModified));
        return new VendorInput(vendorId, () -> Files.newInputStream(file), vendorId + ".csv", Files.size(file), "text/csv",
                manifest, null, null, null, file);
    }

    /** Runs every stage as {@link EngineRun#execute} does, after handing over the previous headers; keeps the execution's views. */
    record Outcome(RunResult result, Map<String, List<String>> headers, Map<String, HeaderDrift> drift) { }

    Outcome run(TenantConfig config, Map<String, List<String>> previous, VendorInput... inputs) throws IOException {
        EngineRun engine = new EngineRun(EngineRun.reportMapper(), new LocalArtifactSink(dir.resolve("out")), new StageListener() { });
        EngineRun.Request req = new EngineRun.Request(config, RUN, 1, NOW, List.of(inputs), dir.resolve("work"), 16L << 20, 2);
        try (EngineRun.Execution run = engine.begin(req)) {
            run.previousHeaders(previous);
            Optional<RunResult> failed = run.fetchInputs();
            if (failed.isEmpty()) failed = run.normalize();
            if (failed.isEmpty()) failed = run.mergePrice();
            RunResult result = failed.isPresent() ? failed.get() : run.writeOutputs();
            return new Outcome(result, run.vendorHeaders(), run.vendorDrift());
        }
    }

    JsonNode report(String name) throws IOException {
        return JSON.readTree(dir.resolve("out").resolve(RUN).resolve("tenants/drift/reports/" + name).toFile());
    }

    // ---- drift ----

    @Test
    void runSummaryListsEveryVendorsHeaderAndTheDriftOfThoseWithAPreviousOne() throws IOException {
        Outcome o = run(config("required: true"), Map.of("v1", List.of("SKU", "Qty", "Cost", "Brand")),
                input("v1", "SKU,Qty,Cost, Warehouse \nA,1,2.00,W\n", NOW), input("v2", GOOD, NOW));

        assertThat(o.result().succeeded()).isTrue();
        JsonNode summary = report("run_summary.json");
        assertThat(summary.get("vendor_headers").get("v1").get("columns").toString()).isEqualTo("[\"SKU\",\"Qty\",\"Cost\",\"Warehouse\"]");
        assertThat(summary.get("vendor_headers").get("v1").get("column_count").asInt()).isEqualTo(4);
        assertThat(summary.get("vendor_headers").get("v1").get("fingerprint").asText()).hasSize(16);
        assertThat(summary.get("vendor_headers").get("v2").get("columns").toString()).isEqualTo("[\"SKU\",\"Qty\",\"Cost\"]");
        // v2 had no previous header: nothing reported for it
        assertThat(summary.get("vendor_drift").toString()).isEqualTo("{\"v1\":{\"changed\":true,\"added\":[\"Warehouse\"],"
                + "\"missing\":[\"Brand\"],\"renamed\":[],\"order_changed\":false}}");
        assertThat(o.headers()).containsOnlyKeys("v1", "v2");
        assertThat(o.headers().get("v1")).containsExactly("SKU", "Qty", "Cost", "Warehouse");
        assertThat(o.drift().get("v1").toJson()).isEqualTo(JSON.convertValue(summary.get("vendor_drift").get("v1"), Map.class));
    }

    @Test
    void theSameHeaderAsLastTimeIsNoDriftAndTheSameFingerprint() throws IOException {
        Outcome first = run(config("required: true"), Map.of(), input("v1", GOOD, NOW), input("v2", GOOD, NOW));
        String fingerprint = report("run_summary.json").get("vendor_headers").get("v1").get("fingerprint").asText();

        run(config("required: true"), first.headers(), input("v1", GOOD, NOW), input("v2", GOOD, NOW));

        JsonNode summary = report("run_summary.json");
        assertThat(summary.get("vendor_headers").get("v1").get("fingerprint").asText()).isEqualTo(fingerprint);
        assertThat(summary.get("vendor_drift").get("v1").get("changed").asBoolean()).isFalse();
        assertThat(summary.get("vendor_drift").get("v2").get("changed").asBoolean()).isFalse();
    }

    @Test
    void aRenamedRequiredColumnFailsNamingTheNewColumn() throws IOException {
        Outcome o = run(config("required: true"), Map.of("v2", List.of("SKU", "Qty", "Cost")),
                input("v1", GOOD, NOW), input("v2", "SKU,Available Quantity,Cost\nA,1,2.00\n", NOW));

        assertThat(o.result().errorCode()).isEqualTo("missing_required_columns");
        assertThat(o.result().errorMessage())
                .isEqualTo("missing columns: Qty. `Qty` is missing; the file has a new column `Available Quantity`");
        assertThat(report("errors.json").get(0).get("error_message").asText()).isEqualTo(o.result().errorMessage());
    }

    // ---- staleness ----

    @Test
    void aStaleFileUnderWarnIsReadAndWarned() throws IOException {
        Outcome o = run(config("max_age_hours: 24"), Map.of(),
                input("v1", GOOD, NOW.minusSeconds(3600)), input("v2", GOOD, NOW.minusSeconds(30 * 3600 + 360)));

        assertThat(o.result().succeeded()).isTrue();
        JsonNode summary = report("run_summary.json");
        assertThat(summary.get("warnings").toString()).isEqualTo("[\"VENDOR_FILE_STALE:v2:age_hours=30.1:max_age_hours=24\"]");
        assertThat(summary.get("vendor_record_counts").get("v2").asInt()).isEqualTo(1);
        JsonNode v2 = report("input_manifest.json").get("vendors").get("v2");
        assertThat(v2.get("status").asText()).isEqualTo("found");
        assertThat(v2.get("stale").toString()).isEqualTo("{\"age_hours\":30.1,\"max_age_hours\":24,\"stale_policy\":\"warn\"}");
    }

    @Test
    void aFileExactlyAtItsLimitOrNewerIsNotStale() throws IOException {
        Outcome o = run(config("max_age_hours: 1.5"), Map.of(),
                input("v1", GOOD, NOW.minusSeconds(999_999)), input("v2", GOOD, NOW.minusSeconds(5400)));

        assertThat(o.result().succeeded()).isTrue();
        assertThat(report("run_summary.json").get("warnings").toString()).isEqualTo("[]");
        assertThat(report("input_manifest.json").get("vendors").get("v2").has("stale")).isFalse();
    }

    @Test
    void aStaleOptionalVendorUnderFailIsSkippedWithAWarning() throws IOException {
        Outcome o = run(config("required: false\n    max_age_hours: 24\n    stale_policy: fail"), Map.of(),
                input("v1", GOOD, NOW), input("v2", "SKU,Qty,Cost\nB,5,1.00\n", Instant.parse("2026-12-05T06:00:00Z")));

        assertThat(o.result().succeeded()).isTrue();
        JsonNode summary = report("run_summary.json");
        assertThat(summary.get("warnings").toString()).isEqualTo(
                "[\"VENDOR_FILE_STALE:v2:age_hours=48.0:max_age_hours=24\",\"optional_vendor_missing:v2\"]");
        assertThat(summary.get("vendor_record_counts").toString()).isEqualTo("{\"v1\":1,\"v2\":0}");
        assertThat(summary.get("vendor_headers").has("v2")).isFalse();
        JsonNode entry = report("errors.json").get(0);
        assertThat(entry.toString()).isEqualTo("{\"error_code\":\"VENDOR_FILE_STALE\",\"error_message\":\"optional vendor v2 "
                + "skipped: file last modified 2026-12-05T06:00:00.000Z is 48.0 hours old, over max_age_hours 24\","
                + "\"vendor_id\":\"v2\",\"expected_prefix\":\"\"}");
        JsonNode v2 = report("input_manifest.json").get("vendors").get("v2");
        assertThat(v2.get("status").asText()).isEqualTo("missing");
        assertThat(v2.get("reason").asText()).isEqualTo("VENDOR_FILE_STALE");
        assertThat(v2.get("last_modified").asText()).isEqualTo("2026-12-05T06:00:00.000Z");
        assertThat(v2.get("stale").get("stale_policy").asText()).isEqualTo("fail");
        assertThat(Files.readString(dir.resolve("out").resolve(RUN).resolve("tenants/drift/outputs/merged_inventory.csv")))
                .doesNotContain("B,");
    }

    @Test
    void aStaleRequiredVendorUnderFailFailsTheRunWithItsCode() throws IOException {
        Outcome o = run(config("max_age_hours: 24\n    stale_policy: fail"), Map.of(),
                input("v1", GOOD, NOW), input("v2", GOOD, Instant.parse("2026-12-05T06:00:00Z")));

        assertThat(o.result().succeeded()).isFalse();
        assertThat(o.result().errorCode()).isEqualTo("VENDOR_FILE_STALE");
        assertThat(o.result().failedStage()).isEqualTo("FETCH_INPUTS");
        assertThat(o.result().errorMessage()).isEqualTo("required vendor inbound stale: v2 (file last modified "
                + "2026-12-05T06:00:00.000Z is 48.0 hours old, over max_age_hours 24)");
        assertThat(report("errors.json").get(0).get("error_code").asText()).isEqualTo("VENDOR_FILE_STALE");
    }

    @Test
    void aStaleRequiredVendorBesideAMissingOneFailsAsMissingNamingBoth() throws IOException {
        TenantConfig config = config("max_age_hours: 24\n    stale_policy: fail");
        Outcome o = run(config, Map.of(), VendorInput.missing("v1", "no_vendor_file"),
                input("v2", GOOD, Instant.parse("2026-12-05T06:00:00Z")));

        assertThat(o.result().errorCode()).isEqualTo("REQUIRED_VENDOR_MISSING");
        assertThat(o.result().errorMessage()).isEqualTo("required vendor inbound missing: v1 (expected prefix ), "
                + "v2 (file last modified 2026-12-05T06:00:00.000Z is 48.0 hours old, over max_age_hours 24)");
    }

    @Test
    void aStaleRequiredVendorUnderWarnOnlyIsSkippedWithAWarning() throws IOException {
        Outcome o = run(config("max_age_hours: 24\n    stale_policy: fail", "{missing_required_vendor_policy: warn_only}"),
                Map.of(), input("v1", GOOD, NOW), input("v2", GOOD, Instant.parse("2026-12-05T06:00:00Z")));

        assertThat(o.result().succeeded()).isTrue();
        assertThat(report("run_summary.json").get("warnings").toString()).isEqualTo(
                "[\"VENDOR_FILE_STALE:v2:age_hours=48.0:max_age_hours=24\",\"required_vendor_missing:v2\"]");
        assertThat(report("errors.json").get(0).get("error_code").asText()).isEqualTo("VENDOR_FILE_STALE");
    }

    @Test
    void aSourceWithoutAModifiedTimeCannotBeCheckedAndSaysSo() throws IOException {
        Outcome o = run(config("max_age_hours: 24\n    stale_policy: fail"), Map.of(),
                input("v1", GOOD, NOW), input("v2", GOOD, null));

        assertThat(o.result().succeeded()).isTrue();
        assertThat(report("run_summary.json").get("warnings").toString()).isEqualTo("[\"VENDOR_FILE_AGE_UNKNOWN:v2\"]");
        assertThat(report("run_summary.json").get("vendor_record_counts").get("v2").asInt()).isEqualTo(1);
    }

    @Test
    void previousHeadersOfAnySizeAreBounded() throws IOException {
        List<String> huge = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) huge.add("c" + i);
        Outcome o = run(config("required: true"), Map.of("v1", huge), input("v1", GOOD, NOW), input("v2", GOOD, NOW));

        assertThat(o.drift().get("v1").missing()).hasSize(200); // the first 200 previous names, less those still there
    }
}
