package com.relay.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static com.relay.engine.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

/** docs/CONTRACT.md#row-order normalized-file order (sku by code point, stable) with and without spilling. */
class NormalizedFileSorterTest {

    @TempDir
    Path spillDir;

    @Test
    void sortsBySkuKeepingInputOrderAmongEqualSkus() throws IOException {
        List<InventoryRecord> input = List.of(
                record().sku("B").row(2).build(), record().sku("a").row(3).build(), record().sku("B").row(4).build(),
                record().sku("10").row(5).build(), record().sku("9").row(6).build(), record().sku("Ä").row(7).build(),
                record().sku("A").row(8).build(), record().sku("B").row(9).build());
        List<String> titles;
        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 1 << 20)) {
            for (InventoryRecord r : input) sorter.accept(withTitle(r));
            titles = titles(sorter);
        }
        assertThat(titles).containsExactly("5", "6", "8", "2", "4", "9", "3", "7");
    }

    @Test
    void writesTheNormalizedCsv() throws IOException {
        Instant now = Instant.parse("2024-05-06T07:08:09.123Z");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 1 << 20)) {
            sorter.accept(record().sku("SKUé").vendorId("v2").quantity(2).cost("5").updatedAt(now).row(3).build());
            sorter.accept(record().sku("SKU-002").vendorId("v2").quantity(3).cost("15.00").updatedAt(now).row(2).build());
            assertThat(sorter.writeCsv(bytes)).isEqualTo(2);
        }
        // docs/CONTRACT.md#end-to-end-worked-example normalized/v2/normalized.csv
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                sku,vendor_sku,vendor_id,quantity_available,lead_time_days,cost,map_price,price,msrp,condition,brand,title,updated_at
                SKU-002,,v2,3,,15.00,,0.00,,,,,2024-05-06T07:08:09.123000Z
                SKUé,,v2,2,,5.00,,0.00,,,,,2024-05-06T07:08:09.123000Z
                """);
    }

    @Test
    void headerOnlyWhenNoRecords() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 1 << 20)) {
            assertThat(sorter.writeCsv(bytes)).isZero();
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "sku,vendor_sku,vendor_id,quantity_available,lead_time_days,cost,map_price,price,msrp,condition,brand,title,updated_at\n");
    }

    /** Many duplicate SKUs, a tiny budget and a small fan-in: multi-level merges stay stable. */
    @Test
    void spillingIsStableAndEqualToTheInMemorySort() throws IOException {
        Random random = new Random(99);
        String[] skus = {"A", "a", "Ä", "10", "9", "😀", "\uFFFD", "SKU-1", "SKU-10", "SKU-2", "SKU-0000000001", "SKU-00000000011"};
        List<InventoryRecord> input = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            input.add(record().sku(skus[random.nextInt(skus.length)] + random.nextInt(50)).vendorId("v1")
                    .quantity(random.nextInt(9)).cost(random.nextBoolean() ? null : "1.5").title(Integer.toString(i + 2))
                    .row(i + 2).build());
        }
        List<InventoryRecord> expected = new ArrayList<>(input);
        expected.sort(Comparator.comparing(InventoryRecord::sku, CodePointOrder.INSTANCE)
                .thenComparingLong(InventoryRecord::rowNumber));
        List<String> expectedTitles = expected.stream().map(InventoryRecord::title).toList();

        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 64 * 1024, 3)) {
            for (InventoryRecord r : input) sorter.accept(r);
            assertThat(sorter.spilledRuns()).isGreaterThan(2);
            assertThat(sorter.count()).isEqualTo(30_000);
            assertThat(titles(sorter)).isEqualTo(expectedTitles);
        }
        assertThat(listSpillDir()).isEmpty();

        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 1L << 30)) {
            for (InventoryRecord r : input) sorter.accept(r);
            assertThat(sorter.spilledRuns()).isZero();
            assertThat(titles(sorter)).isEqualTo(expectedTitles);
        }
    }

    @Test
    void closingWithoutWritingDeletesSpillFiles() throws IOException {
        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 1024)) {
            for (int i = 0; i < 500; i++) sorter.accept(record().sku("S" + i).vendorId("v1").row(i + 2).build());
            assertThat(sorter.spilledRuns()).isPositive();
        }
        assertThat(listSpillDir()).isEmpty();
    }

    private static InventoryRecord withTitle(InventoryRecord r) {
        return new InventoryRecord(r.sku(), r.vendorSku(), r.vendorId(), r.quantityAvailable(), r.leadTimeDays(), r.cost(),
                r.mapPrice(), r.price(), r.msrp(), r.condition(), r.brand(), Long.toString(r.rowNumber()), r.updatedAt(),
                r.negativeZeroMask(), r.vendorIndex(), r.rowNumber());
    }

    /** Writes the CSV and returns the title column (column 12) of every row, in order. */
    private static List<String> titles(NormalizedFileSorter sorter) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sorter.writeCsv(bytes);
        return bytes.toString(StandardCharsets.UTF_8).lines().skip(1).map(l -> l.split(",", -1)[11]).toList();
    }

    private List<Path> listSpillDir() throws IOException {
        try (Stream<Path> files = Files.list(spillDir)) {
            return files.toList();
        }
    }
}
