package com.relay.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;

/**
 * Test plumbing, not a CloudWatch: the AWS SDK 2.41 CloudWatch client speaks Smithy RPCv2 CBOR,
 * moto's CloudWatch speaks the AWS JSON 1.0 protocol of the same API. This loopback server
 * re-encodes each request body CBOR → JSON (operation from the path into {@code X-Amz-Target}) and
 * each answer JSON → CBOR (members named {@code *Timestamp} as CBOR epoch timestamps), so every
 * PutMetricAlarm/DescribeAlarms is handled, validated and stored by moto itself.
 */
final class CborJsonBridge implements AutoCloseable {

    private static final String PREFIX = "/service/GraniteServiceVersion20100801/operation/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String target;

    CborJsonBridge(String motoEndpoint) throws IOException {
        this.target = motoEndpoint;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.startsWith(PREFIX)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode request = body.length == 0 ? JSON.createObjectNode() : CBOR.readTree(body);
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + "/"))
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "GraniteServiceVersion20100801." + path.substring(PREFIX.length()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)));
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) forward.header("Authorization", auth);
            HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] cbor = toCbor(answer.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(answer.body()));
            exchange.getResponseHeaders().add("Content-Type", "application/cbor");
            exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
            exchange.sendResponseHeaders(answer.statusCode(), cbor.length);
            exchange.getResponseBody().write(cbor);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] toCbor(JsonNode node) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = ((CBORFactory) CBOR.getFactory()).createGenerator(out)) {
            write(g, null, node);
        }
        return out.toByteArray();
    }

    private static void write(CBORGenerator g, String name, JsonNode node) throws IOException {
        if (node.isObject()) {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                g.writeFieldName(e.getKey());
                write(g, e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode item : node) write(g, name, item);
            g.writeEndArray();
        } else if (node.isNumber() && name != null && name.endsWith("Timestamp")) {
            g.writeTag(1); // RFC 8949 epoch-based date/time, as RPCv2 CBOR encodes timestamps
            g.writeNumber(node.doubleValue());
        } else {
            ((JsonGenerator) g).writeTree(node);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
