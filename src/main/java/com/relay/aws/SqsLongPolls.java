package com.relay.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The SQS client's HTTP client, able to end the service's {@code ReceiveMessage} long polls at once
 * when it shuts down (docs/WORKER.md "Shutdown").
 *
 * <p>A long poll waits up to 20 s for a message, in a blocking socket read that neither Camel nor
 * an interrupt can end. Camel's graceful shutdown counts a consumer that is polling as one pending
 * exchange and waits for the poll to return, so every stop (a container's, or each cached test
 * context at JVM exit) took up to 20 s longer; and a message such a poll received while Camel was
 * already stopping the route was not processed, only hidden for its visibility timeout.
 * {@link #end()} aborts the receives in flight and answers every later one with an empty receive,
 * without a request: the consumer sees "no message", so no error is logged and nothing is
 * received. Every other SQS call goes through unchanged.
 */
public final class SqsLongPolls implements SdkHttpClient {

    /** The AWS JSON protocol names the operation in this header (the SDK's SQS client speaks it). */
    static final String TARGET_HEADER = "X-Amz-Target";
    static final String RECEIVE_TARGET = "AmazonSQS.ReceiveMessage";
    private static final byte[] EMPTY_RECEIVE = "{}".getBytes(StandardCharsets.UTF_8);

    private final SdkHttpClient delegate;
    private final Set<ExecutableHttpRequest> receiving = ConcurrentHashMap.newKeySet();
    private volatile boolean ended;

    public SqsLongPolls(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /** Ends the receives in flight and answers later ones empty; returns how many were aborted. */
    public int end() {
        ended = true;
        int aborted = 0;
        for (ExecutableHttpRequest request : receiving) {
            request.abort();
            aborted++;
        }
        return aborted;
    }

    /** Receives reach SQS again (a context started after a stop). */
    public void resume() {
        ended = false;
    }

    /** Receives under way right now. */
    public int receiving() {
        return receiving.size();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest call = delegate.prepareRequest(request);
        boolean receive = request.httpRequest().firstMatchingHeader(TARGET_HEADER)
                .map(RECEIVE_TARGET::equals).orElse(false);
        return receive ? new Receive(call) : call;
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private final class Receive implements ExecutableHttpRequest {
        private final ExecutableHttpRequest call;

        Receive(ExecutableHttpRequest call) {
            this.call = call;
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            // registered before the check: end() either sees this call and aborts it, or this call sees `ended`
            receiving.add(this);
            try {
                if (ended) return emptyReceive();
                return call.call();
            } catch (IOException e) {
                if (ended) return emptyReceive(); // aborted by end(): the answer a poll without a message gets
                throw e;
            } finally {
                receiving.remove(this);
            }
        }

        @Override
        public void abort() {
            call.abort();
        }
    }

    private static HttpExecuteResponse emptyReceive() {
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(200)
                        .putHeader("Content-Type", "application/x-amz-json-1.0")
                        .putHeader("Content-Length", Integer.toString(EMPTY_RECEIVE.length))
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(EMPTY_RECEIVE)))
                .build();
    }
}
