package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/CONTRACT.md#correlation-id-vectors: which inbound header values are used as the correlation id. */
class CorrelationIdVectorsTest {

    static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    static List<Arguments> vectors() {
        return List.of(
                Arguments.of(List.of("order-42.retry_1"), "order-42.retry_1"),
                Arguments.of(List.of("abc"), "abc"), // header name case is the servlet container's business
                Arguments.of(List.of("has space"), null),
                Arguments.of(List.of("a".repeat(64)), "a".repeat(64)),
                Arguments.of(List.of("a".repeat(65)), null),
                Arguments.of(List.of("-abc"), null),
                Arguments.of(List.of("abc", "abc"), null),
                Arguments.of(List.of(""), null),
                Arguments.of(List.of(), null));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void used_id(List<String> headerValues, String expected) {
        String used = CorrelationIds.resolve(headerValues);
        if (expected != null) assertThat(used).isEqualTo(expected);
        else assertThat(used).matches(UUID_V4).isNotEqualTo(CorrelationIds.resolve(headerValues));
    }

    @org.junit.jupiter.api.Test
    void newIdsAreDistinctVersion4Uuids() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = CorrelationIds.newId();
            java.util.UUID uuid = java.util.UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(id).matches(UUID_V4);
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }
}
