package com.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.LocalArtifactSink;
import com.relay.engine.run.RunResult;
import com.relay.engine.run.StageListener;
import com.relay.engine.run.VendorInput;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/CONTRACT.md#publishing-diff-delta-and-guard through whole engine runs on local files: what
 * feed_state.csv, delta.csv, diff.json and run_summary.json really contain, run after run.
 */
class SafePublishingRunTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant DAY0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir Path dir;
    int runs;

    static TenantConfig config(String publish) {
        String yaml = """
                tenant_id: pub
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                  - vendor_id: v2
                    required: false
                    inbound: {type: local}
                    parser: {format: csv}
                pricing: {base_margin_pct: %s, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {sort_by: [lowest_cost], landed_cost: {}}}
                output: {columns: [sku, vendor_id, quantity_available, cost, price, lead_time_days, updated_at]}
                %s
                """.formatted("0", publish);
        return parse(yaml);
    }

    static TenantConfig parse(String yaml) {
        ValidationResult r = new TenantConfigParser().parse(yaml.getBytes(StandardCharsets.UTF_8),
                TenantConfigParser.Format.YAML, TenantConfigParser.Context.cli());
        assertThat(r).as(r.toString()).isInstanceOf(ValidationResult.Valid.class);
        return ((ValidationResult.Valid) r).config();
    }

    /** One run's outputs. */
    record Run(RunResult result, Path folder) {
        String text(String relative) throws IOException {
            return Files.readString(folder.resolve(relative));
        }

        JsonNode json(String relative) throws IOException {
            return JSON.readTree(folder.resolve(relative).toFile());
        }

        Path feedState() {
            return folder.resolve("outputs/feed_state.csv");
        }

        PublishBaseline asBaseline() throws IOException {
            Map<String, Long> rows = new LinkedHashMap<>();
            json("reports/run_summary.json").at("/publish/vendor_rows").fields()
                    .forEachRemaining(e -> rows.put(e.getKey(), e.getValue().asLong()));
            return new PublishBaseline(result.artifacts().get("feed_state").split("/")[0], feedState(), rows);
        }
    }

    Run run(TenantConfig config, Instant now, PublishBaseline baseline, boolean dryRun, String v1, String v2)
            throws IOException {
        String runId = String.format("00000000-0000-4000-8000-%012d", ++runs);
        List<VendorInput> inputs = new ArrayList<>();
        inputs.add(input("v1", v1));
        inputs.add(v2 == null ? VendorInput.missing("v2", "no_vendor_file") : input("v2", v2));
        EngineRun.Request req = new EngineRun.Request(config, runId, 1, now, inputs, dir.resolve("work" + runs), 8L << 20, 2);
        Path out = dir.resolve("out");
        RunResult result = new EngineRun(EngineRun.reportMapper(), new LocalArtifactSink(out), new StageListener() { })
                .execute(req, baseline, dryRun);
        return new Run(result, out.resolve(runId + "/tenants/pub"));
    }

    VendorInput input(String vendor, String csv) throws IOException {
        Path feed = Files.writeString(dir.resolve(vendor + "-" + runs + ".csv"), csv);
        return new VendorInput(vendor, () -> Files.newInputStream(feed), feed.getFileName().toString(), Files.size(feed),
                "text/csv", Map.of("local_path", feed.toString()), null, null, null, feed);
    }

    static String feed(int from, int to, int quantity, String cost) {
        StringBuilder sb = new StringBuilder("sku,quantity_available,cost,lead_time_days\n");
        for (int i = from; i < to; i++) sb.append(String.format("S%03d,%d,%s,2%n", i, quantity, cost));
        return sb.toString();
    }

    @Test
    void first_run_publishes_as_the_first_publication_and_writes_every_publish_artifact() throws IOException {
        Run first = run(config(""), DAY0, null, false, "sku,quantity_available,cost\nB,0,2.5\nA,3,1.005\n", null);

        assertThat(first.result().succeeded()).isTrue();
        Publication p = first.result().publication();
        assertThat(p.decision()).isEqualTo(Publication.PUBLISH);
        assertThat(p.firstPublication()).isTrue();
        assertThat(p.checks()).isEmpty();
        assertThat(p.skuCount()).isEqualTo(2);
        assertThat(p.totalQuantity()).isEqualTo(3);
        assertThat(p.inStockCount()).isEqualTo(1);
        assertThat(first.result().artifacts()).containsKeys("feed_state", "delta", "diff");
        assertThat(first.text("outputs/feed_state.csv")).isEqualTo(
                "sku,vendor_sku,vendor_id,quantity_available,lead_time_days,cost,map_price,price,msrp,condition,brand,title,updated_at,missing_since\n"
                        + "A,,v1,3,7,1.01,,1.01,,,,,2026-01-01T00:00:00Z,\n"
                        + "B,,v1,0,7,2.50,,2.50,,,,,2026-01-01T00:00:00Z,\n");
        assertThat(first.text("outputs/delta.csv")).isEqualTo("sku,field,before,after,reason\nA,,,,added\nB,,,,added\n");
        JsonNode diff = first.json("reports/diff.json");
        assertThat(diff.get("baseline").isNull()).isTrue();
        assertThat(diff.get("first_publication").asBoolean()).isTrue();
        assertThat(diff.get("decision").asText()).isEqualTo("PUBLISH");
        assertThat(diff.at("/counts/added").asLong()).isEqualTo(2);
        assertThat(diff.at("/feed/sku_count").asLong()).isEqualTo(2);
        assertThat(diff.get("pricing_steps")).isEqualTo(JSON.readTree("{\"min_price\": 0, \"rounding\": 1, \"ending\": 0, \"map\": 0}"));
        assertThat(diff.get("vendor_rows")).isEqualTo(JSON.readTree("{\"v1\": {\"now\": 2, \"then\": null}, \"v2\": {\"now\": 0, \"then\": null}}"));
        JsonNode summary = first.json("reports/run_summary.json").get("publish");
        assertThat(summary.get("decision").asText()).isEqualTo("PUBLISH");
        assertThat(summary.get("first_publication").asBoolean()).isTrue();
        assertThat(summary.get("sku_count").asLong()).isEqualTo(2);
        assertThat(summary.get("vendor_rows")).isEqualTo(JSON.readTree("{\"v1\": 2, \"v2\": 0}"));
    }

    @Test
    void a_run_that_lost_80_percent_of_its_skus_is_held_with_the_reason_and_the_diff() throws IOException {
        TenantConfig config = config("publish: {guard: {max_sku_drop_pct: 0.20, max_vendor_row_drop_pct: 0.5}}");
        Run first = run(config, DAY0, null, false, feed(0, 10, 5, "1.00"), null);
        Run second = run(config, DAY0.plusSeconds(3600), first.asBaseline(), false, feed(0, 2, 5, "1.00"), null);

        Publication p = second.result().publication();
        assertThat(p.decision()).isEqualTo(Publication.HELD);
        assertThat(p.firstPublication()).isFalse();
        assertThat(p.reasons()).containsExactly(
                "SKU count fell 80.0 % (10 → 2), above max_sku_drop_pct 20.0 %",
                "vendor v1 rows fell 80.0 % (10 → 2), above max_vendor_row_drop_pct 50.0 %");
        JsonNode diff = second.json("reports/diff.json");
        assertThat(diff.at("/baseline/run_id").asText()).isEqualTo("00000000-0000-4000-8000-000000000001");
        assertThat(diff.at("/baseline/sku_count").asLong()).isEqualTo(10);
        assertThat(diff.at("/counts/removed").asLong()).isEqualTo(8);
        assertThat(diff.at("/samples/removed")).hasSize(8);
        assertThat(diff.at("/samples/removed/0").asText()).isEqualTo("S002");
        assertThat(diff.get("guard")).isEqualTo(JSON.readTree("""
                [{"check": "max_sku_drop_pct", "threshold": "0.20", "value": "0.8000", "breached": true,
                  "reason": "SKU count fell 80.0 % (10 → 2), above max_sku_drop_pct 20.0 %"},
                 {"check": "max_vendor_row_drop_pct", "vendor_id": "v1", "threshold": "0.5", "value": "0.8000", "breached": true,
                  "reason": "vendor v1 rows fell 80.0 % (10 → 2), above max_vendor_row_drop_pct 50.0 %"}]"""));
        assertThat(diff.get("decision").asText()).isEqualTo("HELD");
        assertThat(diff.at("/vendor_rows/v1")).isEqualTo(JSON.readTree("{\"now\": 2, \"then\": 10}"));
        assertThat(second.json("reports/run_summary.json").at("/publish/decision").asText()).isEqualTo("HELD");
        assertThat(second.text("outputs/delta.csv").lines().filter(l -> l.endsWith(",removed")).count()).isEqualTo(8);
    }

    @Test
    void a_dry_run_is_dry_run_whatever_the_guard_says_and_still_reports_the_checks() throws IOException {
        TenantConfig config = config("publish: {guard: {max_sku_drop_pct: 0.20}}");
        Run first = run(config, DAY0, null, false, feed(0, 10, 5, "1.00"), null);

        Run dry = run(config, DAY0, first.asBaseline(), true, feed(0, 2, 5, "1.00"), null);
        assertThat(dry.result().publication().decision()).isEqualTo(Publication.DRY_RUN);
        assertThat(dry.result().publication().reasons()).hasSize(1);
        assertThat(dry.json("reports/diff.json").get("decision").asText()).isEqualTo("DRY_RUN");

        Run firstDry = run(config, DAY0, null, true, feed(0, 2, 5, "1.00"), null);
        assertThat(firstDry.result().publication().decision()).isEqualTo(Publication.DRY_RUN);
        assertThat(firstDry.result().publication().firstPublication()).isTrue();
    }

    @Test
    void within_every_threshold_the_run_publishes() throws IOException {
        TenantConfig config = config("publish: {guard: {max_sku_drop_pct: 0.20, max_zeroed_pct: 0.30,"
                + " max_median_price_change_pct: 0.25, max_vendor_row_drop_pct: 0.2}}");
        Run first = run(config, DAY0, null, false, feed(0, 10, 5, "1.00"), null);
        // 2 of 10 SKUs gone (exactly 20 %), prices +25 % exactly: at the thresholds, not above
        Run second = run(config, DAY0, first.asBaseline(), false, feed(0, 8, 5, "1.25"), null);

        Publication p = second.result().publication();
        assertThat(p.reasons()).isEmpty();
        assertThat(p.decision()).isEqualTo(Publication.PUBLISH);
        assertThat(p.checks()).extracting(GuardCheck::check).containsExactly("max_sku_drop_pct", "max_zeroed_pct",
                "max_median_price_change_pct", "max_vendor_row_drop_pct");
        JsonNode diff = second.json("reports/diff.json");
        assertThat(diff.at("/median_price_change_pct/value").asText()).isEqualTo("0.2500");
        assertThat(diff.at("/median_price_change_pct/skus_compared").asLong()).isEqualTo(8);
        assertThat(diff.at("/largest_price_moves/0")).isEqualTo(JSON.readTree(
                "{\"sku\": \"S000\", \"before\": \"1.00\", \"after\": \"1.25\", \"change_pct\": \"0.2500\"}"));
        assertThat(diff.at("/counts/price_changed").asLong()).isEqualTo(8);
    }

    @Test
    void delta_rows_name_the_field_and_the_reason_of_each_change() throws IOException {
        TenantConfig config = config("");
        Run first = run(config, DAY0, null, false, """
                sku,quantity_available,cost,lead_time_days
                Q,5,1.00,2
                C,5,1.00,2
                V,5,5.00,2
                L,5,1.00,2
                U,5,1.00,2
                """, "sku,quantity_available,cost,lead_time_days\nV,1,6.00,2\n");
        Run second = run(config, DAY0, first.asBaseline(), false, """
                sku,quantity_available,cost,lead_time_days
                Q,0,1.00,2
                C,5,2.00,2
                V,5,9.00,2
                L,5,1.00,4
                U,5,1.00,2
                N,1,1.00,2
                """, "sku,quantity_available,cost,lead_time_days\nV,1,6.00,2\n");

        assertThat(second.text("outputs/delta.csv")).isEqualTo("""
                sku,field,before,after,reason
                C,cost,1.00,2.00,cost_changed
                C,price,1.00,2.00,cost_changed
                L,lead_time_days,2,4,lead_time_days_changed
                N,,,,added
                Q,quantity_available,5,0,quantity_changed
                V,vendor_id,v1,v2,vendor_changed
                V,quantity_available,5,1,vendor_changed
                V,cost,5.00,6.00,vendor_changed
                V,price,5.00,6.00,vendor_changed
                """);
        JsonNode diff = second.json("reports/diff.json");
        assertThat(diff.get("counts")).isEqualTo(JSON.readTree("""
                {"added": 1, "removed": 0, "changed": 4, "unchanged": 1, "zeroed": 1, "carried": 0, "zeroed_missing": 0,
                 "quantity_changed": 2, "price_changed": 2, "delta_rows": 9}"""));
        assertThat(diff.at("/samples/zeroed")).isEqualTo(JSON.readTree("[\"Q\"]"));
        assertThat(diff.at("/largest_quantity_moves/0")).isEqualTo(JSON.readTree(
                "{\"sku\": \"Q\", \"before\": \"5\", \"after\": \"0\", \"change\": \"-5\"}"));
    }

    @Test
    void a_pricing_change_alone_is_pricing_changed() throws IOException {
        Run first = run(config(""), DAY0, null, false, feed(0, 1, 5, "10.00"), null);
        TenantConfig dearer = parse("""
                tenant_id: pub
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                pricing: {base_margin_pct: 0.10, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, price]}
                """);
        String csv = feed(0, 1, 5, "10.00");
        Path feed = Files.writeString(dir.resolve("dear.csv"), csv);
        VendorInput in = new VendorInput("v1", () -> Files.newInputStream(feed), "dear.csv", Files.size(feed), "text/csv",
                Map.of(), null, null, null, feed);
        Path out = dir.resolve("dear-out");
        RunResult r = new EngineRun(EngineRun.reportMapper(), new LocalArtifactSink(out), new StageListener() { })
                .execute(new EngineRun.Request(dearer, "00000000-0000-4000-8000-000000000999", 1, DAY0, List.of(in),
                        dir.resolve("dear-work"), 8L << 20, 1), first.asBaseline(), false);
        assertThat(r.succeeded()).isTrue();
        assertThat(Files.readString(out.resolve("00000000-0000-4000-8000-000000000999/tenants/pub/outputs/delta.csv")))
                .isEqualTo("sku,field,before,after,reason\nS000,price,10.00,11.00,pricing_changed\n");
    }

    @Test
    void zero_policy_carries_a_missing_sku_at_quantity_0_for_zero_days_then_drops_it() throws IOException {
        TenantConfig config = config("publish: {missing_sku_policy: zero, zero_days: 7}");
        Run day0 = run(config, DAY0, null, false, feed(0, 3, 5, "1.00"), null);
        // day 1: S002 is missing → carried since day 1
        Run day1 = run(config, DAY0.plusSeconds(86_400), day0.asBaseline(), false, feed(0, 2, 5, "1.00"), null);
        assertThat(day1.text("outputs/merged_inventory.csv")).endsWith("S002,v1,0,1.00,1.00,2,2026-01-01T00:00:00Z\n");
        assertThat(day1.text("outputs/feed_state.csv")).contains(
                "S001,,v1,5,2,1.00,,1.00,,,,,2026-01-02T00:00:00Z,\n",
                "S002,,v1,0,2,1.00,,1.00,,,,,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z\n");
        assertThat(day1.text("outputs/delta.csv")).isEqualTo(
                "sku,field,before,after,reason\nS002,quantity_available,5,0,zeroed_missing\n");
        assertThat(day1.result().publication().skuCount()).isEqualTo(3);
        assertThat(day1.result().recordCount()).isEqualTo(3);
        assertThat(day1.json("reports/diff.json").get("counts")).isEqualTo(JSON.readTree("""
                {"added": 0, "removed": 0, "changed": 0, "unchanged": 2, "zeroed": 1, "carried": 1, "zeroed_missing": 1,
                 "quantity_changed": 0, "price_changed": 0, "delta_rows": 1}"""));

        // day 5: S001 missing too; S002 keeps its first missing day and gets no new delta row
        Run day5 = run(config, DAY0.plusSeconds(5 * 86_400), day1.asBaseline(), false, feed(0, 1, 5, "1.00"), null);
        assertThat(day5.text("outputs/feed_state.csv").lines().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)).toList())
                .containsExactly("", "2026-01-06T00:00:00Z", "2026-01-02T00:00:00Z");
        assertThat(day5.text("outputs/delta.csv")).isEqualTo(
                "sku,field,before,after,reason\nS001,quantity_available,5,0,zeroed_missing\n");

        // day 8: S002 has been missing 7 days (>= zero_days) → removed; S001 still carried
        Run day8 = run(config, DAY0.plusSeconds(8 * 86_400), day5.asBaseline(), false, feed(0, 1, 5, "1.00"), null);
        assertThat(day8.text("outputs/merged_inventory.csv").lines().map(l -> l.split(",")[0]).toList())
                .containsExactly("sku", "S000", "S001");
        assertThat(day8.text("outputs/delta.csv")).isEqualTo("sku,field,before,after,reason\nS002,,,,removed\n");

        // day 9: S001 comes back → an ordinary change, no longer carried
        Run day9 = run(config, DAY0.plusSeconds(9 * 86_400), day8.asBaseline(), false, feed(0, 2, 4, "1.00"), null);
        assertThat(day9.text("outputs/feed_state.csv")).contains("S001,,v1,4,2,1.00,,1.00,,,,,2026-01-10T00:00:00Z,\n");
        assertThat(day9.text("outputs/delta.csv")).isEqualTo("""
                sku,field,before,after,reason
                S000,quantity_available,5,4,quantity_changed
                S001,quantity_available,0,4,quantity_changed
                """);
    }

    @Test
    void under_drop_a_missing_sku_is_removed_at_once() throws IOException {
        Run first = run(config(""), DAY0, null, false, feed(0, 2, 5, "1.00"), null);
        Run second = run(config(""), DAY0, first.asBaseline(), false, feed(1, 2, 5, "1.00"), null);

        assertThat(second.text("outputs/merged_inventory.csv").lines().count()).isEqualTo(2);
        assertThat(second.text("outputs/delta.csv")).isEqualTo("sku,field,before,after,reason\nS000,,,,removed\n");
    }

    @Test
    void a_merchant_feed_without_some_columns_compares_only_the_columns_it_has() throws IOException {
        Path published = Files.writeString(dir.resolve("published.csv"), """
                sku,quantity_available,price
                S000,5,1.00
                S001,9,1.00
                S002,5,
                """);
        Run run = run(config("publish: {guard: {max_zeroed_pct: 0.3}}"), DAY0,
                new PublishBaseline(null, published, Map.of()), false, feed(0, 3, 5, "1.00"), null);

        assertThat(run.result().succeeded()).isTrue();
        assertThat(run.text("outputs/delta.csv")).isEqualTo(
                "sku,field,before,after,reason\nS001,quantity_available,9,5,quantity_changed\nS002,price,,1.00,pricing_changed\n");
        JsonNode diff = run.json("reports/diff.json");
        assertThat(diff.at("/baseline/run_id").isNull()).isTrue();
        assertThat(diff.at("/baseline/in_stock_count").asLong()).isEqualTo(3);
        assertThat(diff.at("/median_price_change_pct/skus_compared").asLong()).isEqualTo(2);
        assertThat(run.result().publication().decision()).isEqualTo(Publication.PUBLISH);
    }

    @Test
    void a_published_feed_out_of_order_fails_the_run_with_a_clear_message() throws IOException {
        Path published = Files.writeString(dir.resolve("published.csv"), "sku,quantity_available\nS001,5\nS000,5\n");
        Run run = run(config(""), DAY0, new PublishBaseline("r0", published, Map.of()), false, feed(0, 3, 5, "1.00"), null);

        assertThat(run.result().succeeded()).isFalse();
        assertThat(run.result().errorCode()).isEqualTo("PUBLISHED_FEED_INVALID");
        assertThat(run.result().failedStage()).isEqualTo("MERGE_PRICE");
        assertThat(run.result().errorMessage()).isEqualTo(
                "published feed: row 3: sku 'S000' comes after 'S001'; rows must be in sku order (by code point), one per sku");
        assertThat(run.result().artifacts()).doesNotContainKeys("merged_inventory", "feed_state", "delta", "diff");
    }

    @Test
    void a_published_feed_with_a_duplicate_or_without_sku_fails_the_run() throws IOException {
        Path twice = Files.writeString(dir.resolve("twice.csv"), "sku,quantity_available\nS000,5\nS000,5\n");
        Run dup = run(config(""), DAY0, new PublishBaseline("r0", twice, Map.of()), false, feed(0, 3, 5, "1.00"), null);
        assertThat(dup.result().errorMessage()).isEqualTo(
                "published feed: row 3: sku 'S000' appears twice; rows must be in sku order (by code point), one per sku");

        Path noSku = Files.writeString(dir.resolve("nosku.csv"), "SKU_ID,quantity_available\nS000,5\n");
        Run none = run(config(""), DAY0, new PublishBaseline("r0", noSku, Map.of()), false, feed(0, 3, 5, "1.00"), null);
        assertThat(none.result().errorCode()).isEqualTo("PUBLISHED_FEED_INVALID");
        assertThat(none.result().errorMessage()).isEqualTo("published feed: the header has no sku column"
                + " (a feed_state.csv or merged_inventory.csv with at least sku is needed)");

        Path badQty = Files.writeString(dir.resolve("badqty.csv"), "sku,quantity_available\nS000,lots\n");
        Run bad = run(config(""), DAY0, new PublishBaseline("r0", badQty, Map.of()), false, feed(0, 3, 5, "1.00"), null);
        assertThat(bad.result().errorMessage()).isEqualTo("published feed: row 2: quantity_available 'lots' is not an integer");
    }
}
