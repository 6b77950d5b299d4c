package com.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadClientTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private int serve(List<String> seen) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " key=" + exchange.getRequestHeaders().getFirst("X-API-Key")
                    + " body=" + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getPath();
            byte[] reply = ("{\"path\":\"" + path + "\"}").getBytes(StandardCharsets.UTF_8);
            if (path.equals("/close")) exchange.getResponseHeaders().set("Connection", "close");
            int status = path.equals("/missing") ? 404 : 200;
            if (path.equals("/chunked")) {
                exchange.sendResponseHeaders(status, 0); // 0: chunked
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply, 0, 3);
                    out.flush();
                    out.write(reply, 3, reply.length - 3);
                }
            } else {
                exchange.sendResponseHeaders(status, reply.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply);
                }
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Test
    void keepsOneConnectionAndReadsBothBodyFramings() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        int port = serve(seen);
        try (LoadClient client = new LoadClient("127.0.0.1", port, "k1")) {
            assertThat(client.send("GET", "/a", null)).isEqualTo(new LoadClient.Response(200, "{\"path\":\"/a\"}"));
            assertThat(client.send("GET", "/chunked", null)).isEqualTo(new LoadClient.Response(200, "{\"path\":\"/chunked\"}"));
            assertThat(client.send("POST", "/b", "{\"x\": \"é\"}")).isEqualTo(new LoadClient.Response(200, "{\"path\":\"/b\"}"));
            assertThat(client.send("GET", "/missing", null).status()).isEqualTo(404);
            // the server says it closes: the next request goes out on a new connection
            assertThat(client.send("GET", "/close", null).status()).isEqualTo(200);
            assertThat(client.send("GET", "/after", null).body()).isEqualTo("{\"path\":\"/after\"}");
        }
        assertThat(seen).containsExactly("GET /a key=k1 body=", "GET /chunked key=k1 body=", "POST /b key=k1 body={\"x\": \"é\"}",
                "GET /missing key=k1 body=", "GET /close key=k1 body=", "GET /after key=k1 body=");
    }

    @Test
    void resendsOnlyWhenAnIdleConnectionWasClosedBeforeAnyResponse() throws Exception {
        try (ServerSocket listener = new ServerSocket(0)) {
            AtomicInteger requests = new AtomicInteger();
            Thread serverThread = new Thread(() -> {
                try {
                    // first connection: one response, then closed while idle (no Connection: close)
                    try (Socket s = listener.accept()) {
                        readHead(s.getInputStream());
                        requests.incrementAndGet();
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    }
                    // second connection: serves the resent request, then dies half-way through a response
                    try (Socket s = listener.accept()) {
                        readHead(s.getInputStream());
                        requests.incrementAndGet();
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nye".getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        s.getOutputStream().write("s".getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            serverThread.start();
            try (LoadClient client = new LoadClient("127.0.0.1", listener.getLocalPort(), "k")) {
                assertThat(client.send("GET", "/1", null).body()).isEqualTo("ok");
                Thread.sleep(200); // the server has closed the first connection by now
                // nothing came back on the stale connection: resent once; a response cut short is an error, not a retry
                assertThatThrownBy(() -> client.send("GET", "/2", null)).isInstanceOf(java.io.EOFException.class);
            }
            serverThread.join(5000);
            assertThat(requests).hasValue(2);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int c = in.read();
            if (c < 0) throw new IOException("closed");
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
    }
}
