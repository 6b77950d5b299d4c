package com.relay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;

/**
 * What an xlsx parse cannot go below (issue 20, docs/PERFORMANCE.md#vendor-file-formats-issue-20):
 * the time to inflate each workbook's largest worksheet entry with {@link ZipFile} and throw the
 * bytes away, and the same plus a bare byte scan (counting {@code <}, the least an XML reader does per
 * byte). The files are those {@code bench/run formats} reads (its {@code formats/} folder); the csv
 * files beside them are read and thrown away as the reference. And the plain alternative a user
 * would pick: fastexcel-reader, a streaming xlsx reader (Aalto underneath), reading the text of
 * every cell of the same sheet and doing nothing with it. 3 warm-up + 5 timed passes, median.
 *
 * <pre>bench/run xlsx-floor --data-dir /work/main/bench-data [--files 2]</pre>
 */
public final class XlsxFloorBenchmark {
    private static final int BUFFER = 1 << 16;

    private XlsxFloorBenchmark() {}

    public static void main(String[] argv) throws Exception {
        Path dataDir = Path.of("bench-data");
        int files = 2;
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--data-dir" -> dataDir = Path.of(argv[i + 1]);
                case "--files" -> files = Integer.parseInt(argv[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        run(dataDir.resolve("v20-r100000-s400000-seed42"), files, System.out);
    }

    static void run(Path dataset, int files, PrintStream out) throws Exception {
        List<Path> xlsx = new ArrayList<>();
        List<Path> csv = new ArrayList<>();
        for (int v = 1; v <= files; v++) {
            String id = String.format("vendor_%02d", v);
            xlsx.add(dataset.resolve("formats").resolve(id + ".xlsx"));
            csv.add(dataset.resolve(id + ".csv"));
        }
        out.println(CsvReaderBenchmark.machine());
        out.println("files: " + xlsx);
        long[] sink = new long[1];
        report(out, "csv bytes read and discarded", () -> {
            for (Path p : csv) sink[0] += drain(Files.newInputStream(p), false);
        });
        report(out, "inflate the worksheet (ZipFile), discard", () -> {
            for (Path p : xlsx) sink[0] += sheet(p, false);
        });
        report(out, "inflate through POI's package (OPCPackage, ZipSecureFile's limits), discard", () -> {
            for (Path p : xlsx) sink[0] += poiSheet(p);
        });
        report(out, "open and close POI's package alone (OPCPackage.open, revert)", () -> {
            for (Path p : xlsx) {
                try {
                    OPCPackage.open(p.toFile(), PackageAccess.READ).revert();
                } catch (InvalidFormatException e) {
                    throw new IOException(e);
                }
                sink[0]++;
            }
        });
        report(out, "inflate + bare byte scan (count '<')", () -> {
            for (Path p : xlsx) sink[0] += sheet(p, true);
        });
        report(out, "a plain alternative: fastexcel-reader 0.19.0, every cell's raw text of the sheet read, discarded", () -> {
            for (Path p : xlsx) sink[0] += fastexcel(p)[1];
        });
        out.println("(checksum " + sink[0] + ")");
    }

    interface Pass {
        void run() throws IOException;
    }

    private static void report(PrintStream out, String what, Pass pass) throws IOException {
        double[] seconds = new double[5];
        for (int i = 0; i < 3 + seconds.length; i++) {
            long start = System.nanoTime();
            pass.run();
            if (i >= 3) seconds[i - 3] = (System.nanoTime() - start) / 1e9;
        }
        out.printf("%s: %s s (median %.3f)%n", what, Arrays.toString(seconds), CsvReaderBenchmark.median(seconds));
    }

    /** Inflates the workbook's largest worksheet entry; with {@code scan}, counts its '<' bytes. */
    private static long sheet(Path file, boolean scan) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry largest = zip.stream().filter(e -> e.getName().startsWith("xl/worksheets/"))
                    .max(Comparator.comparingLong(ZipEntry::getSize)).orElseThrow();
            return drain(zip.getInputStream(largest), scan);
        }
    }

    /** The same entry through POI's package and its zip-bomb-checking stream, as the xlsx reader opens it. */
    private static long poiSheet(Path file) throws IOException {
        try {
            OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ);
            try {
                PackagePart largest = null;
                for (PackagePart part : pkg.getParts()) {
                    if (part.getPartName().getName().startsWith("/xl/worksheets/")
                            && (largest == null || part.getSize() > largest.getSize())) {
                        largest = part;
                    }
                }
                return drain(largest.getInputStream(), false);
            } finally {
                pkg.revert();
            }
        } catch (InvalidFormatException e) {
            throw new IOException(e);
        }
    }

    /** The data sheet ("Stock", as bench/run formats reads it) through fastexcel-reader: {rows, the length of every cell's raw text}. */
    static long[] fastexcel(Path file) throws IOException {
        long rowCount = 0;
        long chars = 0;
        try (ReadableWorkbook workbook = new ReadableWorkbook(file.toFile());
             java.util.stream.Stream<Row> rows = workbook.findSheet("Stock").orElseThrow().openStream()) {
            for (Row row : (Iterable<Row>) rows::iterator) {
                rowCount++;
                for (int i = 0; i < row.getCellCount(); i++) {
                    Cell cell = row.getCell(i);
                    if (cell != null && cell.getRawValue() != null) chars += cell.getRawValue().length();
                }
            }
        }
        return new long[] {rowCount, chars};
    }

    private static long drain(InputStream in, boolean scan) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (scan) {
                    for (int i = 0; i < n; i++) if (buf[i] == '<') total++;
                } else {
                    total += n;
                }
            }
        }
        return total;
    }
}
