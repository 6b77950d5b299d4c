package com.relay.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import org.springframework.core.env.Environment;

/**
 * The log line of docs/CONTRACT.md#structured-logging: one JSON object per line with {@code timestamp} (TS),
 * {@code level}, {@code logger}, {@code thread}, {@code message}, {@code event}, {@code service},
 * {@code environment}, {@code version}, the docs/CONTRACT.md#correlation-ids context ids from the MDC ({@link LogContext}),
 * {@code trace_id}/{@code span_id} of the active span, the event's fields (SLF4J key-value pairs:
 * {@code log.atInfo().addKeyValue("event", "run_stage").addKeyValue("stage", "NORMALIZE").log(…)}),
 * and for exceptions {@code error} (WARN/ERROR) and {@code stack_trace} (ERROR only).
 *
 * <p>A custom formatter because the spec's field names are neither ECS's nor Logstash's. Spring
 * Boot's structured logging instantiates it ({@code logging.structured.format.console}, set by
 * {@link LogFormatEnvironmentPostProcessor}). Only the listed MDC keys are written: other MDC
 * entries (Camel's, for instance) never reach the line.
 */
public class RelayJsonFormatter implements StructuredLogFormatter<ILoggingEvent> {

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Written by the line itself; a key-value pair of the same name cannot replace them. */
    private static final Set<String> RESERVED = Set.of("timestamp", "level", "logger", "thread", "message",
            "service", "environment", "version");

    private final String service;
    private final String environment;
    private final String version;

    /** The {@code service} field: always this name (docs/CONTRACT.md#structured-logging), whatever {@code OTEL_SERVICE_NAME} says. */
    public static final String SERVICE = "relay-inventory";

    public RelayJsonFormatter(Environment env) {
        this(SERVICE, nonBlank(env.getProperty("ENVIRONMENT"), "unknown"), nonBlank(env.getProperty("relay.version"), "unknown"));
    }

    public RelayJsonFormatter(String service, String environment, String version) {
        this.service = service;
        this.environment = environment;
        this.version = version;
    }

    @Override
    public String format(ILoggingEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", TS.format(Instant.ofEpochMilli(event.getTimeStamp())));
        line.put("level", level(event.getLevel()));
        line.put("logger", event.getLoggerName());
        line.put("thread", event.getThreadName());
        line.put("message", event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        Object eventName = null;
        if (pairs != null) {
            for (KeyValuePair p : pairs) {
                if ("event".equals(p.key)) eventName = p.value;
            }
        }
        if (eventName != null) line.put("event", String.valueOf(eventName));
        line.put("service", service);
        line.put("environment", environment);
        line.put("version", version);
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            for (String key : LogContext.KEYS) {
                String v = mdc.get(key);
                if (v != null) line.put(key, v);
            }
            // Micrometer Tracing writes traceId/spanId; accept the spec's names too
            String traceId = mdc.getOrDefault("traceId", mdc.get("trace_id"));
            String spanId = mdc.getOrDefault("spanId", mdc.get("span_id"));
            if (traceId != null && !traceId.isEmpty()) line.put("trace_id", traceId);
            if (spanId != null && !spanId.isEmpty()) line.put("span_id", spanId);
        }
        if (pairs != null) {
            for (KeyValuePair p : pairs) {
                if (p.key == null || "event".equals(p.key) || RESERVED.contains(p.key)) continue;
                line.put(p.key, value(p.value));
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null && event.getLevel().isGreaterOrEqual(Level.WARN)) {
            line.putIfAbsent("error", thrown.getClassName() + ": " + thrown.getMessage());
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                line.put("stack_trace", ThrowableProxyUtil.asString(thrown));
            }
        }
        try {
            return JSON.writeValueAsString(line) + "\n";
        } catch (JsonProcessingException e) {
            return "{\"level\":\"ERROR\",\"message\":\"log line could not be written as JSON\"}\n";
        }
    }

    private static String nonBlank(String value, String dflt) {
        return value == null || value.isBlank() ? dflt : value.trim();
    }

    private static String level(Level level) {
        return level == Level.TRACE ? "DEBUG" : level.toString();
    }

    private static Object value(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean) return v;
        return String.valueOf(v);
    }
}
