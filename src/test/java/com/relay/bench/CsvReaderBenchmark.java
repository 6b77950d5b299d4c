package com.relay.bench;

import com.relay.engine.CsvReadPass;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.dataformat.csv.CsvDataFormat;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Rows/s of four CSV readers on the engine benchmark's vendor feeds ({@link FeedGenerator}):
 * Commons CSV through camel-csv's {@code CsvDataFormat}, Commons CSV's {@code CSVParser} directly,
 * FastCSV, and the engine's {@code CsvRecordReader} (docs/ENGINE.md#why-the-engine-reads-csv-itself).
 *
 * <p>Every reader gets the file's bytes and decodes them as UTF-8 itself, counts the records and
 * adds up the length of every field, so the JIT cannot drop the work. Each reader is timed in its
 * own JVM (no profile left behind by another reader), after warm-up passes. Then each reader reads
 * one much larger feed once in a JVM with a small heap: it streams if that passes.
 */
public final class CsvReaderBenchmark {

    /** A reader under test: one pass over one file. */
    enum Reader {
        CAMEL_CSV("camel-csv (Commons CSV 1.14.1 via CsvDataFormat, lazyLoad)", true) {
            @Override
            Counts read(Path file) throws Exception {
                return camel(file, true);
            }
        },
        CAMEL_CSV_BULK("camel-csv, lazyLoad=false (the default)", false) {
            @Override
            Counts read(Path file) throws Exception {
                return camel(file, false);
            }
        },
        COMMONS_CSV("Commons CSV 1.14.1 CSVParser", true) {
            @Override
            Counts read(Path file) throws Exception {
                long records = 0;
                long chars = 0;
                try (CSVParser parser = CSVParser.parse(utf8(file), CSVFormat.DEFAULT)) {
                    for (CSVRecord record : parser) {
                        records++;
                        for (int i = 0, n = record.size(); i < n; i++) chars += record.get(i).length();
                    }
                }
                return new Counts(records, chars);
            }
        },
        FASTCSV("FastCSV 4.4.0 CsvReader", true) {
            @Override
            Counts read(Path file) throws Exception {
                long records = 0;
                long chars = 0;
                try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(utf8(file))) {
                    for (CsvRecord record : reader) {
                        records++;
                        for (int i = 0, n = record.getFieldCount(); i < n; i++) chars += record.getField(i).length();
                    }
                }
                return new Counts(records, chars);
            }
        },
        RELAY("Relay CsvRecordReader, as the engine reads (cell offsets)", true) {
            @Override
            Counts read(Path file) throws Exception {
                try (InputStream in = bytes(file)) {
                    CsvReadPass.Counts c = CsvReadPass.asTheEngineReads(in);
                    return new Counts(c.records(), c.fieldChars());
                }
            }
        },
        RELAY_STRINGS("Relay CsvRecordReader, a String per cell", true) {
            @Override
            Counts read(Path file) throws Exception {
                try (InputStream in = bytes(file)) {
                    CsvReadPass.Counts c = CsvReadPass.withAStringPerCell(in);
                    return new Counts(c.records(), c.fieldChars());
                }
            }
        };

        final String label;
        /** Timed; the bulk Camel reader only shows what the small-heap check catches. */
        final boolean timed;

        Reader(String label, boolean timed) {
            this.label = label;
            this.timed = timed;
        }

