package com.relay.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bounds what Aalto holds in memory at once (docs/ENGINE.md#vendor-file-formats). Aalto keeps a whole
 * text, name or attribute value as one piece (Woodstox gave long text in segments), so a feed with
 * a huge one would take heap in proportion to it. Between two {@code <} of a document are at most
 * one text, one tag's names and attribute values: more than {@link #MAX_BYTES} bytes without a
 * {@code <} fail the feed. A CDATA section may hold {@code <}: while its text is read
 * ({@link #readingCdata}) at most {@link #MAX_BYTES} bytes may be read.
 */
final class XmlTextBudget extends FilterInputStream {
    /** Four times the cell limit: a value too long for a cell still becomes a row error, not this. */
    static final int MAX_BYTES = CsvRecordReader.MAX_RECORD_LENGTH;

    private final String vendorId;
    /** Stream offset of the next byte, and of the last {@code <} read (-1: none yet). */
    private long offset;
    private long lastOpen = -1;
    /** Bytes still allowed while a CDATA section's text is read; -1 when none is. */
    private long cdataLeft = -1;

    XmlTextBudget(InputStream in, String vendorId) {
        super(in);
        this.vendorId = vendorId;
    }

    /** Aalto is about to read a CDATA section's text ({@code true}) or has read it ({@code false}). */
    void readingCdata(boolean reading) {
        cdataLeft = reading ? MAX_BYTES : -1;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n <= 0) return n;
        // the gaps inside these n bytes are shorter than n (Aalto reads 4000 at a time): only the
        // one from the last '<' before them to their first '<' can exceed the limit
        int first = off;
        while (first < off + n && b[first] != '<') first++;
        if (first == off + n) {
            if (offset + n - lastOpen - 1 > MAX_BYTES) throw tooLong("bytes without markup (a text, a name or an attribute value)", n);
        } else {
            if (offset + (first - off) - lastOpen - 1 > MAX_BYTES) {
                throw tooLong("bytes without markup (a text, a name or an attribute value)", n);
            }
            int last = off + n - 1;
            while (b[last] != '<') last--;
            lastOpen = offset + (last - off);
        }
        offset += n;
        if (cdataLeft >= 0 && (cdataLeft -= n) < 0) throw tooLong("bytes in a CDATA section", 0);
        return n;
    }

    private CharSourceReader.Failure tooLong(String what, int more) {
        return new CharSourceReader.Failure(new EngineFailure(XmlRecords.ERROR_CODE, "NORMALIZE", "xml parse error for vendor "
                + vendorId + ": more than " + MAX_BYTES + " " + what + " by byte offset " + (offset + more)
                + " (the xml reader's fixed limit, four times the cell limit)", vendorId));
    }
}
