package com.relay.engine;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static com.relay.engine.XmlBytePathTest.bytePath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the xml reader promises, checked on Aalto's byte parser (docs/ENGINE.md#vendor-file-formats):
 * a DOCTYPE in any form refused before anything in it is read or fetched, entity references only
 * the predefined and numeric ones, CDATA, comments, processing instructions and namespaces read
 * as XML says, a BOM, a truncated document, and the declaration's encoding never used.
 */
class XmlParserRulesTest {

    static List<String> parse(String xml) throws IOException {
        return bytePath(xml.getBytes(StandardCharsets.UTF_8));
    }

    static String last(List<String> seen) {
        return seen.get(seen.size() - 1);
    }

    @Test
    void everyFormOfDoctypeIsRefusedAndNothingItNamesIsFetched() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "<!ENTITY leak \"LEAKED\">".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/evil.dtd";
            String[] doctypes = {
                    "<!DOCTYPE feed>",
                    "<!DOCTYPE feed SYSTEM \"" + url + "\">",
                    "<!DOCTYPE feed PUBLIC \"-//Evil//DTD Feed//EN\" \"" + url + "\">",
                    "<!DOCTYPE feed [<!ENTITY % ext SYSTEM \"" + url + "\"> %ext;]>",
                    "<!DOCTYPE feed [<!ENTITY leak SYSTEM \"" + url + "\">]>",
                    "<!DOCTYPE feed [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
                    "<!-- a comment first --><?pi first?>\n<!DOCTYPE feed>",
            };
            for (String doctype : doctypes) {
                List<String> seen = parse("<?xml version=\"1.0\"?>\n" + doctype + "\n<feed><item id=\"&leak;&b;\"><QTY>1</QTY></item></feed>");
                assertThat(seen).as(doctype).hasSize(1);
                assertThat(last(seen)).as(doctype).startsWith("XML_PARSE_ERROR: xml parse error for vendor acme: the document has a "
                        + "DOCTYPE declaration: DTDs and entities are not allowed in vendor feeds (line ");
            }
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDoctypeIsRefusedBeforeItsInternalSubsetIsRead() throws IOException {
        // an internal subset that never ends: the failure must come from the DOCTYPE's start
        AtomicLong served = new AtomicLong();
        byte[] entity = "<!ENTITY e \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\">\n".getBytes(StandardCharsets.UTF_8);
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return entity[(int) (served.getAndIncrement() % entity.length)];
            }
        };
        InputStream feed = new SequenceInputStream(new ByteArrayInputStream("<!DOCTYPE feed [\n".getBytes(StandardCharsets.UTF_8)), endless);
        try (XmlRecords records = XmlRecords.open(feed, "utf-8", "/feed/item", XmlBytePathTest.NAMES, XmlBytePathTest.REQUIRED, "acme")) {
            records.readHeader();
            throw new AssertionError("a DOCTYPE was read");
        } catch (EngineFailure f) {
            assertThat(f.getMessage()).contains("DOCTYPE declaration", "(line 1, column 1)");
        }
        assertThat(served.get()).isLessThan(1_000_000L);
    }

    @Test
    void onlyPredefinedAndNumericEntitiesAreRead() throws IOException {
        assertThat(parse("<feed><item id=\"&lt;&#65;&#x42;&amp;&quot;&apos;&gt;\"><QTY>&#x33;</QTY></item></feed>"))
                .containsExactly("header [@id, QTY, name]", "1 [<AB&\"'>, 3, ] null", "columns [@id, QTY]");
        assertThat(last(parse("<feed>\n<item id=\"A\"><QTY>&nope;</QTY></item></feed>")))
                .isEqualTo("XML_PARSE_ERROR: xml parse error for vendor acme: undeclared entity &nope; "
                        + "(vendor feeds may not declare entities) (line 2, column 25)");
        // in an attribute, and in the text of an element that is not kept
        assertThat(last(parse("<feed><item id=\"&nope;\"><QTY>1</QTY></item></feed>"))).startsWith("XML_PARSE_ERROR: ");
        assertThat(last(parse("<feed><item id=\"A\"><QTY>1</QTY><other>&nope;</other></item></feed>")))
                .startsWith("XML_PARSE_ERROR: xml parse error for vendor acme: undeclared entity &nope;");
        assertThat(last(parse("<feed><junk>&nope;</junk><item id=\"A\"><QTY>1</QTY></item></feed>")))
                .startsWith("XML_PARSE_ERROR: xml parse error for vendor acme: undeclared entity &nope;");
    }

    @Test
    void illegalCharactersFailEvenInTextThatIsNotKept() throws IOException {
        assertThat(last(parse("<feed><item id=\"A\"><QTY>1</QTY><other>\u0001</other></item></feed>")))
                .startsWith("XML_PARSE_ERROR: xml parse error for vendor acme: Illegal XML character");
        assertThat(last(parse("<feed><junk>\u0001</junk><item id=\"A\"><QTY>1</QTY></item></feed>")))
                .startsWith("XML_PARSE_ERROR: xml parse error for vendor acme: Illegal XML character");
    }

    @Test
    void cdataCommentsAndProcessingInstructionsAreReadAsXmlSays() throws IOException {
        assertThat(parse("<?xml version=\"1.0\"?><!-- head --><?pi x?><feed><!-- c --><?pi?>"
                + "<item id=\"A\"><!-- c --><QTY><![CDATA[1]]><!-- c -->2<?pi?>3</QTY>"
                + "<name><![CDATA[<b>&amp;]]]]><![CDATA[>]]></name></item><?pi?><!-- c --></feed><!-- tail --><?pi?>"))
                .containsExactly("header [@id, QTY, name]", "1 [A, 123, <b>&amp;]]>] null", "columns [@id, QTY, name]");
        assertThat(last(parse("<feed><item id=\"A\"><QTY>1</QTY><!-- a -- b --></item></feed>"))).startsWith("XML_PARSE_ERROR: ");
        assertThat(last(parse("<feed><item id=\"A\"><QTY><?xml version=\"1.0\"?>1</QTY></item></feed>"))).startsWith("XML_PARSE_ERROR: ");
    }

    @Test
    void namespacedNamesMatchByLocalNameAndAnUnboundPrefixFails() throws IOException {
        assertThat(parse("<v:feed xmlns:v=\"urn:v\" xmlns=\"urn:d\"><v:item v:id=\"A\"><QTY>1</QTY><v:name>n</v:name></v:item></v:feed>"))
                .containsExactly("header [@id, QTY, name]", "1 [A, 1, n] null", "columns [@id, QTY, name]");
        assertThat(last(parse("<feed><x:item id=\"A\"><QTY>1</QTY></x:item></feed>")))
                .startsWith("XML_PARSE_ERROR: xml parse error for vendor acme: ").contains("x", "(line 1, column ");
    }

    @Test
    void aBomIsSkippedAndATruncatedDocumentFailsWithWhereItEnds() throws IOException {
        assertThat(parse("\uFEFF<?xml version=\"1.0\"?>\n<feed><item id=\"A\"><QTY>1</QTY></item></feed>"))
                .containsExactly("header [@id, QTY, name]", "1 [A, 1, ] null", "columns [@id, QTY]");
        String whole = "<feed>\n<item id=\"A\"><QTY>1</QTY><name><![CDATA[x]]><!-- c --></name></item>\n</feed>";
        for (int cut = 1; cut < whole.length() - 1; cut++) {
            List<String> seen = parse(whole.substring(0, cut));
            assertThat(last(seen)).as(whole.substring(0, cut)).startsWith("XML_PARSE_ERROR: xml parse error for vendor acme: ")
                    .containsAnyOf("(line 1, column", "(line 2, column", "(line 3, column", "the file has no root element");
        }
    }

    @Test
    void theDeclaredEncodingIsNeverUsed() throws IOException {
        String items = "<feed><item id=\"é€𝔸\"><QTY>1</QTY></item></feed>";
        List<String> rows = List.of("header [@id, QTY, name]", "1 [é€𝔸, 1, ] null", "columns [@id, QTY]");
        for (String declaration : new String[] {
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", "<?xml version='1.0' encoding='UTF-16'?>",
                "<?xml version=\"1.0\" encoding=\"UTF-32LE\" standalone=\"yes\"?>", "<?xml version=\"1.0\"\n encoding\n=\n'US-ASCII'?>",
                "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"}) {
            assertThat(parse(declaration + items)).as(declaration).isEqualTo(rows);
        }
        // line breaks inside the declaration still count
        assertThat(last(parse("<?xml version=\"1.0\"\n encoding\n=\n'latin1'?>\n<feed><item id=\"A\"><QTY>1</item></feed>")))
                .contains("(line 5, column");
        String oneLine = last(parse("<?xml version=\"1.0\" encoding=\"latin1\"?><feed><item id=\"A\"><QTY>1</item></feed>"));
        int column = Integer.parseInt(oneLine.replaceAll("(?s).*\\(line 1, column (\\d+)\\)$", "$1"));
        assertThat(last(parse("<?xml version=\"1.0\"\r\nencoding=\"latin1\"?><feed><item id=\"A\"><QTY>1</item></feed>")))
                .endsWith("(line 2, column " + (column - 20) + ")");
        // a declaration that is not well-formed stays an error
        assertThat(last(parse("<?xml encoding=\"UTF-8\" version=\"1.0\"?>" + items))).startsWith("XML_PARSE_ERROR: ");
        assertThat(last(parse("<?xml version=\"1.0\" encoding=\"8BIT\"?>" + items))).startsWith("XML_PARSE_ERROR: ");
    }

    @Test
    void aDocumentThatLooksLikeUtf16OrUtf32IsNotReadAsIt() throws IOException {
        byte[] utf16 = "<?xml version=\"1.0\"?><feed><item id=\"A\"><QTY>1</QTY></item></feed>".getBytes(StandardCharsets.UTF_16LE);
        assertThat(bytePath(utf16)).containsExactly(
                "XML_PARSE_ERROR: xml parse error for vendor acme: illegal XML character NUL (code 0) (line 1, column 2)");
        assertThat(bytePath(new byte[] {0, 0, 0, '<', 0, 0, 0, 'f', 0, 0, 0, '/', 0, 0, 0, '>'})).containsExactly(
                "XML_PARSE_ERROR: xml parse error for vendor acme: illegal XML character NUL (code 0) (line 1, column 1)");
    }

    @Test
    void aDeclarationThatDoesNotEndIsRefusedAtItsLimit() throws IOException {
        String open = "<?xml version=\"1.0\"" + " ".repeat(XmlFeedStart.MAX_DECLARATION) + "?><feed/>";
        assertThat(parse(open)).containsExactly("XML_PARSE_ERROR: xml parse error for vendor acme: the XML declaration does not end "
                + "within its first 4096 bytes (line 1, column 1)");
    }

    @Test
    void otherEncodingsReadTheSameThroughUtf8() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><feed><item id=\"\u00c4-1\"><QTY>3</QTY><name>\u00ff</name></item>"
                + "\n<item id=\"B\"><QTY>4</item></feed>";
        List<String> latin1 = JsonBytePathTest.read(XmlRecords.open(new ByteArrayInputStream(xml.getBytes(StandardCharsets.ISO_8859_1)),
                "latin-1", "/feed/item", XmlBytePathTest.NAMES, XmlBytePathTest.REQUIRED, "acme"));
        assertThat(latin1).isEqualTo(parse(xml));
        assertThat(latin1.get(1)).isEqualTo("1 [Ä-1, 3, ÿ] null");
    }
}