        abstract Counts read(Path file) throws Exception;
    }

    record Counts(long records, long fieldChars) {
        Counts plus(Counts o) {
            return new Counts(records + o.records, fieldChars + o.fieldChars);
        }
    }

    private static CamelContext camelContext;

    /**
     * camel-csv as a route's {@code unmarshal: csv: {lazyLoad: true}} step runs it: the body is the
     * file's InputStream, which Camel's type converter turns into a Reader in the exchange's
     * charset; with lazyLoad the result is an Iterator of List&lt;String&gt;, one per record
     * (Commons CSV's CSVParser underneath), otherwise one List of all records.
     */
    static Counts camel(Path file, boolean lazyLoad) throws Exception {
        if (camelContext == null) {
            camelContext = new DefaultCamelContext();
            camelContext.start();
        }
        CsvDataFormat format = new CsvDataFormat();
        format.setLazyLoad(lazyLoad);
        format.start();
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.setProperty(Exchange.CHARSET_NAME, "UTF-8");
        long records = 0;
        long chars = 0;
        try (InputStream in = bytes(file)) {
            Object body = format.unmarshal(exchange, in);
            @SuppressWarnings("unchecked")
            Iterator<List<String>> rows = lazyLoad ? (Iterator<List<String>>) body : ((List<List<String>>) body).iterator();
            while (rows.hasNext()) {
                List<String> row = rows.next();
                records++;
                for (int i = 0, n = row.size(); i < n; i++) chars += row.get(i).length();
            }
            if (body instanceof Closeable closeable) closeable.close();
        } finally {
            format.stop();
        }
        return new Counts(records, chars);
    }

    static InputStream bytes(Path file) throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    }

    static java.io.Reader utf8(Path file) throws IOException {
        return new InputStreamReader(bytes(file), StandardCharsets.UTF_8);
    }

    record Args(int files, int rows, int warmUp, int iterations, Path dataDir, String heap, String smallHeap,
                int streamRows, long seed) {
        static final String USAGE = """
                usage: CsvReaderBenchmark [--files 4] [--rows 100000] [--warm-up 5] [--iterations 10]
                                          [--data-dir bench-data] [--heap 512m] [--small-heap 64m]
                                          [--stream-rows 5000000] [--seed 42]
                The feeds are the first <files> vendor files of the engine benchmark's dataset
                (20 vendors x <rows> rows, min(400000, 20 x rows) SKUs); --stream-rows 0 skips the
                small-heap check.""";

        static Args parse(String[] argv) {
            int files = 4;
            int rows = 100_000;
            int warmUp = 5;
            int iterations = 10;
            Path dataDir = Path.of("bench-data");
            String heap = "512m";
            String smallHeap = "64m";
            int streamRows = 5_000_000;
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
                    case "--small-heap" -> smallHeap = v;
                    case "--stream-rows" -> streamRows = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + argv[i]);
                }
            }
            if (files < 1 || files > 20 || rows < 1 || iterations < 1 || warmUp < 0 || streamRows < 0) {
                throw new IllegalArgumentException("need 1 <= files <= 20, rows >= 1, iterations >= 1, warm-up >= 0");
            }
            return new Args(files, rows, warmUp, iterations, dataDir, heap, smallHeap, streamRows, seed);
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length > 0 && argv[0].equals("--child")) {
            System.exit(child(Arrays.copyOfRange(argv, 1, argv.length)));
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
        FeedGenerator.Params params = new FeedGenerator.Params(20, args.rows(),
                (int) Math.min(400_000L, 20L * args.rows()), args.seed());
        FeedGenerator.Dataset data = new FeedGenerator(params).generateIfAbsent(args.dataDir().resolve(params.dirName()));
        List<Path> files = new ArrayList<>(data.vendorFiles().values()).subList(0, args.files());
        long bytes = 0;
        for (Path f : files) bytes += Files.size(f);

        out.println("# CSV readers on the engine benchmark's feeds");
        out.println();
        out.println(machine());
        out.printf("feeds: %d of %s (%,d rows each, %,d bytes in all); %d warm-up + %d timed passes per reader, "
                        + "each reader in its own JVM (-Xmx%s)%n%n",
                files.size(), data.dir(), args.rows(), bytes, args.warmUp(), args.iterations(), args.heap());

        List<String[]> rows = new ArrayList<>();
        Counts expected = null;
        for (Reader reader : Reader.values()) {
            if (!reader.timed) continue;
            List<String> cmd = javaCommand(args.heap());
            cmd.addAll(List.of("time", reader.name(), Integer.toString(args.warmUp()),
                    Integer.toString(args.iterations())));
            files.forEach(f -> cmd.add(f.toString()));
            ChildResult result = runChild(cmd);
            if (result.exit != 0 || result.line == null) {
                out.println("FAILED " + reader.label + ": exit " + result.exit + "\n" + result.output);
                return 1;
            }
            // "<records> <fieldChars> <seconds>..."
            String[] parts = result.line.trim().split(" ");
            Counts counts = new Counts(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            if (expected == null) expected = counts;
            if (!counts.equals(expected)) {
                out.println("MISMATCH " + reader.label + ": " + counts + " vs " + expected);
                return 1;
            }
            double[] seconds = new double[parts.length - 2];
            for (int i = 2; i < parts.length; i++) seconds[i - 2] = Double.parseDouble(parts[i]);
            double median = median(seconds);
            out.printf("%s: %s s (median %.3f)%n", reader.label, Arrays.toString(seconds), median);
            rows.add(new String[] {reader.name(), reader.label, String.format("%,.0f", counts.records / median),
                    String.format("%.1f", bytes / median / 1e6), String.format("%.3f", median)});
        }
        out.printf("%nall readers: %,d records, %,d field chars%n", expected.records, expected.fieldChars);

        Map<String, String> streams = new java.util.HashMap<>();
        if (args.streamRows() > 0) {
            FeedGenerator.Params big = new FeedGenerator.Params(1, args.streamRows(),
                    (int) Math.min(400_000L, args.streamRows()), args.seed());
            Path bigFile = new FeedGenerator(big).generateIfAbsent(args.dataDir().resolve(big.dirName()))
                    .vendorFiles().values().iterator().next();
            out.printf("%nsmall-heap check: %s (%,d bytes, %,d rows), one pass per reader with -Xmx%s%n",
                    bigFile, Files.size(bigFile), args.streamRows(), args.smallHeap());
            for (Reader reader : Reader.values()) {
                List<String> cmd = javaCommand(args.smallHeap());
                cmd.addAll(List.of("once", reader.name(), bigFile.toString()));
                ChildResult result = runChild(cmd);
                String verdict;
                if (result.exit == 0) {
                    verdict = "yes, peak RSS " + result.line.replaceAll(".*peak RSS ", "");
                } else if (result.output.contains("OutOfMemoryError")) {
                    verdict = "no (OutOfMemoryError)";
                } else {
                    out.println("FAILED " + reader.label + ": exit " + result.exit + "\n" + result.output);
                    return 1;
                }
                streams.put(reader.name(), verdict);
                out.printf("%s: %s%n", reader.label, result.exit == 0 ? result.line.trim() : verdict);
            }
        }

        out.println();
        out.println("| reader | rows/s (median) | MB/s (median) | s per pass (median) | streams under -Xmx"
                + args.smallHeap() + " |");
        out.println("|---|---:|---:|---:|---|");
        for (String[] r : rows) {
            out.printf("| %s | %s | %s | %s | %s |%n", r[1], r[2], r[3], r[4], streams.getOrDefault(r[0], "not run"));
        }
        if (streams.containsKey(Reader.CAMEL_CSV_BULK.name())) {
            out.printf("| %s | (not timed) | | | %s |%n", Reader.CAMEL_CSV_BULK.label,
                    streams.get(Reader.CAMEL_CSV_BULK.name()));
        }
        out.println();
        out.println("MB = 10^6 bytes of UTF-8 input; rows/s counts every record, header included.");
        return 0;
    }

    /** In a child JVM: "time READER W K files..." or "once READER file"; prints one result line. */
    static int child(String[] argv) throws Exception {
        Reader reader = Reader.valueOf(argv[1]);
        if (argv[0].equals("once")) {
            try {
                Counts c = reader.read(Path.of(argv[2]));
                System.out.println("RESULT " + c.records + " records, peak RSS " + peakRssMb() + " MB");
                return 0;
            } catch (OutOfMemoryError e) {
                System.out.println("OutOfMemoryError: " + e.getMessage());
                return 3;
            }
        }
        int warmUp = Integer.parseInt(argv[2]);
        int iterations = Integer.parseInt(argv[3]);
        List<Path> files = new ArrayList<>();
        for (int i = 4; i < argv.length; i++) files.add(Path.of(argv[i]));
        Counts counts = null;
        StringBuilder times = new StringBuilder();
        for (int pass = 0; pass < warmUp + iterations; pass++) {
            long start = System.nanoTime();
            Counts total = new Counts(0, 0);
            for (Path f : files) total = total.plus(reader.read(f));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (counts != null && !counts.equals(total)) throw new IllegalStateException("passes disagree");
            counts = total;
            if (pass >= warmUp) times.append(' ').append(String.format("%.4f", seconds));
        }
        System.out.println("RESULT " + counts.records + " " + counts.fieldChars + times);
        return 0;
    }

    record ChildResult(int exit, String line, String output) {}

    static List<String> javaCommand(String heap) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CsvReaderBenchmark.class.getName());
        cmd.add("--child");
        return cmd;
    }

    static ChildResult runChild(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        String line = null;
        for (String l : output.split("\n")) {
            if (l.startsWith("RESULT ")) line = l.substring("RESULT ".length());
        }
        return new ChildResult(exit, line, output);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static String peakRssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return String.valueOf(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return "?";
    }

    /** nproc, CPU model, Java, date and load, as the report needs them. */
    static String machine() {
        String cpu = "?";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        String load = "?";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            // not Linux
        }
        return String.format("machine: %d CPUs (availableProcessors), CPU model \"%s\", Java %s (%s %s), %s UTC, "
                        + "loadavg %s",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.vm.vendor"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), load);
    }
}
