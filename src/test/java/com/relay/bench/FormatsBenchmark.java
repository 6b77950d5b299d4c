package com.relay.bench;

import com.relay.engine.FormatWriters;
import com.relay.engine.InventoryRecord;
import com.relay.engine.RowError;
import com.relay.engine.RowSink;
import com.relay.engine.VendorFeedParser;
import com.relay.engine.VendorParseResult;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfig.ColumnRange;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rows/s of the engine's parse of each vendor file format (issue 20, docs/ENGINE.md#vendor-file-formats):
 * the engine benchmark's vendor feeds ({@link FeedGenerator}) converted to tsv, headerless csv, xlsx,
 * json, xml and fixed_width, each parsed by {@code VendorFeedParser} into canonical records (decode,
 * read, convert, validate; no sort, merge or output), in its own JVM after warm-up passes. Every
 * format must yield the same records (count and a checksum), else the run fails.
 */
public final class FormatsBenchmark {

    enum Format {
        CSV("csv", "csv"), TSV("tsv", "tsv"), CSV_HEADERLESS("csv, header: false", "headerless.csv"), XLSX("xlsx", "xlsx"),
        JSON("json", "json"), XML("xml", "xml"), FIXED_WIDTH("fixed_width", "txt");

        final String label;
        final String extension;

        Format(String label, String extension) {
            this.label = label;
            this.extension = extension;
        }
    }

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Set<String> NUMERIC = Set.of("quantity_available", "cost", "map_price", "lead_time_days");

    record Args(int files, int rows, int warmUp, int iterations, Path dataDir, String heap, long seed) {
        static final String USAGE = """
                usage: FormatsBenchmark [--files 2] [--rows 100000] [--warm-up 10] [--iterations 10]
                                        [--data-dir bench-data] [--heap 512m] [--seed 42]
                The feeds are the first <files> vendor files of the engine benchmark's dataset
                (20 vendors x <rows> rows), converted once to every format (cached in the data dir).""";

        static Args parse(String[] argv) {
            int files = 2;
            int rows = 100_000;
            // ten warm-up passes: after three the JIT still works through the first pass's class loading,
            // which weighs on the formats that load the most classes (docs/PERFORMANCE.md#vendor-file-formats-issue-20)
            int warmUp = 10;
            int iterations = 10;
            Path dataDir = Path.of("bench-data");
            String heap = "512m";
            long seed = 42;
            for (int i = 0; i < argv.length; i += 2) {
                if (i + 1 >= argv.length) throw new IllegalArgumentException("missing value for " + argv[i]);
                String v = argv[i + 1];
                switch (argv[i]) {
                    case "--files" -> files = Integer.parseInt(v);
                    case "--rows" -> rows = Integer.parseInt(v);
                    case "--warm-up" -> warmUp = Integer.parseInt(v);
                    case "--iterations" -> iterations = Integer.parseInt(v);
                    case "--data-dir" -> dataDir = Path.of(v);
                    case "--heap" -> heap = v;
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + argv[i]);
                }
            }
            if (files < 1 || files > 20 || rows < 1 || iterations < 1 || warmUp < 0) {
                throw new IllegalArgumentException("need 1 <= files <= 20, rows >= 1, iterations >= 1, warm-up >= 0");
            }
            return new Args(files, rows, warmUp, iterations, dataDir, heap, seed);
        }

