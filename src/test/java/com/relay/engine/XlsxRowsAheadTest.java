package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The byte reader's rows, read on their own thread and handed over in batches, are the rows the
 * StAX parser reads, across many batches, rows larger than a batch, a stop part-way and a failure
 * part-way; and the thread ends whenever the reader stops (docs/ENGINE.md#vendor-file-formats).
 */
class XlsxRowsAheadTest {
    private static final String NAME = "relay-xlsx-rows-acme";
    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\n";
    private static final String TAIL = "</sheetData></worksheet>\n";

    @AfterEach
    void noThreadIsLeft() {
        assertThat(threads()).isZero();
    }

    private static long threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(NAME)).count();
    }

    /** A row as a writer writes it; every few rows a cell the whole-row path does not take (non-ASCII, an entity, out of order). */
    private static String row(int r, SplittableRandom random, int textLength) {
        StringBuilder row = new StringBuilder("<row r=\"").append(r).append("\">");
        row.append("<c r=\"A").append(r).append("\" t=\"inlineStr\"><is><t>");
        switch (random.nextInt(8)) {
            case 0 -> row.append("\u00c4-").append(r);
            case 1 -> row.append("a&amp;b ").append(r);
            default -> row.append("sku-").append(r);
        }
        row.append("</t></is></c>");
        row.append("<c r=\"B").append(r).append("\" t=\"n\"><v>").append(random.nextInt(500)).append(".0</v></c>");
        if (random.nextInt(10) == 0) row.append("<c r=\"A").append(r).append("\" t=\"n\"><v>7</v></c>"); // replaces A: the last wins
        row.append("<c r=\"D").append(r).append("\" t=\"inlineStr\"><is><t>").append("w".repeat(textLength)).append("</t></is></c>");
        return row.append("</row>\n").toString();
    }

    /** Rows as "rowNum: column type raw | ...", then "END" or the error. */
    private static List<String> read(XlsxSheetRows rows) {
        List<String> lines = new ArrayList<>();
        try (rows) {
            while (rows.next()) lines.add(XlsxSheetBytesTest.line(rows));
            lines.add("END");
        } catch (Exception e) {
            lines.add("ERROR " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return lines;
    }

    private static List<String> byThread(byte[] xml) throws Exception {
        return read(XlsxSheetRows.open(() -> new ByteArrayInputStream(xml), () -> new ByteArrayInputStream(xml), "acme"));
    }

    private static List<String> byStax(byte[] xml) throws Exception {
        return read(new XlsxSheetRows(new ByteArrayInputStream(xml)));
    }

    @Test
    void manyBatchesOfRowsAreTheRowsTheStaxParserReads() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder sheet = new StringBuilder(HEAD);
        for (int r = 1; r <= 30_000; r++) {
            // now and then a row larger than a batch, alone in one
            int text = r % 5_000 == 0 ? XlsxRowsAhead.BATCH_CHARS * 3 : random.nextInt(40);
            sheet.append(row(r, random, text));
        }
        byte[] xml = sheet.append(TAIL).toString().getBytes(StandardCharsets.UTF_8);
        List<String> expected = byStax(xml);
        assertThat(expected).hasSize(30_001).endsWith("END");
        assertThat(byThread(xml)).isEqualTo(expected);
    }

    @Test
    void whereTheByteReaderStopsTheStaxParserReadsOnAfterTheRowsBefore() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        StringBuilder sheet = new StringBuilder(HEAD);
        for (int r = 1; r <= 5_000; r++) {
            if (r == 4_000) sheet.append("<!-- a comment: the byte reader stops here -->");
            sheet.append(row(r, random, 10));
        }
        byte[] xml = sheet.append(TAIL).toString().getBytes(StandardCharsets.UTF_8);
        try (XlsxSheetRows rows = XlsxSheetRows.open(() -> new ByteArrayInputStream(xml), () -> new ByteArrayInputStream(xml), "acme")) {
            for (int r = 0; r < 3_000; r++) assertThat(rows.next()).isTrue();
            assertThat(rows.readsBytes()).isTrue();
        }
        List<String> read = byThread(xml);
        assertThat(read).isEqualTo(byStax(xml)).hasSize(5_001);
    }

    @Test
    void aFailureOfTheRowLogicIsThrownAfterTheRowsBeforeIt() throws Exception {
        SplittableRandom random = new SplittableRandom(13);
        StringBuilder sheet = new StringBuilder(HEAD);
        for (int r = 1; r <= 3_000; r++) sheet.append(row(r, random, 10));
        sheet.append("<row r=\"3001\"><v>1</v></row>\n"); // a value outside a cell
        for (int r = 3_002; r <= 4_000; r++) sheet.append(row(r, random, 10));
        byte[] xml = sheet.append(TAIL).toString().getBytes(StandardCharsets.UTF_8);
        List<String> read = byThread(xml);
        assertThat(read).hasSize(3_001);
        assertThat(read.get(3_000)).isEqualTo("ERROR IllegalStateException: a <v> element outside a cell");
        assertThat(read).isEqualTo(byStax(xml));
    }

    @Test
    void theHelperIsANamedDaemonThreadAndEndsWhenTheReaderStopsEarly() throws Exception {
        SplittableRandom random = new SplittableRandom(17);
        StringBuilder sheet = new StringBuilder(HEAD);
        for (int r = 1; r <= 50_000; r++) sheet.append(row(r, random, 20)); // more than the batches hold
        byte[] xml = sheet.append(TAIL).toString().getBytes(StandardCharsets.UTF_8);
        XlsxSheetRows rows = XlsxSheetRows.open(() -> new ByteArrayInputStream(xml), () -> new ByteArrayInputStream(xml), "acme");
        assertThat(rows.next()).isTrue();
        Thread thread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(NAME)).findFirst().orElseThrow();
        assertThat(thread.isDaemon()).isTrue();
        rows.close();
        assertThat(threads()).isZero(); // the pool's thread lives on, idle, for the next feed
        rows.close(); // twice is fine
    }

    @Test
    void anInterruptedReaderStopsWithAnErrorAndTheThreadStillEnds() throws Exception {
        SplittableRandom random = new SplittableRandom(19);
        StringBuilder sheet = new StringBuilder(HEAD);
        for (int r = 1; r <= 50_000; r++) sheet.append(row(r, random, 20));
        byte[] xml = sheet.append(TAIL).toString().getBytes(StandardCharsets.UTF_8);
        XlsxSheetRows rows = XlsxSheetRows.open(() -> new ByteArrayInputStream(xml), () -> new ByteArrayInputStream(xml), "acme");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(rows::next).isInstanceOf(XMLStreamException.class)
                    .hasMessage("interrupted while waiting for the sheet's rows");
            assertThat(Thread.currentThread().isInterrupted()).isTrue(); // the flag is kept for the caller
            rows.close(); // waits for the thread even so
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
