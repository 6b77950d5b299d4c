package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sheet entry inflated in 64 KiB steps gives POI's bytes and stops at POI's zip-bomb limits (docs/ENGINE.md#vendor-file-formats). */
class XlsxSheetStreamTest {
    static {
        // POI's limits as XlsxRecords sets them when it is initialised (a static call initialises it)
        XlsxRecords.number(0);
    }

    @TempDir Path dir;

    private Path zip(String name, byte[] data, boolean stored) throws IOException {
        Path file = dir.resolve("z.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            ZipEntry entry = new ZipEntry(name);
            if (stored) {
                CRC32 crc = new CRC32();
                crc.update(data);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(data.length);
                entry.setCompressedSize(data.length);
                entry.setCrc(crc.getValue());
            }
            out.putNextEntry(entry);
            out.write(data);
            out.closeEntry();
        }
        return file;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void deflatedAndStoredEntriesReadAsPoiReadsThem() throws IOException {
        byte[] data = new byte[3_000_000];
        Random random = new Random(7);
        for (int i = 0; i < data.length; i++) data[i] = (byte) ("<c r=\"A1\"><v>".charAt(i % 13) + (random.nextInt(40) == 0 ? 1 : 0));
        for (boolean stored : new boolean[] {false, true}) {
            try (ZipSecureFile zip = new ZipSecureFile(zip("xl/worksheets/sheet1.xml", data, stored).toFile())) {
                ZipArchiveEntry entry = zip.getEntry("xl/worksheets/sheet1.xml");
                assertThat(readAll(XlsxSheetStream.open(zip, entry))).isEqualTo(readAll(zip.getInputStream(entry))).isEqualTo(data);
            }
        }
    }

    @Test
    void anEntryInflatingPastPoisRatioStopsNoLaterThanPoisStream() throws IOException {
        byte[] bomb = "A".repeat(5_000_000).getBytes(StandardCharsets.US_ASCII);
        try (ZipSecureFile zip = new ZipSecureFile(zip("xl/worksheets/sheet1.xml", bomb, false).toFile())) {
            ZipArchiveEntry entry = zip.getEntry("xl/worksheets/sheet1.xml");
            long[] poiRead = {0};
            assertThatThrownBy(() -> {
                try (InputStream poi = zip.getInputStream(entry)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = poi.read(buf)) > 0; ) poiRead[0] += n;
                }
            }).hasMessageContaining("Zip bomb detected");
            long[] fastRead = {0};
            assertThatThrownBy(() -> {
                try (InputStream fast = XlsxSheetStream.open(zip, entry)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = fast.read(buf)) > 0; ) fastRead[0] += n;
                }
            }).hasMessageContaining("Zip bomb detected");
            assertThat(fastRead[0]).isLessThanOrEqualTo(poiRead[0] + (1 << 16));
        }
    }
}
