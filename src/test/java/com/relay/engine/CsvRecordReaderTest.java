package com.relay.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** docs/CONTRACT.md#csv-dialect dialect at the reader level, with the input fed whole and one char at a time. */
class CsvRecordReaderTest {

    /** A source that returns one char per read, so every state crosses a buffer refill. */
    static CharSource trickle(String text) {
        CharSource whole = CharSource.of(text);
        return (dst, off, len) -> whole.read(dst, off, Math.min(len, 1));
    }

    /** All records (header first) as lists, read both ways; asserts both ways agree. */
    static List<List<String>> records(String text, char delimiter) throws Exception {
        List<List<String>> whole = readAll(new CsvRecordReader(CharSource.of(text), delimiter, "v1", false));
        List<List<String>> trickled = readAll(new CsvRecordReader(trickle(text), delimiter, "v1", false));
        assertThat(trickled).isEqualTo(whole);
        return whole;
    }

    static List<List<String>> records(String text) throws Exception {
        return records(text, ',');
    }

    static List<List<String>> readAll(CsvRecordReader reader) throws Exception {
        List<List<String>> out = new ArrayList<>();
        out.add(reader.readHeader());
        assertThat(reader.recordNumber()).isLessThanOrEqualTo(1);
        List<String> row;
        long expectedNumber = 2;
        while ((row = reader.next()) != null) {
            assertThat(reader.recordNumber()).isEqualTo(expectedNumber++);
            out.add(row);
        }
        return out;
    }

    @Test
    void basicRecordsAndFieldShapes() throws Exception {
        assertThat(records("a,b\n1,2\n")).containsExactly(List.of("a", "b"), List.of("1", "2"));
        assertThat(records("a,b\n1,2")).containsExactly(List.of("a", "b"), List.of("1", "2"));
        assertThat(records("h\n1,\n,\n")).containsExactly(List.of("h"), List.of("1", ""), List.of("", ""));
        assertThat(records("h\n1,")).containsExactly(List.of("h"), List.of("1", ""));
        assertThat(records("h\n   \n")).containsExactly(List.of("h"), List.of("   "));
        assertThat(records("h\n\"\"\n")).containsExactly(List.of("h"), List.of(""));
        assertThat(records("h\n\"\"")).containsExactly(List.of("h"), List.of(""));
        assertThat(records("h\na\u0000b,c\n")).containsExactly(List.of("h"), List.of("a\u0000b", "c"));
    }

