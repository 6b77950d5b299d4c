package com.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.engine.VendorFeedParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format benchmark's parts: every conversion of the generated feeds parses to the same records; options. */
class FormatsBenchmarkTest {

    @Test
    void everyFormatOfTheGeneratedFeedsParsesToTheSameRecords(@TempDir Path dir) throws Exception {
        FormatsBenchmark.Args args = new FormatsBenchmark.Args(3, 400, 0, 1, dir, "256m", 7);
        Map<FormatsBenchmark.Format, List<FormatsBenchmark.Feed>> feeds = FormatsBenchmark.prepare(args);
        long[] csv = FormatsBenchmark.pass(new VendorFeedParser(), feeds.get(FormatsBenchmark.Format.CSV), dir);
        assertThat(csv[0]).isEqualTo(1_200);
        for (FormatsBenchmark.Format f : FormatsBenchmark.Format.values()) {
            assertThat(FormatsBenchmark.pass(new VendorFeedParser(), feeds.get(f), dir)).as(f.label).containsExactly(csv);
        }
        // the xlsx baseline of bench/run xlsx-floor reads the data sheet (the header and 400 rows), not the other one
        for (FormatsBenchmark.Feed feed : feeds.get(FormatsBenchmark.Format.XLSX)) {
            long[] read = XlsxFloorBenchmark.fastexcel(feed.file());
            assertThat(read[0]).isEqualTo(401);
            assertThat(read[1]).isGreaterThan(400 * 10);
        }
        // the conversions are made once
        assertThat(FormatsBenchmark.prepare(args).get(FormatsBenchmark.Format.XLSX).get(0).file())
                .isEqualTo(feeds.get(FormatsBenchmark.Format.XLSX).get(0).file());
    }

    @Test
    void optionsHaveTheDocumentedDefaultsAndRejectNonsense() {
        assertThat(FormatsBenchmark.Args.parse(new String[0]))
                .isEqualTo(new FormatsBenchmark.Args(2, 100_000, 10, 10, Path.of("bench-data"), "512m", 42));
        assertThatThrownBy(() -> FormatsBenchmark.Args.parse(new String[] {"--files", "0"})).hasMessageContaining("files");
        assertThatThrownBy(() -> FormatsBenchmark.Args.parse(new String[] {"--bogus", "1"})).hasMessage("unknown option --bogus");
        assertThat(FormatsBenchmark.xmlName("Qty On Hand")).isEqualTo("Qty_On_Hand");
        assertThat(FormatsBenchmark.xmlName("Price (Cost)")).isEqualTo("Price__Cost_");
    }
}
