package com.relay.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route bean answers: status, JSON body (null for none) and extra headers (e.g. Location).
 * A {@link Stream} body is sent as it is read, with its own content type.
 */
public record ApiResponse(int status, Object body, Map<String, String> headers) {

    /** A body streamed to the client: the stream is closed by the HTTP layer once sent. */
    public record Stream(java.io.InputStream in, String contentType, long length) {}

    public static ApiResponse stream(java.io.InputStream in, String contentType, long length, Map<String, String> headers) {
        return new ApiResponse(200, new Stream(in, contentType, length), headers);
    }

    public static ApiResponse ok(Object body) { return new ApiResponse(200, body, Map.of()); }

    public static ApiResponse created(Object body, String location) {
        return new ApiResponse(201, body, location == null ? Map.of() : Map.of("Location", location));
    }

    public static ApiResponse accepted(Object body, String location) {
        return new ApiResponse(202, body, Map.of("Location", location));
    }

    public static ApiResponse noContent() { return new ApiResponse(204, null, Map.of()); }

    public ApiResponse {
        headers = new LinkedHashMap<>(headers);
    }
}
