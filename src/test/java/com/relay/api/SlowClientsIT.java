package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A slow client on the API (an inbound upload over a slow link is the normal case for a vendor
 * feed): an upload that takes longer than the servlet container's asynchronous-request timeout
 * still completes. It answered 503 after the timeout (30 s by default) while platform-http ran
 * every exchange on Spring's task executor behind an asynchronous servlet request. The timeout is
 * lowered to one second here (its own context) so the case is quick to show; that uploads in
 * progress do not hold up other requests is {@code RunsApiIT#healthAndReadsAnswerWhileManyUploadsAreOpen}.
 */
@TestPropertySource(properties = "spring.mvc.async.request-timeout=1s")
class SlowClientsIT extends ApiTestSupport {

    @Test
    void uploadSlowerThanTheAsyncTimeoutCompletes() {
        String t = createTenant("slow");
        int chunks = 12;
        Reply r = send(request("/v1/tenants/" + t + "/vendors/vendor-a/inbound/slow.csv").header("X-API-Key", DEV)
                .header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> trickle(chunks, 250)), chunks * 1024L)));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        assertThat(r.json().get("size").asLong()).isEqualTo(chunks * 1024L);
    }

    /** {@code chunks} KiB of CSV-ish bytes, {@code pauseMillis} apart. */
    private static InputStream trickle(int chunks, long pauseMillis) {
        return new InputStream() {
            int sent; // whole chunks sent
            int leftInChunk = 1024;

            @Override
            public int read() {
                throw new UnsupportedOperationException("bulk reads only");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent == chunks) return -1;
                if (leftInChunk == 1024 && sent > 0) {
                    try {
                        Thread.sleep(pauseMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException();
                    }
                }
                int n = Math.min(len, leftInChunk);
                for (int i = 0; i < n; i++) b[off + i] = (byte) (i % 64 == 63 ? '\n' : 'a' + i % 26);
                leftInChunk -= n;
                if (leftInChunk == 0) {
                    sent++;
                    leftInChunk = 1024;
                }
                return n;
            }
        };
    }
}
