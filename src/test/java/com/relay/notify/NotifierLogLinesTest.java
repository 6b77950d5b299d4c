package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.logging.RelayJsonFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The notifier's events as the JSON lines the service writes (docs/CONTRACT.md#structured-logging, issue 18):
 * every value is a JSON field of its own, and no line carries the ntfy token.
 */
class NotifierLogLinesTest {

    @RegisterExtension
    static final AwsEmulatorsExtension aws = new AwsEmulatorsExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "tk_example0000000000000000000000";

    private final RelayJsonFormatter formatter = new RelayJsonFormatter("relay-inventory", "prod", "1.0");
    /** Lines formatted when logged, while the delivery's MDC (notification_id, correlation_id) is set. */
    private final List<String> lines = new ArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(formatter.format(event));
        }
    };
    private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(NotificationDelivery.class),
            (Logger) LoggerFactory.getLogger(CircuitBreakers.class));

    @BeforeEach
    void capture() {
        appender.start();
        loggers.forEach(l -> l.addAppender(appender));
    }

    @AfterEach
    void release() {
        loggers.forEach(l -> l.detachAppender(appender));
    }

    private List<JsonNode> events(String event) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (String line : lines) {
            JsonNode j = JSON.readTree(line);
            if (event.equals(j.path("event").asText())) found.add(j);
        }
        return found;
    }

    private static AttemptResult http(int status, String body) { return AttemptResult.http(status, body, null); }

    @Test
    void aDeliveryLogsItsAttemptsAndItsOutcomeAsJsonFields() throws Exception {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of("CB_FAILURE_THRESHOLD", "1000"));
        List<AttemptResult> answers = new ArrayList<>(List.of(http(503, ""), http(200, "{\"id\":\"abc123\"}")));
        h.ntfy = t -> answers.remove(0);
        String id = h.record("https://ntfy.example.com", "env:RELAY_SECRET_ACME_PARTS_NTFY");
        h.receive(id);
        assertThat(h.requests.get(0).headers()).containsValue("Bearer " + TOKEN); // the token was really used

        List<JsonNode> attempts = events("notification_attempt");
        assertThat(attempts).hasSize(2);
        JsonNode failed = attempts.get(0);
        assertThat(failed.get("level").asText()).isEqualTo("WARN");
        assertThat(failed.get("notification_id").asText()).isEqualTo(id);
        assertThat(failed.get("attempt").isNumber()).isTrue();
        assertThat(failed.get("attempt").asLong()).isEqualTo(1);
        assertThat(failed.get("http_status").asInt()).isEqualTo(503);
        assertThat(failed.get("duration_ms").isNumber()).isTrue();
        JsonNode ok = attempts.get(1);
        assertThat(ok.get("level").asText()).isEqualTo("INFO");
        assertThat(ok.get("attempt").asLong()).isEqualTo(2);
        assertThat(ok.get("http_status").isNumber()).isTrue();
        assertThat(ok.get("http_status").asInt()).isEqualTo(200);
        assertThat(ok.get("message").asText()).startsWith("notification_attempt ");

        JsonNode sent = events("notification_sent").get(0);
        assertThat(sent.get("notification_id").asText()).isEqualTo(id);
        assertThat(sent.get("ntfy_message_id").asText()).isEqualTo("abc123");
        assertThat(sent.get("attempts").asLong()).isEqualTo(2);
        assertThat(sent.get("duration_ms").isNumber()).isTrue();
        assertThat(sent.get("correlation_id").asText()).isNotBlank();
        assertThat(lines).noneMatch(l -> l.contains(TOKEN));
    }

    @Test
    void aFailedNotificationKeepsItsMessageTextAndHasItsFields() throws Exception {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of("CB_FAILURE_THRESHOLD", "1000"));
        h.ntfy = t -> http(401, "");
        String id = h.record("https://ntfy.example.com", "env:RELAY_SECRET_ACME_PARTS_NTFY");
        h.receive(id);

        JsonNode failed = events("notification_failed").get(0);
        assertThat(failed.get("level").asText()).isEqualTo("WARN");
        assertThat(failed.get("message").asText()).startsWith("Notification failed ");
        assertThat(failed.get("notification_id").asText()).isEqualTo(id);
        assertThat(failed.get("error_code").asText()).isEqualTo("NTFY_REJECTED");
        assertThat(failed.get("error_message").asText()).isEqualTo("ntfy rejected the message: HTTP 401");
        assertThat(lines).noneMatch(l -> l.contains(TOKEN));
    }

    @Test
    void aBreakerTransitionHasServiceFromToAndFailureCount() throws Exception {
        DeliveryHarness h = new DeliveryHarness(aws, Map.of("CB_FAILURE_THRESHOLD", "1"));
        h.ntfy = t -> http(503, "");
        h.receive(h.record());

        JsonNode changed = events("circuit_breaker_state_changed").get(0);
        assertThat(changed.get("level").asText()).isEqualTo("WARN");
        assertThat(changed.get("service_name").asText()).isEqualTo("ntfy:ntfy.example.com");
        assertThat(changed.get("from").asText()).isEqualTo("CLOSED");
        assertThat(changed.get("to").asText()).isEqualTo("OPEN");
        assertThat(changed.get("failure_count").isNumber()).isTrue();
        assertThat(changed.get("failure_count").asInt()).isEqualTo(1);
        assertThat(changed.get("tenant_id").asText()).isEqualTo("acme_parts");

        JsonNode deferred = events("notification_deferred").get(0);
        assertThat(deferred.get("service_name").asText()).isEqualTo("ntfy:ntfy.example.com");
        assertThat(deferred.get("delay_seconds").isNumber()).isTrue();
    }
}