        List<String> toArgv() {
            return List.of("--files", "" + files, "--rows", "" + rows, "--warm-up", "" + warmUp, "--iterations",
                    "" + iterations, "--data-dir", dataDir.toString(), "--heap", heap, "--seed", "" + seed);
        }
    }

    /** One converted feed: its file and the parser configuration that reads it. */
    record Feed(Path file, TenantConfig.Vendor vendor) {}

    public static void main(String[] argv) throws Exception {
        if (argv.length > 0 && argv[0].equals("--child")) {
            System.exit(child(Format.valueOf(argv[1]), Args.parse(Arrays.copyOfRange(argv, 2, argv.length))));
        }
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Args.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(args, System.out));
    }

    static int run(Args args, PrintStream out) throws Exception {
        Map<Format, List<Feed>> feeds = prepare(args);
        out.println("# Vendor file formats: VendorFeedParser rows/s per format");
        out.println();
        out.println(CsvReaderBenchmark.machine());
        out.printf("feeds: the first %d vendor files of the engine benchmark's dataset (%,d rows each) in each format; "
                        + "%d warm-up + %d timed passes per format, each format in its own JVM (-Xmx%s)%n%n",
                args.files(), args.rows(), args.warmUp(), args.iterations(), args.heap());
        List<String[]> table = new ArrayList<>();
        String expected = null;
        double csvMedian = 0;
        for (Format format : Format.values()) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx" + args.heap());
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(FormatsBenchmark.class.getName());
            cmd.add("--child");
            cmd.add(format.name());
            cmd.addAll(args.toArgv());
            CsvReaderBenchmark.ChildResult result = CsvReaderBenchmark.runChild(cmd);
            if (result.exit() != 0 || result.line() == null) {
                out.println("FAILED " + format.label + ": exit " + result.exit() + "\n" + result.output());
                return 1;
            }
            // "<records> <checksum> <seconds>..."
            String[] parts = result.line().trim().split(" ");
            String counts = parts[0] + " " + parts[1];
            if (expected == null) expected = counts;
            if (!counts.equals(expected)) {
                out.println("MISMATCH " + format.label + ": " + counts + " vs " + expected);
                return 1;
            }
            double[] seconds = new double[parts.length - 2];
            for (int i = 2; i < parts.length; i++) seconds[i - 2] = Double.parseDouble(parts[i]);
            double median = CsvReaderBenchmark.median(seconds);
            if (format == Format.CSV) csvMedian = median;
            long bytes = 0;
            for (Feed f : feeds.get(format)) bytes += Files.size(f.file());
            long records = Long.parseLong(parts[0]);
            out.printf("%s: %s s (median %.3f)%n", format.label, Arrays.toString(seconds), median);
            table.add(new String[] {format.label, String.format("%,.0f", records / median), String.format("%.3f", median),
                    String.format("%.2f", median / csvMedian), String.format("%,d", bytes),
                    median <= 2 * csvMedian ? "yes" : "no"});
        }
        out.printf("%nevery format: %s (records, checksum of sku lengths and quantities)%n%n", expected);
        out.println("| format | rows/s (median) | s per pass (median) | time vs csv | bytes of the files | within 2x csv |");
        out.println("|---|---:|---:|---:|---:|---|");
        for (String[] r : table) out.printf("| %s | %s | %s | %s | %s | %s |%n", (Object[]) r);
        return 0;
    }

    /** In a child JVM: warm-up and timed passes over one format's feeds; prints one result line. */
    static int child(Format format, Args args) throws Exception {
        List<Feed> feeds = prepare(args).get(format);
        Path work = Files.createTempDirectory("relay-formats-bench-");
        VendorFeedParser parser = new VendorFeedParser();
        long[] counts = null;
        StringBuilder times = new StringBuilder();
        for (int pass = 0; pass < args.warmUp() + args.iterations(); pass++) {
            long start = System.nanoTime();
            long[] total = pass(parser, feeds, work);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (counts != null && !Arrays.equals(counts, total)) throw new IllegalStateException("passes disagree");
            counts = total;
            if (pass >= args.warmUp()) times.append(' ').append(String.format("%.4f", seconds));
        }
        System.out.println("RESULT " + counts[0] + " " + counts[1] + times);
        return 0;
    }

    /** One pass over the feeds: {rows, checksum of the records' sku lengths and quantities}. */
    static long[] pass(VendorFeedParser parser, List<Feed> feeds, Path work) throws Exception {
        long[] total = new long[2];
        for (int i = 0; i < feeds.size(); i++) {
            Feed feed = feeds.get(i);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(feed.file()), 1 << 16)) {
                VendorParseResult r = parser.parse(feed.vendor(), i, in, null, NOW, true, new RowSink() {
                    @Override
                    public void accept(InventoryRecord record) {
                        total[1] += record.sku().length() * 31L + record.quantityAvailable();
                    }

                    @Override
                    public void error(RowError error) {
                        total[1] += 1_000_003L;
                    }
                }, 0, work);
                total[0] += r.totalRows();
            }
        }
        return total;
    }

    /** The dataset and its conversions (made once, then reused), with the parser of each feed. */
    static Map<Format, List<Feed>> prepare(Args args) throws IOException {
        FeedGenerator.Params params = new FeedGenerator.Params(20, args.rows(),
                (int) Math.min(400_000L, 20L * args.rows()), args.seed());
        FeedGenerator generator = new FeedGenerator(params);
        FeedGenerator.Dataset data = generator.generateIfAbsent(args.dataDir().resolve(params.dirName()));
        Path dir = data.dir().resolve("formats");
        Files.createDirectories(dir);
        Map<Format, List<Feed>> feeds = new LinkedHashMap<>();
        for (Format f : Format.values()) feeds.put(f, new ArrayList<>());
        List<Path> csvFiles = new ArrayList<>(data.vendorFiles().values());
        for (int v = 1; v <= args.files(); v++) {
            Path csv = csvFiles.get(v - 1);
            FeedGenerator.VendorLayout layout = generator.layout(v);
            List<String> header = CsvRecords.readHeader(csv, ',');
            Map<String, String> fieldOf = new HashMap<>();
            layout.columnMap().forEach((field, name) -> fieldOf.put(name, field));
            Set<String> numeric = new java.util.HashSet<>();
            Map<String, String> xmlNames = new HashMap<>();
            for (String name : header) {
                if (fieldOf.containsKey(name) && NUMERIC.contains(fieldOf.get(name))) numeric.add(name);
                xmlNames.put(name, xmlName(name));
            }
            Map<String, Integer> widths = widths(csv, header);
            FormatWriters.Layout l = new FormatWriters.Layout(header, numeric, Set.of(), Map.of(), xmlNames, widths);
            String id = layout.vendorId();
            Map<String, String> byName = layout.columnMap();
            Map<String, String> byNumber = new LinkedHashMap<>();
            Map<String, String> byXml = new LinkedHashMap<>();
            byName.forEach((field, name) -> {
                byNumber.put(field, Integer.toString(header.indexOf(name) + 1));
                byXml.put(field, xmlNames.get(name));
            });
            Map<String, ColumnRange> columns = new LinkedHashMap<>();
            l.columns().forEach((name, range) -> columns.put(name, new ColumnRange(range[0], range[1])));
            for (Format f : Format.values()) {
                Path file = f == Format.CSV ? csv : dir.resolve(id + "." + f.extension);
                if (!Files.exists(file)) write(f, l, csv, file);
                TenantConfig.Parser parser = switch (f) {
                    case CSV -> new TenantConfig.Parser("csv", ',', "utf-8", byName);
                    case TSV -> new TenantConfig.Parser("tsv", '\t', "utf-8", byName);
                    case CSV_HEADERLESS -> new TenantConfig.Parser("csv", ',', "utf-8", byNumber, false, null, null, null,
                            null, null, null);
                    case XLSX -> new TenantConfig.Parser("xlsx", ',', "utf-8", byName, null, "Stock", null, 1, null, null, null);
                    case JSON -> new TenantConfig.Parser("json", ',', "utf-8", byName, null, null, null, null,
                            "$.data.items[*]", null, null);
                    case XML -> new TenantConfig.Parser("xml", ',', "utf-8", byXml, null, null, null, null, null,
                            "/feed/item", null);
                    case FIXED_WIDTH -> new TenantConfig.Parser("fixed_width", ',', "utf-8", byName, null, null, null, null,
                            null, null, columns);
                };
                feeds.get(f).add(new Feed(file, new TenantConfig.Vendor(id, true, null, parser, null)));
            }
        }
        return feeds;
    }

    private static void write(Format f, FormatWriters.Layout l, Path csv, Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Iterable<List<String>> rows = () -> rows(csv);
        switch (f) {
            case TSV -> FormatWriters.csv(l, rows, partial, '\t', true);
            case CSV_HEADERLESS -> FormatWriters.csv(l, rows, partial, ',', false);
            case XLSX -> FormatWriters.xlsx(l, rows, partial, 1, false);
            case JSON -> FormatWriters.json(l, rows, partial);
            case XML -> FormatWriters.xml(l, rows, partial);
            case FIXED_WIDTH -> FormatWriters.fixedWidth(l, rows, partial);
            default -> throw new IllegalArgumentException(f.name());
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The data rows of a generated csv feed (header skipped), streamed. */
    private static Iterator<List<String>> rows(Path csv) {
        try {
            CsvRecords records = new CsvRecords(Files.newBufferedReader(csv, StandardCharsets.UTF_8), ',');
            records.next();
            return new Iterator<>() {
                List<String> next = records.next();

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public List<String> next() {
                    List<String> r = next;
                    try {
                        next = records.next();
                        if (next == null) records.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return r;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Integer> widths(Path csv, List<String> header) throws IOException {
        int[] max = new int[header.size()];
        for (int i = 0; i < max.length; i++) max[i] = 1;
        for (Iterator<List<String>> it = rows(csv); it.hasNext(); ) {
            List<String> r = it.next();
            for (int i = 0; i < r.size(); i++) max[i] = Math.max(max[i], r.get(i).codePointCount(0, r.get(i).length()) + 1);
        }
        Map<String, Integer> widths = new LinkedHashMap<>();
        for (int i = 0; i < max.length; i++) widths.put(header.get(i), max[i]);
        return widths;
    }

    /** A header name as an XML element name: letters, digits and '_' ("Qty On Hand" → Qty_On_Hand). */
    static String xmlName(String name) {
        String n = name.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isLetter(n.charAt(0)) || n.charAt(0) == '_' ? n : "_" + n;
    }
}
