package com.relay.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A {@link CharSource}'s chars encoded as UTF-8 bytes: how an xml feed in another encoding reaches
 * the byte parser, so every encoding is parsed by one parser with one wording of errors and
 * positions (docs/ENGINE.md#vendor-file-formats). The source has already decoded and checked the
 * bytes; its {@code DECODE_ERROR} travels as {@link CharSourceReader.Failure}.
 */
final class CharSourceUtf8Input extends InputStream {
    private final CharSource source;
    private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer chars = CharBuffer.allocate(16 * 1024);
    private final ByteBuffer bytes = ByteBuffer.allocate(64 * 1024);
    private boolean sourceEnded;
    private boolean flushed;

    CharSourceUtf8Input(CharSource source) {
        this.source = source;
        chars.flip();
        bytes.flip();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (!bytes.hasRemaining()) {
            if (flushed) return -1;
            fill();
        }
        int n = Math.min(len, bytes.remaining());
        bytes.get(dst, off, n);
        return n;
    }

    private void fill() throws IOException {
        if (!sourceEnded && chars.remaining() < 2) { // a surrogate pair must be whole to be encoded
            chars.compact();
            try {
                int n = source.read(chars.array(), chars.position(), chars.remaining());
                if (n < 0) sourceEnded = true;
                else chars.position(chars.position() + n);
            } catch (EngineFailure f) {
                throw new CharSourceReader.Failure(f);
            }
            chars.flip();
        }
        bytes.clear();
        CoderResult result = encoder.encode(chars, bytes, sourceEnded);
        if (result.isError()) throw new IOException("the decoded feed is not valid UTF-16: " + result);
        if (sourceEnded && !chars.hasRemaining()) {
            result = encoder.flush(bytes);
            if (result.isError()) throw new IOException("the decoded feed is not valid UTF-16: " + result);
            flushed = true;
        }
        bytes.flip();
    }
}
