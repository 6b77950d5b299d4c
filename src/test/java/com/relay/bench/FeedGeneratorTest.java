package com.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedGeneratorTest {

    private static final FeedGenerator.Params PARAMS = new FeedGenerator.Params(5, 4_000, 12_000, 42);

    @TempDir
    Path dir;

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        FeedGenerator.Dataset a = new FeedGenerator(PARAMS).generate(dir.resolve("a"));
        FeedGenerator.Dataset b = new FeedGenerator(PARAMS).generate(dir.resolve("b"));
        FeedGenerator.Dataset c = new FeedGenerator(new FeedGenerator.Params(5, 4_000, 12_000, 43)).generate(dir.resolve("c"));

        for (String vendor : a.vendorFiles().keySet()) {
            assertThat(Files.readAllBytes(b.vendorFiles().get(vendor)))
                    .isEqualTo(Files.readAllBytes(a.vendorFiles().get(vendor)));
            assertThat(Files.readAllBytes(c.vendorFiles().get(vendor)))
                    .isNotEqualTo(Files.readAllBytes(a.vendorFiles().get(vendor)));
        }
        assertThat(Files.readString(b.config())).isEqualTo(Files.readString(a.config()));
    }

    @Test
    void headerNamesDifferPerVendorAndTheConfigurationMapsThem() throws Exception {
        FeedGenerator.Dataset data = new FeedGenerator(PARAMS).generate(dir);
        BenchConfig config = BenchConfig.load(data.config());

        Set<Set<String>> headerSets = new HashSet<>();
        for (BenchConfig.Vendor vendor : config.vendors()) {
            List<String> header = CsvRecords.readHeader(data.vendorFiles().get(vendor.vendorId()), ',');
            headerSets.add(Set.copyOf(header));
            for (String field : FeedGenerator.FIELDS) {
                assertThat(header).as(vendor.vendorId() + " " + field).contains(vendor.sourceColumn(field));
            }
        }
        assertThat(headerSets).hasSize(5);
        assertThat(CsvRecords.readHeader(data.vendorFiles().get("vendor_03"), ','))
                .contains("Item", "Qty On Hand", "Unit Cost", "Warehouse");
        assertThat(config.tenantId()).isEqualTo(FeedGenerator.TENANT_ID);
        assertThat(config.columns()).containsExactly("sku", "quantity_available", "price", "cost", "map_price",
                "lead_time_days", "vendor_id", "title", "brand");
        assertThat(config.sortBy()).isEqualTo(BenchConfig.DEFAULT_SORT_BY);
        assertThat(config.pricing().minPrice()).isEqualByComparingTo("5.00");
    }

    @Test
    void proportionsSkuCountAndCellFormatsAreAsDocumented() throws Exception {
        FeedGenerator.Dataset data = new FeedGenerator(PARAMS).generate(dir);
        BenchConfig config = BenchConfig.load(data.config());
        long rows = 0;
        long zeroStock = 0;
        long noCost = 0;
        long emptyMap = 0;
        long emptyLead = 0;
        long quotedTitles = 0;
        Set<String> skus = new HashSet<>();
        for (BenchConfig.Vendor vendor : config.vendors()) {
            List<List<String>> records = CsvRecords.readAll(data.vendorFiles().get(vendor.vendorId()), ',');
            List<String> header = records.get(0);
            Map<String, Integer> at = new java.util.HashMap<>();
            for (String field : FeedGenerator.FIELDS) {
                at.put(field, header.indexOf(vendor.sourceColumn(field)));
            }
            for (List<String> row : records.subList(1, records.size())) {
                assertThat(row).hasSize(header.size());
                rows++;
                skus.add(row.get(at.get("sku")));
                zeroStock += row.get(at.get("quantity_available")).equals("0") ? 1 : 0;
                String cost = row.get(at.get("cost"));
                noCost += cost.isEmpty() ? 1 : 0;
                assertThat(cost).matches("|[0-9]+\\.[0-9]{2}");
                assertThat(row.get(at.get("map_price"))).matches("|[0-9]+\\.[0-9]{2}");
                assertThat(row.get(at.get("lead_time_days"))).matches("|[0-9]{1,2}");
                emptyMap += row.get(at.get("map_price")).isEmpty() ? 1 : 0;
                emptyLead += row.get(at.get("lead_time_days")).isEmpty() ? 1 : 0;
                String title = row.get(at.get("title"));
                if (title.contains(",")) {
                    quotedTitles++;
                    assertThat(title).contains("\"");
                }
            }
        }
        assertThat(rows).isEqualTo(PARAMS.totalRows());
        assertThat(skus).hasSize(PARAMS.skus());
        assertThat(zeroStock / (double) rows).isCloseTo(0.20, within(0.02));
        assertThat(noCost / (double) rows).isCloseTo(0.02, within(0.01));
        assertThat(emptyMap / (double) rows).isCloseTo(0.50, within(0.02));
        assertThat(emptyLead / (double) rows).isCloseTo(0.30, within(0.02));
        assertThat(quotedTitles / (double) rows).isCloseTo(0.05, within(0.01));
        // The raw bytes really contain quoted titles with doubled quotes (docs/CONTRACT.md#csv-dialect).
        assertThat(Files.readString(data.vendorFiles().get("vendor_01"))).containsPattern(",\"Widget [0-9]+, size [0-9]+ \"\"");
    }

    @Test
    void reusesACompleteDatasetAndRegeneratesAnIncompleteOne() throws Exception {
        Path target = dir.resolve("cached");
        FeedGenerator.Dataset first = new FeedGenerator(PARAMS).generateIfAbsent(target);
        Path file = first.vendorFiles().get("vendor_01");
        FileTime stamp = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(file, stamp);

        new FeedGenerator(PARAMS).generateIfAbsent(target);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(stamp);

        Files.delete(target.resolve(".complete"));
        new FeedGenerator(PARAMS).generateIfAbsent(target);
        assertThat(Files.getLastModifiedTime(file)).isNotEqualTo(stamp);
    }

    @Test
    void rejectsImpossibleParameters() {
        assertThatThrownBy(() -> new FeedGenerator.Params(2, 10, 21, 1))
                .hasMessage("skus must be between 1 and vendors x rows (20), got 21");
        assertThatThrownBy(() -> new FeedGenerator.Params(0, 10, 5, 1)).hasMessageContaining("vendors must be");
    }

    @Test
    void skuPermutationIsABijection() {
        FeedGenerator.SkuPermutation p = new FeedGenerator.SkuPermutation(1_000, 7);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            seen.add(p.apply(i));
        }
        assertThat(seen).hasSize(1_000);
    }
}
