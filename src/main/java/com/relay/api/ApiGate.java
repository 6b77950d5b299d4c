package com.relay.api;

import com.relay.config.RelaySettings;
import com.relay.logging.Causes;
import com.relay.logging.LogContext;
import com.relay.observability.ApiRequestObserver;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The HTTP edge of every API route: {@link #enter} turns the exchange into an {@link ApiRequest}
 * (authenticating first, docs/CONTRACT.md#authentication-and-authorization) and drops every Camel header, because platform-http would copy
 * them — request headers included — into the response; {@link #reply} writes an
 * {@link ApiResponse}; {@link #fail} writes the one error shape of docs/CONTRACT.md#api-errors for anything thrown.
 */
@Component("apiGate")
public class ApiGate {

    private static final Logger log = LoggerFactory.getLogger(ApiGate.class);
    public static final String REQUEST = "relayRequest";
    /**
     * The error a route answered, on the servlet request: when a failed body read made Tomcat
     * mark the response as failed (a stalled upload), Tomcat's error dispatch replaces the route's
     * answer, and {@link ApiErrorController} writes this error instead of a bare 500.
     */
    public static final String FAILURE = "relay.failure";
    private static final String HTTP_REQUEST = "relayHttpRequest";
    private static final String URI_VARIABLES = "org.springframework.web.servlet.HandlerMapping.uriTemplateVariables";
    private static final String JSON = "application/json; charset=utf-8";

    private final Authenticator authenticator;
    private final long maxBodyBytes;
    private final RelaySettings.Limits limits;
    private final TenantRateLimiter rateLimiter;

    public ApiGate(Authenticator authenticator, RelaySettings settings) {
        this.authenticator = authenticator;
        this.maxBodyBytes = settings.api().maxBodyBytes();
        this.limits = settings.api().limits();
        this.rateLimiter = new TenantRateLimiter(limits.requestsPerSecond(), limits.requestBurst(), System::nanoTime);
    }

    /** Builds the request of an endpoint that requires a credential. */
    public void enter(Exchange exchange) {
        build(exchange, true);
    }

    /** Builds the request of a public endpoint (health, openapi). */
    public void enterPublic(Exchange exchange) {
        build(exchange, false);
    }

    private void build(Exchange exchange, boolean authenticate) {
        HttpServletRequest http = exchange.getIn().getHeader("CamelHttpServletRequest", HttpServletRequest.class);
        String correlationId = http == null ? null : (String) http.getAttribute(RequestBodyFilter.CORRELATION_ID);
        if (correlationId == null) correlationId = CorrelationIds.resolve(List.of());
        exchange.setProperty("relayCorrelationId", correlationId);
        if (http != null) exchange.setProperty(HTTP_REQUEST, http);
        // platform-http runs the route on a pooled thread: start from a clean logging context
        LogContext.clear();
        LogContext.set(LogContext.CORRELATION_ID, correlationId);
        Map<String, String> pathParams = new HashMap<>();
        Object vars = http == null ? null : http.getAttribute(URI_VARIABLES);
        if (vars instanceof Map<?, ?> map) map.forEach((k, v) -> pathParams.put(String.valueOf(k), String.valueOf(v)));
        List<String> keys = http == null ? List.of() : Collections.list(http.getHeaders("X-API-Key"));
        List<String> authorization = http == null ? List.of() : Collections.list(http.getHeaders("Authorization"));
        exchange.getIn().removeHeaders("*");
        Principal principal = authenticate ? authenticator.authenticate(keys, authorization) : null;
        if (principal != null && http != null) http.setAttribute(ApiRequestObserver.PRINCIPAL, principal.id());
        if (principal != null) checkRate(principal);
        boolean upload = http != null && http.getAttribute(RequestBodyFilter.UPLOAD_STREAM) != null;
        InputStream stream = http == null ? null : (InputStream) http.getAttribute(RequestBodyFilter.BODY_STREAM);
        byte[] body = null;
        if (!upload && stream != null) {
            try {
                body = stream.readAllBytes(); // at most API_MAX_BODY_BYTES + 1 (capped by the filter)
            } catch (java.io.IOException e) {
                // the client closed or stalled before its Content-Length: its fault, not ours (was 500)
                throw new ApiException(400, "INCOMPLETE_BODY", "the request body ended before its Content-Length");
            }
        }
        boolean overflow = http != null && Boolean.TRUE.equals(http.getAttribute(RequestBodyFilter.BODY_OVERFLOW));
        ApiRequest request = new ApiRequest(correlationId, pathParams, parseQuery(http == null ? null : http.getQueryString()),
                http == null ? null : http.getContentType(), body, overflow, maxBodyBytes, principal,
                upload ? stream : null,
                http == null ? -1 : http.getContentLengthLong());
        exchange.getIn().setBody(null);
        exchange.setProperty(REQUEST, request);
    }

    /** API_RATE_LIMIT_PER_SECOND per tenant; admin principals are exempt (docs/API.md "Limits"). */
    private void checkRate(Principal principal) {
        if (principal.admin()) return;
        long wait = rateLimiter.acquire(principal.tenantId());
        if (wait > 0) throw ApiException.rateLimited(limits.requestsPerSecond(), limits.requestBurst(), wait);
    }

    /** Writes the bean's {@link ApiResponse} (the message body) as JSON. */
    public void reply(Exchange exchange) {
        ApiResponse response = exchange.getIn().getBody(ApiResponse.class);
        if (response.body() instanceof ApiResponse.Stream stream) {
            // a file streamed as it arrives (the published feed), never read into memory here
            Map<String, String> headers = new LinkedHashMap<>(response.headers());
            headers.put(Exchange.CONTENT_TYPE, stream.contentType());
            if (stream.length() >= 0) headers.put(Exchange.CONTENT_LENGTH, Long.toString(stream.length()));
            write(exchange, response.status(), null, headers);
            exchange.getIn().setBody(stream.in());
            return;
        }
        write(exchange, response.status(), response.body(), response.headers());
    }

    /** Turns the caught exception into the docs/CONTRACT.md#api-errors error body; never exposes internal text. */
    public void fail(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String correlationId = exchange.getProperty("relayCorrelationId", String.class);
        if (correlationId == null) {
            HttpServletRequest http = exchange.getIn().getHeader("CamelHttpServletRequest", HttpServletRequest.class);
            correlationId = http == null ? null : (String) http.getAttribute(RequestBodyFilter.CORRELATION_ID);
        }
        ApiException error;
        if (t instanceof ApiException api) {
            error = api;
        } else if (t != null && Causes.has(t, SdkException.class)) {
            log.warn("dependency failure (correlation_id={}): {}", correlationId, t.toString());
            error = ApiException.serviceUnavailable();
        } else {
            log.error("unexpected error (correlation_id={})", correlationId, t);
            error = new ApiException(500, "INTERNAL", "internal error");
        }
        HttpServletRequest http = exchange.getProperty(HTTP_REQUEST, HttpServletRequest.class);
        if (http != null) http.setAttribute(FAILURE, error);
        exchange.getIn().removeHeaders("*");
        Map<String, String> headers = new LinkedHashMap<>(error.headers());
        if (error.status() == 503) headers.putIfAbsent("Retry-After", "5");
        write(exchange, error.status(), ApiErrors.body(error, correlationId), headers);
    }

    private static void write(Exchange exchange, int status, Object body, Map<String, String> headers) {
        var message = exchange.getIn();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        headers.forEach(message::setHeader);
        String correlationId = exchange.getProperty("relayCorrelationId", String.class);
        if (correlationId != null) message.setHeader(CorrelationIds.HEADER, correlationId);
        if (body == null) {
            message.setBody(null);
        } else {
            message.setHeader(Exchange.CONTENT_TYPE, JSON);
            message.setBody(Json.write(body));
        }
        LogContext.clear();
    }

    /** Query string → names with every value (repeats kept for the strictness rule of docs/CONTRACT.md#api-conventions). */
    static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) return result;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return result;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
