package com.relay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One output line per message: {@code key=value} pairs for people, or one JSON object per line
 * ({@code --json}) for scripts. The same keys either way; absent values are left out of the text
 * line and written as {@code null} in JSON.
 */
final class DlqPrinter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final boolean json;

    DlqPrinter(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** The SQS facts and body ids of a message, in a fixed order, for the caller to extend. */
    static Map<String, Object> describe(DlqEntry e, DlqArguments.Queue queue) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message_id", e.message().messageId());
        m.put("sent_at", e.sentAt() == null ? null : e.sentAt().toString());
        m.put("receive_count", e.receiveCount());
        if (e.parsed()) {
            m.put(queue == DlqArguments.Queue.JOBS ? "run_id" : "notification_id", e.id());
            m.put("tenant_id", e.tenantId());
        } else {
            m.put("body_error", "unparseable body: " + e.badBody());
            m.put("body", e.bodyExcerpt());
        }
        return m;
    }

    void line(Map<String, Object> fields) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(fields));
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException(impossible);
            }
            return;
        }
        List<String> parts = new ArrayList<>();
        fields.forEach((k, v) -> {
            if (v != null) parts.add(k + "=" + quoted(v.toString()));
        });
        out.println(String.join(" ", parts));
    }

    /** A closing summary; text mode only, so JSON output stays one object per message. */
    void summary(String text) {
        if (!json) out.println(text);
    }

    private static String quoted(String v) {
        return v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '"' || c < 0x20)
                ? JSON.valueToTree(v).toString() : v;
    }
}
