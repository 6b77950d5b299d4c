package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One API request as the route beans see it, free of Camel and servlet types: path parameters,
 * strict query parameters, content type, the (capped) body and the authenticated principal.
 */
public final class ApiRequest {

    private final String correlationId;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final String contentType;
    private final byte[] body;
    private final boolean bodyOverflow;
    private final long maxBodyBytes;
    private final Principal principal;
    private final InputStream uploadStream;
    private final long contentLength;

    public ApiRequest(String correlationId, Map<String, String> pathParams, Map<String, List<String>> query,
                      String contentType, byte[] body, boolean bodyOverflow, long maxBodyBytes, Principal principal,
                      InputStream uploadStream, long contentLength) {
        this.correlationId = correlationId;
        this.pathParams = Map.copyOf(pathParams);
        this.query = new LinkedHashMap<>(query);
        this.contentType = contentType;
        this.body = body == null ? new byte[0] : body;
        this.bodyOverflow = bodyOverflow;
        this.maxBodyBytes = maxBodyBytes;
        this.principal = principal;
        this.uploadStream = uploadStream;
        this.contentLength = contentLength;
    }

    public String correlationId() { return correlationId; }
    public Principal principal() { return principal; }
    public String contentType() { return contentType; }
    /** The raw upload body (inbound upload only) and its declared length (-1 when unknown). */
    public InputStream uploadStream() { return uploadStream; }
    public long contentLength() { return contentLength; }

    public String path(String name) {
        String v = pathParams.get(name);
        return v == null ? "" : v;
    }

    /** docs/CONTRACT.md#api-conventions: unknown or repeated query parameters → 422 on {@code query.<name>}. */
    public Map<String, String> query(Set<String> allowed) {
        List<ApiException.Detail> problems = new ArrayList<>();
        Map<String, String> single = new LinkedHashMap<>();
        query.forEach((name, values) -> {
            if (!allowed.contains(name)) {
                problems.add(new ApiException.Detail("query." + Ids.shown(name), "unknown parameter", null));
            } else if (values.size() > 1) {
                problems.add(new ApiException.Detail("query." + Ids.shown(name), "parameter given more than once", null));
            } else {
                single.put(name, values.get(0));
            }
        });
        if (!problems.isEmpty()) throw ApiException.invalidRequest(problems);
        return single;
    }

    /** The media type without parameters, lower case; null when absent. */
    public String mediaType() {
        if (contentType == null || contentType.isBlank()) return null;
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** docs/CONTRACT.md#api-conventions: JSON or no Content-Type, else 415. */
    public void requireJson() {
        String type = mediaType();
        if (type != null && !type.equals("application/json")) throw ApiException.unsupportedMediaType(contentType);
    }

    /** docs/CONTRACT.md#api-conventions: bodies above API_MAX_BODY_BYTES → 413. */
    public byte[] body() {
        if (bodyOverflow || body.length > maxBodyBytes) throw ApiException.payloadTooLarge(maxBodyBytes, "API_MAX_BODY_BYTES");
        return body;
    }

    /** Media type, size and syntax checks of a JSON object body; an empty body is an empty object. */
    public ObjectNode jsonObject() {
        requireJson();
        byte[] bytes = body();
        if (bytes.length == 0) return Json.MAPPER.createObjectNode();
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw ApiException.malformedJson();
        }
        if (node == null || node.isMissingNode()) return Json.MAPPER.createObjectNode();
        if (!(node instanceof ObjectNode object)) throw ApiException.invalid("body", "must be a JSON object");
        return object;
    }
}
