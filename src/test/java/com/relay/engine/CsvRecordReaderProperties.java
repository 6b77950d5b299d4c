package com.relay.engine;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the input half (docs/CONTRACT.md#decoding to docs/CONTRACT.md#row-parsing-and-row-errors): arbitrary input never escapes as anything but an
 * {@link EngineFailure} with a documented code, and plain or quoted fields round-trip.
 */
class CsvRecordReaderProperties {

    private static final Set<String> PARSE_CODES = Set.of("DECODE_ERROR", "CSV_PARSE_ERROR", "missing_required_columns");

    @Provide
    Arbitrary<String> csvish() {
        Arbitrary<Character> special = Arbitraries.of(',', ';', '\t', '|', '"', '\r', '\n', ' ', '\u0000', 'é', '\u00A0');
        Arbitrary<Character> plain = Arbitraries.chars().range('0', 'z');
        Arbitrary<Character> any = Arbitraries.chars();
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(5, special), net.jqwik.api.Tuple.of(4, plain), net.jqwik.api.Tuple.of(1, any))
                .list().ofMaxSize(200)
                .map(cs -> {
                    StringBuilder sb = new StringBuilder();
                    cs.forEach(sb::append);
                    return sb.toString();
                });
    }

    @Provide
    Arbitrary<Character> delimiters() {
        return Arbitraries.of(',', ';', '\t', '|');
    }

    @Property(tries = 500)
    void anyTextEitherParsesOrFailsWithCsvParseError(@ForAll("csvish") String text, @ForAll("delimiters") char delimiter)
            throws Exception {
        List<List<String>> whole = null;
        String failure = null;
        try {
            whole = CsvRecordReaderTest.readAll(new CsvRecordReader(CharSource.of(text), delimiter, "v1", false));
        } catch (EngineFailure e) {
            assertThat(e.errorCode()).isEqualTo("CSV_PARSE_ERROR");
            assertThat(e.getMessage()).matches("csv parse error for vendor v1: unterminated quoted field starting in row \\d+");
            failure = e.getMessage();
        }
        // reading one char at a time gives exactly the same outcome
        try {
            assertThat(CsvRecordReaderTest.readAll(new CsvRecordReader(CsvRecordReaderTest.trickle(text), delimiter, "v1", false)))
                    .isEqualTo(whole);
            assertThat(failure).isNull();
        } catch (EngineFailure e) {
            assertThat(e.getMessage()).isEqualTo(failure);
        }
    }

    @Provide
    Arbitrary<byte[]> feedBytes() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
        Arbitrary<byte[]> textual = csvish().map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> body = Arbitraries.oneOf(noise, textual);
        Arbitrary<byte[]> header = Arbitraries.of("", "sku,quantity_available\n", "\uFEFFsku,quantity_available,cost,updated_at,condition\n",
                "sku;quantity_available\n").map(h -> h.getBytes(StandardCharsets.UTF_8));
        return Combinators.combine(header, body).as(FeedFixtures::concat);
    }

    @Property(tries = 500)
    void anyBytesEitherParseOrFailWithADocumentedCode(@ForAll("feedBytes") byte[] feed, @ForAll("delimiters") char delimiter,
            @ForAll("encodings") String encoding, @ForAll boolean failOnMissing) throws Exception {
        var vendor = FeedFixtures.vendor("v1", delimiter, encoding, Map.of());
        try {
            var parsed = FeedFixtures.parse(vendor, feed, null, failOnMissing);
            for (RowError e : parsed.errors()) {
                assertThat(e.vendorId()).isEqualTo("v1");
                assertThat(e.reason()).isNotBlank();
            }
            for (InventoryRecord r : parsed.records()) {
                assertThat(r.sku()).isNotEmpty();
                assertThat(r.quantityAvailable()).isNotNegative();
                assertThat(r.price()).isNotNull();
                assertThat(r.updatedAt()).isNotNull();
            }
        } catch (EngineFailure e) {
            assertThat(PARSE_CODES).contains(e.errorCode());
            assertThat(e.stage()).isEqualTo("NORMALIZE");
            assertThat(e.vendorId()).isEqualTo("v1");
        }
    }

    @Provide
    Arbitrary<String> encodings() {
        return Arbitraries.of("utf-8", "latin-1", "windows-1252", "utf-16");
    }

    @Provide
    Arbitrary<List<List<String>>> plainRows() {
        Arbitrary<String> field = Arbitraries.strings().withChars("abcXYZ019 é\u0000_.-'\u00A0😀").ofMaxLength(8);
        return field.list().ofMinSize(1).ofMaxSize(5)
                .filter(cells -> cells.size() > 1 || !cells.get(0).isEmpty()) // a lone empty cell is an empty line
                .list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void plainFieldsRoundTrip(@ForAll("plainRows") List<List<String>> rows, @ForAll("delimiters") char delimiter,
            @ForAll("lineEnds") String lineEnd, @ForAll boolean finalLineEnd) throws Exception {
        List<List<String>> all = new ArrayList<>();
        all.add(List.of("h1", "h2"));
        all.addAll(rows);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            text.append(String.join(String.valueOf(delimiter), all.get(i)));
            if (i < all.size() - 1 || finalLineEnd) text.append(lineEnd);
        }
        // a field starting with '"' would be quoted syntax; the alphabet has none
        assertThat(CsvRecordReaderTest.records(text.toString(), delimiter)).isEqualTo(all);
    }

    @Provide
    Arbitrary<String> lineEnds() {
        return Arbitraries.of("\n", "\r\n", "\r");
    }

    @Provide
    Arbitrary<List<List<String>>> anyRows() {
        Arbitrary<String> field = Arbitraries.strings().withChars(",;\t|\"\r\n xé\u0000😀").ofMaxLength(10);
        return field.list().ofMinSize(1).ofMaxSize(5).list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void quotedFieldsRoundTripWhateverTheyContain(@ForAll("anyRows") List<List<String>> rows,
            @ForAll("delimiters") char delimiter, @ForAll("lineEnds") String lineEnd) throws Exception {
        List<List<String>> all = new ArrayList<>();
        all.add(List.of("h"));
        all.addAll(rows);
        StringBuilder text = new StringBuilder();
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) text.append(delimiter);
                text.append('"').append(row.get(i).replace("\"", "\"\"")).append('"');
            }
            text.append(lineEnd);
        }
        assertThat(CsvRecordReaderTest.records(text.toString(), delimiter)).isEqualTo(all);
    }

    @Property(tries = 300)
    void validTextDecodesBackInEverySupportedEncoding(@ForAll("validText") String text) throws Exception {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(FeedDecoderTest.decode(new FeedDecoderTest.Trickle(utf8), "utf-8", 3)).isEqualTo(text);
        byte[] le = FeedFixtures.concat(FeedFixtures.bytes(0xFF, 0xFE), text.getBytes(StandardCharsets.UTF_16LE));
        assertThat(FeedDecoderTest.decode(new ByteArrayInputStream(le), "utf-16", 7)).isEqualTo(text);
        byte[] be = FeedFixtures.concat(FeedFixtures.bytes(0xFE, 0xFF), text.getBytes(StandardCharsets.UTF_16BE));
        assertThat(FeedDecoderTest.decode(new FeedDecoderTest.Trickle(be), "utf-16", 2)).isEqualTo(text);
    }

    @Provide
    Arbitrary<String> validText() {
        return Arbitraries.strings().all().ofMaxLength(100)
                .filter(s -> s.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF))
                .filter(s -> !s.startsWith("\uFEFF")); // a leading U+FEFF in UTF-8 is the BOM
    }

    /**
     * Issue 17: a record of any field count and field lengths around the record limits is read
     * whole when within them, and otherwise cut exactly where the first limit is reached, with the
     * row buffer within its bound; either way the next record reads normally.
     */
    @Property(tries = 60)
    void recordsAreCutExactlyAtTheRecordLimits(@ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 20_000) int fields,
                                               @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 600) int fieldLength,
                                               @ForAll("delimiters") char delimiter, @ForAll boolean quoted) throws Exception {
        // one empty unquoted field is a blank line, which the reader skips (docs/CONTRACT.md#row-parsing-and-row-errors)
        net.jqwik.api.Assume.that(!(fields == 1 && fieldLength == 0 && !quoted));
        String field = quoted ? "\"" + "q".repeat(fieldLength) + "\"" : "q".repeat(fieldLength);
        StringBuilder text = new StringBuilder("h\n");
        for (int i = 0; i < fields; i++) {
            if (i > 0) text.append(delimiter);
            text.append(field);
        }
        text.append("\nnext\n");
        CsvRecordReader reader = new CsvRecordReader(CsvRecordReaderTest.chunked(text.toString(), 8191), delimiter, "v1", false);
        reader.readHeader();
        assertThat(reader.nextRecord()).isTrue();
        long total = (long) fields * fieldLength;
        // the field (1-based) in which the character limit is passed, if any
        long cutField = fieldLength == 0 ? Long.MAX_VALUE : CsvRecordReader.MAX_RECORD_LENGTH / fieldLength + 1;
        if (fields > CsvRecordReader.MAX_FIELDS && cutField > CsvRecordReader.MAX_FIELDS) {
            assertThat(reader.recordLimitProblem()).isEqualTo("too many fields: exceeds 16384 fields");
            assertThat(reader.cellCount()).isEqualTo(CsvRecordReader.MAX_FIELDS);
        } else if (total > CsvRecordReader.MAX_RECORD_LENGTH) {
            assertThat(reader.recordLimitProblem()).isEqualTo("row too long: exceeds 4194304 characters");
            assertThat(reader.cellCount()).isEqualTo((int) cutField);
            assertThat(reader.isOversized((int) cutField - 1)).isTrue();
        } else {
            assertThat(reader.recordLimitProblem()).isNull();
            assertThat(reader.cellCount()).isEqualTo(fields);
            assertThat(reader.cell(fields - 1)).hasSize(fieldLength);
        }
        assertThat(reader.rowBufferCapacity()).isLessThanOrEqualTo(CsvRecordReader.MAX_ROW_BUFFER);
        assertThat(reader.next()).containsExactly("next");
    }
}
