package com.relay.engine;

import java.io.IOException;
import java.io.InputStream;

/**
 * One pass of the engine's CSV read path over a UTF-8 comma feed, for the CSV reader benchmark
 * ({@code com.relay.bench.CsvReaderBenchmark}). It lives in the engine's package because the engine
 * reads cells through {@link CsvRecordReader}'s package-private offsets into its row buffer
 * ({@code VendorFeedParser.RowConverter}), which is the path to measure.
 */
public final class CsvReadPass {

    /** Records read (header included) and the sum of their cell lengths in chars. */
    public record Counts(long records, long fieldChars) {}

    private CsvReadPass() {}

    /**
     * As {@code VendorFeedParser} reads a feed: {@link FeedDecoder} → {@link CsvRecordReader},
     * the header as strings, then each data cell as an offset range of the row buffer (no String).
     */
    public static Counts asTheEngineReads(InputStream utf8Feed) throws IOException, EngineFailure {
        CsvRecordReader reader = open(utf8Feed);
        long records = 1;
        long chars = 0;
        for (String name : reader.readHeader()) chars += name.length();
        while (reader.nextRecord()) {
            records++;
            int cells = reader.cellCount();
            for (int i = 0; i < cells; i++) chars += reader.cellEnd(i) - reader.cellStart(i);
        }
        return new Counts(records, chars);
    }

    /** The same reader, with a String made for every cell, as the other readers hand them out. */
    public static Counts withAStringPerCell(InputStream utf8Feed) throws IOException, EngineFailure {
        CsvRecordReader reader = open(utf8Feed);
        long records = 1;
        long chars = 0;
        for (String name : reader.readHeader()) chars += name.length();
        while (reader.nextRecord()) {
            records++;
            int cells = reader.cellCount();
            for (int i = 0; i < cells; i++) chars += reader.cell(i).length();
        }
        return new Counts(records, chars);
    }

    private static CsvRecordReader open(InputStream utf8Feed) {
        return new CsvRecordReader(FeedDecoder.open(utf8Feed, "utf-8", "bench", false), ',', "bench", false);
    }
}
