package com.relay.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** The JSON line of docs/CONTRACT.md#structured-logging. */
class RelayJsonFormatterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final RelayJsonFormatter formatter = new RelayJsonFormatter("relay-inventory", "prod", "1.2.3");
    final LoggerContext context = new LoggerContext();

    private LoggingEvent event(Level level, String message, Throwable t, Map<String, String> mdc, KeyValuePair... pairs) {
        LoggingEvent e = new LoggingEvent("x", context.getLogger("com.relay.worker.RunWorker"), level, message, t, null);
        e.setThreadName("worker-1");
        e.setTimeStamp(1_795_356_009_118L); // 2026-11-22T14:00:09.118Z
        e.setMDCPropertyMap(mdc);
        List<KeyValuePair> list = new ArrayList<>(List.of(pairs));
        e.setKeyValuePairs(list);
        return e;
    }

    private JsonNode line(LoggingEvent e) throws Exception {
        String text = formatter.format(e);
        assertThat(text).endsWith("\n").doesNotContain("\n{");
        assertThat(text.trim()).doesNotContain("\n");
        return JSON.readTree(text);
    }

    @Test
    void an_event_line_has_the_common_fields_the_context_ids_and_its_own_fields() throws Exception {
        JsonNode j = line(event(Level.INFO, "Run stage NORMALIZE", null,
                Map.of("correlation_id", "c-123", "run_id", "3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "tenant_id", "acme_parts",
                        "traceId", "4bf92f3577b34da6a3ce929d0e0e4736", "spanId", "00f067aa0ba902b7", "camel.exchangeId", "X-1"),
                new KeyValuePair("event", "run_stage"), new KeyValuePair("stage", "NORMALIZE"),
                new KeyValuePair("duration_ms", 8113L), new KeyValuePair("error_code", "validation_errors")));
        List<String> names = new ArrayList<>();
        j.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("timestamp", "level", "logger", "thread", "message", "event", "service",
                "environment", "version", "correlation_id", "run_id", "tenant_id", "trace_id", "span_id", "stage",
                "duration_ms", "error_code");
        assertThat(j.get("timestamp").asText()).isEqualTo("2026-11-22T14:00:09.118Z");
        assertThat(j.get("level").asText()).isEqualTo("INFO");
        assertThat(j.get("logger").asText()).isEqualTo("com.relay.worker.RunWorker");
        assertThat(j.get("thread").asText()).isEqualTo("worker-1");
        assertThat(j.get("event").asText()).isEqualTo("run_stage");
        assertThat(j.get("service").asText()).isEqualTo("relay-inventory");
        assertThat(j.get("environment").asText()).isEqualTo("prod");
        assertThat(j.get("version").asText()).isEqualTo("1.2.3");
        assertThat(j.get("correlation_id").asText()).isEqualTo("c-123");
        assertThat(j.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(j.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(j.get("stage").asText()).isEqualTo("NORMALIZE");
        assertThat(j.get("duration_ms").isNumber()).isTrue();
        assertThat(j.get("duration_ms").asLong()).isEqualTo(8113);
        assertThat(j.get("error_code").asText()).isEqualTo("validation_errors");
    }

    @Test
    void a_plain_line_has_no_event_and_no_context_ids() throws Exception {
        JsonNode j = line(event(Level.DEBUG, "idle poll", null, Map.of()));
        assertThat(j.has("event")).isFalse();
        assertThat(j.has("correlation_id")).isFalse();
        assertThat(j.has("trace_id")).isFalse();
        assertThat(j.get("level").asText()).isEqualTo("DEBUG");
        assertThat(j.get("message").asText()).isEqualTo("idle poll");
    }

    @Test
    void warn_with_an_exception_has_error_and_error_also_has_the_stack_trace() throws Exception {
        IllegalStateException boom = new IllegalStateException("queue down");
        JsonNode warn = line(event(Level.WARN, "send failed", boom, Map.of()));
        assertThat(warn.get("error").asText()).isEqualTo("java.lang.IllegalStateException: queue down");
        assertThat(warn.has("stack_trace")).isFalse();
        JsonNode error = line(event(Level.ERROR, "unexpected", boom, Map.of()));
        assertThat(error.get("error").asText()).isEqualTo("java.lang.IllegalStateException: queue down");
        assertThat(error.get("stack_trace").asText()).contains("IllegalStateException").contains("RelayJsonFormatterTest");
    }

    @Test
    void an_error_field_given_by_the_caller_wins_and_reserved_names_cannot_be_overwritten() throws Exception {
        JsonNode j = line(event(Level.WARN, "x", new RuntimeException("r"), Map.of(),
                new KeyValuePair("error", "SdkClientException: timeout"), new KeyValuePair("service", "other")));
        assertThat(j.get("error").asText()).isEqualTo("SdkClientException: timeout");
        assertThat(j.get("service").asText()).isEqualTo("relay-inventory");
    }
}
