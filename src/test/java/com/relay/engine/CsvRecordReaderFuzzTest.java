package com.relay.engine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.relay.tenants.config.Decimals;
import com.relay.tenants.config.TenantConfig;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the feed input path, in every supported dialect: the four
 * delimiters and four encodings of docs/CONTRACT.md#schema, docs/CONTRACT.md#decoding. Input layout, so seeds can be written by hand:
 * byte 0 picks the delimiter (bits 0-1) and the encoding (bits 2-3); the rest is the file.
 *
 * <p>In the normal build ({@code ./mvnw verify}) each target replays its seeds under
 * {@code src/test/resources/com/relay/engine/CsvRecordReaderFuzzTestInputs/<method>/} (regression
 * mode, in the -Xmx256m Surefire execution); {@code JAZZER_FUZZ=1} fuzzes (docs/ENGINE.md).
 * Every input must end in records and row errors or in the documented run failure, with the
 * reader's memory within its limits; anything else (an escaping exception, an OOM) is a finding.
 */
class CsvRecordReaderFuzzTest {

    static final char[] DELIMITERS = {',', ';', '\t', '|'};
    static final String[] ENCODINGS = {"utf-8", "latin-1", "windows-1252", "utf-16"};
    static final String HEADER = "sku,quantity_available,cost,map_price,msrp,lead_time_days,price,updated_at,condition,title";

    record Dialect(char delimiter, String encoding) {
        static Dialect of(byte selector) {
            return new Dialect(DELIMITERS[selector & 3], ENCODINGS[(selector >> 2) & 3]);
        }
    }

    /** The reader alone: records within the field, record and buffer limits, numbered 2, 3, …. */
    @FuzzTest(maxDuration = "3m")
    void readerKeepsItsLimits(byte[] input) throws Exception {
        if (input.length == 0) return;
        Dialect dialect = Dialect.of(input[0]);
        byte[] file = Arrays.copyOfRange(input, 1, input.length);
        CsvRecordReader reader = new CsvRecordReader(
                FeedDecoder.open(new ByteArrayInputStream(file), dialect.encoding(), "v1", false),
                dialect.delimiter(), "v1", false);
        try {
            reader.readHeader();
            long expected = 2;
            while (reader.nextRecord()) {
                assertThat(reader.recordNumber()).isEqualTo(expected++);
                assertThat(reader.cellCount()).isBetween(1, CsvRecordReader.MAX_FIELDS);
                assertThat(reader.rowBufferCapacity()).isLessThanOrEqualTo(CsvRecordReader.MAX_ROW_BUFFER);
                for (int i = 0; i < reader.cellCount(); i++) {
                    int length = reader.cellEnd(i) - reader.cellStart(i);
                    assertThat(length).isLessThanOrEqualTo(reader.isOversized(i)
                            ? CsvRecordReader.DISPLAY_PREFIX : CsvRecordReader.MAX_FIELD_LENGTH);
                }
            }
        } catch (EngineFailure f) {
            assertDocumentedFailure(f);
        }
    }

    /**
     * The whole vendor parse (docs/CONTRACT.md#csv-dialect to docs/CONTRACT.md#row-parsing-and-row-errors) with a header of every canonical column, so the
     * fuzzer reaches the cell grammars: each record is valid by the contract's rules and formats;
     * each row error has one of the documented reasons.
     */
    @FuzzTest(maxDuration = "3m")
    void vendorParseEndsInRecordsRowErrorsOrADocumentedFailure(byte[] input) throws Exception {
        if (input.length == 0) return;
        Dialect dialect = Dialect.of(input[0]);
        String header = HEADER.replace(',', dialect.delimiter()) + "\n";
        byte[] file = FeedFixtures.concat(encode(header, dialect.encoding()), Arrays.copyOfRange(input, 1, input.length));
        TenantConfig.Vendor vendor = FeedFixtures.vendor("v1", dialect.delimiter(), dialect.encoding(), Map.of());
        try {
            FeedFixtures.Parsed parsed = FeedFixtures.parse(vendor, file, null, true);
            for (InventoryRecord r : parsed.records()) {
                assertThat(r.sku()).isNotEmpty();
                assertThat(r.quantityAvailable()).isNotNegative();
                for (CanonicalField money : new CanonicalField[] {
                        CanonicalField.COST, CanonicalField.MAP_PRICE, CanonicalField.PRICE, CanonicalField.MSRP}) {
                    assertWithinTheDecimalBound(money, r);
                    assertThat(CellFormatter.money(r, money)).isNotNull();
                }
                assertThat(CellFormatter.timestamp(r.updatedAt())).isNotEmpty();
            }
            for (RowError e : parsed.errors()) {
                assertThat(e.rowNumber()).isGreaterThanOrEqualTo(2);
                assertThat(e.reason()).matches(ROW_REASON);
            }
        } catch (EngineFailure f) {
            assertDocumentedFailure(f);
        }
    }

    /** docs/CONTRACT.md#row-parsing-and-row-errors reasons, the issue 17 limits, and the step 5 list joined by "; ". */
    static final String ROW_REASON = "(?s)(field too long: .* exceeds 1048576 characters"
            + "|row too long: exceeds 4194304 characters|too many fields: exceeds 16384 fields"
            + "|invalid int: .*|invalid decimal: .*|invalid datetime: .*|decimal out of range: .*"
            + "|((sku is required|quantity_available must be >= 0|(cost|map_price|price|msrp) must be a finite number"
            + "|condition must be new, used, or refurb)(; )?)+)";

    static void assertDocumentedFailure(EngineFailure f) {
        assertThat(f.stage()).isEqualTo("NORMALIZE");
        assertThat(f.errorCode()).isIn("DECODE_ERROR", "CSV_PARSE_ERROR", "missing_required_columns");
        assertThat(f.getMessage()).matches("(?s)(decode error for vendor v1|csv parse error for vendor v1|missing columns): .*");
    }

    private static void assertWithinTheDecimalBound(CanonicalField field, InventoryRecord r) {
        BigDecimal value = switch (field) {
            case COST -> r.cost();
            case MAP_PRICE -> r.mapPrice();
            case PRICE -> r.price();
            default -> r.msrp();
        };
        if (value == null) return;
        assertThat(value.precision()).isLessThanOrEqualTo(Decimals.MAX_DIGITS_AND_SCALE);
        assertThat(Math.abs(value.scale())).isLessThanOrEqualTo(Decimals.MAX_DIGITS_AND_SCALE);
    }

    static byte[] encode(String text, String encoding) {
        return switch (encoding) {
            case "utf-16" -> text.getBytes(java.nio.charset.StandardCharsets.UTF_16); // big-endian with BOM
            case "utf-8" -> text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            default -> text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        };
    }
}
