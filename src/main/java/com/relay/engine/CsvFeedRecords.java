package com.relay.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * csv and tsv (docs/CONTRACT.md#csv-dialect with the configured delimiter): the reader is its own row store. Without a
 * header row ({@code header: false}) the header is the column numbers {@code "1".."n"}, n the
 * highest column number column_map names, and the first record is row 1.
 */
final class CsvFeedRecords implements FeedRecords {
    private final CsvRecordReader reader;
    /** Columns of the numbered header, or -1 when the file has a header row. */
    private final int numberedColumns;

    CsvFeedRecords(CsvRecordReader reader, int numberedColumns) {
        this.reader = reader;
        this.numberedColumns = numberedColumns;
    }

    @Override
    public CsvRecordReader rows() { return reader; }

    @Override
    public List<String> readHeader() throws IOException, EngineFailure {
        if (numberedColumns < 0) return reader.readHeader();
        List<String> numbers = new ArrayList<>(numberedColumns);
        for (int i = 1; i <= numberedColumns; i++) numbers.add(Integer.toString(i));
        return numbers;
    }

    @Override
    public boolean nextRecord() throws IOException, EngineFailure {
        return reader.nextRecord();
    }

    @Override
    public void drainInput() throws IOException, EngineFailure {
        reader.drainInput();
    }
}
