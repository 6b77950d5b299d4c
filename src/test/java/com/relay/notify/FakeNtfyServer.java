package com.relay.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server that behaves like ntfy: answers each POST with the next scripted
 * response (200 with an ntfy JSON body, 429/503 with optional Retry-After, 400, …, or a stall
 * longer than the client's deadline), then with the default once the script is empty.
 */
final class FakeNtfyServer implements AutoCloseable {

    /** One received request. */
    record Received(long atMillis, String method, String path, Map<String, List<String>> headers, String body) {}

    /** One scripted answer; {@code stallMillis > 0} sleeps before answering. */
    record Answer(int status, String body, String retryAfter, long stallMillis) {
        static Answer ok(String id) {
            return new Answer(200, "{\"id\":\"" + id + "\",\"time\":1795356009,\"event\":\"message\",\"topic\":\"t\"}", null, 0);
        }
        static Answer status(int s) { return new Answer(s, "{\"code\":" + s + "}", null, 0); }
        static Answer stall(long ms) { return new Answer(200, "{\"id\":\"late\"}", null, ms); }
    }

    private final HttpServer server;
    private final ConcurrentLinkedDeque<Answer> script = new ConcurrentLinkedDeque<>();
    private volatile Answer fallback = Answer.ok("default");
    /** Fixed answers by request path ({@code /<topic>}), before the script. */
    private final Map<String, Answer> byPath = new java.util.concurrent.ConcurrentHashMap<>();
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    FakeNtfyServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            received.add(new Received(System.currentTimeMillis(), exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), headers, new String(in, StandardCharsets.UTF_8)));
            Answer a = byPath.get(exchange.getRequestURI().getPath());
            if (a == null) a = script.poll();
            if (a == null) a = fallback;
            if (a.stallMillis() > 0) {
                try {
                    Thread.sleep(a.stallMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            if (a.retryAfter() != null) exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
            } catch (IOException e) {
                // the client gave up (stall): nothing to do
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() { return server.getAddress().getPort(); }

    FakeNtfyServer then(Answer... answers) {
        for (Answer a : answers) script.add(a);
        return this;
    }

    /** Every POST to {@code /<topic>} gets {@code a}. */
    FakeNtfyServer forTopic(String topic, Answer a) {
        byPath.put("/" + topic, a);
        return this;
    }

    FakeNtfyServer otherwise(Answer a) {
        fallback = a;
        return this;
    }

    int count() { return received.size(); }

    @Override
    public void close() {
        server.stop(0);
    }
}
