package com.relay.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * A PutObject that fails the way a dropped S3 connection does (issue 17 #14): once per armed
 * count, an attempt reads the first {@code bytesBeforeFailure} of the request body, as the HTTP
 * client does while sending, and then fails with a retryable I/O error. Nothing reaches the
 * emulator. The SDK then retries, which needs the body again.
 */
public final class UploadFaults implements ExecutionInterceptor {

    private final AtomicInteger armed = new AtomicInteger();
    private volatile int bytesBeforeFailure;

    /** The next {@code attempts} PutObject attempts fail after reading {@code bytes} of the body. */
    public void failNextPuts(int attempts, int bytes) {
        bytesBeforeFailure = bytes;
        armed.set(attempts);
    }

    public void clear() {
        armed.set(0);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof PutObjectRequest)) return;
        int left = armed.get();
        if (left <= 0 || !armed.compareAndSet(left, left - 1)) return;
        context.requestBody().ifPresent(body -> {
            try (InputStream in = body.contentStreamProvider().newStream()) {
                in.readNBytes(bytesBeforeFailure);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        throw SdkClientException.create("injected: connection reset while sending", new IOException("Connection reset"));
    }
}
