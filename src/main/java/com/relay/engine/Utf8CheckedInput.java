package com.relay.engine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A UTF-8 feed as bytes for a parser that reads bytes (Jackson's UTF-8 parser, Aalto), checked as strictly as
 * {@link FeedDecoder} decodes it (docs/CONTRACT.md#decoding): one leading {@code EF BB BF} is
 * removed; a malformed sequence (a stray continuation byte, an overlong form, a surrogate, a code
 * point past U+10FFFF, a sequence cut by the end of the input) fails with the same
 * {@code DECODE_ERROR} and the byte offset of its first byte in the original input (BOM included),
 * tracked across buffer refills. No byte reaches the parser before it is checked, and a read that
 * would reach a malformed sequence fails as {@link FeedDecoder#read} does (so a syntax error just
 * before a bad byte is still reported as the bad byte); the failure travels through the parser as
 * a {@link CharSourceReader.Failure}.
 *
 * <p>Skipping the decode to chars is what makes the byte parser pay: Jackson matches member names
 * on the bytes and decodes only the values it is asked for; Aalto matches names on the bytes and
 * decodes a text only when asked for it (docs/PERFORMANCE.md#xml-with-aalto).
 * Runs of ASCII are checked 32 bytes a step ({@link #asciiEnd}).
 *
 * <p>It also keeps what a parser's byte column needs to become a char column (see
 * {@link #charColumn}): the last two buffers' bytes and, per buffer, how many more bytes than
 * UTF-16 chars its line had before it.
 */
final class Utf8CheckedInput extends InputStream {
    static final int BUFFER_SIZE = 64 * 1024;
    /** Room for the unchecked tail of a buffer (a sequence cut by its end, at most 3 bytes) before the next read. */
    private static final int TAIL_ROOM = 3;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final InputStream in;
    private final String vendorId;
    private final boolean skuMap;
    private byte[] buf = new byte[BUFFER_SIZE + TAIL_ROOM];
    /** The buffer before {@link #buf}, kept for {@link #charColumn}. */
    private byte[] previous = new byte[BUFFER_SIZE + TAIL_ROOM];
    private int previousLength;
    /** Stream offset (after the BOM) of {@code previous[0]}, and its line's surplus there. */
    private long previousStart;
    private long previousLineSurplus;
    private int pos;
    /** End of the checked bytes in {@link #buf}; bytes up to {@link #end} are read, not yet checked (a cut sequence). */
    private int checked;
    private int end;
    /** Stream offset (after the BOM) of {@code buf[0]}. */
    private long bufStart;
    /** Offset in the original input of stream offset 0: 3 after a BOM. */
    private int bomLength;
    /** Bytes minus UTF-16 chars of everything checked before {@code buf[0]}, and of this buffer's line before it. */
    private long surplusAtStart;
    private long lineSurplusAtStart;
    /** Surplus of the bytes the last {@link #check} accepted. */
    private long checkedSurplus;
    /** The malformed sequence found right after the checked bytes: thrown by the read that reaches it. */
    private EngineFailure pending;
    private boolean started;
    private boolean inputEnded;

    Utf8CheckedInput(InputStream in, String vendorId, boolean skuMap) {
        this.in = in;
        this.vendorId = vendorId;
        this.skuMap = skuMap;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pos == checked && !refill()) return -1;
        // As FeedDecoder does: a read that reaches a malformed sequence fails, even with good bytes before it
        if (pending != null && len > checked - pos) throw new CharSourceReader.Failure(pending);
        int n = Math.min(len, checked - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() {
        // the feed stream belongs to the caller
    }

    /** Reads and checks more bytes; false at the end of the input. */
    private boolean refill() throws IOException {
        try {
            if (pending != null) throw pending;
            // what start() read is checked before reading more, so a sequence cut by the end of the
            // input is found where FeedDecoder finds it: after the bytes before it were parsed
            boolean unchecked = false;
            if (!started) {
                start();
                unchecked = end > 0;
            }
            while (true) {
                if (checked == end && inputEnded) return false;
                retire();
                if (!unchecked) readMore();
                unchecked = false;
                checked = check(buf, 0, end);
                if (checked > 0) return true;
                if (pending != null) throw pending;
            }
        } catch (EngineFailure f) {
            throw new CharSourceReader.Failure(f);
        }
    }

    private void start() throws IOException {
        started = true;
        while (!inputEnded && end < 3) readMore();
        if (end >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
            bomLength = 3;
            System.arraycopy(buf, 3, buf, 0, end - 3);
            end -= 3;
        }
    }

    /** Makes {@link #buf} the previous buffer and starts a new one with the unchecked tail (at most 3 bytes). */
    private void retire() {
        if (checked == 0) return;
        long surplus = surplusAtStart + checkedSurplus;
        long lineSurplus = lineSurplusAtEnd(buf, checked, lineSurplusAtStart, surplus - surplusAtStart);
        byte[] old = previous;
        previous = buf;
        previousLength = checked;
        previousStart = bufStart;
        previousLineSurplus = lineSurplusAtStart;
        int tail = end - checked;
        System.arraycopy(previous, checked, old, 0, tail);
        buf = old;
        bufStart += checked;
        surplusAtStart = surplus;
        lineSurplusAtStart = lineSurplus;
        pos = 0;
        checked = 0;
        end = tail;
    }

    private void readMore() throws IOException {
        if (end == buf.length) return;
        // Always BUFFER_SIZE when there is room, even after a cut sequence's tail: a read that asks a
        // BufferedInputStream of that size for less goes through its buffer (one more copy, and an
        // available() call per read) for the rest of the feed
        int len = Math.min(BUFFER_SIZE, buf.length - end);
        int n = in.read(buf, end, len);
        while (n == 0) n = in.read(buf, end, len);
        if (n < 0) {
            inputEnded = true;
        } else {
            end += n;
        }
    }

    /**
     * Checks {@code b[from..to)}; returns where the good bytes end: {@code to}, the start of a
     * sequence cut by {@code to} when more input may follow, or the start of a malformed sequence
     * (then {@link #pending}).
     */
    private int check(byte[] b, int from, int to) {
        int i = from;
        long surplus = 0;
        try {
        while (i < to) {
            i = asciiEnd(b, i, to);
            if (i == to) break;
            int c = b[i] & 0xFF;
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                throw invalidAt(i);
            }
            int start = i;
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                if (i + k >= to) {
                    // cut by the end of what was read (the bytes before the cut were good)
                    if (inputEnded) throw invalidAt(i);
                    checkedSurplus = surplus;
                    return i;
                }
                int cont = b[i + k] & 0xFF;
                if ((cont & 0xC0) != 0x80) throw invalidAt(i);
                cp = (cp << 6) | (cont & 0x3F);
                // reject as soon as the JDK decoder would: overlong, surrogate or too-large prefixes
                if (k == 1 && need >= 2 && !validSecond(c, cont)) throw invalidAt(i);
            }
            if (cp < min) throw invalidAt(i);
            i += need + 1;
            surplus += need == 3 ? 2 : need;
        }
        } catch (EngineFailure malformed) {
            pending = malformed;
        }
        checkedSurplus = surplus;
        return i;
    }

    /**
     * The index of the first byte of {@code b[i..to)} with its high bit set, or {@code to}: 32
     * bytes a step while all are ASCII (the bulk of a feed: markup, digits, names), then the
     * first high bit of the word that has one, so a run of ASCII costs no branch per byte.
     */
    static int asciiEnd(byte[] b, int i, int to) {
        while (i + 32 <= to && ((((long) LONGS.get(b, i)) | ((long) LONGS.get(b, i + 8))
                | ((long) LONGS.get(b, i + 16)) | ((long) LONGS.get(b, i + 24))) & HIGH_BITS) == 0) {
            i += 32;
        }
        while (i + 8 <= to) {
            long high = ((long) LONGS.get(b, i)) & HIGH_BITS;
            if (high != 0) return i + (Long.numberOfTrailingZeros(high) >>> 3);
            i += 8;
        }
        while (i < to && b[i] >= 0) i++;
        return i;
    }

    /** The second byte of a 3- or 4-byte sequence as RFC 3629's table allows it after {@code lead}. */
    private static boolean validSecond(int lead, int second) {
        return switch (lead) {
            case 0xE0 -> second >= 0xA0;
            case 0xED -> second <= 0x9F;
            case 0xF0 -> second >= 0x90;
            case 0xF4 -> second <= 0x8F;
            default -> true;
        };
    }

    /** Only thrown inside {@link #check}, to leave its loop at a malformed sequence. */
    private EngineFailure invalidAt(int indexInBuf) {
        return FeedDecoder.invalidSequence(FeedCharsets.UTF_8, vendorId, skuMap, bomLength + bufStart + indexInBuf);
    }

    // ---- byte columns to char columns ------------------------------------------------------------

    /**
     * Bytes minus UTF-16 chars of checked UTF-8 {@code b[from..to)}: one per continuation byte, one
     * less per 4-byte sequence (two chars, a surrogate pair).
     */
    private static long surplus(byte[] b, int from, int to) {
        long s = 0;
        int i = from;
        while (i < to) {
            i = asciiEnd(b, i, to);
            if (i >= to) break;
            int c = b[i] & 0xFF;
            if ((c & 0xC0) == 0x80) s++;
            else if (c >= 0xF0) s--;
            i++;
        }
        return s;
    }

    /** The surplus of the line that is open at the end of {@code b[0..length)}. */
    private static long lineSurplusAtEnd(byte[] b, int length, long lineSurplusAtStart, long bufferSurplus) {
        if (bufferSurplus == 0 && lineSurplusAtStart == 0) return 0; // ASCII since the line began: nothing to scan
        int i = length;
        // eight bytes at a time while none is CR or LF
        while (i >= 8) {
            long v = (long) LONGS.get(b, i - 8);
            if (hasByte(v, 0x0A0A0A0A0A0A0A0AL) || hasByte(v, 0x0D0D0D0D0D0D0D0DL)) break;
            i -= 8;
        }
        for (i--; i >= 0; i--) {
            if (b[i] == '\n' || b[i] == '\r') return surplus(b, i + 1, length);
        }
        return lineSurplusAtStart + bufferSurplus;
    }

    /** True when a byte of {@code v} equals the byte repeated in {@code pattern} (the classic zero-byte test). */
    private static boolean hasByte(long v, long pattern) {
        long x = v ^ pattern;
        return ((x - 0x0101010101010101L) & ~x & HIGH_BITS) != 0;
    }

    /**
     * The char column of a parser's byte column on the same line: {@code byteOffset} is the 0-based
     * offset (after the BOM) the parser reports with {@code byteColumn} (1-based). Exact while the
     * offset is in the last two buffers (a parser reads at most one buffer ahead of where it
     * reports); otherwise the byte column as it is.
     */
    int charColumn(long byteOffset, int byteColumn) {
        long windowStart = previousLength > 0 ? previousStart : bufStart;
        long windowEnd = bufStart + checked;
        if (byteColumn < 1 || byteOffset < windowStart || byteOffset > windowEnd) return byteColumn;
        long lineStart = byteOffset - (byteColumn - 1);
        long surplus;
        if (lineStart >= windowStart) {
            surplus = surplusBetween(lineStart, byteOffset);
        } else {
            surplus = (previousLength > 0 ? previousLineSurplus : lineSurplusAtStart) + surplusBetween(windowStart, byteOffset);
        }
        return (int) (byteColumn - surplus);
    }

    /**
     * The code point whose UTF-8 sequence holds the byte just before {@code byteOffset} (after the
     * BOM), or -1 when that byte is no longer kept or is ASCII: what a byte parser that reports a
     * lone lead or continuation byte was actually looking at.
     */
    int codePointBefore(long byteOffset) {
        long at = byteOffset - 1;
        int lead = byteAt(at);
        if (lead < 0x80) return -1;
        for (int back = 0; back < 3 && (lead & 0xC0) == 0x80; back++) lead = byteAt(--at);
        int need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
        if (need < 0) return -1;
        int cp = lead & (0x3F >> need);
        for (int k = 1; k <= need; k++) {
            int b = byteAt(at + k);
            if (b < 0) return -1;
            cp = (cp << 6) | (b & 0x3F);
        }
        return cp;
    }

    /** The checked byte at stream offset {@code at}, or -1 when it is not kept. */
    private int byteAt(long at) {
        if (at >= bufStart && at < bufStart + checked) return buf[(int) (at - bufStart)] & 0xFF;
        if (previousLength > 0 && at >= previousStart && at < previousStart + previousLength) {
            return previous[(int) (at - previousStart)] & 0xFF;
        }
        return -1;
    }

    private long surplusBetween(long from, long to) {
        long s = 0;
        if (previousLength > 0 && from < bufStart) {
            s += surplus(previous, (int) (from - previousStart), (int) Math.min(to, bufStart) - (int) previousStart);
            from = bufStart;
        }
        if (to > from) s += surplus(buf, (int) (from - bufStart), (int) (to - bufStart));
        return s;
    }
}
