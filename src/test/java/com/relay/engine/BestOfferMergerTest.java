package com.relay.engine;

import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfig.SortKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static com.relay.engine.TestRecords.bestOffer;
import static com.relay.engine.TestRecords.offer;
import static com.relay.engine.TestRecords.pricing;
import static com.relay.engine.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/CONTRACT.md#merge-vectors merge vectors, docs/CONTRACT.md#end-to-end-worked-example, docs/CONTRACT.md#golden-file merged files, and spill equivalence (docs/CONTRACT.md#orchestration-streaming-and-memory). */
class BestOfferMergerTest {

    private static final long BIG_BUDGET = 256L << 20;
    private static final TenantConfig.Pricing NO_PRICING_CHANGE = pricing("0", "0", "0", "0");

    @TempDir
    Path spillDir;

    /**
     * Offers "vendor:quantity,cost[,lead]" separated by ";"; the vendor's configuration position is
     * its position in {@code vendorOrder}, its row number its position in the list (+2).
     */
    private static List<InventoryRecord> offers(String sku, String spec, List<String> vendorOrder) {
        List<InventoryRecord> list = new ArrayList<>();
        String[] parts = spec.split(";");
        for (int i = 0; i < parts.length; i++) {
            String[] vendorAndValues = parts[i].trim().split(":");
            String vendor = vendorAndValues[0];
            String[] v = vendorAndValues[1].split(",");
            String cost = v[1].equals("—") ? null : v[1];
            Long lead = v.length > 2 && !v[2].equals("—") ? Long.valueOf(v[2]) : null;
            list.add(offer(sku, vendor, vendorOrder.indexOf(vendor), i + 2, Long.parseLong(v[0]), cost, lead));
        }
        return list;
    }

    private List<InventoryRecord> merge(TenantConfig.BestOffer bo, TenantConfig.Pricing p, long budget,
                                        List<InventoryRecord> input) throws IOException {
        List<InventoryRecord> out = new ArrayList<>();
        try (BestOfferMerger merger = new BestOfferMerger(bo, p, spillDir, budget, 4)) {
            for (InventoryRecord r : input) merger.accept(r);
            assertThat(merger.finish(out::add)).isEqualTo(out.size());
        }
        return out;
    }

    private static List<SortKey> sortKeys(String wire) {
        if (wire == null || wire.isBlank()) return List.of();
        return Arrays.stream(wire.split(" ")).map(s -> SortKey.valueOf(s.toUpperCase())).toList();
    }

    @ParameterizedTest(name = "{0} [{1}] fallback {2} → {4}")
    @CsvSource(delimiter = '|', textBlock = """
            a:0,10 ; b:5,12 ; c:5,8                       |                    | 7 | a b c               | c
            v1:5,— ; v2:5,100                             |                    | 7 | v1 v2               | v2
            v1:5,— ; v2:5,—                               |                    | 7 | v1 v2               | v1
            vendor_9:5,7 ; vendor_10:5,7 ; Vendor_2:5,7    |                    | 7 | vendor_9 vendor_10 Vendor_2 | Vendor_2
            v1:0,10 ; v2:0,8                              |                    | 7 | v1 v2               | v2
            a:0,5 ; b:5,8                                 | lowest_cost        | 7 | a b                 | a
            a:0,5 ; b:5,8                                 |                    | 7 | a b                 | b
            a:0,5 ; b:5,8                                 | in_stock_desc lowest_landed_cost | 7 | a b   | b
            a:3,5 ; b:9,8                                 | highest_quantity   | 7 | a b                 | b
            a:5,8 ; b:5,9                                 | vendor_priority    | 7 | b a                 | b
            a:5,9,3 ; b:5,5,—                             | shortest_lead_time | 7 | a b                 | a
            a:5,9,3 ; b:5,5,—                             | shortest_lead_time | 2 | a b                 | b
            a:5,—   ; b:5,7                               | lowest_cost        | 7 | a b                 | b
            a:5,—   ; b:0,—                               | lowest_landed_cost | 7 | a b                 | a
            """)
    void chosenOfferOfSection9_6(String spec, String sortBy, long fallback, String vendorOrder, String expected)
            throws IOException {
        List<InventoryRecord> input = offers("SKU", spec, List.of(vendorOrder.trim().split(" ")));
        TenantConfig.BestOffer bo = bestOffer(sortKeys(sortBy), true, fallback);
        for (long budget : new long[]{BIG_BUDGET, 1}) {
            for (List<InventoryRecord> order : List.of(input, reversed(input))) {
                List<InventoryRecord> merged = merge(bo, pricing("0.2", "0", "1", "0.01"), budget, order);
                assertThat(merged).hasSize(1);
                assertThat(merged.get(0).vendorId()).as("budget %d", budget).isEqualTo(expected);
            }
        }
    }

