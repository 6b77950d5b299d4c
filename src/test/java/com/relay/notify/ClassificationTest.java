package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.notify.Classification.BreakerOutcome;
import com.relay.notify.Classification.Verdict;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/CONTRACT.md#classification-of-an-attempt and docs/CONTRACT.md#classification-vectors. */
class ClassificationTest {

    @ParameterizedTest
    @CsvSource({
            "200, SUCCESS, SUCCESS", "201, SUCCESS, SUCCESS", "204, SUCCESS, SUCCESS",
            "429, RETRYABLE, FAILURE", "502, RETRYABLE, FAILURE", "503, RETRYABLE, FAILURE", "504, RETRYABLE, FAILURE",
            "500, REJECTED, FAILURE", "501, REJECTED, FAILURE", "505, REJECTED, FAILURE", "599, REJECTED, FAILURE",
            "400, REJECTED, NOT_COUNTED", "401, REJECTED, NOT_COUNTED", "403, REJECTED, NOT_COUNTED",
            "404, REJECTED, NOT_COUNTED", "413, REJECTED, NOT_COUNTED",
            "101, REJECTED, NOT_COUNTED", "301, REJECTED, NOT_COUNTED", "302, REJECTED, NOT_COUNTED"})
    void httpStatuses(int status, Verdict verdict, BreakerOutcome outcome) {
        AttemptResult r = AttemptResult.http(status, "", null);
        assertThat(Classification.verdict(r)).isEqualTo(verdict);
        assertThat(Classification.breakerOutcome(r)).isEqualTo(outcome);
    }

    @Test
    void transportErrorsAreRetryableCountedFailures() {
        AttemptResult refused = AttemptResult.transport(new ConnectException("Connection refused"));
        assertThat(Classification.verdict(refused)).isEqualTo(Verdict.RETRYABLE);
        assertThat(Classification.breakerOutcome(refused)).isEqualTo(BreakerOutcome.FAILURE);
        assertThat(refused.describe()).isEqualTo("ConnectException Connection refused");
        AttemptResult timeout = AttemptResult.transport(new HttpTimeoutException("request timed out"));
        assertThat(Classification.verdict(timeout)).isEqualTo(Verdict.RETRYABLE);
        assertThat(timeout.describe()).isEqualTo("HttpTimeoutException request timed out");
        assertThat(AttemptResult.http(503, null, null).describe()).isEqualTo("HTTP 503");
    }

    @Test
    void ntfyMessageIdFromTheResponseBody() {
        assertThat(NotificationDelivery.ntfyMessageId("{\"id\":\"abc123\",\"time\":1,\"event\":\"message\"}")).isEqualTo("abc123");
        assertThat(NotificationDelivery.ntfyMessageId("ok")).isNull();
        assertThat(NotificationDelivery.ntfyMessageId("")).isNull();
        assertThat(NotificationDelivery.ntfyMessageId("{\"id\":5}")).isNull();
    }

    @Test
    void serviceNames() {
        assertThat(NotificationDelivery.serviceName(java.net.URI.create("https://ntfy.sh"))).isEqualTo("ntfy:ntfy.sh");
        assertThat(NotificationDelivery.serviceName(java.net.URI.create("https://NTFY.Example.com:443/x"))).isEqualTo("ntfy:ntfy.example.com");
        assertThat(NotificationDelivery.serviceName(java.net.URI.create("http://127.0.0.1:8099"))).isEqualTo("ntfy:127.0.0.1:8099");
        assertThat(NotificationDelivery.serviceName(java.net.URI.create("https://h:8443"))).isEqualTo("ntfy:h:8443");
    }
}
