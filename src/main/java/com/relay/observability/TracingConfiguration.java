package com.relay.observability;

import com.relay.api.RequestBodyFilter;
import com.relay.config.RelaySettings;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;

/**
 * Tracing (docs/CONTRACT.md#tracing, docs/CONTRACT.md#metrics-and-tracing-settings) on Spring Boot's Micrometer Tracing over the
 * OpenTelemetry SDK. Spans are always created, so log lines carry {@code trace_id}/{@code span_id};
 * export is off unless {@code OTEL_TRACES_EXPORTER=otlp}, then spans go to
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} over {@code OTEL_EXPORTER_OTLP_PROTOCOL}. Boot builds the SDK
 * (W3C propagation, batch span processor, {@code service.name} from {@code OTEL_SERVICE_NAME} in
 * application.yaml); this class supplies the sampler and the exporter from {@link RelaySettings}.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    /** {@code OTEL_TRACES_SAMPLER} / {@code OTEL_TRACES_SAMPLER_ARG} with the OpenTelemetry names. */
    @Bean
    public Sampler relaySampler(RelaySettings settings) {
        return sampler(settings.observability().tracesSampler(), settings.observability().tracesSamplerArg());
    }

    static Sampler sampler(String name, double ratio) {
        return switch (name) {
            case "always_on" -> Sampler.alwaysOn();
            case "always_off" -> Sampler.alwaysOff();
            case "traceidratio" -> Sampler.traceIdRatioBased(ratio);
            case "parentbased_always_on" -> Sampler.parentBased(Sampler.alwaysOn());
            case "parentbased_always_off" -> Sampler.parentBased(Sampler.alwaysOff());
            default -> Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
        };
    }

    /** The OTLP exporter, only with {@code OTEL_TRACES_EXPORTER=otlp}; Boot's batch processor picks it up. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "OTEL_TRACES_EXPORTER", havingValue = "otlp")
    public SpanExporter relayOtlpSpanExporter(RelaySettings settings) {
        RelaySettings.Observability o = settings.observability();
        String endpoint = o.otlpEndpoint().toString();
        if (o.otlpProtocol().equals("grpc")) {
            return OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build();
        }
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build();
    }

    /**
     * Work handed to Boot's task executor continues the current observation (and so the span and
     * its MDC ids). The API's routes no longer go there (they run on the request's own thread,
     * {@code ApiWebConfiguration}); anything else that uses the executor keeps its trace.
     */
    @Bean
    public ContextPropagatingTaskDecorator relayContextPropagatingTaskDecorator() {
        return new ContextPropagatingTaskDecorator();
    }

    /**
     * The server span is named {@code <METHOD> <route template>} ({@code POST /v1/runs}) and carries
     * {@code relay.correlation_id} and {@code http.response.status_code} (span-only values: they
     * never become tags of the {@code http.server.requests} meter).
     */
    @Bean
    public ServerRequestObservationConvention relayServerRequestConvention() {
        return new DefaultServerRequestObservationConvention() {
            @Override
            public String getContextualName(ServerRequestObservationContext context) {
                return ApiEndpoints.endpoint(context.getCarrier().getMethod(), context.getPathPattern());
            }

            @Override
            public KeyValues getHighCardinalityKeyValues(ServerRequestObservationContext context) {
                KeyValues values = super.getHighCardinalityKeyValues(context);
                Object correlationId = context.getCarrier().getAttribute(RequestBodyFilter.CORRELATION_ID);
                if (correlationId != null) values = values.and(KeyValue.of("relay.correlation_id", correlationId.toString()));
                if (context.getResponse() != null) {
                    values = values.and(KeyValue.of("http.response.status_code", Integer.toString(context.getResponse().getStatus())));
                }
                return values;
            }
        };
    }
}
