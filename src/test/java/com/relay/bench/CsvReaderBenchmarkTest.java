package com.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV reader benchmark's parts: every reader reads the same feed alike, options, the median. */
class CsvReaderBenchmarkTest {

    @Test
    void everyReaderCountsTheSameRecordsAndFieldCharsOnAGeneratedFeed(@TempDir Path dir) throws Exception {
        FeedGenerator.Dataset data = new FeedGenerator(new FeedGenerator.Params(3, 500, 1_000, 7)).generate(dir);
        for (Path feed : data.vendorFiles().values()) {
            long records = 0;
            long chars = 0;
            try (CsvRecords csv = new CsvRecords(Files.newBufferedReader(feed, StandardCharsets.UTF_8), ',')) {
                for (List<String> r = csv.next(); r != null; r = csv.next()) {
                    records++;
                    for (String cell : r) chars += cell.length();
                }
            }
            assertThat(records).isEqualTo(501);
            for (CsvReaderBenchmark.Reader reader : CsvReaderBenchmark.Reader.values()) {
                assertThat(reader.read(feed)).as(reader.label).isEqualTo(new CsvReaderBenchmark.Counts(records, chars));
            }
        }
    }

    @Test
    void optionsHaveTheDocumentedDefaultsAndRejectNonsense() {
        CsvReaderBenchmark.Args defaults = CsvReaderBenchmark.Args.parse(new String[0]);
        assertThat(defaults).isEqualTo(new CsvReaderBenchmark.Args(4, 100_000, 5, 10, Path.of("bench-data"), "512m",
                "64m", 5_000_000, 42));
        assertThat(CsvReaderBenchmark.Args.parse(new String[] {"--files", "2", "--stream-rows", "0"}).streamRows())
                .isZero();
        assertThatThrownBy(() -> CsvReaderBenchmark.Args.parse(new String[] {"--files", "21"}))
                .hasMessageContaining("files <= 20");
        assertThatThrownBy(() -> CsvReaderBenchmark.Args.parse(new String[] {"--rows"}))
                .hasMessage("missing value for --rows");
        assertThatThrownBy(() -> CsvReaderBenchmark.Args.parse(new String[] {"--bogus", "1"}))
                .hasMessage("unknown option --bogus");
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(CsvReaderBenchmark.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(CsvReaderBenchmark.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void theReportNamesTheMachine() {
        assertThat(CsvReaderBenchmark.machine()).contains("CPUs (availableProcessors)", "Java ", "UTC");
    }
}
