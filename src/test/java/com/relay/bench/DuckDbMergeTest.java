package com.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DuckDbMergeTest {

    private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
    private static final DuckDbMerge.Options OPTIONS = new DuckDbMerge.Options(2, null, null);

    @TempDir
    Path dir;

    /**
     * Hand-computed from docs/CONTRACT.md#merge-best-offer to docs/CONTRACT.md#output-csv-format with margin 0.20, min 5.00, shipping 1.50, increment 0.01
     * (nearest), MAP enforced, fallback lead time 7. Vendor {@code zeta} comes first in the
     * configuration, {@code alpha} second.
     */
    @Test
    void mergesTinyDatasetExactlyAsTheSpecSays() throws Exception {
        Path zeta = write("zeta.csv", """
                Item,Qty On Hand,Unit Cost,MAP Price,Lead Days,Description
                SKU-1,0,2.00,,3,zero stock cheap
                SKU-2,5,10.00,,,"ACME, ""Premium"" Wheel"
                SKU-3,4,,,,no cost
                SKU-4,2,1.00,,0,floored
                SKU-5,3,20.00,30.00,2,map raises
                SKU-6,7,8.00,,5,tie zeta
                9-z,1,10.0375,,,half up
                SKU-2,5,10.00,,1,later duplicate in the same vendor
                """);
        Path alpha = write("alpha.csv", """
                TITLE,SKU,QTY,COST,MAP,LEAD
                in stock pricier,SKU-1,6,9.00,,
                cost wins,SKU-3,1,50.00,,4
                tie alpha,SKU-6,9,8.00,,
                \u00c4pfel,\u00c4pfel,1,2.345,,
                apple,apple,2,100.00,99.00,
                10-a,10-a,0,,,
                fullwidth,\uff5a1,1,1.00,,
                supplementary,\ud835\udd381,1,1.00,,
                """);
        BenchConfig config = config("""
                  - vendor_id: zeta
                    inbound: {type: local}
                    parser: {format: csv, column_map: {sku: Item, quantity_available: "Qty On Hand", cost: "Unit Cost", map_price: "MAP Price", lead_time_days: "Lead Days", title: Description}}
                  - vendor_id: alpha
                    inbound: {type: local}
                    parser: {format: csv, column_map: {sku: SKU, quantity_available: QTY, cost: COST, map_price: MAP, lead_time_days: LEAD, title: TITLE}}
                """, "[sku, quantity_available, price, cost, map_price, lead_time_days, vendor_id, title]");

        String merged = merge(config, Map.of("zeta", zeta, "alpha", alpha));

        assertThat(merged).isEqualTo("""
                sku,quantity_available,price,cost,map_price,lead_time_days,vendor_id,title
                10-a,0,0.00,,,7,alpha,10-a
                9-z,1,13.85,10.04,,7,zeta,half up
                SKU-1,6,12.60,9.00,,7,alpha,in stock pricier
                SKU-2,5,13.80,10.00,,7,zeta,"ACME, ""Premium"" Wheel"
                SKU-3,1,61.80,50.00,,4,alpha,cost wins
                SKU-4,2,5.00,1.00,,0,zeta,floored
                SKU-5,3,30.00,20.00,30.00,2,zeta,map raises
                SKU-6,9,11.40,8.00,,7,alpha,tie alpha
                apple,2,121.80,100.00,99.00,7,alpha,apple
                \u00c4pfel,1,5.00,2.35,,7,alpha,\u00c4pfel
                \uff5a1,1,5.00,1.00,,7,alpha,fullwidth
                \ud835\udd381,1,5.00,1.00,,7,alpha,supplementary
                """);
        // Why each line is what it is:
        //  10-a   only offer, out of stock, no cost: keeps input price 0, no MAP, fallback lead 7
        //  9-z    (10.0375 + 1.50) x 1.2 = 13.845 -> half-up 13.85; cost 10.0375 prints 10.04
        //  SKU-1  zeta is cheaper but out of stock: in-stock alpha wins; 10.50 x 1.2 = 12.60
        //  SKU-2  two identical offers in zeta: the earlier row wins (input order); quoted title
        //  SKU-3  zeta has no cost: the cost-less offer sorts after alpha's 50.00 (docs/CONTRACT.md#merge-best-offer fix)
        //  SKU-4  2.50 x 1.2 = 3.00 < min 5.00 -> 5.00; lead time 0 stays 0
        //  SKU-5  21.50 x 1.2 = 25.80, MAP 30.00 raises it
        //  SKU-6  same stock class and cost: vendor_id alpha < zeta, although zeta is listed first
        //  apple  101.50 x 1.2 = 121.80 > MAP 99.00
        //  Äpfel  cost 2.345 prints 2.35 (half-up, not half-even); 4.614 floored to 5.00
        //  order  code points: '1' < '9' < 'S' < 'a' < U+00C4 < U+FF5A < U+1D538 (UTF-16 order
        //         would put the supplementary-plane SKU before U+FF5A)
    }

    @Test
    void agreesWithAPlainJavaTranscriptionOfTheSpecOnGeneratedData() throws Exception {
        FeedGenerator.Dataset data = new FeedGenerator(new FeedGenerator.Params(5, 3_000, 6_000, 11))
                .generate(dir.resolve("data"));
        BenchConfig config = BenchConfig.load(data.config());

        String merged = merge(config, data.vendorFiles());

        assertThat(merged).isEqualTo(SpecReferenceMerge.merge(config, data.vendorFiles()));
        assertThat(merged.lines().count()).isEqualTo(6_000 + 1);
    }

    /** docs/CONTRACT.md#output-formatting-vectors money cells, read from a vendor file and written back (half-up, sign of zero kept). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5        | 5.00", "9.9      | 9.90", "12.345 | 12.35", "12.355 | 12.36", "12.005 | 12.01",
            "12.015   | 12.02", "0.015   | 0.02", "-1.005 | -1.01", "-0     | -0.00", "-0.004 | -0.00",
            "0.004    | 0.00", "' 7.5 ' | 7.50", ".5     | 0.50", "5.     | 5.00", "+3     | 3.00"})
    void formatsMoneyCellsLikeTheSpec(String cell, String expected) throws Exception {
        Path feed = write("v.csv", "sku,quantity_available,map_price\nA,1," + cell + "\n");
        BenchConfig config = config("""
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                """, "[sku, map_price]");

        assertThat(merge(config, Map.of("v1", feed))).isEqualTo("sku,map_price\nA," + expected + "\n");
    }

    @Test
    void writesALoneEmptyCellAsTwoQuotesAndQuotesCarriageReturns() throws Exception {
        Path feed = write("v.csv", "sku,quantity_available,title\nA,1,\nB,1,\"x\ry\"\nC,1,it's;#\n");
        BenchConfig config = config("""
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                """, "[title]");

        assertThat(merge(config, Map.of("v1", feed))).isEqualTo("title\n\"\"\n\"x\ry\"\nit's;#\n");
    }

    /** docs/CONTRACT.md#pricing-vectors pricing vectors (value columns), run through the SQL pricing chain. */
    @ParameterizedTest(name = "[{index}] cost {0} margin {1} min {2} ship {3} incr {4} map {5} mode {7} ending {8} -> {6}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "10     | 0.2   | 25    | 5    | 0.01 | -     | 25.00   | nearest | -",
            "20     | 0.1   | 10    | 0    | 0.01 | 40    | 40      | nearest | -",
            "10     | 0.2   | 0     | 9.99 | 0.99 | 25    | 25      | nearest | -",
            "10     | 0.2   | 25    | 9.99 | 0.99 | 25.00 | 25.74   | nearest | -",
            "15     | 0.2   | 25    | 9.99 | 0.99 | 29.99 | 29.99   | nearest | -",
            "15     | 0.2   | 25    | 9.99 | 0.99 | -     | 29.70   | nearest | -",
            "5      | 0.2   | 25    | 9.99 | 0.99 | -     | 25.74   | nearest | -",
            "10     | 0.2   | 0     | 9.99 | 0.99 | -     | 23.76   | nearest | -",
            "1.235  | 0     | 0     | 0    | 0.01 | -     | 1.24    | nearest | -",
            "1.225  | 0     | 0     | 0    | 0.01 | -     | 1.23    | nearest | -",
            "10     | 0.333 | 0     | 0    | 0.05 | -     | 13.35   | nearest | -",
            "10     | 0.333 | 0     | 0    | 0.25 | -     | 13.25   | nearest | -",
            "10     | 0.333 | 0     | 0    | 1    | -     | 13      | nearest | -",
            "10     | 0.333 | 0     | 0    | 0    | -     | 13.330  | nearest | -",
            "10.5   | 0     | 0     | 0    | 1    | -     | 11      | nearest | -",
            "9.5    | 0     | 0     | 0    | 1    | -     | 10      | nearest | -",
            "-5     | 0.1   | 0     | 0    | 0.01 | -     | 0.00    | nearest | -",
            "1000   | 0.1   | 0     | 0    | 0.01 | -     | 1100.00 | nearest | -",
            "10     | 0.2   | 25    | 0    | 0.10 | -     | 25.0    | nearest | -",
            "10     | 0.2   | 0     | 9.99 | 0.99 | -     | 24.75   | up      | -",
            "10     | 0.2   | 0     | 9.99 | 0.99 | -     | 23.76   | down    | -",
            "10     | 0.333 | 0     | 0    | 0.05 | -     | 13.30   | down    | -",
            "1.225  | 0     | 0     | 0    | 0.01 | -     | 1.22    | down    | -",
            "5      | 0.2   | 25    | 9.99 | 0.99 | -     | 25.74   | down    | -",
            "25.50  | 0     | 25.50 | 0    | 1    | -     | 26      | down    | -",
            "25.50  | 0     | 25.50 | 0    | 1    | -     | 26      | up      | -",
            "10     | 0.2   | 0     | 9.99 | 0.01 | -     | 23.99   | nearest | 0.99",
            "10     | 0.2   | 0     | 5    | 0.01 | -     | 18.49   | nearest | 0.49",
            "18.50  | 0     | 0     | 0    | 0.01 | -     | 19.49   | nearest | 0.49",
            "15.0075| 0.2   | 0     | 0    | 0.01 | -     | 19.00   | nearest | 0.00",
            "20     | 0     | 0     | 0    | 0.01 | -     | 20.00   | nearest | 0.00",
            "10     | 0.333 | 0     | 0    | 0    | -     | 13.99   | nearest | 0.99",
            "10     | 0.2   | 25    | 9.99 | 0.99 | -     | 25.99   | nearest | 0.99",
            "10     | 0.2   | 0     | 9.99 | 0.01 | 25    | 25      | nearest | 0.99"})
    void pricesLikeTheSpecVectors(String cost, String margin, String min, String ship, String increment, String map,
                                  String expected, String mode, String ending) throws Exception {
        BenchConfig.Pricing pricing = new BenchConfig.Pricing(new BigDecimal(margin), new BigDecimal(min),
                new BigDecimal(ship), true, mode, new BigDecimal(increment), ending == null ? null : new BigDecimal(ending));
        String sql = "WITH best AS (SELECT " + u6(cost) + " AS cost_u6, " + (map == null ? "NULL::BIGINT" : u6(map))
                + " AS map_u6, NULL::BIGINT AS price_in_u6, false AS price_in_neg),\n"
                + DuckDbMerge.pricingCtes(pricing, "best") + "\nSELECT CAST(price_u12 AS VARCHAR) FROM priced";

        BigDecimal price = new BigDecimal(new BigInteger(querySingle(sql)), 12);

        assertThat(price).isEqualByComparingTo(expected);
        assertThat(SpecReferenceMerge.price(pricing, new BigDecimal(cost), map == null ? null : new BigDecimal(map)))
                .isEqualByComparingTo(expected);
    }

    @Test
    void mapIsNotAppliedWhenTheFloorBehaviourIsNotTheExactDefault() throws Exception {
        Path feed = write("v.csv", "sku,quantity_available,cost,map_price\nA,1,10,40\n");
        BenchConfig config = BenchConfig.fromMap(yamlMap(configYaml("""
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                """, "[sku, price]").replace("max(price, map_price)", "map_price").replace("1.50", "0")));

        assertThat(merge(config, Map.of("v1", feed))).isEqualTo("sku,price\nA,12.00\n"); // docs/CONTRACT.md#pricing-vectors #18
    }

    @Test
    void refusesInputItCannotReproduceInsteadOfDifferingSilently() throws Exception {
        BenchConfig config = config("""
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                """, "[sku, cost]");
        Path underscore = write("u.csv", "sku,quantity_available,cost\nA,1,1_000\n");
        Path negativeStock = write("n.csv", "sku,quantity_available,cost\nA,-1,1\n");
        Path blankSku = write("b.csv", "sku,quantity_available,cost\n  ,1,1\n");
        Path noQty = write("q.csv", "sku,cost\nA,1\n");

        assertThatThrownBy(() -> merge(config, Map.of("v1", underscore))).isInstanceOf(SQLException.class)
                .hasMessageContaining("vendor v1 data record 1: cost cell not supported by the DuckDB baseline")
                .hasMessageContaining("1_000");
        assertThatThrownBy(() -> merge(config, Map.of("v1", negativeStock)))
                .hasMessageContaining("quantity_available cell not supported");
        assertThatThrownBy(() -> merge(config, Map.of("v1", blankSku))).hasMessageContaining("sku is required");
        assertThatThrownBy(() -> merge(config, Map.of("v1", noQty)))
                .hasMessage("vendor v1: missing columns: quantity_available");
        assertThatThrownBy(() -> merge(config, Map.of("nobody", noQty))).hasMessage("unknown vendor 'nobody'");
    }

    @Test
    void refusesConfigurationFeaturesItDoesNotModel() {
        String withMap = configYaml("""
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                    sku_map: {type: file, local_path: map.csv}
                """, "[sku]");
        String latin1 = configYaml("""
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv, encoding: latin-1}
                """, "[sku]");
        String tooPrecise = configYaml("""
                  - vendor_id: v1
                    inbound: {type: local}
                    parser: {format: csv}
                """, "[sku, price]").replace("shipping_handling_flat: 1.50", "shipping_handling_flat: 1.0000001");

        assertThatThrownBy(() -> BenchConfig.fromMap(yamlMap(withMap)))
                .hasMessage("vendors[0].sku_map: SKU maps are not modelled by the DuckDB baseline");
        assertThatThrownBy(() -> BenchConfig.fromMap(yamlMap(latin1)))
                .hasMessageContaining("encodings other than UTF-8");
        assertThatThrownBy(() -> DuckDbMerge.pricingCtes(BenchConfig.fromMap(yamlMap(tooPrecise)).pricing(), "best"))
                .hasMessageContaining("more than 6 decimal places");
    }

    @Test
    void formatsTimestampsLikeTheSpec() {
        assertThat(DuckDbMerge.formatTimestamp(Instant.parse("2020-01-01T12:00:00Z"))).isEqualTo("2020-01-01T12:00:00Z");
        assertThat(DuckDbMerge.formatTimestamp(Instant.parse("2024-05-06T07:08:09.123Z")))
                .isEqualTo("2024-05-06T07:08:09.123000Z");
    }

    @AfterAll
    static synchronized void closeSharedConnection() throws SQLException {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    // --- helpers ---------------------------------------------------------------------------

    private String merge(BenchConfig config, Map<String, Path> files) throws Exception {
        Path out = dir.resolve("out").resolve("merged.csv");
        DuckDbMerge.merge(config, new LinkedHashMap<>(files), NOW, out, OPTIONS);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static BenchConfig config(String vendorsYaml, String columns) {
        return BenchConfig.fromMap(yamlMap(configYaml(vendorsYaml, columns)));
    }

    static String configYaml(String vendorsYaml, String columns) {
        return "schema_version: 1\ntenant_id: t1\ntimezone: UTC\ndefault_currency: USD\nvendors:\n" + vendorsYaml + """
                pricing:
                  base_margin_pct: 0.20
                  min_price: 5.00
                  shipping_handling_flat: 1.50
                  map_policy: {enforce: true, map_floor_behavior: "max(price, map_price)"}
                  rounding: {mode: nearest, increment: 0.01}
                merge:
                  strategy: best_offer
                  best_offer: {sort_by: [], landed_cost: {include_shipping_handling: true}, fallback_lead_time_days: 7}
                output:
                """ + "  columns: " + columns + "\n";
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(String yaml) {
        var settings = org.snakeyaml.engine.v2.api.LoadSettings.builder()
                .setSchema(new org.snakeyaml.engine.v2.schema.FailsafeSchema()).build();
        return (Map<String, Object>) new org.snakeyaml.engine.v2.api.Load(settings).loadFromString(yaml);
    }

    private static String u6(String decimal) {
        return "CAST(" + new BigDecimal(decimal).movePointRight(6).toBigIntegerExact() + " AS BIGINT)";
    }

    private static Connection shared;

    /** One in-memory connection for the pricing vectors: opening DuckDB per vector is slow. */
    private static synchronized String querySingle(String sql) throws SQLException {
        if (shared == null) {
            shared = DriverManager.getConnection("jdbc:duckdb:");
        }
        try (Statement s = shared.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