    @Test
    void groupsBySkuAndEmitsSkuOrder() throws IOException {
        // SKU2/b: 2, 5 · SKU1/c: 1, 5 · SKU1/a: 1, 5; shipping excluded → SKU1 (from a), SKU2
        List<InventoryRecord> input = new ArrayList<>();
        input.add(offer("SKU2", "b", 1, 2, 2, "5", null));
        input.add(offer("SKU1", "c", 2, 2, 1, "5", null));
        input.add(offer("SKU1", "a", 0, 2, 1, "5", null));
        List<InventoryRecord> merged = merge(bestOffer(List.of(), false, 7), NO_PRICING_CHANGE, BIG_BUDGET, input);
        assertThat(merged).extracting(InventoryRecord::sku).containsExactly("SKU1", "SKU2");
        assertThat(merged).extracting(InventoryRecord::vendorId).containsExactly("a", "b");
    }

    @Test
    void sameVendorSameSkuKeepsTheEarlierRow() throws IOException {
        List<InventoryRecord> input = List.of(offer("S", "v1", 0, 5, 5, "7", null), offer("S", "v1", 0, 2, 5, "7", null));
        assertThat(merge(TestRecords.defaultBestOffer(), NO_PRICING_CHANGE, BIG_BUDGET, input))
                .extracting(InventoryRecord::rowNumber).containsExactly(2L);
    }

    @ParameterizedTest(name = "lead {0}, fallback {1} → {2}")
    @CsvSource(nullValues = "—", value = {"0, 7, 0", "—, 7, 7", "—, 0, 0", "-3, 7, -3", "—, -2, -2"})
    void fallbackLeadTimeOnlyForNull(Long lead, long fallback, long expected) throws IOException {
        List<InventoryRecord> merged = merge(bestOffer(List.of(), true, fallback), NO_PRICING_CHANGE, BIG_BUDGET,
                List.of(offer("S", "v1", 0, 2, 5, "7", lead)));
        assertThat(merged.get(0).leadTimeDays()).isEqualTo(expected);
    }

    @Test
    void pricesTheChosenRecord() throws IOException {
        List<InventoryRecord> merged = merge(TestRecords.defaultBestOffer(), pricing("0.2", "25", "9.99", "0.99"),
                BIG_BUDGET, List.of(offer("A", "v1", 0, 2, 5, "10.00", null),
                        record().sku("B").price("12.005").mapPrice("30").quantity(1).build()));
        assertThat(merged).extracting(InventoryRecord::price).containsExactly(new BigDecimal("25.74"), new BigDecimal("12.005"));
    }

    /** docs/CONTRACT.md#end-to-end-worked-example merged file, from the normalized records of v1 and v2. */
    @Test
    void workedExampleMergedFile() throws IOException {
        Instant now = Instant.parse("2024-05-06T07:08:09.123Z");
        List<InventoryRecord> input = List.of(
                record().sku("SKU-001").vendorId("v1").vendorIndex(0).row(2).quantity(5).cost("10.00").mapPrice("25.00")
                        .title("ACME, \"Premium\"").updatedAt(now).build(),
                record().sku("SKU-002").vendorId("v1").vendorIndex(0).row(4).quantity(0).cost("1.00")
                        .title("zero stock").updatedAt(now).build(),
                record().sku("SKU-002").vendorId("v2").vendorIndex(1).row(2).quantity(3).cost("15.00").updatedAt(now).build(),
                record().sku("SKUé").vendorId("v2").vendorIndex(1).row(3).quantity(2).cost("5").updatedAt(now).build());
        TenantConfig.Output output = new TenantConfig.Output("csv",
                List.of("sku", "quantity_available", "price", "vendor_id", "updated_at", "title", "lead_time_days"), false);
        String expected = """
                sku,quantity_available,price,vendor_id,updated_at,title,lead_time_days
                SKU-001,5,25.74,v1,2024-05-06T07:08:09.123000Z,"ACME, ""Premium\""",7
                SKU-002,3,29.70,v2,2024-05-06T07:08:09.123000Z,,7
                SKUé,2,25.74,v2,2024-05-06T07:08:09.123000Z,,7
                """;
        for (long budget : new long[]{BIG_BUDGET, 1}) {
            assertThat(mergedCsv(TestRecords.defaultBestOffer(), pricing("0.20", "25", "9.99", "0.99"), output, budget, input))
                    .isEqualTo(expected);
        }
    }

