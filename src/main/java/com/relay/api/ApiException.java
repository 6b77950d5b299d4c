package com.relay.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An API error of docs/CONTRACT.md#api-errors: HTTP status, code, message, details and extra top-level members.
 * Thrown by the route beans; {@link ApiGate#fail} turns it into the one error shape.
 */
public class ApiException extends RuntimeException {

    /** One {@code details} element: {@code {"path","message"(,"code")}}. */
    public record Detail(String path, String message, String code) {}

    private final int status;
    private final String code;
    private final List<Detail> details;
    private final Map<String, Object> extra;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message, List<Detail> details,
                        Map<String, Object> extra, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = List.copyOf(details);
        this.extra = new LinkedHashMap<>(extra);
        this.headers = new LinkedHashMap<>(headers);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, List.of(), Map.of(), Map.of());
    }

    public int status() { return status; }
    public String code() { return code; }
    public List<Detail> details() { return details; }
    public Map<String, Object> extra() { return extra; }
    public Map<String, String> headers() { return headers; }

    public static ApiException malformedJson() { return new ApiException(400, "MALFORMED_JSON", "request body is not valid JSON"); }
    public static ApiException malformedYaml() { return new ApiException(400, "MALFORMED_YAML", "request body is not valid YAML"); }
    public static ApiException unauthorized() { return new ApiException(401, "UNAUTHORIZED", "missing or invalid credentials"); }
    public static ApiException forbidden() { return new ApiException(403, "FORBIDDEN", "not allowed for this principal"); }
    // ids from the path are echoed only when they can be ids at all (issue 17 #15)
    public static ApiException tenantNotFound(String id) {
        return new ApiException(404, "TENANT_NOT_FOUND", "tenant " + (Ids.isIdentifier(id) ? id : "(invalid id)") + " not found");
    }
    public static ApiException runNotFound(String id) {
        return new ApiException(404, "RUN_NOT_FOUND", "run " + (Ids.isRunId(id) ? id : "(invalid id)") + " not found");
    }
    public static ApiException notFound() { return new ApiException(404, "NOT_FOUND", "no such endpoint"); }
    /** 413 naming the limit and the setting that raises it. */
    public static ApiException payloadTooLarge(long max, String setting) {
        return new ApiException(413, "PAYLOAD_TOO_LARGE", "request body exceeds " + max + " bytes (" + setting + ")");
    }
    public static ApiException unsupportedMediaType(String type) {
        return new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "unsupported content type " + Ids.shown(type));
    }
    /** 429 of the per-tenant request rate (API_RATE_LIMIT_PER_SECOND). */
    public static ApiException rateLimited(int perSecond, int burst, long retryAfterSeconds) {
        return new ApiException(429, "RATE_LIMITED", "more than " + perSecond + " requests per second (burst " + burst
                + ") for this tenant (API_RATE_LIMIT_PER_SECOND, API_RATE_LIMIT_BURST); retry later",
                List.of(), Map.of(), Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }
    public static ApiException invalidRequest(List<Detail> details) {
        return new ApiException(422, "VALIDATION_ERROR", "request is invalid", details, Map.of(), Map.of());
    }
    public static ApiException invalid(String path, String message) {
        return invalidRequest(List.of(new Detail(path, message, null)));
    }
    public static ApiException serviceUnavailable() {
        return new ApiException(503, "SERVICE_UNAVAILABLE", "a dependency is unavailable; retry later",
                List.of(), Map.of(), Map.of("Retry-After", "5"));
    }
}
