package com.relay.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A loopback CloudWatch endpoint that records every PutMetricData exactly as it arrived: headers,
 * raw body, and the datums decoded from whichever protocol carried them — Smithy RPCv2 CBOR (what
 * SDK 2.41 speaks), AWS JSON 1.0 ({@code X-Amz-Target}) or the query protocol (form-encoded
 * {@code MetricData.member.N.*}, what earlier SDKs spoke) — after undoing {@code Content-Encoding: gzip}.
 * With {@link #rejectGzip(boolean)} it answers a gzip body with HTTP 500, as LocalStack 4.9 does.
 */
public final class RecordingCloudWatch implements AutoCloseable {

    private static final String CBOR_PREFIX = "/service/GraniteServiceVersion20100801/operation/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    /** One datum as CloudWatch received it. */
    public record Datum(String protocol, String namespace, String name, String unit, Map<String, String> dimensions,
                        Double value, List<Double> values, List<Double> counts) {
        /** Sum of values × counts (or the single value). */
        public double sum() {
            if (value != null) return value;
            double s = 0;
            for (int i = 0; i < values.size(); i++) s += values.get(i) * (counts.isEmpty() ? 1 : counts.get(i));
            return s;
        }

        public double sampleCount() {
            if (value != null) return 1;
            return counts.isEmpty() ? values.size() : counts.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** One request: its operation, headers of interest and datums. */
    public record Request(String operation, String protocol, String contentEncoding, String contentType, int bodyBytes,
                          List<Datum> datums) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean rejectGzip;

    public RecordingCloudWatch() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public RecordingCloudWatch rejectGzip(boolean reject) {
        this.rejectGzip = reject;
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Datum> datums() {
        return requests.stream().flatMap(r -> r.datums().stream()).toList();
    }

    public void clear() {
        requests.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            boolean gzip = encoding != null && encoding.contains("gzip");
            if (gzip && rejectGzip) {
                requests.add(new Request("?", "?", encoding, type, raw.length, List.of()));
                respond(exchange, 500, "application/x-amz-json-1.0",
                        "{\"__type\":\"InternalError\",\"message\":\"exception while parsing the request\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = gzip ? new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes() : raw;
            String path = exchange.getRequestURI().getPath();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (path.startsWith(CBOR_PREFIX)) {
                String op = path.substring(CBOR_PREFIX.length());
                JsonNode req = body.length == 0 ? JSON.createObjectNode() : CBOR.readTree(body);
                requests.add(new Request(op, "cbor", encoding, type, raw.length, fromTree("cbor", op, req)));
                exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
                respond(exchange, 200, "application/cbor", CBOR.writeValueAsBytes(JSON.createObjectNode()));
            } else if (target != null) {
                String op = target.substring(target.indexOf('.') + 1);
                JsonNode req = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
                requests.add(new Request(op, "json", encoding, type, raw.length, fromTree("json", op, req)));
                respond(exchange, 200, "application/x-amz-json-1.0", "{}".getBytes(StandardCharsets.UTF_8));
            } else {
                Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
                String op = form.getOrDefault("Action", "?");
                requests.add(new Request(op, "query", encoding, type, raw.length, fromForm(op, form)));
                respond(exchange, 200, "text/xml", ("<" + op + "Response xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
                        + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></" + op + "Response>")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static List<Datum> fromTree(String protocol, String op, JsonNode req) {
        if (!op.equals("PutMetricData")) return List.of();
        String ns = req.path("Namespace").asText();
        List<Datum> out = new ArrayList<>();
        for (JsonNode d : req.path("MetricData")) {
            Map<String, String> dims = new TreeMap<>();
            d.path("Dimensions").forEach(x -> dims.put(x.path("Name").asText(), x.path("Value").asText()));
            List<Double> values = new ArrayList<>();
            d.path("Values").forEach(v -> values.add(v.asDouble()));
            List<Double> counts = new ArrayList<>();
            d.path("Counts").forEach(v -> counts.add(v.asDouble()));
            out.add(new Datum(protocol, ns, d.path("MetricName").asText(), d.path("Unit").asText(null), dims,
                    d.has("Value") ? d.path("Value").asDouble() : null, values, counts));
        }
        return out;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new TreeMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static List<Datum> fromForm(String op, Map<String, String> form) {
        if (!op.equals("PutMetricData")) return List.of();
        List<Datum> out = new ArrayList<>();
        for (int i = 1; form.containsKey("MetricData.member." + i + ".MetricName"); i++) {
            String p = "MetricData.member." + i + ".";
            Map<String, String> dims = new TreeMap<>();
            for (int j = 1; form.containsKey(p + "Dimensions.member." + j + ".Name"); j++) {
                dims.put(form.get(p + "Dimensions.member." + j + ".Name"), form.get(p + "Dimensions.member." + j + ".Value"));
            }
            out.add(new Datum("query", form.get("Namespace"), form.get(p + "MetricName"), form.get(p + "Unit"), dims,
                    form.containsKey(p + "Value") ? Double.valueOf(form.get(p + "Value")) : null,
                    list(form, p + "Values.member."), list(form, p + "Counts.member.")));
        }
        return out;
    }

    private static List<Double> list(Map<String, String> form, String prefix) {
        List<Double> out = new ArrayList<>();
        for (int k = 1; form.containsKey(prefix + k); k++) out.add(Double.valueOf(form.get(prefix + k)));
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
