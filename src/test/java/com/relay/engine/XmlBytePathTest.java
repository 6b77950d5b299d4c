package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A UTF-8 xml feed goes to Aalto as its bytes behind {@link Utf8CheckedInput}; other encodings are
 * decoded by {@link FeedDecoder} and reach Aalto as UTF-8 again (docs/ENGINE.md#vendor-file-formats).
 * Both decode paths must give the same rows, row errors and failures; the char path over the same
 * bytes is the oracle.
 */
class XmlBytePathTest {
    static final List<String> NAMES = List.of("@id", "QTY", "name");
    static final Set<String> REQUIRED = Set.of("@id", "QTY");

    static List<String> bytePath(byte[] feed) throws IOException {
        try {
            return JsonBytePathTest.read(XmlRecords.open(new ByteArrayInputStream(feed), "utf-8", "/feed/item", NAMES, REQUIRED, "acme"));
        } catch (EngineFailure f) {
            return List.of(f.errorCode() + ": " + f.getMessage());
        }
    }

    static List<String> charPath(byte[] feed) throws IOException {
        try {
            return JsonBytePathTest.read(new XmlRecords(FeedDecoder.open(new ByteArrayInputStream(feed), "utf-8", "acme", false), "/feed/item",
                    NAMES, REQUIRED, "acme"));
        } catch (EngineFailure f) {
            return List.of(f.errorCode() + ": " + f.getMessage());
        }
    }

    static void samePaths(byte[] feed) throws IOException {
        List<String> expected = charPath(feed);
        List<String> got = bytePath(feed);
        String text = new String(feed, StandardCharsets.UTF_8);
        assertThat(got.size() + " " + got.get(got.size() - 1)).as(text.length() > 300 ? text.substring(text.length() - 300) : text)
                .isEqualTo(expected.size() + " " + expected.get(expected.size() - 1));
        assertThat(got).isEqualTo(expected);
    }

    static void samePaths(String xml) throws IOException {
        samePaths(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recordsAndRowsAreTheSameAndTheDeclaredEncodingIsNotUsed() throws IOException {
        String items = "<feed><item id=\"Ä-1\"><QTY> 3 </QTY><name>é€𝔸 &amp; <![CDATA[<x>]]></name></item>\n"
                + "<item id=\"𝔸-2\"><QTY>4</QTY><name>ｚ\u0085\u2028<b>bold</b> tail</name></item><item><QTY>x</QTY></item></feed>";
        samePaths(items);
        samePaths("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + items);
        samePaths("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + items);
        samePaths("<?xml version=\"1.1\"?>" + items);
        samePaths("\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + items);
        samePaths("<feed><item><QTY>1</QTY></item></feed>"); // the first record lacks @id
    }

    @Test
    void brokenAndHostileXmlFailsTheSameWay() throws IOException {
        String[] broken = {
                "<feed>\n<item id=\"é\"><QTY>1</QTY></item>\n<item id=\"€\"><QTY>2</item></feed>",
                "<catalog><item id=\"A\"/></catalog>",
                "",
                "   ",
                "<feed><item id=\"é\"><QTY>1</QTY></item>",
                "<feed><item id=\"é\"><QTY>1</QTY></item></feed><extra/>",
                "<feed><item id=\"é\" id=\"x\"><QTY>1</QTY></item></feed>",
                "<feed><item id=\"é\"><QTY>&undefined;</QTY></item></feed>",
                "<feed><item id=\"é\"><QTY>\u0001</QTY></item></feed>",
                "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<feed><item id=\"&xxe;\"/></feed>",
                "<feed>" + "<a>".repeat(300) + "</a>".repeat(300) + "</feed>",
                "\uFEFF\uFEFF<feed/>",
                "<feed><é/><item id=\"é\"><QTY>1</QTY><𝔸>2</𝔸></item></feed>",
        };
        for (String xml : broken) samePaths(xml);
    }

    @Test
    void decodeErrorsAreFeedDecodersWithTheirOffsets() throws IOException {
        byte[] head = "<feed><item id=\"A\"><QTY>".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "</QTY></item></feed>".getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {{(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
        for (byte[] b : bad) {
            samePaths(Utf8CheckedInputTest.concat(head, b, tail));                                         // in a value
            samePaths(Utf8CheckedInputTest.concat("<fe".getBytes(StandardCharsets.UTF_8), b, "ed/>".getBytes(StandardCharsets.UTF_8)));
            samePaths(Utf8CheckedInputTest.concat(head, tail, b));                                         // after the document
        }
        assertThat(bytePath(Utf8CheckedInputTest.concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, head,
                new byte[] {(byte) 0xC3}, tail))).last()
                .isEqualTo("DECODE_ERROR: decode error for vendor acme: invalid UTF-8 byte sequence at byte offset 27");
    }

    @Test
    void longDocumentsAgreeAcrossBuffers() throws IOException {
        Random random = new Random(11);
        String[] ids = {"Ä", "𝔸", "ｚ", "a", "€"};
        StringBuilder xml = new StringBuilder("<feed>");
        while (xml.length() < 300_000) {
            xml.append("<item id=\"").append(ids[random.nextInt(ids.length)]).append(random.nextInt(1000)).append("\"><QTY>")
                    .append(random.nextInt(100)).append("</QTY></item>");
        }
        samePaths(xml + "</feed>");
        samePaths(xml + "<item id=\"x\"><QTY>1</item></feed>");
        samePaths(xml + "\n<item id=\"x\"><QTY>1</QTY></item></feed>");
    }

    @Test
    void otherEncodingsStayOnTheCharPath() throws Exception {
        byte[] latin1 = "<feed><item id=\"\u00c4-1\"><QTY>3</QTY></item></feed>".getBytes(StandardCharsets.ISO_8859_1);
        List<String> seen = JsonBytePathTest.read(XmlRecords.open(new ByteArrayInputStream(latin1), "latin-1", "/feed/item", NAMES, REQUIRED, "acme"));
        assertThat(seen).containsExactly("header [@id, QTY, name]", "1 [Ä-1, 3, ] null", "columns [@id, QTY]");
    }
}
