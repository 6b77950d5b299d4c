package com.relay.sources.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-process HTTP or HTTPS server (the JDK's com.sun.net.httpserver) on 127.0.0.1, ephemeral
 * port; HTTPS uses the {@link TestCertificate}. Paths are registered with {@link #serveFile},
 * {@link #status}, {@link #redirect}, {@link #dropAfter}. Every request's method, path and
 * Authorization header is recorded ({@link #requests()}).
 */
public final class HttpTestServer implements AutoCloseable {

    /** What a path requires: nothing, a Basic user/password, or a Bearer token. */
    public record Auth(String type, String user, String secret) {
        public static Auth none() {
            return new Auth("none", null, null);
        }

        public static Auth basic(String user, String password) {
            return new Auth("basic", user, password);
        }

        public static Auth bearer(String token) {
            return new Auth("bearer", null, token);
        }

        boolean accepts(String authorization) {
            return switch (type) {
                case "none" -> true;
                case "basic" -> ("Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + secret).getBytes(StandardCharsets.UTF_8))).equals(authorization);
                case "bearer" -> ("Bearer " + secret).equals(authorization);
                default -> false;
            };
        }
    }

    /** One request as the server received it (header names lower-cased). */
    public record Request(String method, String path, String authorization, Map<String, List<String>> headers) {
    }

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final boolean https;

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private HttpTestServer(HttpServer server, boolean https) {
        this.server = server;
        this.https = https;
        server.createContext("/", this::dispatch);
        server.setExecutor(executor);
        server.start();
    }

    public static HttpTestServer startHttp() {
        try {
            return new HttpTestServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HttpTestServer startHttps() {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(TestCertificate.serverContext()));
            return new HttpTestServer(server, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http(s)://localhost:<port><path>} (localhost: the certificate's name). */
    public String url(String path) {
        return (https ? "https" : "http") + "://localhost:" + port() + path;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** GET {@code path} returns {@code file} (streamed, with Content-Length and Last-Modified) once {@code auth} accepts. */
    public void serveFile(String path, Path file, Instant lastModified, Auth auth) {
        handlers.put(path, exchange -> {
            if (!auth.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate",
                        "bearer".equals(auth.type()) ? "Bearer" : "Basic realm=\"test\"");
                respond(exchange, 401, "unauthorized");
                return;
            }
            long size = Files.size(file);
            exchange.getResponseHeaders().add("Last-Modified", HTTP_DATE.format(lastModified));
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, size);
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        });
    }

    /** GET {@code path} answers {@code status} with a short text body. */
    public void status(String path, int status) {
        handlers.put(path, exchange -> respond(exchange, status, "status " + status));
    }

    /** GET {@code path} answers {@code status} without a body (Content-Length 0, or none for 204). */
    public void noBody(String path, int status) {
        handlers.put(path, exchange -> {
            exchange.getResponseHeaders().add("Last-Modified", HTTP_DATE.format(Instant.parse("2026-03-04T05:06:07Z")));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
    }

    /** GET {@code path} answers 302 to {@code location}. */
    public void redirect(String path, String location) {
        handlers.put(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
    }

    /**
     * GET {@code path} announces {@code file}'s full Content-Length, sends its first {@code bytes}
     * bytes and then closes the connection: a half-downloaded connection drop.
     */
    public void dropAfter(String path, Path file, long bytes) {
        handlers.put(path, exchange -> {
            exchange.sendResponseHeaders(200, Files.size(file));
            OutputStream out = exchange.getResponseBody();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[8192];
                long left = bytes;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    out.write(buffer, 0, n);
                    left -= n;
                }
                out.flush();
            }
            // closing a fixed-length body before its end closes the connection (the JDK server's rule)
            exchange.close();
        });
    }

    /** GET {@code path} waits {@code millis} before it answers 200 (a server slower than the client's timeout). */
    public void slow(String path, long millis) {
        handlers.put(path, exchange -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "late");
        });
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, List<String>> headers = new java.util.TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), List.copyOf(values)));
        requests.add(new Request(exchange.getRequestMethod(), path,
                exchange.getRequestHeaders().getFirst("Authorization"), headers));
        Handler handler = handlers.get(path);
        try {
            if (handler == null) {
                respond(exchange, 404, "not found");
            } else {
                handler.handle(exchange);
            }
        } catch (IOException e) {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
