package com.relay.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one error body of docs/CONTRACT.md#api-errors: {@code {"error":{"code","message","details"}, extras…, "correlation_id"}}. */
public final class ApiErrors {

    private ApiErrors() {}

    public static Map<String, Object> body(ApiException e, String correlationId) {
        List<Map<String, Object>> details = new ArrayList<>();
        for (ApiException.Detail d : e.details()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", d.path());
            m.put("message", d.message());
            if (d.code() != null) m.put("code", d.code());
            details.add(m);
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code());
        error.put("message", e.getMessage());
        error.put("details", details);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.putAll(e.extra());
        body.put("correlation_id", correlationId);
        return body;
    }

    /** Spring MVC's own errors (unknown route, wrong method, …) in the same shape. */
    public static ApiException forStatus(int status) {
        return switch (status) {
            case 404 -> ApiException.notFound();
            case 405 -> new ApiException(405, "METHOD_NOT_ALLOWED", "method not allowed");
            case 413 -> new ApiException(413, "PAYLOAD_TOO_LARGE", "request body is too large");
            case 415 -> new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "unsupported content type");
            case 400 -> new ApiException(400, "BAD_REQUEST", "request is malformed");
            case 408 -> new ApiException(408, "REQUEST_TIMEOUT", "the request was not received in time");
            case 431 -> new ApiException(431, "HEADERS_TOO_LARGE", "request headers are too large");
            case 505 -> new ApiException(505, "HTTP_VERSION_NOT_SUPPORTED", "HTTP version not supported");
            case 503 -> ApiException.serviceUnavailable();
            default -> new ApiException(500, "INTERNAL", "internal error");
        };
    }
}
