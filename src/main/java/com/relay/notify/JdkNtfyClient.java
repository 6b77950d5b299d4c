package com.relay.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ntfy POST on the JDK {@link HttpClient}, inside a bean rather than a camel-http endpoint:
 * notifications.md §4.4 demands that <em>only</em> the listed headers leave the process, that
 * redirects are never followed and that one deadline covers the whole attempt. camel-http maps
 * exchange headers to request headers through a filter strategy (any header some step leaves on
 * the exchange — correlation, tracing — would leak unless every one is filtered) and its timeouts
 * are per phase (connect, socket, connection request), not one per attempt. Here the request is
 * built from the record alone, {@code followRedirects(NEVER)}, HTTP/1.1 (no h2c upgrade headers),
 * a connect timeout on the client and the whole-attempt deadline on the response future. The
 * transport adds only {@code Host} and {@code Content-Length}.
 */
public final class JdkNtfyClient implements NtfyClient {

    private static final int MAX_RESPONSE_CHARS = 65_536;

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
        CompletableFuture<HttpResponse<String>> future =
                client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            String body = r.body();
            if (body != null && body.length() > MAX_RESPONSE_CHARS) body = body.substring(0, MAX_RESPONSE_CHARS);
            return AttemptResult.http(r.statusCode(), body, r.headers().firstValue("Retry-After").orElse(null));
        } catch (TimeoutException e) {
            future.cancel(true);
            return AttemptResult.transport(new HttpTimeoutException("request timed out"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            // The client's own request timeout races the connection teardown it causes: the future
            // may fail with "connection closed locally" instead of the HttpTimeoutException. An
            // attempt that failed at or after its deadline timed out, whatever the wrapper says.
            HttpTimeoutException timeout = timeoutIn(cause); // a connect timeout keeps its own type
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

    private static HttpTimeoutException timeoutIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpTimeoutException h) return h;
        }
        return null;
    }

    /** The most specific I/O cause (ConnectException rather than its wrapper). */
    private static Throwable rootIo(Throwable t) {
        Throwable best = t;
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (c instanceof IOException) best = c;
        }
        return best;
    }
}
