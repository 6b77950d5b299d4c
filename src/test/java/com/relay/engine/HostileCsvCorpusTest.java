package com.relay.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Issue 17: a corpus of hostile CSV inputs through the engine's parse path (decode → CSV → rows,
 * {@link VendorFeedParser}) in every supported dialect (delimiters {@code , ; \t |} × encodings
 * UTF-8, ISO-8859-1, windows-1252, UTF-16 BE/LE), plus encoding-specific byte sequences. It runs in
 * the -Xmx256m Surefire execution: each case must end in its documented outcome (records, exact row
 * errors or the exact run failure), never an escaping exception, an OutOfMemoryError or a hang.
 */
class HostileCsvCorpusTest {

    static final String H = "sku,quantity_available,price\n";
    static final char[] DELIMITERS = {',', ';', '\t', '|'};
    static final String[] ENCODINGS = {"utf-8", "latin-1", "windows-1252", "utf-16"};

    /** One shape, written with {@code ,} as the delimiter (replaced per dialect) and its outcome. */
    record Shape(String name, Supplier<String> text, String expected) {
        Shape(String name, String text, String expected) {
            this(name, () -> text, expected);
        }
    }

    /** sku unread behind stray characters: the closest-header hint names the column (docs/CONTRACT.md#header-check-and-required-columns). */
    static String missingSkuBeside(String column) {
        return "FAIL missing_required_columns: missing columns: sku. `sku` is missing; the file has a similar column `" + column + "`";
    }

    static final String MISSING_BOTH = "FAIL missing_required_columns: missing columns: sku, quantity_available";

    static List<Shape> shapes() {
        Supplier<String> big = () -> "x".repeat(CsvRecordReader.MAX_FIELD_LENGTH - 1);
        return List.of(
                new Shape("empty file", "", MISSING_BOTH),
                new Shape("header only", H, "OK [] []"),
                new Shape("header without line end", "sku,quantity_available,price", "OK [] []"),
                new Shape("empty first line", "\nsku,quantity_available\nA,1\n", MISSING_BOTH),
                new Shape("only line ends", "\n\r\n\r\r\n", MISSING_BOTH),
                new Shape("bare CR", "sku,quantity_available,price\rA,1,2\rB,2,3\r", "OK [A, B] []"),
                new Shape("mixed line ends and empty lines", H + "\r\n\r\nA,1,2\n\n\rB,x,3", "OK [A] [3: invalid int: x]"),
                new Shape("unterminated quote", H + "A,1,2\n\"B,2,3\nC,3,4\n",
                        "FAIL CSV_PARSE_ERROR: csv parse error for vendor v1: unterminated quoted field starting in row 3"),
                new Shape("unterminated quote in the header", "\"sku,quantity_available\nA,1\n",
                        "FAIL CSV_PARSE_ERROR: csv parse error for vendor v1: unterminated quoted field starting in row 1"),
                new Shape("quote inside an unquoted field", H + "A\"x\",1,2\n", "OK [A\"x\"] []"),
                new Shape("quoted delimiter, line break and doubled quotes", H + "\"A,\n\"\"b\"\"\",1,2\n", "OK [A,\n\"b\"] []"),
                new Shape("text after the closing quote", H + "\"ab\"cd,1,2\n", "OK [abcd] []"),
                new Shape("quote after a space does not quote", H + " \"A,1\",2\n", "OK [] [2: invalid int: 1\"]"),
                new Shape("NUL characters are data", H + "A\u0000B,1,2\n\u0000,1,1\n", "OK [A\u0000B, \u0000] []"),
                new Shape("duplicate header: the last column wins", "sku,quantity_available,sku\nA,1,B\n", "OK [B] []"),
                new Shape("short and long rows", H + "A\nB,1,2,extra,more\n", "OK [A, B] []"),
                new Shape("whitespace-only row", H + " , , \n", "OK [] [2: sku is required]"),
                new Shape("row of delimiters only", H + ",,,,,,\n", "OK [] [2: sku is required]"),
                new Shape("hostile numerals", H + "A,1,1e2147483647\nB,1e5,2\nC,99999999999999999999,1\nD,1,NaN\nE,-0,-0.001\n",
                        "OK [E] [2: decimal out of range: 1e2147483647 (at most 1000 significant digits and a scale"
                                + " between -1000 and 1000), 3: invalid int: 1e5, 4: invalid int: 99999999999999999999,"
                                + " 5: price must be a finite number]"),
                new Shape("a line of 100,000 delimiters", () -> H + "A,1," + ",".repeat(100_000) + "\nB,1,1\n",
                        "OK [B] [2: too many fields: exceeds 16384 fields]"),
                new Shape("a header of 100,000 columns", () -> "sku,quantity_available" + ",c".repeat(100_000) + "\nA,1\n",
                        "FAIL CSV_PARSE_ERROR: csv parse error for vendor v1: header has more than 16384 fields"),
                new Shape("a header name over the field limit", () -> "sku,quantity_available," + big.get() + "xy\nA,1\n",
                        "FAIL CSV_PARSE_ERROR: csv parse error for vendor v1: header field exceeds 1048576 characters"),
                new Shape("a line over the record limit", () -> H + "A,1,2," + String.join(",", Collections.nCopies(4, big.get())) + "yz\nB,1,1\n",
                        "OK [B] [2: row too long: exceeds 4194304 characters]"),
                new Shape("a field over the field limit", () -> H + "A,1,2,y" + big.get() + "y\nB,1,1\n",
                        "OK [B] [2: field too long: null exceeds 1048576 characters]"),
                new Shape("very long valid line", () -> H + "A,1,2," + big.get() + "\n", "OK [A] []"));
    }

