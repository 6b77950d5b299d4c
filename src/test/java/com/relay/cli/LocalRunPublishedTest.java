package com.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay local-run --published FILE} (docs/CONTRACT.md#publishing-diff-delta-and-guard): the diff against a feed the merchant has, offline. */
class LocalRunPublishedTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FIRST = "00000000-0000-4000-8000-000000000001";
    static final String SECOND = "00000000-0000-4000-8000-000000000002";

    @TempDir Path dir;

    Path config() throws IOException {
        return Files.writeString(dir.resolve("shop.yaml"), """
                tenant_id: shop
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                pricing: {base_margin_pct: 0, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available, price]}
                publish: {guard: {max_sku_drop_pct: 0.20}}
                """);
    }

    LocalRunCommandTest.Outcome run(String runId, String feed, String... extra) throws IOException {
        Path file = Files.writeString(dir.resolve(runId + ".csv"), feed);
        String[] base = {"--config", config().toString(), "--vendor-file", "v1=" + file, "--output-dir",
                dir.resolve("out").toString(), "--now", "2026-01-01T00:00:00Z", "--run-id", runId};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return LocalRunCommandTest.run(args);
    }

    Path output(String runId, String relative) {
        return dir.resolve("out").resolve(runId).resolve("tenants/shop").resolve(relative);
    }

    @Test
    void without_published_a_run_is_a_first_publication_and_with_it_a_broken_delivery_is_held() throws IOException {
        LocalRunCommandTest.Outcome first = run(FIRST, "sku,quantity_available,cost\nA,1,1\nB,1,1\nC,1,1\nD,1,1\nE,1,1\n");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.json().get("publish")).isEqualTo(JSON.readTree(
                "{\"decision\": \"PUBLISH\", \"first_publication\": true, \"reasons\": []}"));
        assertThat(first.json().at("/artifacts/diff").asText()).endsWith("reports/diff.json");

        // the merchant's live feed is the first run's merged file: diff against it offline
        Path live = output(FIRST, "outputs/merged_inventory.csv");
        LocalRunCommandTest.Outcome second = run(SECOND, "sku,quantity_available,cost\nA,1,1\n", "--published", live.toString());

        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.json().get("publish")).isEqualTo(JSON.readTree("""
                {"decision": "HELD", "first_publication": false,
                 "reasons": ["SKU count fell 80.0 % (5 → 1), above max_sku_drop_pct 20.0 %"]}"""));
        assertThat(second.err()).isEqualTo("HELD: the guard would not publish this feed (see reports/diff.json):\n"
                + "  SKU count fell 80.0 % (5 → 1), above max_sku_drop_pct 20.0 %\n");
        assertThat(Files.readString(output(SECOND, "outputs/delta.csv"))).isEqualTo(
                "sku,field,before,after,reason\nB,,,,removed\nC,,,,removed\nD,,,,removed\nE,,,,removed\n");
        JsonNode diff = JSON.readTree(output(SECOND, "reports/diff.json").toFile());
        assertThat(diff.at("/baseline/sku_count").asLong()).isEqualTo(5);
        assertThat(diff.at("/baseline/run_id").isNull()).isTrue();
        assertThat(Files.readString(output(SECOND, "outputs/feed_state.csv"))).startsWith("sku,vendor_sku,").contains("\nA,,v1,1,");
    }

    @Test
    void an_unreadable_published_file_is_a_usage_error_and_a_bad_one_fails_the_run() throws IOException {
        LocalRunCommandTest.Outcome missing = run(FIRST, "sku,quantity_available,cost\nA,1,1\n", "--published",
                dir.resolve("nope.csv").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("cannot read " + dir.resolve("nope.csv") + "\n");

        Path bad = Files.writeString(dir.resolve("bad.csv"), "sku\nB\nA\n");
        LocalRunCommandTest.Outcome failed = run(SECOND, "sku,quantity_available,cost\nA,1,1\n", "--published", bad.toString());
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).isEqualTo("FAILED PUBLISHED_FEED_INVALID at MERGE_PRICE: published feed: row 3: sku 'A' comes"
                + " after 'B'; rows must be in sku order (by code point), one per sku\n");
    }
}
