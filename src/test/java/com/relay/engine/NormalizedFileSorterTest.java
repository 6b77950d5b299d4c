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

/** RI §3.10.3 normalized-file order (sku by code point, stable) with and without spilling. */
class NormalizedFileSorterTest {

    @TempDir
    Path spillDir;

    @Test
    void sortsBySkuKeepingInputOrderAmongEqualSkus() throws IOException {
        List<InventoryRecord> input = List.of(
                record().sku("B").row(2).build(), record().sku("a").row(3).build(), record().sku("B").row(4).build(),
                record().sku("10").row(5).build(), record().sku("9").row(6).build(), record().sku("Ä").row(7).build(),
                record().sku("A").row(8).build(), record().sku("B").row(9).build());
        List<InventoryRecord> out = new ArrayList<>();
        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 1 << 20)) {
            for (InventoryRecord r : input) sorter.accept(r);
            sorter.finish(out::add);
        }
        assertThat(out).extracting(InventoryRecord::rowNumber).containsExactly(5L, 6L, 8L, 2L, 4L, 9L, 3L, 7L);
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
        // RI §9.9 normalized/v2/normalized.csv
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
        String[] skus = {"A", "a", "Ä", "10", "9", "😀", "\uFFFD", "SKU-1", "SKU-10", "SKU-2"};
        List<InventoryRecord> input = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            input.add(record().sku(skus[random.nextInt(skus.length)] + random.nextInt(50)).vendorId("v1")
                    .quantity(random.nextInt(9)).cost(random.nextBoolean() ? null : "1.5").title("t" + i)
                    .row(i + 2).build());
        }
        List<InventoryRecord> expected = new ArrayList<>(input);
        expected.sort(Comparator.comparing(InventoryRecord::sku, CodePointOrder.INSTANCE)
                .thenComparingLong(InventoryRecord::rowNumber));

        List<InventoryRecord> spilled = new ArrayList<>();
        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 64 * 1024, 3)) {
            for (InventoryRecord r : input) sorter.accept(r);
            assertThat(sorter.spilledRuns()).isGreaterThan(9);
            assertThat(sorter.count()).isEqualTo(30_000);
            sorter.finish(spilled::add);
        }
        assertThat(listSpillDir()).isEmpty();
        assertThat(spilled).isEqualTo(expected);

        List<InventoryRecord> inMemory = new ArrayList<>();
        try (NormalizedFileSorter sorter = new NormalizedFileSorter(spillDir, 1L << 30)) {
            for (InventoryRecord r : input) sorter.accept(r);
            assertThat(sorter.spilledRuns()).isZero();
            sorter.finish(inMemory::add);
        }
        assertThat(inMemory).isEqualTo(expected);
    }

    private List<Path> listSpillDir() throws IOException {
        try (Stream<Path> files = Files.list(spillDir)) {
            return files.toList();
        }
    }
}
