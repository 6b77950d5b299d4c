package com.relay.engine;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The xlsx sheet scan alone (issue 20, docs/PERFORMANCE.md#vendor-file-formats-issue-20):
 * {@link XlsxSheetRows} over worksheet XML already inflated into memory, so neither the zip nor the
 * row conversion is in the time. The scan runs on the row thread ({@link XlsxRowsAhead}), so the wall
 * time is the scan's and the hand-over's, and the calling thread's CPU time only what reading the
 * handed-over rows costs. Not a test: a harness run by hand, 5 warm-up + 15 timed passes (-Dpasses=N), median and
 * least of the wall time and of the calling thread's CPU time.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) \
 *     com.relay.engine.XlsxSheetScanBench sheet.xml [sheet.xml ...]</pre>
 */
public final class XlsxSheetScanBench {
    private XlsxSheetScanBench() {}

    public static void main(String[] argv) throws Exception {
        List<byte[]> sheets = new ArrayList<>();
        long total = 0;
        for (String file : argv) {
            byte[] xml = Files.readAllBytes(Path.of(file));
            sheets.add(xml);
            total += xml.length;
        }
        double[] seconds = new double[Integer.getInteger("passes", 15)];
        double[] cpuSeconds = new double[seconds.length];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long checksum = 0;
        for (int i = 0; i < 5 + seconds.length; i++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long sum = 0;
            for (byte[] xml : sheets) sum += scan(xml);
            if (i >= 5) {
                seconds[i - 5] = (System.nanoTime() - start) / 1e9;
                cpuSeconds[i - 5] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            }
            checksum = sum;
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double[] cpu = cpuSeconds.clone();
        Arrays.sort(cpu);
        System.out.printf("sheet scan of %d bytes: median %.4f s (%.0f MB/s), min %.4f s; thread CPU median %.4f s, min %.4f s; checksum %d%n",
                total, median, total / median / 1e6, sorted[0], cpu[cpu.length / 2], cpu[0], checksum);
    }

    /** Reads every row; the sum of the rows' numbers, columns and text lengths, so nothing is optimised away. */
    private static long scan(byte[] xml) throws Exception {
        long sum = 0;
        try (XlsxSheetRows rows = XlsxSheetRows.open(() -> new ByteArrayInputStream(xml))) {
            if (!rows.readsBytes()) throw new IllegalStateException("the byte reader did not take the sheet");
            while (rows.next()) {
                sum += rows.rowNum();
                for (int c = 0; c < rows.cellCount(); c++) sum += rows.column(c) * 31L + rows.rawLength(c) + rows.type(c).length();
            }
            if (!rows.readsBytes()) throw new IllegalStateException("the StAX parser took over");
        }
        return sum;
    }
}
