package com.relay.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The load generator's HTTP/1.1 client: one keep-alive connection, one request at a time, the
 * smallest amount of work per request. The benchmark shares two cores with the service and its
 * emulators, so every microsecond the client spends is taken from what it measures:
 * {@code java.net.http.HttpClient} took about 0.5 ms of CPU per request there, a third of what
 * the service itself needs. Reads {@code Content-Length} and chunked bodies, reconnects when the
 * server closes the connection (Tomcat does every 100 requests by default).
 */
final class LoadClient implements Closeable {

    record Response(int status, String body) {}

    private final String host;
    private final int port;
    private final String apiKey;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    LoadClient(String host, int port, String apiKey) {
        this.host = host;
        this.port = port;
        this.apiKey = apiKey;
    }

    /** {@code method path} with an optional JSON body; the whole response body as UTF-8. */
    Response send(String method, String path, String json) throws IOException {
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\nX-API-Key: ").append(apiKey).append("\r\n");
        if (body != null) head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        head.append("\r\n");
        boolean fresh = socket == null;
        if (fresh) connect();
        try {
            return exchange(head.toString().getBytes(StandardCharsets.US_ASCII), body);
        } catch (StaleConnection e) {
            // a kept-alive connection the server had closed while idle (keepAliveTimeout): nothing of
            // a response arrived, so the request was not served; send it once more on a new one
            close();
            if (fresh) throw new IOException("connection closed before any response", e);
            connect();
            return exchange(head.toString().getBytes(StandardCharsets.US_ASCII), body);
        }
    }

    /** The connection was closed before a single byte of the response arrived. */
    private static final class StaleConnection extends IOException {
        StaleConnection(Throwable cause) { super(cause); }
    }

    private Response exchange(byte[] head, byte[] body) throws IOException {
        int first;
        try {
            out.write(head);
            if (body != null) out.write(body);
            out.flush();
            first = in.read();
        } catch (java.net.SocketException e) {
            throw new StaleConnection(e);
        }
        if (first < 0) throw new StaleConnection(null);
        String status = (char) first + line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) throw new IOException("not an HTTP/1.1 response: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closing = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) throw new IOException("malformed header: " + header);
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closing = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream(length > 0 ? (int) length : 256);
        if (chunked) {
            for (long size = Long.parseLong(chunkSize(line()), 16); size > 0; size = Long.parseLong(chunkSize(line()), 16)) {
                copy(size, content);
                if (!line().isEmpty()) throw new IOException("chunk not followed by CRLF");
            }
            while (!line().isEmpty()) { } // trailers
        } else if (length >= 0) {
            copy(length, content);
        } else {
            throw new IOException("response without Content-Length or chunked body (status " + code + ")");
        }
        if (closing) close();
        return new Response(code, content.toString(StandardCharsets.UTF_8));
    }

    private static String chunkSize(String line) {
        int semicolon = line.indexOf(';');
        return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    }

    private void connect() throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        in = new BufferedInputStream(socket.getInputStream(), 16384);
    }

    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
        while (n > 0) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (r < 0) throw new EOFException("connection closed inside a response body");
            to.write(buffer, 0, r);
            n -= r;
        }
    }

    /** One header line without its CRLF (ISO-8859-1, as HTTP/1.1 headers are). */
    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new EOFException("connection closed inside a response head");
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            Socket s = socket;
            socket = null;
            s.close();
        }
    }
}
