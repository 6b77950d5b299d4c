package com.relay.notify;

import com.relay.logging.Causes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;

/**
 * The ntfy POST on the JDK {@link HttpClient}, inside a bean rather than a camel-http endpoint:
 * docs/CONTRACT.md#the-ntfy-request demands that <em>only</em> the listed headers leave the process, that
 * redirects are never followed and that one deadline covers the whole attempt. camel-http maps
 * exchange headers to request headers through a filter strategy (any header some step leaves on
 * the exchange — correlation, tracing — would leak unless every one is filtered) and its timeouts
 * are per phase (connect, socket, connection request), not one per attempt. Here the request is
 * built from the record alone, {@code followRedirects(NEVER)}, HTTP/1.1 (no h2c upgrade headers),
 * a connect timeout on the client and the whole-attempt deadline on the response future. The
 * transport adds only {@code Host} and {@code Content-Length}. At most {@link #MAX_RESPONSE_BYTES}
 * of the answer are read.
 */
public final class JdkNtfyClient implements NtfyClient {

    /**
     * Bytes of a response body read at most (issue 17 defect 10): ntfy's answer is a small JSON
     * object; the rest of a larger body is never read (the connection is closed instead).
     */
    static final int MAX_RESPONSE_BYTES = 65_536;

    private final HttpClient client;
    private final Duration requestTimeout;

    public JdkNtfyClient(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
        this.requestTimeout = requestTimeout;
    }

    @Override
    public AttemptResult send(NtfyRequest request) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        request.headers().forEach(b::header);
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> future =
                client.sendAsync(b.build(), info -> new CappedBody(MAX_RESPONSE_BYTES));
        try {
            HttpResponse<byte[]> r = future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            String body = new String(r.body(), StandardCharsets.UTF_8);
            return AttemptResult.http(r.statusCode(), body, r.headers().firstValue("Retry-After").orElse(null));
        } catch (TimeoutException e) {
            future.cancel(true);
            return AttemptResult.transport(new HttpTimeoutException("request timed out"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            // The client's own request timeout races the connection teardown it causes: the future
            // may fail with "connection closed locally" instead of the HttpTimeoutException. An
            // attempt that failed at or after its deadline timed out, whatever the wrapper says.
            HttpTimeoutException timeout = Causes.find(cause, HttpTimeoutException.class) // a connect timeout keeps its own type
                    .orElse(null);
            if (timeout != null) return AttemptResult.transport(timeout);
            if (System.nanoTime() - started >= requestTimeout.toNanos()) {
                return AttemptResult.transport(new HttpTimeoutException("request timed out"));
            }
            if (cause instanceof IOException || cause instanceof IllegalArgumentException) {
                return AttemptResult.transport(rootIo(cause));
            }
            return AttemptResult.transport(cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    /**
     * Collects at most {@code cap} bytes of the body, then cancels the subscription: the JDK client
     * closes the connection without reading the rest. Memory per attempt: {@code cap} bytes.
     */
    static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int cap;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int cap) { this.cap = cap; }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), cap - bytes.size());
                byte[] chunk = new byte[take];
                buffer.get(chunk);
                bytes.write(chunk, 0, take);
                if (bytes.size() >= cap) {
                    subscription.cancel();
                    result.complete(bytes.toByteArray());
                    return;
                }
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) { result.completeExceptionally(t); }

        @Override
        public void onComplete() { result.complete(bytes.toByteArray()); }

        @Override
        public CompletionStage<byte[]> getBody() { return result; }
    }

    /** The most specific I/O cause (ConnectException rather than its wrapper). */
    private static Throwable rootIo(Throwable t) {
        Throwable best = t;
        for (Throwable c : Causes.chain(t)) {
            if (c != t && c instanceof IOException) best = c;
        }
        return best;
    }
}