    /** docs/CONTRACT.md#golden-file golden file. */
    @Test
    void goldenFile() throws IOException {
        Instant now = Instant.parse("2020-01-01T00:00:00Z");
        List<InventoryRecord> input = List.of(
                record().sku("SKU-001").vendorSku(null).vendorId("vendor_1").vendorIndex(0).quantity(5).cost("10.00")
                        .mapPrice("25.00").updatedAt(now).build(),
                record().sku("SKU-002").vendorId("vendor_2").vendorIndex(1).quantity(3).cost("15.00").mapPrice("29.99")
                        .updatedAt(now).build());
        TenantConfig.Output output = new TenantConfig.Output("csv",
                List.of("sku", "quantity_available", "price", "vendor_id", "updated_at"), false);
        TenantConfig.Pricing p = pricing("0.20", "25.00", "9.99", "0.99");
        assertThat(mergedCsv(bestOffer(List.of(SortKey.IN_STOCK_DESC, SortKey.LOWEST_LANDED_COST), true, 7), p, output,
                BIG_BUDGET, input)).isEqualTo("""
                sku,quantity_available,price,vendor_id,updated_at
                SKU-001,5,25.74,vendor_1,2020-01-01T00:00:00Z
                SKU-002,3,29.99,vendor_2,2020-01-01T00:00:00Z
                """);
    }

