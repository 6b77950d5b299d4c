package com.relay.api;

import com.relay.logging.Causes;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.function.LongSupplier;

/**
 * The request stream of one inbound upload (issue 17 #9, #14), as S3 or the spool file reads it:
 * stops at INBOUND_MAX_BYTES and at INBOUND_UPLOAD_TIMEOUT_SECONDS, and remembers why it stopped,
 * because the S3 SDK wraps (or swallows into a retry) whatever the stream throws. A single blocked
 * read is bounded by the server's read timeout (INBOUND_READ_TIMEOUT_SECONDS, Tomcat's
 * connection timeout), so an upload ends at the latest one read timeout after its deadline.
 */
final class UploadBody extends InputStream {

    private final InputStream in;
    private final long maxBytes;
    private final int readTimeoutSeconds;
    private final int uploadTimeoutSeconds;
    private final long deadlineNanos;
    private final LongSupplier nanoTime;
    private long read;
    private ApiException failure;

    UploadBody(InputStream in, long maxBytes, int readTimeoutSeconds, int uploadTimeoutSeconds, LongSupplier nanoTime) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.readTimeoutSeconds = readTimeoutSeconds;
        this.uploadTimeoutSeconds = uploadTimeoutSeconds;
        this.nanoTime = nanoTime;
        this.deadlineNanos = nanoTime.getAsLong() + uploadTimeoutSeconds * 1_000_000_000L;
    }

    /** Why the client's side of the upload failed (too large, too slow, cut off); null when it did not. */
    ApiException failure() {
        return failure;
    }

    long bytesRead() {
        return read;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) throw new IOException(failure.getMessage());
        if (nanoTime.getAsLong() - deadlineNanos >= 0) {
            throw fail(new ApiException(408, "UPLOAD_TIMEOUT", "the upload took longer than " + uploadTimeoutSeconds
                    + " s (INBOUND_UPLOAD_TIMEOUT_SECONDS); nothing was stored"));
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            throw fail(clientFailure(e));
        }
        if (n > 0) {
            read += n;
            if (read > maxBytes) throw fail(ApiException.payloadTooLarge(maxBytes, "INBOUND_MAX_BYTES"));
        }
        return n;
    }

    private ApiException clientFailure(IOException e) {
        if (Causes.has(e, SocketTimeoutException.class)) {
            return new ApiException(408, "UPLOAD_TIMEOUT", "no data received for " + readTimeoutSeconds
                    + " s (INBOUND_READ_TIMEOUT_SECONDS); nothing was stored");
        }
        return new ApiException(400, "UPLOAD_INCOMPLETE", "the connection ended before the body was complete; nothing was stored");
    }

    private IOException fail(ApiException e) {
        failure = e;
        return new IOException(e.getMessage());
    }
}
