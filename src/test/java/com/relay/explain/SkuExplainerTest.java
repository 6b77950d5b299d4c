package com.relay.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.cli.LocalRunCommand;
import com.relay.engine.SkuBlockIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 21 per-SKU explain on runs of {@code relay local-run}: candidates, winner, tie-break, pricing = the merged feed. */
class SkuExplainerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = "4f1c2a3b-1d2e-4f50-8a6b-7c8d9e0f1a2b";

    @TempDir
    Path dir;

    private static final String CONFIG = """
            schema_version: 1
            tenant_id: t1
            timezone: UTC
            default_currency: USD
            vendors:
              - vendor_id: beta
                inbound: {type: local}
                parser: {format: csv, delimiter: ",", encoding: utf-8}
              - vendor_id: alpha
                inbound: {type: local}
                parser: {format: csv, delimiter: ",", encoding: utf-8}
                sku_map: {type: file, local_path: %s}
              - vendor_id: gamma
                inbound: {type: local}
                parser: {format: csv, delimiter: ",", encoding: utf-8}
            pricing:
              base_margin_pct: 0.25
              min_price: 5.00
              shipping_handling_flat: 1.50
              map_policy: {enforce: true, map_floor_behavior: "max(price, map_price)"}
              rounding: {mode: nearest, increment: 0.05, ending: 0.99}
            merge:
              strategy: best_offer
              best_offer:
                sort_by: [in_stock_desc, lowest_landed_cost, shortest_lead_time]
                landed_cost: {include_shipping_handling: true}
                fallback_lead_time_days: 9
            output:
              format: csv
              columns: [sku, vendor_id, quantity_available, price]
            """;

    @Test
    void skuOfferedByTwoVendorsNamesEveryCandidateTheWinnerAndTheTieBreak() throws IOException {
        Path out = run(Map.of(
                "beta", "sku,quantity_available,cost,lead_time_days,map_price\nX,5,10.00,,\nY,0,1.00,2,\nZ,4,7.00,3,\nM,1,2.00,,30\n",
                "alpha", "sku,vendor_sku,quantity_available,cost,lead_time_days\nA-X,A-X,5,8.00,4\nY,Y,3,9.00,1\nZ,Z,4,7.00,3\nONLY,ONLY,2,3.00,\n",
                "gamma", "sku,quantity_available,cost\n"), "vendor_sku,sku\nA-X,X\n");
        SkuExplainer explainer = explainer(out);

        Explanation x = explainer.explain("X").orElseThrow();
        assertThat(x.candidates()).extracting(Explanation.Candidate::vendorId).containsExactly("alpha", "beta");
        assertThat(x.candidates().get(0).vendorSku()).isEqualTo("A-X"); // through alpha's SKU map
        assertThat(x.candidates().get(0).landedCost()).isEqualByComparingTo("9.50");
        assertThat(x.candidates().get(1).leadTimeDays()).isNull();
        assertThat(x.candidates().get(1).effectiveLeadTimeDays()).isEqualTo(9);
        assertThat(x.candidates().get(1).leadTimeFallbackApplied()).isTrue();
        assertThat(x.winnerVendorId()).isEqualTo("alpha");
        assertThat(x.tieBreak().decidedBy()).isEqualTo("lowest_landed_cost");
        assertThat(x.tieBreak().runnerUpVendorId()).isEqualTo("beta");
        assertThat(x.tieBreak().winnerValue().toString()).isEqualTo("9.50");
        assertThat(x.tieBreak().runnerUpValue().toString()).isEqualTo("11.50");
        // 9.50 × 1.25 = 11.875 → 11.90 (increment 0.05) → 11.99
        assertThat(x.pricingSteps()).extracting(Explanation.Step::step).containsExactly("landed_cost", "margin",
                "min_price", "rounding", "rounding_floor_fix", "ending", "map");
        assertThat(x.pricingSteps()).extracting(s -> s.after().toPlainString())
                .containsExactly("9.50", "11.8750", "11.8750", "11.90", "11.90", "11.99", "11.99");
        assertThat(x.priceCsv()).isEqualTo(mergedFeed(out).get("X")[1]);

        assertThat(explainer.explain("Y").orElseThrow().tieBreak().decidedBy()).isEqualTo("in_stock_desc");
        Explanation z = explainer.explain("Z").orElseThrow();
        assertThat(z.winnerVendorId()).isEqualTo("alpha");
        assertThat(z.tieBreak().decidedBy()).isEqualTo("vendor_id");
        Explanation m = explainer.explain("M").orElseThrow();
        assertThat(m.pricingSteps().get(6).changed()).isTrue();
        assertThat(m.priceCsv()).isEqualTo("30.00").isEqualTo(mergedFeed(out).get("M")[1]);

        Explanation only = explainer.explain("ONLY").orElseThrow();
        assertThat(only.candidates()).hasSize(1);
        assertThat(only.tieBreak()).isNull();
        assertThat(only.toJson()).extractingByKey("winner").asString().contains("only_offer");

        assertThat(explainer.explain("NOPE")).isEmpty();
        assertThat(explainer.explain("A-X")).as("a vendor sku that was mapped away").isEmpty();
        assertThat(explainer.explain("")).isEmpty();
    }

    @Test
    void goldenExampleExplainsToTheExpectedFeed() throws IOException {
        Path golden = Path.of("examples/golden").toAbsolutePath();
        Path out = dir.resolve("out");
        int exit = LocalRunCommand.run(new String[] {"--config", golden.resolve("tenant_config.yaml").toString(),
                "--vendor-file", "vendor_1=" + golden.resolve("vendor_1.csv"),
                "--vendor-file", "vendor_2=" + golden.resolve("vendor_2.csv"),
                "--sku-map", "vendor_1=" + golden.resolve("sku_map_vendor_1.csv"),
                "--output-dir", out.toString(), "--now", "2020-01-01T00:00:00Z", "--run-id", RUN},
                quiet(), quiet());
        assertThat(exit).isZero();
        SkuExplainer explainer = explainer(out);
        Explanation one = explainer.explain("SKU-001").orElseThrow();
        assertThat(one.winnerVendorId()).isEqualTo("vendor_1");
        assertThat(one.priceCsv()).isEqualTo("25.74");
        assertThat(explainer.explain("SKU-002").orElseThrow().priceCsv()).isEqualTo("29.99"); // MAP
    }

    /**
     * A generated three-vendor run over several index blocks: every SKU at a block boundary (the
     * entry's row, the row before it), the first and last SKU of every file and a sample explain to
     * the merged feed's winner and price, with every offer counted.
     */
    @Test
    void generatedRunMatchesTheMergedFeedAtBlockBoundaries() throws IOException {
        Random random = new Random(21);
        Map<String, StringBuilder> files = new LinkedHashMap<>();
        Map<String, Integer> offers = new HashMap<>();
        for (String v : List.of("beta", "alpha", "gamma")) {
            StringBuilder b = new StringBuilder("sku,quantity_available,cost,lead_time_days,map_price,title\n");
            for (int i = 0; i < 9000; i++) {
                String sku = "S" + random.nextInt(12000) + (random.nextInt(20) == 0 ? ",\"q\"" : "");
                String cell = sku.contains(",") ? "\"" + sku.replace("\"", "\"\"") + "\"" : sku;
                b.append(cell).append(',').append(random.nextInt(4)).append(',')
                        .append(random.nextInt(40)).append('.').append(random.nextInt(10)).append(random.nextInt(4)).append(',')
                        .append(random.nextInt(3) == 0 ? "" : Integer.toString(random.nextInt(6))).append(',')
                        .append(random.nextInt(10) == 0 ? "45.00" : "").append(",title ").append(i).append('\n');
                offers.merge(sku, 1, Integer::sum);
            }
            files.put(v, b);
        }
        Map<String, String> feeds = new LinkedHashMap<>();
        files.forEach((v, b) -> feeds.put(v, b.toString()));
        Path out = run(feeds, "vendor_sku,sku\n");
        Map<String, String[]> merged = mergedFeed(out);
        SkuExplainer explainer = explainer(out);

        TreeSet<String> probe = new TreeSet<>();
        JsonNode index = JSON.readTree(out.resolve(RUN + "/tenants/t1/reports/explain_index.json").toFile());
        for (String v : List.of("beta", "alpha", "gamma")) {
            JsonNode entry = index.at("/vendors/" + v);
            SkuBlockIndex blocks = SkuBlockIndex.fromJson(entry);
            assertThat(blocks.skus().size()).as("several blocks").isGreaterThan(3);
            List<String> fileSkus = skusInOrder(out.resolve(entry.get("normalized_key").asText()));
            probe.add(fileSkus.get(0));
            probe.add(fileSkus.get(fileSkus.size() - 1));
            byte[] bytes = Files.readAllBytes(out.resolve(entry.get("normalized_key").asText()));
            assertThat(blocks.bytes()).isEqualTo(bytes.length);
            for (int i = 0; i < blocks.skus().size(); i++) {
                long at = blocks.offsets()[i];
                assertThat(at == blocks.dataStart() || bytes[(int) at - 1] == '\n').as("entry at a row start").isTrue();
                String sku = blocks.skus().get(i);
                probe.add(sku);
                int pos = fileSkus.indexOf(sku);
                if (pos > 0) probe.add(fileSkus.get(pos - 1)); // last row of the previous block
            }
        }
        List<String> all = new ArrayList<>(merged.keySet());
        for (int i = 0; i < 200; i++) probe.add(all.get(random.nextInt(all.size())));
        for (String sku : probe) {
            Optional<Explanation> e = explainer.explain(sku);
            assertThat(e).as(sku).isPresent();
            assertThat(e.get().winnerVendorId()).as(sku).isEqualTo(merged.get(sku)[0]);
            assertThat(e.get().priceCsv()).as(sku).isEqualTo(merged.get(sku)[1]);
            assertThat(e.get().candidateCount()).as(sku).isEqualTo(offers.get(sku).longValue());
        }
    }

    private Path run(Map<String, String> feeds, String skuMap) throws IOException {
        Path map = dir.resolve("map.csv");
        Files.writeString(map, skuMap);
        Path config = dir.resolve("tenant.yaml");
        Files.writeString(config, CONFIG.formatted(map.toString()));
        List<String> argv = new ArrayList<>(List.of("--config", config.toString()));
        for (Map.Entry<String, String> f : feeds.entrySet()) {
            Path p = dir.resolve(f.getKey() + ".csv");
            Files.writeString(p, f.getValue());
            argv.add("--vendor-file");
            argv.add(f.getKey() + "=" + p);
        }
        Path out = dir.resolve("out");
        argv.addAll(List.of("--output-dir", out.toString(), "--now", "2020-01-01T00:00:00Z", "--run-id", RUN));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalRunCommand.run(argv.toArray(String[]::new), quiet(), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out;
    }

    static SkuExplainer explainer(Path out) throws IOException {
        String prefix = RUN + "/tenants/" + onlyTenant(out) + "/";
        return SkuExplainer.open(RUN, Map.of("config_snapshot", prefix + "reports/config_snapshot.json",
                "explain_index", prefix + "reports/explain_index.json"), new LocalRunArtifacts(out));
    }

    private static String onlyTenant(Path out) throws IOException {
        try (var s = Files.list(out.resolve(RUN).resolve("tenants"))) {
            return s.findFirst().orElseThrow().getFileName().toString();
        }
    }

    /** sku → {vendor_id, price} of the merged feed (columns sku, vendor_id, quantity_available, price). */
    private static Map<String, String[]> mergedFeed(Path out) throws IOException {
        Map<String, String[]> m = new LinkedHashMap<>();
        for (List<String> row : csv(out.resolve(RUN + "/tenants/t1/outputs/merged_inventory.csv"))) {
            m.put(row.get(0), new String[] {row.get(1), row.get(3)});
        }
        return m;
    }

    private static List<String> skusInOrder(Path normalized) throws IOException {
        return csv(normalized).stream().map(r -> r.get(0)).toList();
    }

    /** The data rows of a CSV the engine wrote, read with the engine's reader. */
    private static List<List<String>> csv(Path file) throws IOException {
        var reader = new com.relay.engine.CsvRecordReader(com.relay.engine.CharSource.of(Files.readString(file)), ',', "t", false);
        List<List<String>> rows = new ArrayList<>();
        try {
            reader.readHeader();
            List<String> row;
            while ((row = reader.next()) != null) rows.add(row);
        } catch (com.relay.engine.EngineFailure f) {
            throw new IOException(f);
        }
        return rows;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
