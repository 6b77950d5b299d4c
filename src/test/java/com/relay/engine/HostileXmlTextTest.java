package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Huge texts, names, attribute values, CDATA sections, comments and processing instructions in an
 * xml feed, streamed (300 MB each, never in memory), in the small-heap Surefire execution too
 * (-Xmx256m): Aalto keeps a text it is asked for as one piece, so {@link XmlTextBudget} fails
 * the feed past its limit; what Aalto skips streams (docs/ENGINE.md#vendor-file-formats).
 */
class HostileXmlTextTest {
    static final long HUGE = 300_000_000L;

    /** {@code before}, then {@code HUGE} bytes repeating {@code unit}, then {@code after}. */
    static InputStream feed(String before, String unit, String after) {
        byte[] u = unit.getBytes(StandardCharsets.UTF_8);
        InputStream middle = new InputStream() {
            long left = HUGE;
            long at;

            @Override
            public int read() {
                if (left <= 0) return -1;
                left--;
                return u[(int) (at++ % u.length)];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) return -1;
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) b[off + i] = u[(int) (at++ % u.length)];
                left -= n;
                return n;
            }
        };
        return new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(before.getBytes(StandardCharsets.UTF_8)), middle,
                new ByteArrayInputStream(after.getBytes(StandardCharsets.UTF_8)))));
    }

    static List<String> read(InputStream feed) throws IOException {
        List<String> seen = new ArrayList<>();
        try (XmlRecords records = XmlRecords.open(feed, "utf-8", "/feed/item", XmlBytePathTest.NAMES, XmlBytePathTest.REQUIRED, "acme")) {
            records.readHeader();
            while (records.nextRecord()) {
                CsvRecordReader r = records.rows();
                seen.add(r.recordNumber() + " " + r.cell(0) + " " + r.cell(1) + " " + r.recordLimitProblem());
            }
        } catch (EngineFailure f) {
            seen.add(f.errorCode() + ": " + f.getMessage());
        }
        return seen;
    }

    static final String TOO_LONG = "XML_PARSE_ERROR: xml parse error for vendor acme: more than 4194304 ";

    @Test
    void aHugeTextNameOrAttributeValueFailsTheFeedAtTheLimit() throws IOException {
        assertThat(read(feed("<feed><item id=\"A\"><QTY>1</QTY><name>", "é€𝔸x", "</name></item></feed>"))).singleElement()
                .asString().startsWith(TOO_LONG + "bytes without markup (a text, a name or an attribute value) by byte offset ")
                .endsWith("(the xml reader's fixed limit, four times the cell limit)");
        assertThat(read(feed("<feed><item id=\"A\"><QTY>1</QTY><other>", "x", "</other></item></feed>"))).singleElement()
                .asString().startsWith(TOO_LONG + "bytes without markup");
        assertThat(read(feed("<feed><item id=\"", "x", "\"><QTY>1</QTY></item></feed>"))).singleElement()
                .asString().startsWith(TOO_LONG + "bytes without markup");
        assertThat(read(feed("<feed><item id=\"A\"><QTY>1</QTY><", "x", "/></item></feed>"))).singleElement()
                .asString().startsWith(TOO_LONG + "bytes without markup");
        assertThat(read(feed("<feed><item id=\"A\"><QTY>1</QTY><name><![CDATA[", "<x>", "]]></name></item></feed>"))).singleElement()
                .asString().startsWith(TOO_LONG + "bytes in a CDATA section by byte offset ");
    }

    @Test
    void whatIsNotKeptStreamsWhateverItsSize() throws IOException {
        String item = "<item id=\"A\"><QTY>1</QTY></item>";
        assertThat(read(feed("<feed><item id=\"A\"><QTY>1</QTY><other><![CDATA[", "<x>", "]]></other></item></feed>")))
                .containsExactly("1 A 1 null");
        assertThat(read(feed("<feed><!--", "<x>", "-->" + item + "</feed>"))).containsExactly("1 A 1 null");
        assertThat(read(feed("<feed><?pi ", "<x>", "?>" + item + "</feed>"))).containsExactly("1 A 1 null");
    }

    @Test
    void aValueLongerThanACellButWithinTheLimitIsAnOversizedCellAsBefore() throws Exception {
        String value = "x".repeat(CsvRecordReader.MAX_FIELD_LENGTH + 10);
        byte[] xml = ("<feed><item id=\"" + value + "\"><QTY>1</QTY></item><item id=\"B\"><QTY>" + value
                + "</QTY></item><item id=\"C\"><QTY><![CDATA[" + value + "]]></QTY></item></feed>").getBytes(StandardCharsets.UTF_8);
        List<String> lengths = new ArrayList<>();
        try (XmlRecords records = XmlRecords.open(new ByteArrayInputStream(xml), "utf-8", "/feed/item", XmlBytePathTest.NAMES,
                XmlBytePathTest.REQUIRED, "acme")) {
            records.readHeader();
            while (records.nextRecord()) lengths.add(records.rows().isOversized(0) + " " + records.rows().isOversized(1));
        }
        assertThat(lengths).containsExactly("true false", "false true", "false true");
    }
}
