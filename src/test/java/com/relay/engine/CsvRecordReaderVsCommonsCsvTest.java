package com.relay.engine;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine's read path (FeedDecoder → CsvRecordReader, from bytes) against Commons CSV's RFC 4180
 * format over a UTF-8 InputStreamReader (what camel-csv runs): the same fields where the dialects
 * agree, and each difference the contract makes on purpose asserted and explained
 * (docs/CONTRACT.md#csv-dialect, docs/CONTRACT.md#decoding, docs/ENGINE.md#why-the-engine-reads-csv-itself).
 */
class CsvRecordReaderVsCommonsCsvTest {

    @Test
    void sameFieldsOnQuotesCommasDoubledQuotesLineEndsAndEmptyFields() throws Exception {
        String feed = "sku,title,qty\r\n"                    // CRLF
                + "A1,\"Widget, large\",3\r\n"               // embedded comma
                + "A2,\"He said \"\"hi\"\"\",4\n"            // doubled quotes, LF
                + "A3,\"two\nlines\",5\n"                    // LF inside quotes
                + "A4,\"cr lf\r\ninside\",6\r"               // CRLF inside quotes, bare CR ends the record
                + "A5,plain,\n"                              // empty trailing field
                + "A6,,\"\"\n"                               // empty unquoted and empty quoted field
                + "A7,ab\"cd,7\n"                            // a quote inside an unquoted field is data
                + "A8, \"a,b\",8\n"                         // not at the field start: the quote is data
                + "A9,Ünïcødé \uD835\uDD38 \u0000,9\n"      // non-ASCII, a surrogate pair, NUL is data
                + "A10,last,";                               // no final line end, empty last field
        byte[] bytes = feed.getBytes(StandardCharsets.UTF_8);

        List<List<String>> ours = ours(bytes);
        assertThat(ours).isEqualTo(commons(bytes));
        assertThat(ours).containsExactly(
                List.of("sku", "title", "qty"),
                List.of("A1", "Widget, large", "3"),
                List.of("A2", "He said \"hi\"", "4"),
                List.of("A3", "two\nlines", "5"),
                List.of("A4", "cr lf\r\ninside", "6"),
                List.of("A5", "plain", ""),
                List.of("A6", "", ""),
                List.of("A7", "ab\"cd", "7"),
                List.of("A8", " \"a", "b\"", "8"),
                List.of("A9", "Ünïcødé \uD835\uDD38 \u0000", "9"),
                List.of("A10", "last", ""));
    }

    @Test
    void aUtf8BomIsDroppedByOursAndKeptInTheFirstHeaderNameByCommonsCsv() throws Exception {
        byte[] bytes = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "sku,qty\nA,1\n".getBytes(StandardCharsets.UTF_8));
        // docs/CONTRACT.md#decoding: UTF-8 drops a leading BOM. Java's UTF-8 decoder keeps it as
        // U+FEFF, so a Commons CSV / camel-csv reader finds no column named "sku" unless the
        // stream is wrapped in a BOM-skipping stream first.
        assertThat(ours(bytes)).containsExactly(List.of("sku", "qty"), List.of("A", "1"));
        assertThat(commons(bytes)).containsExactly(List.of("\uFEFFsku", "qty"), List.of("A", "1"));
    }

    @Test
    void emptyLinesAreSkippedByOursAndAreRecordsInRfc4180() throws Exception {
        byte[] bytes = "sku,qty\n\nA,1\r\n\r\nB,2\n".getBytes(StandardCharsets.UTF_8);
        // docs/CONTRACT.md#csv-dialect: empty lines are skipped and not counted (row numbers stay
        // those of the records). RFC 4180 (ignoreEmptyLines false) makes each a one-field record.
        assertThat(ours(bytes)).containsExactly(List.of("sku", "qty"), List.of("A", "1"), List.of("B", "2"));
        assertThat(commons(bytes)).containsExactly(List.of("sku", "qty"), List.of(""), List.of("A", "1"),
                List.of(""), List.of("B", "2"));
    }

    @Test
    void textAfterAClosingQuoteIsAppendedByOursAndRefusedByCommonsCsv() throws Exception {
        byte[] bytes = "sku,title\nA,\"ab\"cd\nB,x\n".getBytes(StandardCharsets.UTF_8);
        // docs/CONTRACT.md#csv-dialect: text after a closing quote is appended literally, so one
        // sloppy cell is data, not the end of the whole feed. Commons CSV stops reading the file.
        assertThat(ours(bytes)).containsExactly(List.of("sku", "title"), List.of("A", "abcd"), List.of("B", "x"));
        assertThatThrownBy(() -> commons(bytes))
                .hasMessageContaining("Invalid character between encapsulated token and delimiter");
    }

    @Test
    void anUnterminatedQuoteFailsBothOursWithTheContractsRowNumber() {
        byte[] bytes = "sku,title\nA,x\n\nB,\"open\nC,y\n".getBytes(StandardCharsets.UTF_8);
        // Both refuse; ours says CSV_PARSE_ERROR and the record number the contract counts (header
        // 1, the empty line not counted), Commons CSV a physical line.
        assertThatThrownBy(() -> ours(bytes)).isInstanceOfSatisfying(EngineFailure.class, e -> {
            assertThat(e.errorCode()).isEqualTo("CSV_PARSE_ERROR");
            assertThat(e.getMessage()).isEqualTo(
                    "csv parse error for vendor v1: unterminated quoted field starting in row 3");
        });
        assertThatThrownBy(() -> commons(bytes)).hasMessageContaining("EOF reached before encapsulated token finished");
    }

    @Test
    void anInvalidUtf8ByteFailsOursAtItsOffsetAndBecomesAReplacementCharInCommonsCsv() throws Exception {
        byte[] bytes = concat("sku,title\nA,caf".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xE9},
                "\n".getBytes(StandardCharsets.UTF_8));
        // docs/CONTRACT.md#decoding: strict decoding, the offset of the bad byte. An
        // InputStreamReader (what camel-csv builds from the exchange's charset) replaces it with
        // U+FFFD and the feed passes with a changed cell.
        assertThatThrownBy(() -> ours(bytes)).isInstanceOfSatisfying(EngineFailure.class, e -> {
            assertThat(e.errorCode()).isEqualTo("DECODE_ERROR");
            assertThat(e.getMessage()).isEqualTo(
                    "decode error for vendor v1: invalid UTF-8 byte sequence at byte offset 15");
        });
        assertThat(commons(bytes)).containsExactly(List.of("sku", "title"), List.of("A", "caf\uFFFD"));
    }

    @Test
    void anOversizedFieldIsCutToARowErrorByOursAndHeldWholeByCommonsCsv() throws Exception {
        String big = "x".repeat(CsvRecordReader.MAX_FIELD_LENGTH + 1);
        byte[] bytes = ("sku,title\nA," + big + "\nB,y\n").getBytes(StandardCharsets.UTF_8);
        // docs/CONTRACT.md#csv-dialect: a field over 1,048,576 characters is never held beyond the
        // limit; the reader keeps 100 chars for row_data and goes on. Commons CSV holds any field
        // whole (a 1 GB cell is a 2 GB String).
        CsvRecordReader reader = reader(bytes);
        reader.readHeader();
        assertThat(reader.nextRecord()).isTrue();
        assertThat(reader.firstOversizedCell()).isEqualTo(1);
        assertThat(reader.cell(1)).hasSize(CsvRecordReader.DISPLAY_PREFIX);
        assertThat(reader.next()).containsExactly("B", "y");

        assertThat(commons(bytes).get(1).get(1)).hasSize(CsvRecordReader.MAX_FIELD_LENGTH + 1);
    }

    @Test
    void aRecordOverTheFieldCountLimitIsMarkedByOursAndReadWholeByCommonsCsv() throws Exception {
        String wide = ",".repeat(CsvRecordReader.MAX_FIELDS); // MAX_FIELDS + 1 empty fields
        byte[] bytes = ("sku\n" + wide + "\nB\n").getBytes(StandardCharsets.UTF_8);
        // docs/ENGINE.md "Record limits": at most 16,384 cells are held, the row is a row error
        // (too many fields) and reading goes on; Commons CSV builds every field.
        CsvRecordReader reader = reader(bytes);
        reader.readHeader();
        assertThat(reader.nextRecord()).isTrue();
        assertThat(reader.recordLimitProblem()).isEqualTo("too many fields: exceeds 16384 fields");
        assertThat(reader.cellCount()).isEqualTo(CsvRecordReader.MAX_FIELDS);
        assertThat(reader.next()).containsExactly("B");

        assertThat(commons(bytes).get(1)).hasSize(CsvRecordReader.MAX_FIELDS + 1);
    }

    private static CsvRecordReader reader(byte[] bytes) {
        return new CsvRecordReader(FeedDecoder.open(new ByteArrayInputStream(bytes), "utf-8", "v1", false), ',',
                "v1", false);
    }

    /** The engine's path: bytes → FeedDecoder (strict UTF-8) → CsvRecordReader, header first. */
    private static List<List<String>> ours(byte[] bytes) throws IOException, EngineFailure {
        CsvRecordReader reader = reader(bytes);
        List<List<String>> out = new ArrayList<>();
        out.add(reader.readHeader());
        for (List<String> row = reader.next(); row != null; row = reader.next()) out.add(row);
        return out;
    }

    /** Commons CSV RFC 4180 over the bytes decoded by an InputStreamReader, as camel-csv reads a body. */
    private static List<List<String>> commons(byte[] bytes) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(
                new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8), CSVFormat.RFC4180)) {
            for (CSVRecord record : parser) out.add(record.toList());
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the parser's iterator wraps its IOException
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
