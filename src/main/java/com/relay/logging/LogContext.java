package com.relay.logging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The logging context of docs/CONTRACT.md#correlation-ids: the MDC keys {@code correlation_id}, {@code run_id},
 * {@code tenant_id} and {@code notification_id} that every log line written while handling a
 * request, a job, a notification or a scheduler fire carries (the JSON formatter writes them as
 * fields, {@link RelayJsonFormatter}).
 *
 * <p>Use a {@link Scope} around one unit of work; closing it restores exactly what was there
 * before, so scopes nest and a pooled thread never keeps a previous message's ids:
 * <pre>{@code
 * try (LogContext.Scope log = LogContext.open()
 *         .correlationId(LogContext.correlationIdOf(attributeValue, bodyValue))
 *         .runId(job.runId()).tenantId(job.tenantId())) {
 *     ... // every line here carries the three ids
 *     log.correlationId(record.correlationId()); // switch to the record's value once read
 * }
 * }</pre>
 * MDC is per thread: work handed to another thread takes the ids along with {@link #capture()}.
 * Pure SLF4J, no Camel.
 */
public final class LogContext {

    public static final String CORRELATION_ID = "correlation_id";
    public static final String RUN_ID = "run_id";
    public static final String TENANT_ID = "tenant_id";
    public static final String NOTIFICATION_ID = "notification_id";
    /** The keys this class manages, in the order the log line lists them. */
    public static final List<String> KEYS = List.of(CORRELATION_ID, RUN_ID, TENANT_ID, NOTIFICATION_ID);

    private LogContext() {}

    /** A scope that sets nothing yet; chain the setters. */
    public static Scope open() {
        return new Scope();
    }

    /**
     * The correlation id a consumer starts with (docs/CONTRACT.md#correlation-ids "Queues"): the message attribute's value, else
     * the body's; null when neither is present.
     */
    public static String correlationIdOf(String messageAttribute, String bodyValue) {
        if (messageAttribute != null && !messageAttribute.isBlank()) return messageAttribute;
        return bodyValue == null || bodyValue.isBlank() ? null : bodyValue;
    }

    /**
     * Sets one key for the rest of the current unit of work, without restoring it later. For code
     * running inside a unit whose owner clears the context at the end (the API's request
     * handling: {@code ApiGate} clears it when the response is written).
     */
    public static void set(String key, String value) {
        if (value == null) MDC.remove(key);
        else MDC.put(key, value);
    }

    /** Removes the managed keys (start and end of a request on a pooled thread). */
    public static void clear() {
        KEYS.forEach(MDC::remove);
    }

    /** The managed keys' current values, to re-establish them on another thread. */
    public static Snapshot capture() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : KEYS) {
            String v = MDC.get(key);
            if (v != null) values.put(key, v);
        }
        return new Snapshot(values);
    }

    /** Values captured on one thread; {@link #restore()} opens a scope holding them on another. */
    public record Snapshot(Map<String, String> values) {
        public Snapshot {
            values = Map.copyOf(values);
        }

        public Scope restore() {
            Scope scope = new Scope();
            values.forEach(scope::put);
            return scope;
        }

        /** Wraps a task so it runs with these values (for executors). */
        public Runnable wrap(Runnable task) {
            return () -> {
                try (Scope ignored = restore()) {
                    task.run();
                }
            };
        }
    }

    /**
     * Keys set through a scope are restored to their previous value (or removed) on
     * {@link #close()}. Not thread-safe: a scope belongs to the thread that opened it.
     */
    public static final class Scope implements AutoCloseable {
        private final Map<String, String> previous = new LinkedHashMap<>();

        private Scope() {}

        /** Sets {@code key}; a null value removes it for the scope's duration. */
        public Scope put(String key, String value) {
            if (!previous.containsKey(key)) previous.put(key, MDC.get(key));
            set(key, value);
            return this;
        }

        public Scope correlationId(String value) { return put(CORRELATION_ID, value); }

        public Scope runId(String value) { return put(RUN_ID, value); }

        public Scope tenantId(String value) { return put(TENANT_ID, value); }

        public Scope notificationId(String value) { return put(NOTIFICATION_ID, value); }

        @Override
        public void close() {
            List<Map.Entry<String, String>> entries = new ArrayList<>(previous.entrySet());
            for (int i = entries.size() - 1; i >= 0; i--) set(entries.get(i).getKey(), entries.get(i).getValue());
            previous.clear();
        }
    }
}
