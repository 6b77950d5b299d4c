package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.config.InvalidSettingsException;
import com.relay.config.RelaySettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#notification-and-scheduler-settings notifier settings: defaults, ranges and the start-up check of docs/CONTRACT.md#notification-retry-policy. */
class NotifySettingsTest {

    private static RelaySettings.Notify load(Map<String, String> env) {
        return RelaySettings.load(env::get).notifier();
    }

    @Test
    void defaults() {
        RelaySettings.Notify n = load(Map.of());
        assertThat(n.connectTimeoutMs()).isEqualTo(5000);
        assertThat(n.requestTimeoutMs()).isEqualTo(10000);
        assertThat(n.maxRetries()).isEqualTo(3);
        assertThat(n.retryBaseMs()).isEqualTo(1000);
        assertThat(n.retryMultiplier()).isEqualTo(2);
        assertThat(n.retryMaxDelayMs()).isEqualTo(32000);
        assertThat(n.retryJitterMaxMs()).isEqualTo(500);
        assertThat(n.maxDeliveries()).isEqualTo(3);
        assertThat(n.redeliveryDelaySeconds()).isEqualTo(60);
        assertThat(n.maxReceives()).isEqualTo(5);
        assertThat(n.visibilityTimeoutSeconds()).isEqualTo(180);
        assertThat(n.maxAgeSeconds()).isEqualTo(86400);
        assertThat(n.deferJitterMaxSeconds()).isEqualTo(5);
        assertThat(n.sweepIntervalSeconds()).isEqualTo(60);
        assertThat(n.sweepAgeSeconds()).isEqualTo(120);
        assertThat(n.allowInsecureHttp()).isFalse();
        assertThat(n.allowedPrivateHosts()).isEmpty();
        assertThat(n.maxConcurrency()).isEqualTo(4);
        assertThat(n.ttlDays()).isEqualTo(90);
        assertThat(n.secretCacheSeconds()).isEqualTo(300);
        assertThat(n.cbFailureThreshold()).isEqualTo(5);
        assertThat(n.cbFailureWindowSeconds()).isEqualTo(60);
        assertThat(n.cbOpenSeconds()).isEqualTo(30);
        assertThat(n.cbHalfOpenSuccesses()).isEqualTo(2);
    }

    @Test
    void valuesAreReadAndListsTrimmed() {
        RelaySettings.Notify n = load(Map.of("NOTIFY_ALLOWED_PRIVATE_HOSTS", " ntfy.internal , Other.Example ,",
                "NOTIFIER_MAX_CONCURRENCY", "8", "CB_FAILURE_THRESHOLD", "1000", "NOTIFY_ALLOW_INSECURE_HTTP", "TRUE"));
        assertThat(n.allowedPrivateHosts()).containsExactly("ntfy.internal", "other.example");
        assertThat(n.maxConcurrency()).isEqualTo(8);
        assertThat(n.cbFailureThreshold()).isEqualTo(1000);
        assertThat(n.allowInsecureHttp()).isTrue();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> load(Map.of("NOTIFY_MAX_RETRIES", "x", "CB_OPEN_SECONDS", "0", "NOTIFIER_MAX_CONCURRENCY", "65")))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("NOTIFY_MAX_RETRIES must be an integer")
                .hasMessageContaining("CB_OPEN_SECONDS must be between 1 and 86400")
                .hasMessageContaining("NOTIFIER_MAX_CONCURRENCY must be between 1 and 64");
    }

    @Test
    void theLongestDeliveryMustFitTheVisibilityTimeout() {
        // defaults: 40 s + 3 x 32.5 s + 10 s = 147.5 s < 180 s
        assertThat(load(Map.of("NOTIFY_VISIBILITY_TIMEOUT_SECONDS", "148")).visibilityTimeoutSeconds()).isEqualTo(148);
        assertThatThrownBy(() -> load(Map.of("NOTIFY_VISIBILITY_TIMEOUT_SECONDS", "147")))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("147500 ms")
                .hasMessageContaining("NOTIFY_VISIBILITY_TIMEOUT_SECONDS");
        assertThatThrownBy(() -> load(Map.of("NOTIFY_MAX_RETRIES", "7")))
                .isInstanceOf(InvalidSettingsException.class);
    }
}
