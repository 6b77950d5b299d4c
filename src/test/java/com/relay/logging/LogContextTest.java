package com.relay.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The docs/CONTRACT.md#correlation-ids logging context helper. */
class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void a_scope_sets_its_keys_and_restores_what_was_there() {
        MDC.put("correlation_id", "outer");
        try (LogContext.Scope scope = LogContext.open().correlationId("c-1").runId("r-1").tenantId("t-1").notificationId("n-1")) {
            assertThat(MDC.get("correlation_id")).isEqualTo("c-1");
            assertThat(MDC.get("run_id")).isEqualTo("r-1");
            assertThat(MDC.get("tenant_id")).isEqualTo("t-1");
            assertThat(MDC.get("notification_id")).isEqualTo("n-1");
            scope.correlationId("c-2"); // switch to the record's value
            assertThat(MDC.get("correlation_id")).isEqualTo("c-2");
            try (LogContext.Scope inner = LogContext.open().runId("r-2").tenantId(null)) {
                assertThat(MDC.get("run_id")).isEqualTo("r-2");
                assertThat(MDC.get("tenant_id")).isNull();
            }
            assertThat(MDC.get("run_id")).isEqualTo("r-1");
            assertThat(MDC.get("tenant_id")).isEqualTo("t-1");
        }
        assertThat(MDC.get("correlation_id")).isEqualTo("outer");
        assertThat(MDC.get("run_id")).isNull();
        assertThat(MDC.get("notification_id")).isNull();
    }

    @Test
    void the_attribute_wins_over_the_body_and_blanks_count_as_missing() {
        assertThat(LogContext.correlationIdOf("attr", "body")).isEqualTo("attr");
        assertThat(LogContext.correlationIdOf(null, "body")).isEqualTo("body");
        assertThat(LogContext.correlationIdOf(" ", "body")).isEqualTo("body");
        assertThat(LogContext.correlationIdOf(null, "")).isNull();
    }

    @Test
    void a_snapshot_carries_the_ids_to_another_thread_and_leaves_it_clean() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicReference<String> seen = new AtomicReference<>();
            try (LogContext.Scope ignored = LogContext.open().correlationId("c-9").runId("r-9")) {
                LogContext.Snapshot snapshot = LogContext.capture();
                CompletableFuture.runAsync(snapshot.wrap(() -> seen.set(MDC.get("correlation_id") + "/" + MDC.get("run_id"))), pool).get();
            }
            assertThat(seen.get()).isEqualTo("c-9/r-9");
            assertThat(CompletableFuture.supplyAsync(() -> MDC.get("correlation_id"), pool).get()).isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void clear_removes_only_the_managed_keys() {
        MDC.put("run_id", "r");
        MDC.put("other", "o");
        LogContext.clear();
        assertThat(MDC.get("run_id")).isNull();
        assertThat(MDC.get("other")).isEqualTo("o");
    }
}
