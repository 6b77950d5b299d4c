package com.relay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small reader for the CSV dialect of docs/CONTRACT.md#csv-dialect, used by the benchmark to read vendor headers
 * (so that DuckDB can be told which column position holds which field) and by tests to inspect
 * generated and merged files. It is not the engine's reader and does not enforce its limits.
 *
 * <p>Rules implemented: quotes are special only as the first character of a field; {@code ""}
 * inside a quoted field is one quote; characters after a closing quote are appended literally;
 * LF, CRLF and bare CR end a record; empty lines are skipped.
 */
public final class CsvRecords implements AutoCloseable {

    private final Reader in;
    private final char delimiter;
    private int pushedBack = -2;

    public CsvRecords(Reader in, char delimiter) {
        this.in = in.markSupported() ? in : new BufferedReader(in, 1 << 16);
        this.delimiter = delimiter;
    }

    /** The header line (first record) of a UTF-8 file; an empty list for an empty file. */
    public static List<String> readHeader(Path file, char delimiter) throws IOException {
        try (CsvRecords records = new CsvRecords(Files.newBufferedReader(file, StandardCharsets.UTF_8), delimiter)) {
            int first = records.read();
            if (first == 0xFEFF) {
                first = -2; // docs/CONTRACT.md#decoding: a leading BOM is removed
            }
            records.pushedBack = first;
            List<String> header = records.readRawRecord(true);
            return header == null ? List.of() : header;
        }
    }

    /** Every record of a UTF-8 file, header included. */
    public static List<List<String>> readAll(Path file, char delimiter) throws IOException {
        try (CsvRecords records = new CsvRecords(Files.newBufferedReader(file, StandardCharsets.UTF_8), delimiter)) {
            List<List<String>> all = new ArrayList<>();
            for (List<String> record = records.next(); record != null; record = records.next()) {
                all.add(record);
            }
            return all;
        }
    }

    /** The next non-empty record, or null at end of input. */
    public List<String> next() throws IOException {
        return readRawRecord(false);
    }

    private List<String> readRawRecord(boolean allowEmptyFirstLine) throws IOException {
        while (true) {
            int c = read();
            if (c == -1) {
                return null;
            }
            if (c == '\r' || c == '\n') {
                consumeLfAfterCr(c);
                if (allowEmptyFirstLine) {
                    return List.of(); // docs/CONTRACT.md#csv-dialect: an empty first line is a header without columns
                }
                continue; // docs/CONTRACT.md#csv-dialect: empty lines are skipped
            }
            pushedBack = c;
            return readFields();
        }
    }

    private List<String> readFields() throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean atFieldStart = true;
        boolean inQuotes = false;
        while (true) {
            int c = read();
            if (inQuotes) {
                if (c == -1) {
                    throw new IOException("unterminated quoted field");
                }
                if (c == '"') {
                    int after = read();
                    if (after == '"') {
                        cell.append('"');
                    } else {
                        inQuotes = false;
                        pushedBack = after;
                    }
                } else {
                    cell.append((char) c);
                }
                continue;
            }
            if (c == -1 || c == '\n' || c == '\r') {
                consumeLfAfterCr(c);
                fields.add(cell.toString());
                return fields;
            }
            if (c == delimiter) {
                fields.add(cell.toString());
                cell.setLength(0);
                atFieldStart = true;
                continue;
            }
            if (c == '"' && atFieldStart) {
                inQuotes = true;
            } else {
                cell.append((char) c);
            }
            atFieldStart = false;
        }
    }

    private void consumeLfAfterCr(int c) throws IOException {
        if (c == '\r') {
            int after = read();
            if (after != '\n') {
                pushedBack = after;
            }
        }
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        return in.read();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
