package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sheet inflated on a second thread gives the bytes and the failures the inflating stream gives,
 * and its thread ends whenever the reader stops (docs/ENGINE.md#vendor-file-formats).
 */
class XlsxInflateAheadTest {
    static {
        XlsxRecords.number(0); // POI's zip-bomb limits, as XlsxRecords sets them
    }

    private static final String NAME = "relay-xlsx-inflate-acme";

    @TempDir Path dir;

    @AfterEach
    void noThreadIsLeft() {
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(NAME));
    }

    private ZipSecureFile zip(byte[] data) throws IOException {
        Path file = dir.resolve("z.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new ZipEntry("sheet.xml"));
            out.write(data);
            out.closeEntry();
        }
        return new ZipSecureFile(file.toFile());
    }

    private static byte[] sheetLike(int size) {
        byte[] data = new byte[size];
        Random random = new Random(11);
        for (int i = 0; i < size; i++) data[i] = (byte) ("<c r=\"B7\"><v>".charAt(i % 13) + (random.nextInt(30) == 0 ? 1 : 0));
        return data;
    }

    private static XlsxInflateAhead ahead(ZipSecureFile zip) throws IOException {
        ZipArchiveEntry entry = zip.getEntry("sheet.xml");
        return XlsxInflateAhead.start(XlsxSheetStream.open(zip, entry), "acme");
    }

    @Test
    void givesTheEntrysBytesInOrderWhateverTheReadSizes() throws IOException {
        byte[] data = sheetLike(1_234_567);
        try (ZipSecureFile zip = zip(data)) {
            for (int step : new int[] {1, 7, 65_536, 200_000}) {
                ByteArrayOutputStream read = new ByteArrayOutputStream();
                try (XlsxInflateAhead in = ahead(zip)) {
                    if (step == 1) {
                        for (int b; (b = in.read()) >= 0; ) read.write(b);
                    } else {
                        byte[] buf = new byte[step];
                        for (int n; (n = in.read(buf, 0, step)) >= 0; ) read.write(buf, 0, n);
                    }
                    assertThat(in.read()).isEqualTo(-1);
                }
                assertThat(read.toByteArray()).isEqualTo(data);
            }
        }
    }

    @Test
    void theHelperIsANamedDaemonThreadAndEndsWhenTheReaderStopsEarly() throws Exception {
        try (ZipSecureFile zip = zip(sheetLike(3 * XlsxInflateAhead.CHUNKS * XlsxInflateAhead.CHUNK))) {
            XlsxInflateAhead in = ahead(zip);
            assertThat(in.read(new byte[10])).isEqualTo(10);
            Thread thread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(NAME)).findFirst()
                    .orElseThrow(); // three times its buffers: it waits for the reader
            assertThat(thread.isDaemon()).isTrue();
            in.close();
            assertThat(in.inflating()).isFalse();
            // the pool's thread lives on, idle, for the next feed: no thread works for this one
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(NAME));
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("Stream closed");
            in.close(); // twice is fine
        }
    }

    @Test
    void aZipBombReachesTheReaderWithTheInflatingStreamsMessage() throws IOException {
        byte[] bomb = "A".repeat(5_000_000).getBytes(StandardCharsets.US_ASCII);
        try (ZipSecureFile zip = zip(bomb)) {
            String direct = failureOf(XlsxSheetStream.open(zip, zip.getEntry("sheet.xml")));
            XlsxInflateAhead in = ahead(zip);
            try {
                byte[] buf = new byte[1 << 16];
                assertThatThrownBy(() -> {
                    while (in.read(buf) >= 0) {
                        // until it fails
                    }
                }).isInstanceOf(IOException.class).hasMessage(direct).hasMessageStartingWith("Zip bomb detected");
                assertThatThrownBy(() -> in.read(buf)).hasMessage(direct); // and again on every later read
            } finally {
                in.close();
            }
            assertThat(in.inflating()).isFalse();
        }
    }

    private static String failureOf(InputStream in) {
        try (in) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // until it fails
            }
        } catch (IOException e) {
            return e.getMessage();
        }
        throw new AssertionError("no failure");
    }

    @Test
    void anInterruptedReaderGetsAnInterruptedIoExceptionAndTheThreadStillEnds() throws IOException {
        try (ZipSecureFile zip = zip(sheetLike(3_000_000))) {
            XlsxInflateAhead in = ahead(zip);
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(in::read).isInstanceOf(InterruptedIOException.class);
                assertThat(Thread.currentThread().isInterrupted()).isTrue(); // the flag is kept for the caller
                in.close(); // waits for the thread even so
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(in.inflating()).isFalse();
        }
    }
}
