package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The pure checks of the operator endpoints (docs/RUNBOOK.md). */
class OperatorApiTest {

    @Test
    void theServerPathIsAHostAndPortAsTheBreakerKeyWritesIt() {
        assertThat(OperatorApi.serviceName("ntfy.example.com")).isEqualTo("ntfy:ntfy.example.com");
        assertThat(OperatorApi.serviceName("NTFY.Example.com:8443")).isEqualTo("ntfy:ntfy.example.com:8443");
        assertThat(OperatorApi.serviceName("ntfy:127.0.0.1:8090")).isEqualTo("ntfy:127.0.0.1:8090");
        assertThat(OperatorApi.serviceName("[::1]:8080")).isEqualTo("ntfy:[::1]:8080");
        for (String bad : new String[] {"", "bad_host!", "a..b", "-a.com", "host:", "host:123456", "h/x", "h#acme",
                "ntfy:", "a".repeat(301), "http://h"}) {
            assertThat(OperatorApi.serviceName(bad)).as(bad).isNull();
        }
        assertThat(OperatorApi.serviceName(null)).isNull();
    }

    private static ObjectNode body(String json) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(json);
    }

    @Test
    void aPauseNeedsAShortPrintableReasonAndNothingElse() throws Exception {
        assertThat(OperatorApi.reason(body("{\"reason\": \"  feed replaced  \"}"))).isEqualTo("feed replaced");
        for (String bad : new String[] {"{}", "{\"reason\": \"\"}", "{\"reason\": \"  \"}", "{\"reason\": 5}",
                "{\"reason\": \"a\\u0007b\"}", "{\"reason\": \"" + "x".repeat(257) + "\"}", "{\"reason\": \"ok\", \"until\": 1}"}) {
            assertThatThrownBy(() -> OperatorApi.reason(body(bad))).as(bad).isInstanceOfSatisfying(ApiException.class,
                    e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.code()).isEqualTo("VALIDATION_ERROR");
                    });
        }
    }
}
