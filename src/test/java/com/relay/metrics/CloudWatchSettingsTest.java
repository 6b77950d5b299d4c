package com.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.config.RelaySettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CloudWatch publishing settings (docs/CONFIGURATION.md) and their errors. */
class CloudWatchSettingsTest {

    private static RelaySettings.Metrics load(Map<String, String> env) {
        return RelaySettings.load(env::get).metrics();
    }

    @Test
    void defaultsCompressEverywhereButLocalstack() {
        RelaySettings.Metrics embedded = load(Map.of());
        assertThat(embedded.cloudWatchExtraMeters()).isEmpty();
        assertThat(embedded.cloudWatchMaxDimensionValues()).isEqualTo(100);
        assertThat(embedded.cloudWatchRequestCompression()).isTrue();
        assertThat(load(Map.of("RELAY_MODE", "localstack")).cloudWatchRequestCompression()).isFalse();
        assertThat(load(Map.of("RELAY_MODE", "localstack", "CLOUDWATCH_REQUEST_COMPRESSION", "ON")).cloudWatchRequestCompression())
                .isTrue();
        assertThat(load(Map.of("CLOUDWATCH_REQUEST_COMPRESSION", "off")).cloudWatchRequestCompression()).isFalse();
    }

    @Test
    void extraMetersAreAListOfPrefixes() {
        assertThat(load(Map.of("CLOUDWATCH_METRICS_EXTRA_METERS", " jvm.memory.used, ,http.server ")).cloudWatchExtraMeters())
                .isEqualTo(List.of("jvm.memory.used", "http.server"));
    }

    @Test
    void badValuesNameTheSettingAndTheLimit() {
        assertThatThrownBy(() -> load(Map.of("CLOUDWATCH_REQUEST_COMPRESSION", "gzip")))
                .hasMessageContaining("CLOUDWATCH_REQUEST_COMPRESSION must be one of auto, on, off (got 'gzip')");
        assertThatThrownBy(() -> load(Map.of("CLOUDWATCH_METRICS_MAX_DIMENSION_VALUES", "0")))
                .hasMessageContaining("CLOUDWATCH_METRICS_MAX_DIMENSION_VALUES must be between 1 and 10000 (got 0)");
    }
}
