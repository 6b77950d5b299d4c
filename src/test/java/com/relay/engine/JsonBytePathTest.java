package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A UTF-8 json feed is read by Jackson's byte parser behind {@link Utf8CheckedInput}; other
 * encodings by its char parser behind {@link FeedDecoder} (docs/ENGINE.md#vendor-file-formats). The two
 * paths must give the same rows, row errors and failures, line and char column included: here the
 * char path over the same bytes is the oracle.
 */
class JsonBytePathTest {
    static final List<String> NAMES = List.of("SKU", "stock.qty", "price.amount", "a.b");
    static final Set<String> REQUIRED = Set.of("SKU", "stock.qty");

    /** Everything a json or xml reader shows: the header, each row's cells and problem, the failure. */
    static List<String> read(KeyedRecords records) throws IOException {
        List<String> seen = new ArrayList<>();
        try (records) {
            seen.add("header " + records.readHeader());
            while (records.nextRecord()) {
                CsvRecordReader r = records.rows();
                seen.add(r.recordNumber() + " " + r.cells() + " " + r.recordLimitProblem());
            }
            seen.add("columns " + records.fileColumns(List.of()));
        } catch (EngineFailure f) {
            seen.add(f.errorCode() + ": " + f.getMessage());
        }
        return seen;
    }

    static List<String> bytePath(byte[] feed, String recordsPath) throws IOException {
        JsonRecords records = JsonRecords.open(new ByteArrayInputStream(feed), "utf-8", recordsPath, NAMES, REQUIRED, "acme");
        return read(records);
    }

    static List<String> charPath(byte[] feed, String recordsPath) throws IOException {
        JsonRecords records = new JsonRecords(FeedDecoder.open(new ByteArrayInputStream(feed), "utf-8", "acme", false),
                recordsPath, NAMES, REQUIRED, "acme");
        return read(records);
    }

    static void samePaths(String json) throws IOException {
        samePaths(json.getBytes(StandardCharsets.UTF_8), "$.items[*]");
    }

    static void samePaths(byte[] feed, String recordsPath) throws IOException {
        List<String> expected = charPath(feed, recordsPath);
        List<String> got = bytePath(feed, recordsPath);
        String text = new String(feed, StandardCharsets.UTF_8);
        // a short description: the lists can hold thousands of rows
        assertThat(got.size() + " " + got.get(got.size() - 1)).as(text.length() > 300 ? text.substring(text.length() - 300) : text)
                .isEqualTo(expected.size() + " " + expected.get(expected.size() - 1));
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void theBytePathIsTheOneUtf8Takes() throws IOException {
        JsonRecords utf8 = JsonRecords.open(new ByteArrayInputStream(new byte[0]), null, "$[*]", NAMES, REQUIRED, "acme");
        assertThat(utf8).extracting("bytes").isNotNull();
        JsonRecords latin1 = JsonRecords.open(new ByteArrayInputStream(new byte[0]), "latin-1", "$[*]", NAMES, REQUIRED, "acme");
        assertThat(latin1).extracting("bytes").isNull();
    }

    @Test
    void recordsValuesAndRowErrorsAreTheSame() throws IOException {
        samePaths("""
                {"items": [
                  {"SKU": "Ä-1", "stock": {"qty": 3}, "price": {"amount": 12.50}, "x": [1, {"y": 2}]},
                  {"SKU": "𝔸-2", "stock": {"qty": null}, "a.b": "dotted", "price.amount": "flat"},
                  {"SKU": "ｚ\\u00e9\\n\\"q\\"", "stock": {"qty": true}, "a": {"b": false}},
                  "not an object",
                  {"SKU": {"nested": 1}, "stock": {"qty": [1]}},
                  {"SKU": "dup", "SKU": "last wins", "stock": {"qty": -1e3}},
                  {}
                ]}""");
        samePaths("{\"items\": [{\"stock\": {\"qty\": 1}}]}"); // the first record lacks SKU
        samePaths("{\"items\": []}");
        samePaths("\uFEFF{\"items\": [{\"SKU\": \"A\", \"stock\": {\"qty\": 1}}]}");
    }

    /**
     * Paths are matched as dotted strings, as when each member's path was built by concatenation: a
     * member whose name holds a dot matches the configured path it spells, at any depth.
     */
    @Test
    void membersWithADotInTheirNameMatchThePathTheySpell() throws IOException {
        String json = """
                {"items": [
                  {"SKU": "A", "stock.qty": 1, "a.b": "top"},
                  {"SKU": "B", "stock": {"qty": 2}, "a": {"b": "nested"}},
                  {"SKU": "C", "stock": {"qty": 3}, "price.amount": {"x": 1}},
                  {"SKU": "D", "stock": {"qty": 4}, "price": {"amount.x": 5}, "a.c": 6}
                ]}""";
        for (List<String> seen : List.of(bytePath(json.getBytes(StandardCharsets.UTF_8), "$.items[*]"),
                charPath(json.getBytes(StandardCharsets.UTF_8), "$.items[*]"))) {
            assertThat(seen).containsExactly("header [SKU, stock.qty, price.amount, a.b]",
                    "1 [A, 1, , top] null",
                    "2 [B, 2, , nested] null",
                    "3 [C, 3, , ] price.amount is an object, not a value",
                    "4 [D, 4, , ] null",
                    "columns [SKU, stock.qty, a.b]");
        }
    }

    @Test
    void brokenJsonFailsWithTheSameMessageLineAndCharColumn() throws IOException {
        String[] broken = {
                "{\"items\": [{\"SKU\": \"é€𝔸\", \"stock\": {\"qty\": 1}} oops]}",
                "{\"items\": [{\"SKU\": \"é€𝔸\",\n \"stock\": {\"qty\": 1}, \"SKU\": \"ü\" x}]}",
                "{\"items\": [{\"SKU\": \"é€𝔸\",\r \"ö\": 1}\r,\"x\" \r\"]}",
                "{\"items\": [{\"SKU\": \"é\n\"}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": {\"qty\": 01}}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": {\"qty\": 1}}]} [1]",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": {\"qty\": 1}}",
                "{\"items\": [{\"SKU\": \"é\", \"st",
                "{\"items\": [{\"SKU\": \"é\", x©}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": \"a\\qb\"}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": \"a\\uZZZZ\"}]}",
                "{\"items\": [{\"SKU\": \"é\" \"stock\": 1}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": 1,}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": [1 2]}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": 1]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": -}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": 'x'}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": NaN}]}",
                "{\"itemz\": []}",
                "{\"items\": {}}",
                "",
                "   ",
                "\u0000{\"items\": []}",
                "{\"items\": [" + "[".repeat(300) + "]}",
        };
        for (String json : broken) samePaths(json);
    }

    /**
     * Where Jackson's two parsers word an error differently (docs/ENGINE.md#vendor-file-formats): a
     * non-ASCII character outside a string, an unrecognized token, a number cut short. The failure,
     * its code and line are the same and the column at most two chars apart; a message never
     * calls checked UTF-8 invalid, and names the character rather than one of its bytes.
     */
    @Test
    void errorsTheParsersWordDifferentlyStillFailTheSameWay() throws IOException {
        String[] broken = {
                "{\"items\": [{\"SKU\": \"é€𝔸\",\r\n \"ö\": é}]}",
                "{\"items\": [{\"SKU\": \"é€𝔸\",\r\n \"ö\": xé}]}",
                "{\"items\": [{\"SKU\": \"é\", ©}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": 𝔸}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": tru}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": trueé}]}",
                "{\"items\": [{\"SKU\": \"é\", \"stock\": 1.}]}",
                "\uFEFF\uFEFF{\"items\": []}",
                "é",
        };
        java.util.regex.Pattern at = java.util.regex.Pattern.compile("^(JSON_PARSE_ERROR): .* \\(line (\\d+), column (\\d+)\\)$");
        for (String json : broken) {
            byte[] feed = json.getBytes(StandardCharsets.UTF_8);
            List<String> expected = charPath(feed, "$.items[*]");
            List<String> got = bytePath(feed, "$.items[*]");
            assertThat(got.subList(0, got.size() - 1)).as(json).isEqualTo(expected.subList(0, expected.size() - 1));
            java.util.regex.Matcher e = at.matcher(expected.get(expected.size() - 1));
            java.util.regex.Matcher g = at.matcher(got.get(got.size() - 1));
            assertThat(e.matches()).as(expected.toString()).isTrue();
            assertThat(g.matches()).as(got.toString()).isTrue();
            assertThat(g.group(2)).as(json).isEqualTo(e.group(2));
            assertThat(Math.abs(Integer.parseInt(g.group(3)) - Integer.parseInt(e.group(3)))).as(json).isLessThanOrEqualTo(2);
            assertThat(g.group()).doesNotContain("Invalid UTF-8").doesNotContain("(code 195)").doesNotContain("(code 240)");
        }
    }

    @Test
    void aStringOverTheLengthLimitFailsOnBothPaths() throws IOException {
        byte[] feed = ("{\"items\": [{\"SKU\": \"" + "é".repeat(CsvRecordReader.MAX_RECORD_LENGTH + 1) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        // the length Jackson had read when it stopped depends on its buffers; the limit is the same
        for (List<String> seen : List.of(charPath(feed, "$.items[*]"), bytePath(feed, "$.items[*]"))) {
            assertThat(seen).singleElement().asString().startsWith("JSON_PARSE_ERROR: json parse error for vendor acme: "
                    + "limit exceeded: String value length (").contains("exceeds the maximum allowed (4194304");
        }
    }

    @Test
    void decodeErrorsWinOverWhatFollowsThemAndNotOverWhatPrecedesThem() throws IOException {
        byte[] head = "{\"items\": [{\"SKU\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\", \"stock\": {\"qty\": 1}}]}".getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {{(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
        for (byte[] b : bad) {
            samePaths(Utf8CheckedInputTest.concat(head, b, tail), "$.items[*]");        // inside a value
            samePaths(Utf8CheckedInputTest.concat("{\"it".getBytes(StandardCharsets.UTF_8), b,
                    "ems\": []}".getBytes(StandardCharsets.UTF_8)), "$.items[*]");       // inside a member name
            samePaths(Utf8CheckedInputTest.concat(head, tail, b), "$.items[*]");        // after the document
            samePaths(Utf8CheckedInputTest.concat("{\"items\": [1 2, ".getBytes(StandardCharsets.UTF_8), b),
                    "$.items[*]");                                                      // a syntax error first
        }
        List<String> failed = bytePath(Utf8CheckedInputTest.concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, head,
                new byte[] {(byte) 0xC3}, tail), "$.items[*]");
        assertThat(failed).last().isEqualTo("DECODE_ERROR: decode error for vendor acme: invalid UTF-8 byte sequence at byte offset 23");
    }

    @Test
    void longLinesKeepTheCharColumnAcrossBuffers() throws IOException {
        // one line of records (as the benchmark's files are), non-ASCII throughout, broken far from its start
        Random random = new Random(7);
        String[] skus = {"Ä", "𝔸", "ｚ", "a", "€"};
        for (int size : new int[] {1_000, 70_000, 200_000, 600_000}) {
            StringBuilder json = new StringBuilder("{\"items\": [");
            while (json.length() < size) {
                json.append("{\"SKU\": \"").append(skus[random.nextInt(skus.length)]).append(random.nextInt(1000))
                        .append("\", \"stock\": {\"qty\": ").append(random.nextInt(100)).append("}},");
            }
            samePaths(json + "{\"SKU\": \"é\", x©}]}");
            samePaths(json + "{\"SKU\": \"é\" \"stock\": 1}]}");
            samePaths(json + "\n  {\"SKU\": \"é\", \"stock\": [1 2]}]}");
            samePaths(json + "{}, " + "\"ü\"".repeat(20) + " x]}");
        }
    }

    @Test
    void otherEncodingsStayOnTheCharPath() throws IOException {
        for (String encoding : new String[] {"latin-1", "windows-1252", "utf-16"}) {
            Charset charset = FeedCharsets.resolve(encoding).charset();
            String json = "{\"items\": [{\"SKU\": \"Ä-1\", \"stock\": {\"qty\": 3}}, {\"SKU\": \"é\", ©}]}";
            // Jackson's char parser, as before the byte path existed
            byte[] feed = json.getBytes(encoding.equals("utf-16") ? StandardCharsets.UTF_16 : charset);
            JsonRecords records = JsonRecords.open(new ByteArrayInputStream(feed), encoding, "$.items[*]", NAMES, REQUIRED, "acme");
            assertThat(records).extracting("bytes").isNull();
            assertThat(read(records)).containsExactly("header [SKU, stock.qty, price.amount, a.b]",
                    "1 [Ä-1, 3, , ] null",
                    "JSON_PARSE_ERROR: json parse error for vendor acme: Unexpected character ('©' (code 169)): was expecting "
                            + "double-quote to start field name (line 1, column 62)"); // the 62nd char
        }
    }
}
