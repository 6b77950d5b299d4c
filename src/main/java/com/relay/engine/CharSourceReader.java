package com.relay.engine;

import java.io.IOException;
import java.io.Reader;

/**
 * A {@link CharSource} as a {@link Reader} for the JSON and XML parsers, so json and xml feeds are
 * decoded by {@link FeedDecoder} like csv (docs/CONTRACT.md#decoding: the configured encoding, the same DECODE_ERROR
 * with its byte offset). A decode failure travels through the parser as {@link Failure}.
 */
final class CharSourceReader extends Reader {

    /** An {@link EngineFailure} of the source, carried through a parser's IOException paths. */
    static final class Failure extends IOException {
        final transient EngineFailure failure;

        Failure(EngineFailure failure) {
            super(failure.getMessage());
            this.failure = failure;
        }
    }

    private final CharSource source;

    CharSourceReader(CharSource source) {
        this.source = source;
    }

    @Override
    public int read(char[] dst, int off, int len) throws IOException {
        if (len == 0) return 0;
        try {
            return source.read(dst, off, len);
        } catch (EngineFailure f) {
            throw new Failure(f);
        }
    }

    @Override
    public void close() {
        // the feed stream belongs to the caller
    }

    /** The decode failure somewhere in {@code t}'s cause chain, or null. */
    static EngineFailure decodeFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Failure f) return f.failure;
            if (c.getCause() == c) break;
        }
        return null;
    }
}
