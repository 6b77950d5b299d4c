package com.relay.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.poi.openxml4j.util.ZipSecureFile;

/**
 * A worksheet entry's bytes inflated in 64 KiB steps, for {@link XlsxSheetBytes}
 * (docs/ENGINE.md#vendor-file-formats). POI's entry stream inflates 512 compressed bytes per step
 * with a file read each, which cost more than inflating itself (docs/PERFORMANCE.md#vendor-file-formats-issue-20).
 * The zip-bomb limits POI applies are checked after every read, on the inflater's own counts, so
 * this stream stops no later than POI's would; when it stops (or for an entry neither stored nor
 * deflated) the sheet is read again through POI's stream, whose error is the one reported. The
 * parts of a feed held in memory are read through it too ({@link #checked}).
 */
final class XlsxSheetStream extends InflaterInputStream {
    private static final int BUFFER = 1 << 16;

    private XlsxSheetStream(InputStream raw, int buffer) {
        // the zero byte after the data: an inflater without zlib header may ask for one more byte (as ZipFile gives it)
        super(new SequenceInputStream(raw, new ByteArrayInputStream(new byte[1])), new Inflater(true), buffer);
    }

    /** The entry's bytes; null when it is compressed another way (the caller then reads it through POI). */
    static InputStream open(ZipFile zip, ZipArchiveEntry entry) throws IOException {
        if (entry.getMethod() == ZipEntry.STORED) return new Stored(zip.getRawInputStream(entry));
        if (entry.getMethod() != ZipEntry.DEFLATED) return null;
        // a small part (the package's, a held feed's) needs no more than its compressed bytes
        long compressed = entry.getCompressedSize();
        int buffer = compressed >= 0 && compressed < BUFFER ? (int) Math.max(512, compressed + 1) : BUFFER;
        return new XlsxSheetStream(zip.getRawInputStream(entry), buffer);
    }

    /**
     * An entry's bytes under POI's zip-bomb limits: POI's own stream from a {@link ZipSecureFile} (its
     * guards and messages), this one (the same limits) from a zip of a feed held in memory; an entry
     * compressed another way fails there.
     */
    static InputStream checked(ZipFile zip, ZipArchiveEntry entry) throws IOException {
        if (zip instanceof ZipSecureFile secure) return secure.getInputStream(entry);
        InputStream in = open(zip, entry);
        if (in == null) throw new IOException("an entry compressed neither stored nor deflated");
        return in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        check(inf.getBytesRead(), inf.getBytesWritten());
        return n;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        check(inf.getBytesRead(), inf.getBytesWritten());
        return b;
    }

    /** POI's zip-bomb limits (ZipSecureFile, set by XlsxRecords), on the bytes inflated so far. */
    static void check(long compressed, long inflated) throws IOException {
        if (inflated > ZipSecureFile.getMaxEntrySize()) {
            throw new IOException("Zip bomb detected: the sheet inflates past " + ZipSecureFile.getMaxEntrySize() + " bytes");
        }
        if (inflated > ZipSecureFile.getGraceEntrySize() && (double) compressed / inflated < ZipSecureFile.getMinInflateRatio()) {
            throw new IOException("Zip bomb detected: the sheet inflates more than the ratio allows");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            inf.end();
        }
    }

    /** A stored (uncompressed) entry: only the size limit applies. */
    private static final class Stored extends java.io.FilterInputStream {
        private long read;

        Stored(InputStream raw) {
            super(raw);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) read += n;
            check(read, read);
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) read++;
            check(read, read);
            return b;
        }
    }
}
