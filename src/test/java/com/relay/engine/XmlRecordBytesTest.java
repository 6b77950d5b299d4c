package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte reader of the usual record shape ({@link XmlRecordBytes}) against Aalto alone
 * (docs/PERFORMANCE.md#xml-the-byte-reader-for-the-usual-shape): on generated and mutated documents
 * both give the same rows, row errors, file columns and failure (code, message, line and column).
 */
class XmlRecordBytesTest {
    static final List<String> NAMES = List.of("QTY", "name", "SKU");
    static final Set<String> REQUIRED = Set.of("QTY");

    static List<String> read(byte[] feed, String path, boolean byteReader) throws IOException {
        try {
            XmlRecords records = byteReader
                    ? XmlRecords.open(new ByteArrayInputStream(feed), "utf-8", path, NAMES, REQUIRED, "acme")
                    : XmlRecords.openAaltoOnly(new ByteArrayInputStream(feed), path, NAMES, REQUIRED, "acme");
            return JsonBytePathTest.read(records);
        } catch (EngineFailure f) {
            return List.of(f.errorCode() + ": " + f.getMessage());
        }
    }

    static void same(byte[] feed, String path) throws IOException {
        List<String> expected = read(feed, path, false);
        List<String> got = read(feed, path, true);
        String text = new String(feed, StandardCharsets.UTF_8);
        assertThat(got).as(text.length() > 400 ? text.substring(0, 200) + " … " + text.substring(text.length() - 200) : text)
                .isEqualTo(expected);
    }

    static void same(String xml) throws IOException {
        same(xml.getBytes(StandardCharsets.UTF_8), "/feed/item");
    }

    /** Texts the byte reader takes and texts it must leave to Aalto (errors included). */
    private static final String[] TEXTS = {
            "", "3", " 4 ", "A-1", "é€𝔸ｚ", "a &amp; b", "&lt;&gt;&quot;&apos;", "&#65;&#x42;&#x1F600;", "x\ny", "tab\there",
            "&#0;", "&#xFFFE;", "&#x110000;", "&#99999999999;", "&bogus;", "&amp", "a]]>b", "a]]b", "]", "a\r\nb", "\u0001",
            "<![CDATA[c<d]]>", "a<!-- c -->b", "a<?pi x?>b", "<b>bold</b>", "\uFFFF", "\u0085\u2028", "&#X41;", "&#x;", "&#;",
            "a>b", "]]", "&#x000000041;", "&#65", "del\u007F", "c1\u0080\u009F", "&#x7F;&#x85;", "&#xD800;", "&#xD;"};
    private static final String[] CHILDREN = {"QTY", "name", "SKU", "other", "x.y-z", "ns:a", "é"};

    static String record(Random random) {
        StringBuilder r = new StringBuilder();
        int shape = random.nextInt(20);
        r.append(shape == 0 ? "<item id=\"1\">" : shape == 1 ? "<item >" : shape == 2 ? "<item/>" : "<item>");
        if (shape == 2) return r.toString();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(8) == 0) r.append(random.nextBoolean() ? "\n  " : " ");
            String name = random.nextInt(6) == 0 ? CHILDREN[random.nextInt(CHILDREN.length)] : CHILDREN[random.nextInt(3)];
            String text = random.nextInt(3) == 0 ? TEXTS[random.nextInt(TEXTS.length)] : String.valueOf(random.nextInt(1000));
            int form = random.nextInt(30);
            if (form == 0) r.append('<').append(name).append("/>");
            else if (form == 1) r.append('<').append(name).append(">").append(text).append("</").append(name).append(" >");
            else if (form == 2) r.append('<').append(name).append(">").append(text).append("</other>");
            else r.append('<').append(name).append('>').append(text).append("</").append(name).append('>');
        }
        int tail = random.nextInt(40);
        r.append(tail == 0 ? "</item >" : tail == 1 ? "</itemx>" : tail == 2 ? "" : "</item>");
        return r.toString();
    }

    static String document(Random random, int records) {
        StringBuilder xml = new StringBuilder();
        int start = random.nextInt(10);
        if (start == 0) xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        else if (start == 1) xml.append("<?xml version=\"1.0\"\n encoding=\"UTF-8\"\n?>\n");
        else if (start == 2) xml.append("<?xml version=\"1.1\"?>");
        else if (start == 3) xml.append("<?xml version='1.0' standalone='yes'?>\n\n");
        else if (start == 4) xml.append("<!-- first -->");
        xml.append(random.nextInt(10) == 0 ? "<feed a=\"1\">" : "<feed>");
        for (int i = 0; i < records; i++) {
            int between = random.nextInt(30);
            if (between == 0) xml.append("<!-- c -->");
            else if (between == 1) xml.append("<?pi?>");
            else if (between == 2) xml.append("text");
            else if (between == 3) xml.append("<other>1</other>");
            else if (between < 8) xml.append('\n');
            else if (between == 8) xml.append("\r\n");
            xml.append(record(random));
        }
        xml.append(random.nextInt(20) == 0 ? "</fed>" : "</feed>");
        if (random.nextInt(10) == 0) xml.append("\n<!-- end -->");
        return xml.toString();
    }

    /**
     * A read that fails (a connection dropped under the feed's stream) is that IOException from
     * either reader, as from the csv and json readers, so the run retries it
     * (docs/CONTRACT.md#decoding): never a parse error that blames the vendor's file.
     */
    @Test
    void aFailingReadIsAnIOExceptionFromEitherReader() throws IOException {
        StringBuilder plain = new StringBuilder("<feed>");
        while (plain.length() < 300_000) plain.append("<item><SKU>A-").append(plain.length()).append("</SKU><QTY>3</QTY></item>\n");
        byte[] usual = plain.append("</feed>").toString().getBytes(StandardCharsets.UTF_8);
        // the same records with an attribute: Aalto reads them all
        byte[] handedOver = new String(usual, StandardCharsets.UTF_8).replace("<item>", "<item id=\"1\">")
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] feed : List.of(usual, handedOver)) {
            for (int failAt : new int[] {10, 3_999, 100_000, feed.length - 5}) {
                for (boolean byteReader : new boolean[] {true, false}) {
                    java.io.InputStream dropping = new java.io.FilterInputStream(new ByteArrayInputStream(feed, 0, failAt)) {
                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            int n = super.read(b, off, len);
                            if (n < 0) throw new java.net.SocketException("Connection reset");
                            return n;
                        }
                    };
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                        XmlRecords records = byteReader
                                ? XmlRecords.open(dropping, "utf-8", "/feed/item", NAMES, REQUIRED, "acme")
                                : XmlRecords.openAaltoOnly(dropping, "/feed/item", NAMES, REQUIRED, "acme");
                        JsonBytePathTest.read(records);
                    }).as("fail at %d, byte reader %s", failAt, byteReader)
                            .isInstanceOf(java.net.SocketException.class).hasMessage("Connection reset");
                }
            }
        }
    }

    @Test
    void generatedDocumentsReadTheSame() throws IOException {
        Random random = new Random(20);
        for (int i = 0; i < 3000; i++) same(document(random, random.nextInt(8)));
    }

    @Test
    void declarationsTakenOrLeftToAalto() throws IOException {
        String body = "<feed><item><QTY>1</QTY></item></feed>";
        for (String declaration : new String[] {"<?xml version='1.0'standalone='yes'?>", "<?xml version=\"1.0\"encoding=\"UTF-8\"?>",
                "<?xml version=\"1.0\" standalone=\"maybe\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>",
                "<?xml version=\"2.0\"?>", "<?xml  version = \"1.0\" ?>", "<?xml?>", "<?xmlx version=\"1.0\"?>", "<?pi?>", " <?xml version=\"1.0\"?>",
                "<?xml version=\"1.0\"?><?xml version=\"1.0\"?>", "<?xml version=\"1.0\"?>\r\n", "\n\n"}) {
            same(declaration + body);
        }
    }

    @Test
    void everyTruncationOfASmallDocumentFailsTheSame() throws IOException {
        String xml = "<?xml version=\"1.0\"?>\n<feed>\n<item><QTY>1</QTY><name>é &amp; 𝔸</name></item>\n"
                + "<item><SKU>&#x41;b</SKU><QTY>2</QTY></item>\n</feed>\n";
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) same(java.util.Arrays.copyOf(bytes, cut), "/feed/item");
    }

    @Test
    void mutatedDocumentsFailOrReadTheSame() throws IOException {
        Random random = new Random(7);
        byte[] noise = {'<', '>', '/', '&', ';', ']', '\n', '\r', 0, 1, (byte) 0x80, (byte) 0xC3, (byte) 0xEF, (byte) 0xFF, 'x', '!', '?'};
        for (int i = 0; i < 3000; i++) {
            byte[] doc = document(random, 1 + random.nextInt(5)).getBytes(StandardCharsets.UTF_8);
            List<Byte> b = new ArrayList<>();
            for (byte x : doc) b.add(x);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && !b.isEmpty(); e++) {
                int at = random.nextInt(b.size());
                switch (random.nextInt(3)) {
                    case 0 -> b.set(at, noise[random.nextInt(noise.length)]);
                    case 1 -> b.remove(at);
                    default -> b.add(at, noise[random.nextInt(noise.length)]);
                }
            }
            byte[] mutated = new byte[b.size()];
            for (int k = 0; k < mutated.length; k++) mutated[k] = b.get(k);
            same(mutated, "/feed/item");
        }
    }

    @Test
    void longDocumentsHandOverAcrossReadsWithTheirPositions() throws IOException {
        Random random = new Random(3);
        StringBuilder body = new StringBuilder("<feed>\n");
        while (body.length() < 200_000) {
            body.append("<item><QTY>").append(random.nextInt(100)).append("</QTY><name>é𝔸 ").append(random.nextInt())
                    .append("</name></item>").append(random.nextInt(3) == 0 ? "\n" : "");
        }
        String xml = body.toString();
        same(xml + "</feed>");
        // a handover late in the document: its errors at the document's line and column
        for (String late : new String[] {"<item><QTY>1</item>", "<item><QTY>&#0;</QTY></item>", "<!-- c --><item><QTY>1</QTY></item>",
                "<item><QTY>é\u0001</QTY></item>", "<item><QTY>1</QTY>"}) {
            same(xml + late + "</feed>");
            same(xml + "\n  " + late + "</feed>");
            same(xml.substring(0, 100_000) + late + xml.substring(100_000) + "</feed>");
        }
        same(xml.substring(0, 150_001));
        // a bad UTF-8 byte: the same read reaches it
        byte[] bytes = (xml + "</feed>").getBytes(StandardCharsets.UTF_8);
        for (int at : new int[] {3999, 4000, 4001, 65_535, 65_536, 100_003}) {
            byte[] bad = bytes.clone();
            bad[at] = (byte) 0xFF;
            same(bad, "/feed/item");
        }
    }

    @Test
    void deeperPathsLongTextsAndTheTextBudgetAgree() throws IOException {
        same("<a>\n<b><item><QTY>1</QTY></item>\n<item><QTY>2</QTY></item></b></a>".getBytes(StandardCharsets.UTF_8), "/a/b/item");
        same("<a><b><item><QTY>1</QTY></item></b><b><item><QTY>2</QTY></item></b></a>".getBytes(StandardCharsets.UTF_8), "/a/b/item");
        same("<a><c><item><QTY>1</QTY></item></c></a>".getBytes(StandardCharsets.UTF_8), "/a/b/item");
        String longText = "x".repeat(CsvRecordReader.MAX_FIELD_LENGTH + 5);
        same("<feed><item><QTY>1</QTY><name>" + longText + "</name></item></feed>");
        same("<feed><item><QTY>1</QTY><name>" + "𝔸".repeat(CsvRecordReader.MAX_FIELD_LENGTH / 2 + 3) + "</name></item></feed>");
        same("<feed><item><QTY>1</QTY><other>" + "y".repeat(XmlRecordBytes.MAX_RECORD_BYTES + 10) + "</other></item>"
                + "<item><QTY>2</QTY></item></feed>");
        same("<feed><item><QTY>1</QTY><other>" + "z".repeat(XmlTextBudget.MAX_BYTES + 10) + "</other></item></feed>");
        same("<feed><item><QTY>1</QTY></item>\n<item><name><![CDATA[" + "c".repeat(XmlTextBudget.MAX_BYTES + 10) + "]]></name></item></feed>");
        same("<feed><item><QTY>1</QTY></item>\n<item><name>" + "t".repeat(XmlTextBudget.MAX_BYTES - 10_000) + "<![CDATA["
                + "c".repeat(XmlTextBudget.MAX_BYTES - 10) + "]]></name></item></feed>");
    }
}
