package com.relay.notify;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stalled ntfy answer is reported as a timeout every time (the JDK client races its own teardown);
 * a huge answer is read only up to the cap (issue 17 defect 10).
 */
class JdkNtfyClientTest {

    @Test
    void aStallPastTheDeadlineIsAlwaysATimeout() throws Exception {
        JdkNtfyClient client = new JdkNtfyClient(Duration.ofSeconds(2), Duration.ofMillis(150));
        for (int i = 0; i < 15; i++) {
            try (FakeNtfyServer ntfy = new FakeNtfyServer().then(FakeNtfyServer.Answer.stall(1000))) {
                AttemptResult r = client.send(new NtfyRequest(URI.create(ntfy.url() + "/topic"), Map.of(), "x"));
                assertThat(r.describe()).as("attempt %d", i).startsWith("HttpTimeoutException");
            }
        }
    }

    @Test
    void aPromptAnswerIsNotATimeout() throws Exception {
        JdkNtfyClient client = new JdkNtfyClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
        try (FakeNtfyServer ntfy = new FakeNtfyServer().then(FakeNtfyServer.Answer.ok("m-1"))) {
            AttemptResult r = client.send(new NtfyRequest(URI.create(ntfy.url() + "/topic"), Map.of(), "x"));
            assertThat(r.describe()).doesNotContain("Timeout");
        }
    }

    /**
     * A raw socket server answers 200 with a 50 MB body and counts the bytes it manages to write
     * before the client closes the connection: the client keeps 64 KiB and stops reading, so the
     * server gets no further than what the socket buffers hold.
     */
    @Test
    void aFiftyMegabyteAnswerIsReadOnlyUpToTheCap() throws Exception {
        long bodyBytes = 50L * 1024 * 1024;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> serveHugeBody(server, bodyBytes));
            JdkNtfyClient client = new JdkNtfyClient(Duration.ofSeconds(2), Duration.ofSeconds(20));
            AttemptResult r = client.send(new NtfyRequest(
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/topic"), Map.of(), "x"));
            assertThat(r.httpStatus()).isEqualTo(200);
            assertThat(r.body()).hasSize(JdkNtfyClient.MAX_RESPONSE_BYTES).matches("\\{\"id\":\"big\",\"pad\":\"a+");
            long sent = written.get(20, TimeUnit.SECONDS);
            assertThat(sent).as("bytes the server could write").isLessThan(bodyBytes / 5);
        }
    }

    /** Writes the response until the client hangs up; returns the body bytes written. */
    private static long serveHugeBody(ServerSocket server, long bodyBytes) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            // read the request head and its 1-byte body ("x")
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
            in.read();
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] start = "{\"id\":\"big\",\"pad\":\"".getBytes(StandardCharsets.US_ASCII);
            out.write(start);
            long sent = start.length;
            byte[] chunk = new byte[16 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            try {
                while (sent < bodyBytes) {
                    int n = (int) Math.min(chunk.length, bodyBytes - sent);
                    out.write(chunk, 0, n);
                    sent += n;
                }
                out.flush();
            } catch (IOException closedByClient) {
                // expected: the client stopped reading and closed the connection
            }
            return sent;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
