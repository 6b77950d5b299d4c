package com.relay.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict, streaming decoding of a vendor feed or SKU map (docs/CONTRACT.md#decoding).
 *
 * <ul>
 *   <li>UTF-8: one leading {@code EF BB BF} is removed; every malformed sequence fails.</li>
 *   <li>ISO-8859-1: never fails, no BOM handling.</li>
 *   <li>windows-1252: the five undefined bytes {@code 81 8D 8F 90 9D} fail (the JDK decoder reports
 *       them as unmappable, which is set to REPORT here; a test pins this).</li>
 *   <li>UTF-16: {@code FE FF} or {@code FF FE} is required and consumed; an odd byte count or an
 *       unpaired surrogate fails. An input of zero bytes is empty text (nothing to order).</li>
 * </ul>
 *
 * Failures are {@code DECODE_ERROR} at stage NORMALIZE with the exact docs/CONTRACT.md#decoding message; the offset is
 * the 0-based position in the original bytes (BOM included) of the first byte of the offending
 * sequence, tracked across buffer refills.
 */
public final class FeedDecoder implements CharSource {
    static final int BYTE_BUFFER_SIZE = 64 * 1024;

    private final InputStream in;
    private final String vendorId;
    private final boolean skuMap;
    private final FeedCharsets charset;
    private final ByteBuffer bytes = ByteBuffer.allocate(BYTE_BUFFER_SIZE);
    private CharsetDecoder decoder;
    /** Offset in the original input of {@code bytes[0]}. */
    private long bufferBase;
    private boolean inputEnded;
    private boolean flushed;
    private boolean started;

    private FeedDecoder(InputStream in, FeedCharsets charset, String vendorId, boolean skuMap) {
        this.in = in;
        this.charset = charset;
        this.vendorId = vendorId;
        this.skuMap = skuMap;
        bytes.limit(0);
    }

    /**
     * @param encoding the vendor's {@code parser.encoding} as configured (normalised per docs/CONTRACT.md#decoding)
     * @param skuMap   true when decoding the vendor's SKU map (messages say {@code (sku map)})
     */
    public static FeedDecoder open(InputStream in, String encoding, String vendorId, boolean skuMap) {
        return new FeedDecoder(in, FeedCharsets.resolve(encoding), vendorId, skuMap);
    }

    @Override
    public int read(char[] dst, int off, int len) throws IOException, EngineFailure {
        if (len == 0) return 0;
        if (!started) start();
        if (flushed) return -1;
        CharBuffer out = CharBuffer.wrap(dst, off, len);
        while (true) {
            CoderResult result = decoder.decode(bytes, out, inputEnded);
            if (result.isError()) throw invalidAt(bufferBase + bytes.position());
            if (out.position() > off) return out.position() - off;
            if (result.isOverflow()) {
                // Room for fewer chars than one code point needs (a surrogate pair into len 1).
                throw new IllegalArgumentException("read length too small: " + len);
            }
            if (inputEnded) {
                CoderResult flush = decoder.flush(out);
                if (flush.isError()) throw invalidAt(bufferBase + bytes.position());
                flushed = true;
                return out.position() > off ? out.position() - off : -1;
            }
            fill();
        }
    }

    private void start() throws IOException, EngineFailure {
        started = true;
        fillAtLeast(3);
        switch (charset) {
            case UTF_8 -> {
                if (startsWith(0xEF, 0xBB, 0xBF)) bytes.position(3);
                decoder = strict(StandardCharsets.UTF_8.newDecoder());
            }
            case UTF_16 -> {
                if (bytes.remaining() == 0) {
                    decoder = strict(StandardCharsets.UTF_16BE.newDecoder());
                } else if (startsWith(0xFE, 0xFF)) {
                    bytes.position(2);
                    decoder = strict(StandardCharsets.UTF_16BE.newDecoder());
                } else if (startsWith(0xFF, 0xFE)) {
                    bytes.position(2);
                    decoder = strict(StandardCharsets.UTF_16LE.newDecoder());
                } else {
                    throw new EngineFailure("DECODE_ERROR", "NORMALIZE",
                            "decode error for vendor " + label() + ": missing UTF-16 byte order mark", vendorId);
                }
            }
            default -> decoder = strict(charset.charset().newDecoder());
        }
    }

    private static CharsetDecoder strict(CharsetDecoder d) {
        return d.onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private boolean startsWith(int... prefix) {
        if (bytes.remaining() < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes.get(bytes.position() + i) & 0xFF) != prefix[i]) return false;
        }
        return true;
    }

    private void fillAtLeast(int n) throws IOException {
        while (!inputEnded && bytes.remaining() < n) fill();
    }

    /** Moves unconsumed bytes to the front (advancing {@link #bufferBase}) and reads more. */
    private void fill() throws IOException {
        bufferBase += bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        while (n == 0) n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            inputEnded = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    private EngineFailure invalidAt(long offset) {
        return invalidSequence(charset, vendorId, skuMap, offset);
    }

    /** The docs/CONTRACT.md#decoding failure of a malformed sequence at {@code offset} of the original bytes. */
    static EngineFailure invalidSequence(FeedCharsets charset, String vendorId, boolean skuMap, long offset) {
        return new EngineFailure("DECODE_ERROR", "NORMALIZE", "decode error for vendor "
                + (skuMap ? vendorId + " (sku map)" : vendorId) + ": invalid "
                + charset.messageName() + " byte sequence at byte offset " + offset, vendorId);
    }

    private String label() {
        return skuMap ? vendorId + " (sku map)" : vendorId;
    }
}
