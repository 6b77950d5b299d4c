package com.relay.observability;

import com.relay.api.RequestBodyFilter;
import com.relay.logging.LogContext;
import com.relay.metrics.RelayMetrics;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * One place per API request for what happens when its response is written: the
 * {@code APIRequestCount}/{@code APIResponseTime} meters (docs/CONTRACT.md#notification-and-api-metrics) and the
 * {@code api_request} log line (docs/CONTRACT.md#structured-logging; health checks at DEBUG). It rides on Spring's server request
 * observation, which already knows the route template and stays open until the response is
 * complete. Management-port requests are not API requests.
 */
@Component("apiRequestObserver")
public class ApiRequestObserver implements ObservationHandler<ServerRequestObservationContext> {

    private static final Logger log = LoggerFactory.getLogger("com.relay.api.requests");
    private static final String STARTED = ApiRequestObserver.class.getName() + ".started";
    /** Set by {@code ApiGate} once the caller is authenticated. */
    public static final String PRINCIPAL = "relay.principal";

    private final RelayMetrics metrics;

    public ApiRequestObserver(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof ServerRequestObservationContext;
    }

    @Override
    public void onStart(ServerRequestObservationContext context) {
        context.put(STARTED, System.nanoTime());
    }

    @Override
    public void onStop(ServerRequestObservationContext context) {
        HttpServletRequest request = context.getCarrier();
        String uri = request.getRequestURI();
        if (uri == null || uri.startsWith("/actuator")) return;
        Long started = context.get(STARTED);
        Duration elapsed = Duration.ofNanos(started == null ? 0 : System.nanoTime() - started);
        String endpoint = ApiEndpoints.endpoint(request.getMethod(), context.getPathPattern());
        int status = context.getResponse() == null ? 500 : context.getResponse().getStatus();
        metrics.apiResponse(endpoint, status, elapsed);
        boolean health = "/v1/health".equals(context.getPathPattern());
        Object correlationId = request.getAttribute(RequestBodyFilter.CORRELATION_ID);
        TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
        try (LogContext.Scope scope = LogContext.open()
                .correlationId(correlationId == null ? null : correlationId.toString())) {
            if (tracing != null && tracing.getSpan() != null) {
                scope.put("traceId", tracing.getSpan().context().traceId());
                scope.put("spanId", tracing.getSpan().context().spanId());
            }
            LoggingEventBuilder line = health ? log.atDebug() : log.atInfo();
            Object principal = request.getAttribute(PRINCIPAL);
            line.addKeyValue("event", "api_request")
                    .addKeyValue("method", request.getMethod())
                    .addKeyValue("path", context.getPathPattern() == null ? RelayMetrics.UNMATCHED : context.getPathPattern())
                    .addKeyValue("status_code", status)
                    .addKeyValue("duration_ms", elapsed.toMillis())
                    .addKeyValue("principal", principal == null ? null : principal.toString())
                    .log("{} {} {}", request.getMethod(), endpoint.equals(RelayMetrics.UNMATCHED) ? "(unmatched)" : context.getPathPattern(), status);
        }
    }
}