    static Stream<Arguments> corpus() {
        List<Arguments> cases = new ArrayList<>();
        for (String encoding : ENCODINGS) {
            for (char delimiter : DELIMITERS) {
                int n = 0;
                for (Shape shape : shapes()) {
                    String expected = shape.expected().startsWith("FAIL") ? shape.expected()
                            : shape.expected().replace(',', delimiter).replace(delimiter + " ", ", ");
                    // UTF-16 alternates big- and little-endian byte order marks
                    boolean bigEndian = n++ % 2 == 0;
                    Supplier<byte[]> bytes = () -> encode(shape.text().get().replace(',', delimiter), encoding, bigEndian);
                    cases.add(arguments(encoding + " '" + printable(delimiter) + "' " + shape.name(), encoding, delimiter,
                            bytes, fixDelimiterInExpectation(shape, expected, delimiter)));
                }
            }
        }
        cases.addAll(byteLevelCases());
        return cases.stream();
    }

    static byte[] encode(String text, String encoding, boolean bigEndian) {
        if (!encoding.equals("utf-16")) {
            return text.getBytes(encoding.equals("utf-8") ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        }
        if (text.isEmpty()) return new byte[0]; // a zero-byte UTF-16 feed is empty text
        return FeedFixtures.concat(bigEndian ? FeedFixtures.bytes(0xFE, 0xFF) : FeedFixtures.bytes(0xFF, 0xFE),
                text.getBytes(bigEndian ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE));
    }

    /** Row-error texts quote cells; a cell that held the delimiter keeps it, the joins do not. */
    private static String fixDelimiterInExpectation(Shape shape, String expected, char delimiter) {
        if (shape.name().equals("quoted delimiter, line break and doubled quotes")) return "OK [A" + delimiter + "\n\"b\"] []";
        if (shape.name().equals("hostile numerals") || shape.name().equals("mixed line ends and empty lines")
                || shape.name().equals("quote after a space does not quote")) {
            return shape.expected();
        }
        return expected;
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }

    /** Encoding-specific bytes: BOMs, malformed sequences, surrogates, undefined bytes. */
    static List<Arguments> byteLevelCases() {
        byte[] h = FeedFixtures.utf8(H);
        int n = h.length;
        List<Arguments> cases = new ArrayList<>();
        cases.add(bytes("utf-8 BOM", "utf-8", FeedFixtures.concat(FeedFixtures.bytes(0xEF, 0xBB, 0xBF), h, FeedFixtures.utf8("A,1,2\n")), "OK [A] []"));
        cases.add(bytes("utf-8 two BOMs: the second is data", "utf-8",
                FeedFixtures.concat(FeedFixtures.bytes(0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF), h), missingSkuBeside("\uFEFFsku")));
        cases.add(bytes("utf-8 BOM only", "utf-8", FeedFixtures.bytes(0xEF, 0xBB, 0xBF), MISSING_BOTH));
        cases.add(bytes("utf-8 lone continuation byte", "utf-8", FeedFixtures.concat(h, FeedFixtures.bytes(0x41, 0x80)), decode("UTF-8", n + 1)));
        cases.add(bytes("utf-8 truncated sequence at the end", "utf-8", FeedFixtures.concat(h, FeedFixtures.bytes(0x41, 0xE2, 0x82)), decode("UTF-8", n + 1)));
        cases.add(bytes("utf-8 overlong NUL", "utf-8", FeedFixtures.concat(h, FeedFixtures.bytes(0xC0, 0x80)), decode("UTF-8", n)));
        cases.add(bytes("utf-8 encoded surrogate", "utf-8", FeedFixtures.concat(h, FeedFixtures.bytes(0xED, 0xA0, 0x80)), decode("UTF-8", n)));
        cases.add(bytes("utf-8 above U+10FFFF", "utf-8", FeedFixtures.concat(h, FeedFixtures.bytes(0xF4, 0x90, 0x80, 0x80)), decode("UTF-8", n)));
        cases.add(bytes("utf-8 0xFF", "utf-8", FeedFixtures.concat(h, FeedFixtures.bytes(0xFF)), decode("UTF-8", n)));
        cases.add(bytes("utf-8 invalid byte after a header that misses columns", "utf-8",
                FeedFixtures.concat(FeedFixtures.utf8("a,b\n"), new byte[100_000], FeedFixtures.bytes(0xFE)), decode("UTF-8", 100_004)));
        cases.add(bytes("utf-8 invalid byte in the header", "utf-8", FeedFixtures.bytes(0x73, 0xC3, 0x28), decode("UTF-8", 1)));
        cases.add(bytes("utf-8 four-byte SKU", "utf-8", FeedFixtures.concat(h, FeedFixtures.utf8("\uD83D\uDE00,1,2\n")), "OK [\uD83D\uDE00] []"));
        cases.add(bytes("utf-8 NUL bytes only", "utf-8", new byte[1000], "FAIL missing_required_columns: missing columns: sku, quantity_available"));
        cases.add(bytes("latin-1 UTF-8 BOM is three characters", "latin-1",
                FeedFixtures.concat(FeedFixtures.bytes(0xEF, 0xBB, 0xBF), h), missingSkuBeside("\u00EF\u00BB\u00BFsku")));
        cases.add(bytes("latin-1 every byte decodes", "latin-1", FeedFixtures.concat(h, allBytesExceptLineEndsAndDelimiter(), FeedFixtures.utf8(",1,2\n")),
                "OK [" + new String(allBytesExceptLineEndsAndDelimiter(), StandardCharsets.ISO_8859_1).strip() + "] []"));
        for (int undefined : new int[] {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
            cases.add(bytes("windows-1252 undefined byte " + Integer.toHexString(undefined), "windows-1252",
                    FeedFixtures.concat(h, FeedFixtures.bytes(0x41, undefined)), decode("windows-1252", n + 1)));
        }
        cases.add(bytes("windows-1252 euro sign", "windows-1252", FeedFixtures.concat(h, FeedFixtures.bytes(0x80, 0x2C, 0x31, 0x0A)), "OK [\u20AC] []"));
        byte[] h16 = H.getBytes(StandardCharsets.UTF_16BE);
        byte[] bomBe = FeedFixtures.bytes(0xFE, 0xFF);
        cases.add(bytes("utf-16 without BOM", "utf-16", h16,
                "FAIL DECODE_ERROR: decode error for vendor v1: missing UTF-16 byte order mark"));
        cases.add(bytes("utf-16 zero bytes", "utf-16", new byte[0], MISSING_BOTH));
        cases.add(bytes("utf-16 BOM only", "utf-16", bomBe, MISSING_BOTH));
        cases.add(bytes("utf-16 one byte", "utf-16", FeedFixtures.bytes(0xFE),
                "FAIL DECODE_ERROR: decode error for vendor v1: missing UTF-16 byte order mark"));
        cases.add(bytes("utf-16 odd byte count", "utf-16", FeedFixtures.concat(bomBe, h16, FeedFixtures.bytes(0x00)),
                decode("UTF-16", 2 + h16.length)));
        cases.add(bytes("utf-16 unpaired high surrogate", "utf-16", FeedFixtures.concat(bomBe, h16, FeedFixtures.bytes(0xD8, 0x3D, 0x00, 0x41)),
                decode("UTF-16", 2 + h16.length)));
        cases.add(bytes("utf-16 unpaired low surrogate", "utf-16", FeedFixtures.concat(bomBe, h16, FeedFixtures.bytes(0xDE, 0x00, 0x00, 0x41)),
                decode("UTF-16", 2 + h16.length)));
        cases.add(bytes("utf-16 high surrogate at the end", "utf-16", FeedFixtures.concat(bomBe, h16, FeedFixtures.bytes(0xD8, 0x3D)),
                decode("UTF-16", 2 + h16.length)));
        cases.add(bytes("utf-16 surrogate pair SKU (LE)", "utf-16",
                FeedFixtures.concat(FeedFixtures.bytes(0xFF, 0xFE), (H + "\uD83D\uDE00,1,2\n").getBytes(StandardCharsets.UTF_16LE)), "OK [\uD83D\uDE00] []"));
        cases.add(bytes("utf-16 BOM twice: the second is data", "utf-16", FeedFixtures.concat(bomBe, bomBe, h16),
                missingSkuBeside("\uFEFFsku")));
        cases.add(bytes("utf-16 NUL characters", "utf-16", FeedFixtures.concat(bomBe, h16, new byte[8], FeedFixtures.bytes(0, ',', 0, '1', 0, '\n')),
                "OK [\u0000\u0000\u0000\u0000] []"));
        return cases;
    }

    private static byte[] allBytesExceptLineEndsAndDelimiter() {
        byte[] b = new byte[256 - 4];
        int k = 0;
        for (int i = 0; i < 256; i++) {
            if (i == '\n' || i == '\r' || i == ',' || i == '"') continue;
            b[k++] = (byte) i;
        }
        return b;
    }

    private static Arguments bytes(String name, String encoding, byte[] bytes, String expected) {
        return arguments(name, encoding, ',', (Supplier<byte[]>) () -> bytes, expected);
    }

    private static String decode(String charset, long offset) {
        return "FAIL DECODE_ERROR: decode error for vendor v1: invalid " + charset + " byte sequence at byte offset " + offset;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyHostileInputEndsInItsDocumentedOutcome(String name, String encoding, char delimiter, Supplier<byte[]> bytes,
                                                    String expected) {
        assertThat(outcome(encoding, delimiter, bytes.get())).as(name).isEqualTo(expected);
    }

    /** A compact, comparable outcome: the run failure, or the SKUs read and the row errors. */
    static String outcome(String encoding, char delimiter, byte[] bytes) {
        try {
            FeedFixtures.Parsed parsed = FeedFixtures.parse(FeedFixtures.vendor("v1", delimiter, encoding, java.util.Map.of()),
                    bytes, null, true);
            return "OK " + parsed.records().stream().map(InventoryRecord::sku).collect(Collectors.toList()) + " "
                    + parsed.errors().stream().map(e -> e.rowNumber() + ": " + e.reason()).collect(Collectors.toList());
        } catch (EngineFailure f) {
            assertThat(f.stage()).isEqualTo("NORMALIZE");
            return "FAIL " + f.errorCode() + ": " + f.getMessage();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** docs/CONTRACT.md#sku-map as for an oversized field: a SKU-map row over a record limit is skipped, the rest loads. */
    @org.junit.jupiter.api.Test
    void skuMapRowsOverARecordLimitAreSkipped() throws Exception {
        String text = "vendor_sku,sku\nV1,S1\nV2,S2" + ",".repeat(20_000) + "\nV3,S3,"
                + String.join(",", Collections.nCopies(4, "z".repeat(CsvRecordReader.MAX_FIELD_LENGTH))) + "\nV4,S4\n";
        SkuMapping map = SkuMapping.load(new java.io.ByteArrayInputStream(FeedFixtures.utf8(text)),
                FeedFixtures.parser(',', "utf-8"), "v1");
        assertThat(map.map("V1")).isEqualTo("S1");
        assertThat(map.map("V2")).isEqualTo("V2"); // too many fields: skipped, so unmapped
        assertThat(map.map("V3")).isEqualTo("V3"); // too long: skipped
        assertThat(map.map("V4")).isEqualTo("S4");
    }
}
