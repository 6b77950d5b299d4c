package com.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine limits of issue 17: rows per vendor file (none by default) and the error-log cap. */
class EngineSettingsTest {

    @Test
    void defaultsAreNoRowLimitAnd64MiBOfErrors() {
        RelaySettings.Engine e = RelaySettings.load(Map.<String, String>of()::get).engine();
        assertThat(e.maxRowsPerVendorFile()).isZero();
        assertThat(e.errorsMaxBytes()).isEqualTo(64L << 20);
    }

    @Test
    void valuesAreReadAndCheckedWithTheirNames() {
        RelaySettings.Engine e = RelaySettings.load(Map.of("RELAY_MAX_ROWS_PER_VENDOR_FILE", "5000000",
                "ENGINE_ERRORS_MAX_MB", "8")::get).engine();
        assertThat(e.maxRowsPerVendorFile()).isEqualTo(5_000_000);
        assertThat(e.errorsMaxBytes()).isEqualTo(8L << 20);
        assertThatThrownBy(() -> RelaySettings.load(Map.of("RELAY_MAX_ROWS_PER_VENDOR_FILE", "-1",
                "ENGINE_ERRORS_MAX_MB", "0")::get))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("RELAY_MAX_ROWS_PER_VENDOR_FILE")
                .hasMessageContaining("ENGINE_ERRORS_MAX_MB");
    }
}
