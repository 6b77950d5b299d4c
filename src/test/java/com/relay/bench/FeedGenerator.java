package com.relay.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a deterministic benchmark dataset: {@code vendors} CSV feeds of {@code rowsPerVendor}
 * rows over exactly {@code skus} distinct SKUs, plus the tenant configuration that reads them
 * ({@code tenant.yaml}, docs/CONTRACT.md#example-configuration shape with {@code inbound: {type: local}} vendors).
 *
 * <p>Same parameters → same bytes. Every row is valid under docs/CONTRACT.md#row-parsing-and-row-errors, so Relay and the DuckDB
 * baseline see the same records. What varies on purpose: header names and column order per
 * vendor (docs/CONTRACT.md#header-check-and-required-columns column_map), ~5 % quoted titles with commas and doubled quotes (docs/CONTRACT.md#csv-dialect and
 * docs/CONTRACT.md#output-csv-format quoting), 20 % zero stock (in_stock_desc), ~2 % offers without a cost (cost-less offers
 * sort last, docs/CONTRACT.md#merge-best-offer; they keep price 0, docs/CONTRACT.md#pricing), half of MAP cells empty, 30 % of lead times
 * empty (fallback lead time), cheap costs that hit the min_price floor, MAP values that raise
 * prices, SKUs whose code-point order differs from naive orders ({@code 10-} before {@code 9-},
 * {@code Ä}, a full-width letter and a supplementary-plane letter, docs/CONTRACT.md#conventions), the same SKU
 * several times in one vendor (row-order tie-break) and across vendors.
 */
public final class FeedGenerator {

    /** Name of the generated tenant configuration file inside the data directory. */
    public static final String CONFIG_FILE = "tenant.yaml";
    public static final String TENANT_ID = "bench_tenant";
    private static final String COMPLETE_MARKER = ".complete";

    /** Canonical fields written to every feed, in their natural column order. */
    static final List<String> FIELDS =
            List.of("sku", "quantity_available", "cost", "map_price", "lead_time_days", "title", "brand");

    /** Header naming styles; vendor {@code i} (1-based) uses style {@code (i - 1) % 5}. */
    static final List<List<String>> HEADER_STYLES = List.of(
            List.of("SKU", "QTY", "COST", "MAP", "LEAD", "Title", "Brand"),
            List.of("sku", "quantity_available", "cost", "map_price", "lead_time_days", "title", "brand"),
            List.of("Item", "Qty On Hand", "Unit Cost", "MAP Price", "Lead Days", "Description", "Manufacturer"),
            List.of("Part Number", "Available", "Price (Cost)", "Min Adv Price", "Lead Time", "Product Name", "Brand Name"),
            List.of("item_code", "stock", "net_cost", "map", "leadtime", "name", "make"));

    /** SKU prefixes chosen so that code-point order is not the "obvious" order (docs/CONTRACT.md#conventions). */
    private static final List<String> SKU_PREFIXES =
            List.of("SKU-", "sku-", "10-", "9-", "A", "\u00c4-", "\uff5a-", "\ud835\udd38-");

    private static final List<String> BRANDS =
            List.of("Acme", "B\u00fcrkle", "Globex", "Initech", "Umbrella", "\u017bubr", "Stark Industries");
    private static final List<String> WORDS =
            List.of("Pro", "Max", "Mini", "Classic", "Ultra", "Eco", "Plus", "Heavy Duty");

    static final double ZERO_STOCK = 0.20;
    static final double NO_COST = 0.02;
    static final double EMPTY_MAP = 0.50;
    static final double EMPTY_LEAD = 0.30;
    static final double QUOTED_TITLE = 0.05;

    /** Generation parameters. */
    public record Params(int vendors, int rowsPerVendor, int skus, long seed) {
        public Params {
            if (vendors < 1 || vendors > 99) {
                throw new IllegalArgumentException("vendors must be between 1 and 99, got " + vendors);
            }
            if (rowsPerVendor < 1) {
                throw new IllegalArgumentException("rows per vendor must be >= 1, got " + rowsPerVendor);
            }
            if (skus < 1 || (long) skus > (long) vendors * rowsPerVendor) {
                throw new IllegalArgumentException("skus must be between 1 and vendors x rows ("
                        + (long) vendors * rowsPerVendor + "), got " + skus);
            }
        }

        public long totalRows() {
            return (long) vendors * rowsPerVendor;
        }

        /** A directory name that identifies the dataset, used for caching. */
        public String dirName() {
            return "v" + vendors + "-r" + rowsPerVendor + "-s" + skus + "-seed" + seed;
        }

        String describe() {
            return "vendors=" + vendors + " rows=" + rowsPerVendor + " skus=" + skus + " seed=" + seed + "\n";
        }
    }

    /** A generated dataset on disk. */
    public record Dataset(Path dir, Path config, Map<String, Path> vendorFiles, Params params) {}

    private final Params params;

    public FeedGenerator(Params params) {
        this.params = params;
    }

    public static String vendorId(int oneBasedIndex) {
        return String.format("vendor_%02d", oneBasedIndex);
    }

    /**
     * Returns the dataset in {@code dir}, generating it unless a complete dataset with the same
     * parameters is already there (the marker file is written last, so an interrupted generation
     * is redone).
     */
    public Dataset generateIfAbsent(Path dir) throws IOException {
        Path marker = dir.resolve(COMPLETE_MARKER);
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(params.describe())) {
            return dataset(dir);
        }
        Files.deleteIfExists(marker);
        return generate(dir);
    }

    /** Generates the dataset into {@code dir} (created if needed; files overwritten). */
    public Dataset generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(COMPLETE_MARKER));
        SkuPermutation permutation = new SkuPermutation(params.skus(), params.seed());
        List<VendorLayout> layouts = new ArrayList<>();
        for (int v = 1; v <= params.vendors(); v++) {
            VendorLayout layout = layout(v);
            layouts.add(layout);
            writeVendorFile(dir.resolve(vendorId(v) + ".csv"), v, layout, permutation);
        }
        Files.writeString(dir.resolve(CONFIG_FILE), tenantYaml(layouts), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(COMPLETE_MARKER), params.describe());
        return dataset(dir);
    }

    private Dataset dataset(Path dir) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (int v = 1; v <= params.vendors(); v++) {
            files.put(vendorId(v), dir.resolve(vendorId(v) + ".csv"));
        }
        return new Dataset(dir, dir.resolve(CONFIG_FILE), files, params);
    }

    /** Header names and column order of one vendor. */
    record VendorLayout(String vendorId, Map<String, String> columnMap, List<String> headerOrder, boolean extraColumn) {}

    VendorLayout layout(int vendor) {
        List<String> names = HEADER_STYLES.get((vendor - 1) % HEADER_STYLES.size());
        Map<String, String> columnMap = new LinkedHashMap<>();
        for (int f = 0; f < FIELDS.size(); f++) {
            columnMap.put(FIELDS.get(f), names.get(f));
        }
        List<String> order = new ArrayList<>(FIELDS);
        if (vendor % 2 == 0) { // every second vendor shuffles its columns (docs/CONTRACT.md#header-check-and-required-columns: matched by name)
            SplittableRandom random = new SplittableRandom(params.seed() ^ (0x5DEECE66DL * vendor));
            for (int i = order.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                order.set(i, order.set(j, order.get(i)));
            }
        }
        boolean extraColumn = vendor % 3 == 0; // an unmapped column that must be ignored
        return new VendorLayout(vendorId(vendor), columnMap, order, extraColumn);
    }

    private void writeVendorFile(Path file, int vendor, VendorLayout layout, SkuPermutation permutation)
            throws IOException {
        SplittableRandom random = new SplittableRandom(params.seed() * 1_000_003L + vendor);
        try (Writer out = new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 20)) {
            List<String> header = new ArrayList<>();
            for (String field : layout.headerOrder()) {
                header.add(layout.columnMap().get(field));
            }
            if (layout.extraColumn()) {
                header.add("Warehouse");
            }
            out.write(String.join(",", header));
            out.write('\n');
            Map<String, String> cells = new LinkedHashMap<>();
            StringBuilder line = new StringBuilder(160);
            long firstGlobalRow = (long) (vendor - 1) * params.rowsPerVendor();
            for (int row = 0; row < params.rowsPerVendor(); row++) {
                long global = firstGlobalRow + row;
                // The first `skus` global rows cover every SKU once; later rows draw at random, so
                // SKUs repeat across vendors and within one vendor.
                int skuIndex = global < params.skus() ? permutation.apply((int) global) : random.nextInt(params.skus());
                fillRow(cells, skuIndex, random);
                line.setLength(0);
                for (String field : layout.headerOrder()) {
                    line.append(cells.get(field)).append(',');
                }
                line.setLength(line.length() - 1);
                if (layout.extraColumn()) {
                    line.append(",WH").append(1 + random.nextInt(4));
                }
                line.append('\n');
                out.append(line);
            }
        }
    }

    /** Fills the CSV-encoded cells of one row. */
    private static void fillRow(Map<String, String> cells, int skuIndex, SplittableRandom random) {
        cells.put("sku", skuText(skuIndex));
        cells.put("quantity_available",
                random.nextDouble() < ZERO_STOCK ? "0" : Integer.toString(1 + random.nextInt(500)));
        // Log-uniform cents between 0.50 and 500.00: cheap items hit the min_price floor.
        long costCents = Math.round(Math.exp(Math.log(50) + random.nextDouble() * (Math.log(50_000) - Math.log(50))));
        boolean hasCost = random.nextDouble() >= NO_COST;
        cells.put("cost", hasCost ? money(costCents) : "");
        if (random.nextDouble() < EMPTY_MAP) {
            cells.put("map_price", "");
        } else {
            // 1.00x .. 1.79x of the cost: above ~1.2x (the margin) MAP raises the price.
            cells.put("map_price", money(costCents * (100 + random.nextInt(80)) / 100));
        }
        cells.put("lead_time_days", random.nextDouble() < EMPTY_LEAD ? "" : Integer.toString(random.nextInt(31)));
        String word = WORDS.get(random.nextInt(WORDS.size()));
        if (random.nextDouble() < QUOTED_TITLE) {
            String title = "Widget " + skuIndex + ", size " + (1 + random.nextInt(12)) + " \"" + word + "\"";
            cells.put("title", '"' + title.replace("\"", "\"\"") + '"');
        } else {
            cells.put("title", "Widget " + skuIndex + " " + word);
        }
        cells.put("brand", BRANDS.get(random.nextInt(BRANDS.size())));
    }

    static String skuText(int skuIndex) {
        return SKU_PREFIXES.get(skuIndex % SKU_PREFIXES.size()) + skuIndex;
    }

    private static String money(long cents) {
        return cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100;
    }

    private String tenantYaml(List<VendorLayout> layouts) {
        StringBuilder y = new StringBuilder();
        y.append("# Generated by com.relay.bench.FeedGenerator (").append(params.describe().strip()).append(")\n");
        y.append("schema_version: 1\n");
        y.append("tenant_id: ").append(TENANT_ID).append('\n');
        y.append("timezone: UTC\n");
        y.append("default_currency: USD\n");
        y.append("vendors:\n");
        for (VendorLayout layout : layouts) {
            y.append("  - vendor_id: ").append(layout.vendorId()).append('\n');
            y.append("    inbound: {type: local}\n");
            y.append("    parser:\n");
            y.append("      format: csv\n");
            y.append("      delimiter: \",\"\n");
            y.append("      encoding: utf-8\n");
            y.append("      column_map:\n");
            for (Map.Entry<String, String> e : layout.columnMap().entrySet()) {
                y.append("        ").append(e.getKey()).append(": ").append(yamlString(e.getValue())).append('\n');
            }
        }
        y.append("""
                pricing:
                  base_margin_pct: 0.20
                  min_price: 5.00
                  shipping_handling_flat: 1.50
                  map_policy: {enforce: true, map_floor_behavior: "max(price, map_price)"}
                  rounding: {mode: nearest, increment: 0.01}
                merge:
                  strategy: best_offer
                  best_offer:
                    sort_by: []
                    landed_cost: {include_shipping_handling: true}
                    fallback_lead_time_days: 7
                output:
                  format: csv
                  columns: [sku, quantity_available, price, cost, map_price, lead_time_days, vendor_id, title, brand]
                error_policy:
                  max_invalid_rows: 1000000000
                  max_invalid_row_pct: 1.0
                """);
        return y.toString();
    }

    private static String yamlString(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A seeded bijection on [0, n): x → (a·x + b) mod n with gcd(a, n) = 1. */
    static final class SkuPermutation {
        private final long n;
        private final long a;
        private final long b;

        SkuPermutation(int n, long seed) {
            this.n = n;
            SplittableRandom random = new SplittableRandom(seed);
            long candidate = n == 1 ? 1 : 1 + random.nextLong(n - 1);
            while (gcd(candidate, n) != 1) {
                candidate = candidate % (n - 1) + 1;
            }
            this.a = candidate;
            this.b = random.nextLong(n);
        }

        int apply(int x) {
            return (int) ((a * x + b) % n);
        }

        private static long gcd(long x, long y) {
            return y == 0 ? x : gcd(y, x % y);
        }
    }

    /** Generates a dataset: {@code FeedGenerator <dir> [vendors rows skus seed]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1 && args.length != 5) {
            System.err.println("usage: FeedGenerator <dir> [<vendors> <rows> <skus> <seed>]");
            System.exit(2);
        }
        Params p = args.length == 1 ? new Params(20, 100_000, 400_000, 42)
                : new Params(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Long.parseLong(args[4]));
        Dataset d = new FeedGenerator(p).generate(Path.of(args[0]));
        System.out.println("generated " + p.totalRows() + " rows in " + d.dir());
    }
}
