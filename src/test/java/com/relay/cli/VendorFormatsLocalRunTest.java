package com.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.engine.FormatWriters;
import com.relay.engine.FormatWriters.Layout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's acceptance test at engine level: the same vendor data as csv, tsv, headerless csv,
 * xlsx (header row 1 and 2, sheet by index and by name, inline and shared strings), json, xml and
 * fixed_width, each run through {@code relay local-run} from a local file, merges to the
 * byte-identical merged CSV with the same row error (docs/ENGINE.md#vendor-file-formats).
 */
class VendorFormatsLocalRunTest {

    static final String RUN = "00000000-0000-4000-8000-000000000020";
    static final ObjectMapper JSON = new ObjectMapper();

    /** canonical field → the vendor's header name. */
    static final Map<String, String> HEADER = new LinkedHashMap<>();

    static {
        HEADER.put("sku", "SKU");
        HEADER.put("vendor_sku", "VendorSku");
        HEADER.put("quantity_available", "Qty");
        HEADER.put("lead_time_days", "LeadDays");
        HEADER.put("cost", "Cost");
        HEADER.put("map_price", "MAP");
        HEADER.put("price", "Price");
        HEADER.put("msrp", "MSRP");
        HEADER.put("condition", "Cond");
        HEADER.put("brand", "Brand");
        HEADER.put("title", "Title");
        HEADER.put("updated_at", "Updated");
    }

    static final List<List<String>> ROWS = FormatWriters.rows(
            "A100|V-A100|5|3|10.00|12.00|19.99|29.99|new|Acme|Widget, large|2026-01-02 03:04:05",
            "A101|V-A101|0||4.50||9.50||used|Acme|He said \"hi\"|",
            "A102|V-A102|12|10|100|140|150.25|200|refurb|Bolt Co|Café ☕ 😀 déjà vu|2025-12-31 23:59:59",
            "A103|V-A103|abc|1|1.00|||2.00|new|X|bad quantity|",
            "A104|V-A104|1234567|0|0.015|0|0.5|1000000|NEW|Acme|Big qty; tiny cost|2026-03-04 05:06:07",
            "B200|V-B200|3|2|7.25||15||new||No brand|2026-01-01 00:00:00",
            "A100|V-A100b|9|1|9.99||18.00||new|Acme|Widget again|2026-01-03 00:00:00");

    static final Layout LAYOUT = layout();

    static Layout layout() {
        List<String> header = List.copyOf(HEADER.values());
        Map<String, Integer> widths = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            int max = header.get(i).length();
            for (List<String> r : ROWS) max = Math.max(max, r.get(i).codePointCount(0, r.get(i).length()));
            widths.put(header.get(i), max + 2);
        }
        return new Layout(header, Set.of("Qty", "LeadDays", "Cost", "MAP", "Price", "MSRP"), Set.of("Updated"),
                Map.of("SKU", "id", "Qty", "stock.qty", "Cost", "pricing.cost", "Price", "pricing.price"),
                Map.of("SKU", "@id"), widths);
    }

    @TempDir Path dir;

    record Outcome(int exit, String out, String err) {}

    Outcome run(String parser, Path feed, String outDir) throws IOException {
        Path config = Files.writeString(dir.resolve(outDir + ".yaml"), """
                tenant_id: t20
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: acme
                    inbound: {type: local}
                    parser: %s
                pricing: {base_margin_pct: 0.2, min_price: 1, shipping_handling_flat: 0.5, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output:
                  columns: [sku, vendor_sku, vendor_id, quantity_available, lead_time_days, cost, map_price, price,
                            msrp, condition, brand, title, updated_at]
                error_policy: {max_invalid_rows: 5, max_invalid_row_pct: 0.5}
                """.formatted(parser));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalRunCommand.run(new String[] {"--config", config.toString(), "--vendor-file", "acme=" + feed,
                        "--output-dir", dir.resolve(outDir).toString(), "--run-id", RUN, "--now", "2026-06-01T00:00:00Z"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String artifact(String outDir, String relative) throws IOException {
        return Files.readString(dir.resolve(outDir).resolve(RUN).resolve("tenants/t20").resolve(relative));
    }

    static String columnMap(Map<String, String> canonicalToSource) {
        return canonicalToSource.entrySet().stream()
                .map(e -> e.getKey() + ": " + JSON.valueToTree(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    static Map<String, String> mapped(java.util.function.Function<String, String> source) {
        Map<String, String> m = new LinkedHashMap<>();
        HEADER.forEach((field, header) -> m.put(field, source.apply(header)));
        return m;
    }

    @Test
    void everyFormatOfTheSameDataMergesToTheByteIdenticalFeed() throws IOException {
        Map<String, String> byHeader = mapped(h -> h);
        List<String> header = LAYOUT.header();
        record Case(String name, String parser, Path feed, long errorRow) {}

        Path csv = dir.resolve("feed.csv");
        FormatWriters.csv(LAYOUT, ROWS, csv, ',', true);
        Path tsv = dir.resolve("feed.tsv");
        FormatWriters.csv(LAYOUT, ROWS, tsv, '\t', true);
        Path headerless = dir.resolve("headerless.csv");
        FormatWriters.csv(LAYOUT, ROWS, headerless, ',', false);
        Path xlsx = dir.resolve("feed.xlsx");
        FormatWriters.xlsx(LAYOUT, ROWS, xlsx, 1, false);
        Path xlsxShared = dir.resolve("shared.xlsx");
        FormatWriters.xlsx(LAYOUT, ROWS, xlsxShared, 2, true);
        Path json = dir.resolve("feed.json");
        FormatWriters.json(LAYOUT, ROWS, json);
        Path xml = dir.resolve("feed.xml");
        FormatWriters.xml(LAYOUT, ROWS, xml);
        Path fixed = dir.resolve("feed.txt");
        FormatWriters.fixedWidth(LAYOUT, ROWS, fixed);

        String columns = LAYOUT.columns().entrySet().stream()
                .map(e -> e.getKey() + ": [" + e.getValue()[0] + ", " + e.getValue()[1] + "]")
                .collect(Collectors.joining(", ", "{", "}"));
        List<Case> cases = List.of(
                new Case("csv", "{format: csv, column_map: " + columnMap(byHeader) + "}", csv, 5),
                new Case("tsv", "{format: tsv, column_map: " + columnMap(byHeader) + "}", tsv, 5),
                new Case("headerless", "{format: csv, header: false, column_map: "
                        + columnMap(mapped(h -> String.valueOf(header.indexOf(h) + 1))) + "}", headerless, 4),
                new Case("xlsx", "{format: xlsx, sheet: 2, column_map: " + columnMap(byHeader) + "}", xlsx, 5),
                new Case("xlsx-shared", "{format: xlsx, sheet: Stock, header_row: 2, column_map: " + columnMap(byHeader) + "}",
                        xlsxShared, 6),
                new Case("json", "{format: json, records_path: \"$.data.items[*]\", column_map: "
                        + columnMap(mapped(LAYOUT::jsonPath)) + "}", json, 4),
                new Case("xml", "{format: xml, record_path: /feed/item, column_map: "
                        + columnMap(mapped(LAYOUT::xmlName)) + "}", xml, 4),
                new Case("fixed_width", "{format: fixed_width, columns: " + columns + ", column_map: "
                        + columnMap(byHeader) + "}", fixed, 4));

        String expected = null;
        for (Case c : cases) {
            Outcome o = run(c.parser(), c.feed(), c.name());
            if (o.exit() != 0 && Files.exists(dir.resolve(c.name()).resolve(RUN).resolve("tenants/t20/reports/errors.json"))) {
                assertThat(artifact(c.name(), "reports/errors.json")).as(c.name() + ": " + o.err()).isEmpty();
            }
            assertThat(o.exit()).as(c.name() + ": " + o.err() + o.out()).isZero();
            String merged = artifact(c.name(), "outputs/merged_inventory.csv");
            if (expected == null) {
                expected = merged;
                assertThat(merged).contains("\nA102,V-A102,acme,12,10,100.00,140.00,140.00,200.00,refurb,Bolt Co,"
                        + "Café ☕ 😀 déjà vu,2025-12-31T23:59:59Z\n");
                assertThat(merged).contains("\nA100,V-A100b,acme,9,1,9.99,,12.59,,new,Acme,Widget again,2026-01-03T00:00:00Z\n")
                        .contains("\"He said \"\"hi\"\"\"");
                assertThat(merged.lines()).hasSize(6); // header + A100 A101 A102 A104 B200 (A103 is the row error)
            }
            assertThat(merged).as(c.name() + " vs csv").isEqualTo(expected);
            assertThat(o.out()).as(c.name()).contains("errors.json");
            JsonNode errors = JSON.readTree(artifact(c.name(), "reports/errors.json"));
            assertThat(errors).as(c.name()).hasSize(1);
            assertThat(errors.get(0).get("reason").asText()).as(c.name()).isEqualTo("invalid int: abc");
            assertThat(errors.get(0).get("row_number").asLong()).as(c.name()).isEqualTo(c.errorRow());
        }
    }
}
