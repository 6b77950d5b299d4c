package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.aws.ProvisionedResources;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

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
@TestPropertySource(properties = {"spring.mvc.async.request-timeout=1s", ApiLimitsContext.READ_TIMEOUT,
        ApiLimitsContext.MAX_UPLOAD, ApiLimitsContext.SPOOL, ApiLimitsContext.RATE, ApiLimitsContext.BURST,
        ApiLimitsContext.VERSIONS})
@Import(ApiLimitsContext.class)
class SlowClientsIT extends ApiTestSupport {

    @Autowired InboundApi inbound;
    @Autowired S3Client s3;
    @Autowired ProvisionedResources resources;

    private static final int MIB = 1024 * 1024;

    /**
     * Issue 17 #9: a client that stops sending in the middle of its body is cut off after
     * INBOUND_READ_TIMEOUT_SECONDS (2 s here) with a 408 that names the setting, its thread and
     * spool space are given back, and nothing is stored. Before, the upload waited for as long as
     * the connection stayed open.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"content-length", "chunked"})
    void stalledUploadIsCutOffWithAClearError(String framing) {
        String t = createTenant("stall");
        String path = "/v1/tenants/" + t + "/vendors/vendor-a/inbound/stalled.csv";
        try (RawHttp raw = new RawHttp(port, 60_000)) {
            boolean chunked = framing.equals("chunked");
            raw.send(RawHttp.request("PUT", path, chunked
                    ? Map.of("X-API-Key", DEV, "Content-Type", "text/csv", "Transfer-Encoding", "chunked")
                    : Map.of("X-API-Key", DEV, "Content-Type", "text/csv", "Content-Length", "100000"), null));
            raw.send(chunked ? chunk(new byte[1000]) : new byte[1000]);
            // and nothing more
            RawHttp.Answer answer = raw.answer();
            assertThat(answer.status()).as(answer.body()).isEqualTo(408);
            assertThat(answer.body()).contains("\"UPLOAD_TIMEOUT\"").contains("INBOUND_READ_TIMEOUT_SECONDS");
        }
        assertThat(inbound.spoolBytesInUse()).isZero();
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(resources.artifactBucket())
                .key("tenants/" + t + "/inbound/vendor-a/stalled.csv"))).isInstanceOf(NoSuchKeyException.class);
        // the thread is free again: the next upload is served
        assertThat(send(uploadRequest(t, "after.csv", "sku\n")).status()).isEqualTo(201);
    }

    /**
     * Issue 17 #9: chunked uploads are spooled within INBOUND_SPOOL_MAX_BYTES (1.5 MiB here) all
     * together; while one stalled upload holds 1 MiB of it, a second one of 1 MiB gets 503 with
     * Retry-After; once the first is cut off, the space is free again.
     */
    @Test
    void fullSpoolAnswers503WithRetryAfter() throws Exception {
        String t = createTenant("spool");
        String base = "/v1/tenants/" + t + "/vendors/vendor-a/inbound/";
        Map<String, String> chunkedHeaders = Map.of("X-API-Key", DEV, "Content-Type", "text/csv", "Transfer-Encoding", "chunked");
        try (RawHttp holder = new RawHttp(port, 60_000)) {
            holder.send(RawHttp.request("PUT", base + "held.csv", chunkedHeaders, null));
            for (int i = 0; i < 15; i++) holder.send(chunk(new byte[64 * 1024]));
            // the holder stays alive (a byte every 500 ms, within the 2 s read timeout) while the second upload runs
            java.util.concurrent.atomic.AtomicBoolean trickle = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread trickler = new Thread(() -> {
                while (trickle.get() && holder.trySend(chunk(new byte[1]))) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            trickler.start();
            waitUntil(() -> inbound.spoolBytesInUse() >= 15 * 64 * 1024);

            try (RawHttp second = new RawHttp(port, 60_000)) {
                second.send(RawHttp.request("PUT", base + "second.csv", chunkedHeaders, null));
                for (int i = 0; i < 16 && second.trySend(chunk(new byte[64 * 1024])); i++) { }
                second.trySend("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                RawHttp.Answer full = second.answer();
                assertThat(full.status()).as(full.body()).isEqualTo(503);
                assertThat(full.header("Retry-After")).isEqualTo("30");
                assertThat(full.body()).contains("\"UPLOAD_SPOOL_FULL\"").contains("INBOUND_SPOOL_MAX_BYTES");
            } finally {
                trickle.set(false);
                trickler.join();
            }
            assertThat(holder.answer().status()).isEqualTo(408);
        }
        assertThat(inbound.spoolBytesInUse()).isZero();
        Reply whole = send(request(base + "third.csv").header("X-API-Key", DEV).header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(new byte[MIB]))));
        assertThat(whole.status()).as(whole.raw().body()).isEqualTo(201);
        assertThat(whole.json().get("size").asLong()).isEqualTo(MIB);
    }

    private HttpRequest.Builder uploadRequest(String tenant, String name, String body) {
        return request("/v1/tenants/" + tenant + "/vendors/vendor-a/inbound/" + name).header("X-API-Key", DEV)
                .header("Content-Type", "text/csv").PUT(HttpRequest.BodyPublishers.ofString(body));
    }

    static byte[] chunk(byte[] data) {
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /** Waits for the server to reach a state another thread brings about (not a timing assertion). */
    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not reached within 30 s");
            Thread.sleep(20);
        }
    }

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
