package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The byte reader of a sheet gives what the StAX parser gives, rows and errors alike, and leaves to
 * it whatever it does not take (docs/ENGINE.md#vendor-file-formats).
 */
class XlsxSheetBytesTest {
    private static final String NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

    /** Rows as "rowNum: column type raw | ...", then "END" or the error; and whether the byte reader read it all. */
    record Outcome(List<String> lines, boolean bytesToTheEnd) {}

    private static Outcome read(byte[] xml, boolean bytesFirst) {
        return read(xml, bytesFirst, () -> new ByteArrayInputStream(xml));
    }

    private static Outcome read(byte[] xml, boolean bytesFirst, XlsxSheetRows.Source source) {
        List<String> lines = new ArrayList<>();
        XlsxSheetRows r = null;
        boolean bytes = false;
        try {
            r = bytesFirst ? XlsxSheetRows.open(source) : new XlsxSheetRows(new ByteArrayInputStream(xml));
            while (r.next()) lines.add(line(r));
            lines.add("END");
        } catch (Exception e) {
            lines.add("ERROR " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            bytes = r != null && r.readsBytes();
            try {
                if (r != null) r.close();
            } catch (IOException e) {
                lines.add("CLOSE " + e);
            }
        }
        return new Outcome(lines, bytes);
    }

    /**
     * Both readers agree: the same rows and end, or the same error after the same rows or more (the
     * StAX parser decodes ahead of the rows it returns, so it may fail before a row the byte reader
     * still returns; a failing feed fails the vendor either way). Returns whether the byte reader
     * read the whole sheet itself.
     */
    private static boolean same(byte[] xml) {
        List<String> stax = read(xml, false).lines();
        Outcome fast = read(xml, true);
        String what = new String(xml, StandardCharsets.UTF_8);
        String last = stax.get(stax.size() - 1);
        if (last.equals("END")) {
            assertThat(fast.lines()).as(what).isEqualTo(stax);
        } else {
            assertThat(fast.lines().get(fast.lines().size() - 1)).as(what).isEqualTo(last);
            assertThat(fast.lines().subList(0, Math.min(fast.lines().size(), stax.size() - 1))).as(what)
                    .isEqualTo(stax.subList(0, stax.size() - 1));
        }
        return fast.bytesToTheEnd();
    }

    private static boolean same(String xml) {
        return same(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String sheet(String sheetData) {
        return HEAD + "<worksheet xmlns=\"" + NS + "\" xmlns:r=\"urn:rels\" xmlns:x14ac=\"urn:x14ac\" xmlns:mc=\"urn:mc\""
                + " mc:Ignorable=\"x14ac\"><dimension ref=\"A1:G3\"/><sheetData>" + sheetData + "</sheetData></worksheet>\n";
    }

    /** A sheet as spreadsheet writers write it: inline and shared strings, numbers, formulas, booleans, errors. */
    private static final String EXCEL_LIKE = sheet("<row r=\"1\" spans=\"1:7\" x14ac:dyDescent=\"0.25\">"
            + "<c r=\"A1\" t=\"inlineStr\"><is><t>SKU</t></is></c><c r=\"B1\" t=\"s\"><v>0</v></c><c r=\"C1\" s=\"1\"><v>12.5</v></c></row>\n"
            + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><r><t>ab</t></r><r><t xml:space=\"preserve\"> c&amp;d &lt;&gt;&quot;&apos;&#65;&#x1D538;</t></r></is></c>"
            + "<c r=\"B2\" t=\"str\"><f>A1&amp;\"x\"</f><v>SKUx</v></c><c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"D2\" t=\"e\"><v>#N/A</v></c>"
            + "<c r=\"E2\" t=\"n\"><v>0.0</v></c><c r=\"F2\"/><c r=\"G2\" t=\"inlineStr\"><is><t>Ünïcødé 𝔸 ｚ\t tab</t></is></c></row>\n"
            + "<row><c><v>1</v></c><c t=\"d\"><v>2026-01-02T03:04:05</v></c><c r=\"AB3\"><v>3</v></c><c r=\"B3\"><v>9</v></c><c r=\"B3\"><v>7</v></c></row>"
            + "<row r=\"9\"/><row r=\"10\" ht=\"15\"><c r=\"A10\" t=\"inlineStr\"><is><t/></is></c><c r=\"B10\" t=\"inlineStr\"><is><t>  </t></is></c></row>");

    @Test
    void aSheetAsSpreadsheetWritersWriteItIsReadByTheByteReaderAsTheStaxParserReadsIt() {
        assertThat(same(EXCEL_LIKE)).isTrue();
        assertThat(same(EXCEL_LIKE.replace(HEAD, "\uFEFF" + HEAD))).isTrue(); // a BOM
        assertThat(same(EXCEL_LIKE.replace(HEAD, ""))).isTrue(); // no declaration
        assertThat(same(EXCEL_LIKE.replace("\"", "'"))).isTrue();
        // the spreadsheet namespace through a prefix (and strict OOXML's), other namespaces ignored
        assertThat(same(HEAD + "<x:worksheet xmlns:x=\"http://purl.oclc.org/ooxml/spreadsheetml/main\" xmlns=\"urn:other\"><x:sheetData>"
                + "<x:row r=\"2\"><x:c r=\"B2\"><x:v>4</x:v></x:c><c r=\"C2\"><v>5</v></c></x:row>"
                + "<row><x:c><x:v>6</x:v></x:c></row></x:sheetData></x:worksheet>")).isTrue();
        // a namespace undeclared below the root, and declared again
        assertThat(same(sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><ext xmlns=\"\"><row r=\"2\"><c><v>2</v></c></row></ext>"
                + "<row r=\"3\" xmlns=\"" + NS + "\"><c><v>3</v></c></row>"))).isTrue();
        // the row logic's own errors come from the same place
        assertThat(same(sheet("<row r=\"1\"><v>1</v></row>"))).isTrue();
    }

    @Test
    void whatTheByteReaderDoesNotTakeIsReadByTheStaxParserFromTheStart() {
        String rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>2</v></c></row>";
        for (String odd : new String[] {
                "<!-- a comment -->", "<?pi data?>", "<![CDATA[x]]>", "&nbsp;", "&#0;", "&#xD800;", "]]>", "\u0001",
                "<c r=\"A3\" t=\"weird\"><v>1</v></c>", "<c r=\"a3\"><v>1</v></c>", "<c r=\"A3\" r=\"B3\"/>", "<row r=\"x\"/>",
                "<row r=\"+4\"/>", "<c r=\"A3\"t=\"n\"/>", "<c r=\"A&amp;3\"/>", "<c r=\"A3\" t=\"n\tx\"/>", "<q:c/>", "<c/ >",
                "</sheetData>", "<c r=\"A1\"><v>1</c></v>", "<a b=\"<\"/>", "<é/>", "<a:b:c/>", "<a xmlns:p=\"\"/>",
                "<a xmlns:xml=\"urn:x\"/>", "<a xmlns:p=\"urn:1\" xmlns:q=\"urn:1\" p:z=\"1\" q:z=\"2\"/>"}) {
            String xml = sheet(rows.replace("<row r=\"2\">", "<row r=\"2\">" + odd));
            assertThat(same(xml)).as(odd).isFalse();
        }
        for (String odd : new String[] {"\r", "\r\n", "&unknown;", "&#x110000;", "&#65", "a]]>b", "\u0008", "\uFFFE"}) {
            assertThat(same(sheet(rows.replace(">a<", ">a" + odd + "<")))).as(odd.codePoints().boxed().toList().toString()).isFalse();
        }
        for (String prolog : new String[] {"<?xml version=\"1.1\"?>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", " <?xml version=\"1.0\"?>",
                "<!DOCTYPE worksheet [<!ENTITY e \"x\">]>"}) {
            assertThat(same(sheet(rows).replace(HEAD, prolog))).as(prolog).isFalse();
        }
        byte[] utf16 = sheet(rows).replace("UTF-8", "UTF-16").getBytes(StandardCharsets.UTF_16);
        assertThat(same(utf16)).isFalse();
        // truncated, or more after the root
        String whole = sheet(rows);
        assertThat(same(whole.substring(0, whole.length() - 20))).isFalse();
        assertThat(same(whole + "<worksheet/>")).isFalse();
        assertThat(same(whole + "text")).isFalse();
        // bytes that are not UTF-8
        byte[] latin1 = sheet(rows.replace(">a<", ">\u00e9<")).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(same(latin1)).isFalse();
    }

    @Test
    void aSheetLongerThanTheBufferIsReadAcrossItsSeams() {
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 20_000; i++) {
            rows.append("<row r=\"").append(i).append("\"><c r=\"A").append(i).append("\" t=\"inlineStr\"><is><t>sku-&amp;-𝔸-é-")
                    .append(i).append("</t></is></c><c r=\"B").append(i).append("\"><v>").append(i * 0.25).append("</v></c></row>\n");
        }
        assertThat(same(sheet(rows.toString()))).isTrue();
        // a long value, a long tag
        assertThat(same(sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" + "é".repeat(100_000) + "</t></is></c></row>"))).isTrue();
        assertThat(same(sheet("<row r=\"1\" x=\"" + "y".repeat(70_000) + "\"><c><v>1</v></c></row>"))).isFalse();
        // the StAX parser takes over late: the rows already delivered are skipped, not repeated
        assertThat(same(sheet(rows + "<!-- late -->" + "<row><c><v>1</v></c></row>"))).isFalse();
        assertThat(same(sheet(rows + "<row><c><v>1</v></c></bad>"))).isFalse();
    }

    @Test
    void randomlyDamagedSheetsGiveTheStaxParsersRowsAndErrors() {
        SplittableRandom random = new SplittableRandom(2026);
        byte[] base = EXCEL_LIKE.getBytes(StandardCharsets.UTF_8);
        String[] inserts = {"<", ">", "&", ";", "\"", "'", "/", "=", " ", "<c>", "</c>", "<v>", "</t>", "&amp;", "&#", "]]>", "\u00e9",
                "xmlns:q=\"urn:q\"", "q:", ":", "\u0000", "\r\n", "\u00ff"};
        int taken = 0;
        for (int i = 0; i < 1_000; i++) {
            byte[] damaged = base;
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                int at = random.nextInt(damaged.length);
                byte[] insert = inserts[random.nextInt(inserts.length)].getBytes(StandardCharsets.UTF_8);
                int remove = random.nextInt(3);
                byte[] next = new byte[damaged.length - Math.min(remove, damaged.length - at) + insert.length];
                System.arraycopy(damaged, 0, next, 0, at);
                System.arraycopy(insert, 0, next, at, insert.length);
                int tail = at + Math.min(remove, damaged.length - at);
                System.arraycopy(damaged, tail, next, at + insert.length, damaged.length - tail);
                if (random.nextInt(8) == 0) next[random.nextInt(next.length)] = (byte) random.nextInt(256);
                damaged = next;
            }
            if (same(damaged)) taken++;
        }
        assertThat(taken).as("damage the byte reader still reads itself").isPositive();
    }

    @Test
    void aStreamFailureLetsTheStaxParserReadTheSheetAgain() throws Exception {
        byte[] xml = EXCEL_LIKE.getBytes(StandardCharsets.UTF_8);
        int[] opened = {0};
        try (XlsxSheetRows r = XlsxSheetRows.open(() -> {
            opened[0]++;
            return new InputStream() {
                final InputStream in = new ByteArrayInputStream(xml);
                int read;

                @Override
                public int read() throws IOException {
                    // a byte at a time, failing part-way (as a broken zip entry does)
                    if (++read > 600) throw new IOException("broken");
                    return in.read();
                }
            };
        }, () -> new ByteArrayInputStream(xml), "acme")) {
            int rows = 0;
            while (r.next()) rows++;
            assertThat(rows).isEqualTo(read(xml, false).lines().size() - 1);
            assertThat(r.readsBytes()).isFalse();
        }
        assertThat(opened[0]).isEqualTo(1);
    }

    @Test
    void aHugeCellOrRowKeepsOnlyWhatTheRowStoreCanJudgeWhicheverReaderReadsIt() throws Exception {
        // one 6,000,000-char cell, then a row of six 900,000-char cells (5.4 M chars): the buffers stay
        // near the cell and row limits; the cell keeps one char past the cell limit, the row one past the record limit
        String huge = "x".repeat(6_000_000);
        String wide = "y".repeat(900_000);
        StringBuilder row2 = new StringBuilder("<row r=\"2\">");
        for (int c = 0; c < 6; c++) row2.append("<c t=\"inlineStr\"><is><t>").append(wide).append("</t></is></c>");
        byte[] xml = sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" + huge + "</t></is></c><c r=\"B1\"><v>7</v></c></row>"
                + row2.append("</row>")).getBytes(StandardCharsets.UTF_8);
        for (boolean bytesFirst : new boolean[] {true, false}) {
            XlsxSheetRows r = bytesFirst ? XlsxSheetRows.open(() -> new ByteArrayInputStream(xml))
                    : new XlsxSheetRows(new ByteArrayInputStream(xml));
            try (r) {
                assertThat(r.next()).isTrue();
                assertThat(r.rawLength(0)).as("bytes first: %s", bytesFirst).isEqualTo(XlsxSheetRows.CELL_KEEP);
                assertThat(r.raw(1)).isEqualTo("7");
                assertThat(r.next()).isTrue();
                int kept = 0;
                for (int i = 0; i < r.cellCount(); i++) kept += r.rawLength(i);
                assertThat(r.cellCount()).isEqualTo(6);
                assertThat(kept).isEqualTo(XlsxSheetRows.ROW_KEEP);
                assertThat(r.rawLength(5)).isZero();
                assertThat(r.bufferedChars()).isLessThan(XlsxSheetRows.CELL_KEEP + XlsxSheetRows.ROW_KEEP + 2 * 65_536 + 1);
                assertThat(r.next()).isFalse();
            }
        }
    }
    /** A random sheet of the shapes writers write and the byte reader takes, and of the variations it must read alike. */
    private static String generatedSheet(SplittableRandom random, int rows) {
        String[] texts = {"", " ", "SKU", "sku-246145", "Widget 246145 Mini", "0.0", "132.81", "a&amp;b", "&lt;tag&gt;", "&quot;q&quot; &apos;",
            "&#65;&#x1D538;", "\u00c4-254397", "\uff5a-352334", "\ud835\udd38-50271", "tab\there", "line\nbreak", "]]", "a]b]", "x>y",
            "~\u007f", "12345678", "1234567", "123456789"};
        StringBuilder data = new StringBuilder();
        for (int row = 1; row <= rows; row++) {
            boolean numbered = random.nextInt(10) != 0;
            data.append(numbered ? "<row r=\"" + row + "\">" : "<row>");
            if (random.nextInt(3) == 0) data.append('\n');
            int cells = random.nextInt(9);
            for (int col = 0; col < cells; col++) {
                String ref = random.nextInt(12) == 0 ? null : (char) ('A' + col) + (numbered ? Integer.toString(row) : "1");
                String text = switch (random.nextInt(6)) {
                    case 0 -> "long " + "abcdefghij".repeat(1 + random.nextInt(30)) + texts[random.nextInt(texts.length)];
                    case 1 -> texts[random.nextInt(texts.length)] + texts[random.nextInt(texts.length)];
                    default -> texts[random.nextInt(texts.length)];
                };
                String r = ref == null ? "" : " r=\"" + ref + "\"";
                switch (random.nextInt(12)) {
                    case 0 -> data.append("<c").append(r).append(" t=\"n\"><v>").append(random.nextInt(1000)).append(".5</v></c>");
                    case 1 -> data.append("<c").append(r).append("><v>").append(random.nextInt(1000)).append("</v></c>");
                    case 2 -> data.append("<c").append(r).append(" t=\"s\" s=\"3\"><v>").append(random.nextInt(9)).append("</v></c>");
                    case 3 -> data.append("<c").append(r).append(" t=\"b\"><v>1</v></c>");
                    case 4 -> data.append("<c t=\"inlineStr\"").append(r).append("><is><t>").append(text).append("</t></is></c>"); // t before r
                    case 5 -> data.append("<c").append(r).append(" t=\"str\"><f>A1&amp;\"x\"</f><v>").append(text).append("</v></c>");
                    case 6 -> data.append("<c").append(r).append(" t=\"e\"><v>#N/A</v></c>");
                    case 7 -> data.append("<c").append(r).append("/>"); // a blank cell
                    case 8 -> data.append("<c").append(r).append("  t = 'inlineStr' ><is ><t xml:space=\"preserve\">").append(text)
                            .append("</t ></is>\n</c >");
                    case 9 -> data.append("<c").append(r).append(" t=\"inlineStr\"><is><r><t>").append(text).append("</t></r><r><t>")
                            .append(texts[random.nextInt(texts.length)]).append("</t></r></is></c>");
                    default -> data.append("<c").append(r).append(" t=\"inlineStr\"><is><t>").append(text).append("</t></is></c>");
                }
            }
            data.append("</row>\n");
        }
        return HEAD + "<worksheet xmlns=\"" + NS + "\"><dimension ref=\"A1:I" + rows + "\"/><sheetData>\n" + data
                + "</sheetData></worksheet>\n";
    }

    /** Reads in pieces of random sizes, so that every tag and text meets the buffer's end somewhere. */
    private static InputStream inPieces(byte[] xml, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new ByteArrayInputStream(xml) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(200)));
            }
        };
    }

    @Test
    void generatedSheetsGiveTheStaxParsersRowsWhateverTheCellsAndWhereverTheBufferEnds() {
        SplittableRandom random = new SplittableRandom(20_2026);
        for (int sheet = 0; sheet < 30; sheet++) {
            byte[] xml = generatedSheet(random, 50 + random.nextInt(1_500)).getBytes(StandardCharsets.UTF_8);
            Outcome stax = read(xml, false);
            assertThat(stax.lines().get(stax.lines().size() - 1)).isEqualTo("END");
            Outcome whole = read(xml, true);
            assertThat(whole.lines()).as("sheet %d", sheet).isEqualTo(stax.lines());
            assertThat(whole.bytesToTheEnd()).as("the byte reader read sheet %d itself", sheet).isTrue();
            long seed = random.nextLong();
            Outcome pieces = read(xml, true, () -> inPieces(xml, seed));
            assertThat(pieces.lines()).as("sheet %d in pieces", sheet).isEqualTo(stax.lines());
            assertThat(pieces.bytesToTheEnd()).isTrue();
        }
    }

    @Test
    void generatedSheetsDamagedAnywhereGiveTheStaxParsersRowsAndErrors() {
        SplittableRandom random = new SplittableRandom(7);
        String[] inserts = {"<", ">", "&", "\"", "'", "/", " ", "</c>", "<v>", "</t>", "]]>", "\u00e9", "\u0000", "\r", "Z", "9", ":", "\u00ff"};
        int taken = 0;
        for (int i = 0; i < 300; i++) {
            byte[] xml = generatedSheet(random, 1 + random.nextInt(40)).getBytes(StandardCharsets.UTF_8);
            int at = random.nextInt(xml.length);
            byte[] insert = inserts[random.nextInt(inserts.length)].getBytes(StandardCharsets.UTF_8);
            int remove = Math.min(random.nextInt(3), xml.length - at);
            byte[] damaged = new byte[xml.length - remove + insert.length];
            System.arraycopy(xml, 0, damaged, 0, at);
            System.arraycopy(insert, 0, damaged, at, insert.length);
            System.arraycopy(xml, at + remove, damaged, at + insert.length, xml.length - at - remove);
            if (same(damaged)) taken++;
        }
        assertThat(taken).as("damage the byte reader still reads itself").isPositive();
    }

    /** The current row as "rowNum: column type raw | ...", what the reader comparisons compare. */
    static String line(XlsxSheetRows r) {
        StringBuilder line = new StringBuilder().append(r.rowNum()).append(':');
        for (int i = 0; i < r.cellCount(); i++) {
            line.append(' ').append(r.column(i)).append(' ').append(r.type(i)).append(' ').append(r.raw(i)).append(" |");
        }
        return line.toString();
    }
}
