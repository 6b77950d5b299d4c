package com.relay.logging;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One catalogue event (docs/CONTRACT.md#run-log-events, docs/CONTRACT.md#structured-logging) as one log line: {@code event} and the
 * event's fields become SLF4J key-value pairs (fields of the JSON line), and the message repeats
 * them as {@code event k=v …} so the plain-text format reads the same.
 */
public final class LogEvents {

    private LogEvents() {}

    public static void info(Logger log, String event, Object... fields) {
        emit(log, Level.INFO, event, event, null, fields);
    }

    public static void warn(Logger log, String event, Object... fields) {
        emit(log, Level.WARN, event, event, null, fields);
    }

    /**
     * WARN whose message starts with {@code headline} instead of the event name, for the events whose
     * message text the catalogue fixes (docs/CONTRACT.md#structured-logging: {@code notification_failed} starts
     * with "Notification failed"); the fields are the same JSON fields as {@link #warn}'s.
     */
    public static void warnHeadline(Logger log, String headline, String event, Object... fields) {
        emit(log, Level.WARN, headline, event, null, fields);
    }

    /** ERROR with the stack trace of {@code error} (null for none). */
    public static void error(Logger log, String event, Throwable error, Object... fields) {
        emit(log, Level.ERROR, event, event, error, fields);
    }

    private static void emit(Logger log, Level level, String headline, String event, Throwable error, Object... fields) {
        if (!log.isEnabledForLevel(level)) return;
        if (fields.length % 2 != 0) throw new IllegalArgumentException("fields come in name/value pairs");
        LoggingEventBuilder b = log.atLevel(level).addKeyValue("event", event);
        StringBuilder message = new StringBuilder(headline);
        for (int i = 0; i < fields.length; i += 2) {
            String name = String.valueOf(fields[i]);
            Object value = fields[i + 1];
            if (value == null) continue;
            b = b.addKeyValue(name, value);
            message.append(' ').append(name).append('=');
            String text = String.valueOf(value);
            message.append(text.indexOf(' ') >= 0 ? '"' + text + '"' : text);
        }
        if (error != null) b = b.setCause(error);
        b.log(message.toString());
    }
}