    @Test
    void quoting() throws Exception {
        assertThat(records("h\n\"a,b\",c\n")).containsExactly(List.of("h"), List.of("a,b", "c"));
        assertThat(records("h\n\"a\"\"b\"\n")).containsExactly(List.of("h"), List.of("a\"b"));
        assertThat(records("h\n\"ab\"cd,e\n")).containsExactly(List.of("h"), List.of("abcd", "e"));
        assertThat(records("h\n\"ab\"c\"d\n")).containsExactly(List.of("h"), List.of("abc\"d"));
        assertThat(records("h\nab\"c\"d\n")).containsExactly(List.of("h"), List.of("ab\"c\"d"));
        assertThat(records("h\n \"a,b\"\n")).containsExactly(List.of("h"), List.of(" \"a", "b\""));
        assertThat(records("h\n\"a\nb\r\nc\rd\"\n")).containsExactly(List.of("h"), List.of("a\nb\r\nc\rd"));
        assertThat(records("h\n\"\"\"\"\n")).containsExactly(List.of("h"), List.of("\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void lineEndsAndEmptyLines(String eol) throws Exception {
        String text = ("a,b\n\n1,2\n\n\n3,4\n").replace("\n", eol);
        assertThat(records(text)).containsExactly(List.of("a", "b"), List.of("1", "2"), List.of("3", "4"));
    }

    @Test
    void lfCrIsTwoLineEnds() throws Exception {
        assertThat(records("h\n1\n\r2\r\r\n3")).containsExactly(List.of("h"), List.of("1"), List.of("2"), List.of("3"));
    }

    @Test
    void headerMayBeAnEmptyLineButDataEmptyLinesAreSkipped() throws Exception {
        assertThat(records("\r\na\n")).containsExactly(List.of(), List.of("a"));
        assertThat(records("")).containsExactly(List.of());
        assertThat(records("\n")).containsExactly(List.of());
    }

    @Test
    void otherDelimiters() throws Exception {
        assertThat(records("a;b\n1,5;\"x;y\"\n", ';')).containsExactly(List.of("a", "b"), List.of("1,5", "x;y"));
        assertThat(records("a\tb\n1 \t 2\n", '\t')).containsExactly(List.of("a", "b"), List.of("1 ", " 2"));
        assertThat(records("a|b\n1|2\n", '|')).containsExactly(List.of("a", "b"), List.of("1", "2"));
    }

    @Test
    void unterminatedQuoteReportsTheRecordWhereItStarted() {
        EngineFailure f = assertThrows(EngineFailure.class, () -> records("h\nA\n\n\"x\ny\nz"));
        assertThat(f.errorCode()).isEqualTo("CSV_PARSE_ERROR");
        assertThat(f.getMessage()).isEqualTo("csv parse error for vendor v1: unterminated quoted field starting in row 3");
        EngineFailure header = assertThrows(EngineFailure.class, () -> records("\"h\n"));
        assertThat(header.getMessage()).isEqualTo("csv parse error for vendor v1: unterminated quoted field starting in row 1");
        EngineFailure map = assertThrows(EngineFailure.class, () -> readAll(
                new CsvRecordReader(CharSource.of("vendor_sku,sku\n\"a"), ',', "v2", true)));
        assertThat(map.getMessage())
                .isEqualTo("csv parse error for vendor v2 (sku map): unterminated quoted field starting in row 2");
        assertThat(map.vendorId()).isEqualTo("v2");
    }

    @Test
    void aTwoMegabyteFieldIsMarkedAndTheNextRecordReadsNormally() throws Exception {
        char[] big = new char[2 * 1024 * 1024];
        Arrays.fill(big, 'x');
        big[0] = 'Y';
        String text = "h1,h2,h3\na,\"" + new String(big) + "\nmore\",c\nd,e,f\n";
        for (CharSource source : List.of(CharSource.of(text), chunked(text, 1000))) {
            CsvRecordReader reader = new CsvRecordReader(source, ',', "v1", false);
            reader.readHeader();
            assertThat(reader.nextRecord()).isTrue();
            assertThat(reader.recordNumber()).isEqualTo(2);
            assertThat(reader.cellCount()).isEqualTo(3);
            assertThat(reader.firstOversizedCell()).isEqualTo(1);
            assertThat(reader.isOversized(0)).isFalse();
            assertThat(reader.isOversized(1)).isTrue();
            assertThat(reader.cell(1)).hasSize(CsvRecordReader.DISPLAY_PREFIX).startsWith("Yxx");
            assertThat(reader.displayCell(1)).isEqualTo("Y" + "x".repeat(99) + "...[truncated]");
            assertThat(reader.cell(2)).isEqualTo("c");
            // at most the limit was ever buffered for the field, not its 2 Mi chars (the buffer grows
            // by doubling, so its capacity is under twice what it held)
            assertThat(reader.rowBufferCapacity()).isLessThanOrEqualTo(2 * CsvRecordReader.MAX_FIELD_LENGTH);
            assertThat(reader.next()).containsExactly("d", "e", "f");
            assertThat(reader.recordNumber()).isEqualTo(3);
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void oversizedCellDisplayDoesNotSplitASurrogatePair() throws Exception {
        String field = "a".repeat(99) + "😀".repeat(CsvRecordReader.MAX_FIELD_LENGTH / 2);
        CsvRecordReader reader = new CsvRecordReader(CharSource.of("h\n" + field + "\n"), ',', "v1", false);
        reader.readHeader();
        reader.nextRecord();
        assertThat(reader.displayCell(0)).isEqualTo("a".repeat(99) + "...[truncated]");
    }

    @Test
    void oversizedHeaderFieldFailsTheRun() {
        String text = "sku," + "h".repeat(CsvRecordReader.MAX_FIELD_LENGTH + 1) + "\nA,1\n";
        EngineFailure f = assertThrows(EngineFailure.class,
                () -> new CsvRecordReader(CharSource.of(text), ',', "v1", false).readHeader());
        assertThat(f.errorCode()).isEqualTo("CSV_PARSE_ERROR");
        assertThat(f.stage()).isEqualTo("NORMALIZE");
        assertThat(f.getMessage()).isEqualTo("csv parse error for vendor v1: header field exceeds 1048576 characters");
        EngineFailure map = assertThrows(EngineFailure.class,
                () -> new CsvRecordReader(CharSource.of(text), ',', "v1", true).readHeader());
        assertThat(map.getMessage()).isEqualTo("csv parse error for vendor v1 (sku map): header field exceeds 1048576 characters");
    }

    // Issue 17 defect 3: the record is bounded, not only the field.

    @Test
    void aLineOfTwoMillionCommasIsCutAtTheFieldLimitAndTheNextRecordReadsNormally() throws Exception {
        String text = "h1,h2\na" + ",".repeat(2_000_000) + "\nb,c\n";
        for (CharSource source : List.of(CharSource.of(text), chunked(text, 777))) {
            CsvRecordReader reader = new CsvRecordReader(source, ',', "v1", false);
            reader.readHeader();
            assertThat(reader.nextRecord()).isTrue();
            assertThat(reader.recordLimitProblem()).isEqualTo("too many fields: exceeds 16384 fields");
            assertThat(reader.cellCount()).isEqualTo(CsvRecordReader.MAX_FIELDS);
            assertThat(reader.cell(0)).isEqualTo("a");
            assertThat(reader.firstOversizedCell()).isEqualTo(-1);
            assertThat(reader.next()).containsExactly("b", "c");
            assertThat(reader.recordLimitProblem()).isNull();
            assertThat(reader.recordNumber()).isEqualTo(3);
        }
    }

    @Test
    void exactlyTheFieldLimitIsANormalRecord() throws Exception {
        String text = "h\n" + ",".repeat(CsvRecordReader.MAX_FIELDS - 1) + "\n";
        CsvRecordReader reader = new CsvRecordReader(CharSource.of(text), ',', "v1", false);
        reader.readHeader();
        assertThat(reader.nextRecord()).isTrue();
        assertThat(reader.cellCount()).isEqualTo(CsvRecordReader.MAX_FIELDS);
        assertThat(reader.recordLimitProblem()).isNull();
    }

    @Test
    void aRecordOverTheCharacterLimitKeepsTheCellsBeforeItAndABoundedBuffer() throws Exception {
        String big = "x".repeat(CsvRecordReader.MAX_FIELD_LENGTH);
        // four fields at the field limit fill the record limit exactly; one more char is over it
        String atLimit = String.join(";", big, big, big, big);
        String over = "\"" + "\"\"".repeat(10) + "q" + "\";" + atLimit + ";tail;more";
        String text = "h\n" + atLimit + "\n" + over + "\nend\n";
        for (CharSource source : List.of(CharSource.of(text), chunked(text, 4093))) {
            CsvRecordReader reader = new CsvRecordReader(source, ';', "v1", false);
            reader.readHeader();
            assertThat(reader.nextRecord()).isTrue();
            assertThat(reader.recordLimitProblem()).isNull();
            assertThat(reader.firstOversizedCell()).isEqualTo(-1);
            assertThat(reader.cellCount()).isEqualTo(4);

            assertThat(reader.nextRecord()).isTrue();
            assertThat(reader.recordLimitProblem()).isEqualTo("row too long: exceeds 4194304 characters");
            assertThat(reader.cellCount()).isEqualTo(5); // the quoted cell, three whole fields, the cut one
            assertThat(reader.cell(0)).isEqualTo("\"".repeat(10) + "q");
            assertThat(reader.cell(3)).isEqualTo(big);
            assertThat(reader.isOversized(4)).isTrue();
            assertThat(reader.displayCell(4)).isEqualTo("x".repeat(100) + "...[truncated]");
            assertThat(reader.rowBufferCapacity()).isLessThanOrEqualTo(CsvRecordReader.MAX_ROW_BUFFER);

            assertThat(reader.next()).containsExactly("end");
            assertThat(reader.recordNumber()).isEqualTo(4);
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void manyOversizedFieldsCountTowardsTheRecordLimit() throws Exception {
        String huge = "y".repeat(CsvRecordReader.MAX_FIELD_LENGTH + 1);
        String text = "h\n" + String.join(",", huge, huge, huge, huge, huge, huge) + "\n";
        CsvRecordReader reader = new CsvRecordReader(CharSource.of(text), ',', "v1", false);
        reader.readHeader();
        assertThat(reader.nextRecord()).isTrue();
        assertThat(reader.recordLimitProblem()).isEqualTo("row too long: exceeds 4194304 characters");
        assertThat(reader.cellCount()).isEqualTo(4);
        assertThat(reader.rowBufferCapacity()).isLessThanOrEqualTo(2 * CsvRecordReader.MAX_FIELD_LENGTH);
    }

    @Test
    void aHeaderOverARecordLimitFailsTheRunAfterDecodingTheRest() {
        String manyFields = ",".repeat(CsvRecordReader.MAX_FIELDS) + "\nA\n";
        EngineFailure fields = assertThrows(EngineFailure.class,
                () -> new CsvRecordReader(CharSource.of(manyFields), ',', "v1", false).readHeader());
        assertThat(fields.errorCode()).isEqualTo("CSV_PARSE_ERROR");
        assertThat(fields.stage()).isEqualTo("NORMALIZE");
        assertThat(fields.getMessage()).isEqualTo("csv parse error for vendor v1: header has more than 16384 fields");
        String big = "h".repeat(CsvRecordReader.MAX_FIELD_LENGTH);
        String longHeader = String.join(",", big, big, big, big, "h") + "\nA\n";
        EngineFailure chars = assertThrows(EngineFailure.class,
                () -> new CsvRecordReader(CharSource.of(longHeader), ',', "v1", true).readHeader());
        assertThat(chars.getMessage())
                .isEqualTo("csv parse error for vendor v1 (sku map): header exceeds 4194304 characters");
    }

    static CharSource chunked(String text, int chunk) {
        CharSource whole = CharSource.of(text);
        return (dst, off, len) -> whole.read(dst, off, Math.min(len, chunk));
    }
}
