package com.relay.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a route bean answers: status, JSON body (null for none) and extra headers (e.g. Location). */
public record ApiResponse(int status, Object body, Map<String, String> headers) {

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