    private String mergedCsv(TenantConfig.BestOffer bo, TenantConfig.Pricing p, TenantConfig.Output output, long budget,
                             List<InventoryRecord> input) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BestOfferMerger merger = new BestOfferMerger(bo, p, spillDir, budget);
             CsvFeedWriter writer = CsvFeedWriter.merged(bytes, output)) {
            for (InventoryRecord r : input) merger.accept(r);
            merger.finish(writer);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** ~200k records, a budget of a few hundred records: many runs, multi-level merges, same result. */
    @Test
    void spillingGivesTheSameResultAsInMemory() throws IOException {
        List<InventoryRecord> input = randomOffers(new Random(20240506L), 200_000, 40_000, 20);
        TenantConfig.BestOffer bo = bestOffer(List.of(SortKey.IN_STOCK_DESC, SortKey.LOWEST_LANDED_COST,
                SortKey.SHORTEST_LEAD_TIME), true, 5);
        TenantConfig.Pricing p = pricing("0.2", "1", "0.5", "0.05");

        List<InventoryRecord> inMemory;
        try (BestOfferMerger merger = new BestOfferMerger(bo, p, spillDir, BIG_BUDGET)) {
            for (InventoryRecord r : input) merger.accept(r);
            assertThat(merger.spilledRuns()).isZero();
            inMemory = new ArrayList<>();
            merger.finish(inMemory::add);
        }

        List<InventoryRecord> spilled = new ArrayList<>();
        try (BestOfferMerger merger = new BestOfferMerger(bo, p, spillDir, 1 << 16)) {
            for (InventoryRecord r : input) merger.accept(r);
            assertThat(merger.spilledRuns()).isGreaterThan(SpillRuns.DEFAULT_FAN_IN);
            assertThat(listSpillDir()).isNotEmpty();
            merger.finish(spilled::add);
        }
        assertThat(listSpillDir()).isEmpty();
        assertThat(spilled).isEqualTo(inMemory);
        assertThat(inMemory).isEqualTo(reference(input, bo, p));
    }

    @Test
    void spillFilesAreDeletedWhenTheConsumerFails() throws IOException {
        List<InventoryRecord> input = randomOffers(new Random(1), 5_000, 2_000, 3);
        try (BestOfferMerger merger = new BestOfferMerger(TestRecords.defaultBestOffer(), NO_PRICING_CHANGE, spillDir, 8 * 1024)) {
            for (InventoryRecord r : input) merger.accept(r);
            assertThat(listSpillDir()).isNotEmpty();
            assertThatThrownBy(() -> merger.finish(r -> {
                throw new IOException("disk full");
            })).hasMessage("disk full");
        }
        assertThat(listSpillDir()).isEmpty();
    }

    @Test
    void closeWithoutFinishDeletesSpillFiles() throws IOException {
        BestOfferMerger merger = new BestOfferMerger(TestRecords.defaultBestOffer(), NO_PRICING_CHANGE, spillDir, 1);
        merger.accept(offer("A", "v1", 0, 2, 1, "1", null));
        merger.accept(offer("B", "v1", 0, 3, 1, "1", null));
        assertThat(listSpillDir()).hasSize(2);
        merger.close();
        assertThat(listSpillDir()).isEmpty();
        assertThatThrownBy(() -> merger.accept(offer("C", "v1", 0, 4, 1, "1", null)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void emptyInputGivesNoRecords() throws IOException {
        assertThat(merge(TestRecords.defaultBestOffer(), NO_PRICING_CHANGE, BIG_BUDGET, List.of())).isEmpty();
    }

    static List<InventoryRecord> randomOffers(Random random, int count, int distinctSkus, int vendors) {
        String[] skus = new String[distinctSkus];
        String[] alphabet = {"A", "a", "Ä", "0", "9", "-", "😀", "\uFFFD", "é"};
        for (int i = 0; i < distinctSkus; i++) {
            skus[i] = "SKU" + alphabet[random.nextInt(alphabet.length)] + Integer.toString(i, 36);
        }
        long[] rows = new long[vendors];
        Arrays.fill(rows, 1);
        List<InventoryRecord> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int v = random.nextInt(vendors);
            String cost = random.nextInt(10) == 0 ? null : BigDecimal.valueOf(random.nextInt(3_000), random.nextInt(3)).toString();
            Long lead = random.nextInt(4) == 0 ? null : (long) random.nextInt(10);
            list.add(new InventoryRecord(skus[random.nextInt(distinctSkus)], "vs" + i, "vendor_" + v,
                    random.nextInt(4) == 0 ? 0 : random.nextInt(50), lead, cost == null ? null : new BigDecimal(cost),
                    random.nextBoolean() ? null : BigDecimal.valueOf(random.nextInt(4_000), 2),
                    BigDecimal.valueOf(random.nextInt(1_000), 1), null, random.nextBoolean() ? "new" : null,
                    "brand", random.nextInt(20) == 0 ? "long title, with \"quotes\"\n" + i : "t" + i,
                    Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000)),
                    random.nextInt(50) == 0 ? InventoryRecord.NEG_ZERO_COST : 0, v, ++rows[v]));
        }
        // input order: vendor by vendor, rows ascending, as the engine feeds the merger
        list.sort((a, b) -> a.vendorIndex() != b.vendorIndex() ? Integer.compare(a.vendorIndex(), b.vendorIndex())
                : Long.compare(a.rowNumber(), b.rowNumber()));
        return list;
    }

    /** Naive reference: group, pick the minimum offer, sort by sku, finalize. */
    private static List<InventoryRecord> reference(List<InventoryRecord> input, TenantConfig.BestOffer bo,
                                                   TenantConfig.Pricing p) {
        OfferComparator order = new OfferComparator(bo);
        Map<String, InventoryRecord> best = new HashMap<>();
        for (InventoryRecord r : input) best.merge(r.sku(), r, (x, y) -> order.compare(x, y) <= 0 ? x : y);
        Pricer pricer = new Pricer(p);
        return best.values().stream().sorted((a, b) -> CodePointOrder.compareStrings(a.sku(), b.sku()))
                .map(r -> r.withPriceAndLeadTime(pricer.price(r),
                        r.leadTimeDays() == null ? bo.fallbackLeadTimeDays() : r.leadTimeDays()))
                .toList();
    }

    private List<Path> listSpillDir() throws IOException {
        try (Stream<Path> files = Files.list(spillDir)) {
            return files.toList();
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
