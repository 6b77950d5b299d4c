package com.relay.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Pure helpers of the benchmark report: byte comparison, run statistics, the Markdown table. */
public final class BenchReport {

    private BenchReport() {}

    /** The first line (1-based) where two files differ, with both lines (null past the end of a file). */
    public record Difference(long lineNumber, String expectedLine, String actualLine) {
        public String describe(String expectedName, String actualName) {
            return "first difference at line " + lineNumber + ":\n  " + expectedName + ": " + show(expectedLine)
                    + "\n  " + actualName + ": " + show(actualLine);
        }

        private static String show(String line) {
            if (line == null) {
                return "(end of file)";
            }
            String visible = line.replace("\r", "<CR>");
            return visible.length() > 300 ? visible.substring(0, 300) + "…" : visible;
        }
    }

    /**
     * Compares two files byte for byte; empty when identical. Lines are split on LF only, so a
     * CR or a missing final LF shows up as a difference.
     */
    public static Optional<Difference> firstDifference(Path expected, Path actual) throws IOException {
        try (InputStream a = new BufferedInputStream(Files.newInputStream(expected), 1 << 16);
             InputStream b = new BufferedInputStream(Files.newInputStream(actual), 1 << 16)) {
            long line = 1;
            while (true) {
                byte[] la = readLine(a);
                byte[] lb = readLine(b);
                if (la == null && lb == null) {
                    return Optional.empty();
                }
                if (la == null || lb == null || !java.util.Arrays.equals(la, lb)) {
                    return Optional.of(new Difference(line, text(la), text(lb)));
                }
                line++;
            }
        }
    }

    /** One line including its LF (so "abc" and "abc\n" differ); null at end of input. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1) {
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        return line.size() == 0 && c == -1 ? null : line.toByteArray();
    }

    private static String text(byte[] line) {
        if (line == null) {
            return null;
        }
        String s = new String(line, StandardCharsets.UTF_8);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s + "<no LF at end of file>";
    }

    /** Wall times and peak RSS of the K runs of one engine. */
    public record EngineRuns(String name, List<Duration> walls, List<Long> peakRssKb) {
        public Duration best() {
            return walls.stream().min(Duration::compareTo).orElseThrow();
        }

        public Duration median() {
            List<Duration> sorted = new ArrayList<>(walls);
            sorted.sort(Duration::compareTo);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
        }

        /** The largest peak over all runs (the number a memory target is judged by); -1 if unknown. */
        public long maxPeakRssKb() {
            return peakRssKb.stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }

    /** Markdown table: one row per engine and, when both ran, the Relay/DuckDB ratio row. */
    public static String table(long inputRows, EngineRuns relay, EngineRuns duckdb) {
        StringBuilder t = new StringBuilder();
        t.append("| engine | wall s (best) | wall s (median) | rows/s (best) | peak RSS MB (max) |\n");
        t.append("|---|---:|---:|---:|---:|\n");
        for (EngineRuns runs : new EngineRuns[] {relay, duckdb}) {
            if (runs == null) {
                continue;
            }
            t.append("| ").append(runs.name()).append(" | ").append(seconds(runs.best())).append(" | ")
                    .append(seconds(runs.median())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,.0f", inputRows / (runs.best().toNanos() / 1e9))).append(" | ")
                    .append(megabytes(runs.maxPeakRssKb())).append(" |\n");
        }
        if (relay != null && duckdb != null) {
            t.append("| Relay/DuckDB | ").append(ratio(relay.best().toNanos(), duckdb.best().toNanos())).append(" | ")
                    .append(ratio(relay.median().toNanos(), duckdb.median().toNanos())).append(" | ")
                    .append(ratio(duckdb.best().toNanos(), relay.best().toNanos())).append(" | ")
                    .append(relay.maxPeakRssKb() < 0 || duckdb.maxPeakRssKb() < 0 ? "n/a"
                            : ratio(relay.maxPeakRssKb(), duckdb.maxPeakRssKb()))
                    .append(" |\n");
        }
        return t.toString();
    }

    /** The targets of bench/README.md, judged on the measured numbers. */
    public static String targets(EngineRuns relay, EngineRuns duckdb) {
        if (relay == null || duckdb == null) {
            return "";
        }
        double wallRatio = (double) relay.best().toNanos() / duckdb.best().toNanos();
        long rssKb = relay.maxPeakRssKb();
        return "Targets: Relay wall <= 1.0x DuckDB: " + (wallRatio <= 1.0 ? "PASS" : "FAIL")
                + String.format(Locale.ROOT, " (%.2fx)", wallRatio)
                + "; Relay peak RSS <= 1024 MB: " + (rssKb < 0 ? "n/a" : rssKb <= 1024 * 1024 ? "PASS" : "FAIL")
                + " (" + megabytes(rssKb) + " MB)\n";
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9);
    }

    static String megabytes(long kb) {
        return kb < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
