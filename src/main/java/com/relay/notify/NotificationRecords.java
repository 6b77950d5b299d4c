package com.relay.notify;

import com.relay.api.Timestamps;
import com.relay.runs.RunCompletion;
import com.relay.tenants.config.TenantConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Builds notification records in status {@code created} (docs/CONTRACT.md#notifications-table, docs/CONTRACT.md#the-ntfy-request). Title,
 * body, tags, priority, click URL, server, topic and token reference are resolved here, at
 * creation, so a delivery never depends on the current configuration. Pure: no I/O.
 */
public final class NotificationRecords {

    private static final Pattern ENV_TAG = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    public static final int DEFAULT_SUCCEEDED_PRIORITY = 3;
    public static final int DEFAULT_FAILED_PRIORITY = 4;
    public static final int DEFAULT_HELD_PRIORITY = 4;

    private final String environment;
    private final int ttlDays;

    public NotificationRecords(String environment, int ttlDays) {
        this.environment = environment;
        this.ttlDays = ttlDays;
    }

    /** Whether the pinned configuration subscribes to this outcome (docs/CONTRACT.md#the-notifications-section, docs/CONTRACT.md#link-with-the-run-record). */
    public static boolean subscribes(TenantConfig config, String runStatus) {
        if (config == null || config.notifications() == null || config.notifications().ntfy() == null) return false;
        TenantConfig.Ntfy ntfy = config.notifications().ntfy();
        return ntfy.enabled() && ntfy.on() != null && ntfy.on().contains(runStatus);
    }

    /**
     * The outcome a run notifies as: {@code HELD} for a held run when the configuration subscribes
     * to it, otherwise the run's status (a held run is a SUCCEEDED run; its body says it was held).
     */
    public static String outcome(TenantConfig config, RunCompletion run) {
        if (run.held() && config != null && config.notifications() != null && config.notifications().ntfy() != null
                && config.notifications().ntfy().on() != null && config.notifications().ntfy().on().contains("HELD")) {
            return "HELD";
        }
        return run.status();
    }

    public Map<String, AttributeValue> runCompletion(TenantConfig.Ntfy ntfy, RunCompletion run, Instant now, String notificationId) {
        String status = run.held() ? "HELD" : run.status();
        boolean failed = !run.succeeded();
        String title = "[" + environment + "] Relay run " + status + ": " + run.tenantId()
                + (failed && run.errorCode() != null ? " (" + run.errorCode() + ")" : "");
        List<String> tags = new ArrayList<>();
        tags.add(failed ? "x" : run.held() ? "warning" : "white_check_mark");
        tags.add("relay");
        if (ENV_TAG.matcher(environment).matches()) tags.add(environment);
        Integer configured = ntfy.priority() == null ? null : ntfy.priority().get(status);
        int priority = configured != null ? configured : failed ? DEFAULT_FAILED_PRIORITY
                : run.held() ? DEFAULT_HELD_PRIORITY : DEFAULT_SUCCEEDED_PRIORITY;
        String click = ntfy.clickUrl() == null ? null
                : ntfy.clickUrl().replace("{run_id}", run.runId()).replace("{tenant_id}", run.tenantId());
        Map<String, AttributeValue> m = base(notificationId, "run_completed", run.tenantId(), "system", null,
                run.correlationId(), ntfy, now);
        m.put("run_id", AttributeValue.fromS(run.runId()));
        m.put("run_status", AttributeValue.fromS(run.status()));
        content(m, title, runBody(run.correlationId() == null ? withCorrelation(run, m.get("correlation_id").s()) : run),
                priority, tags, click);
        return m;
    }

    /** A manual message (docs/CONTRACT.md#sending-a-manual-message); {@code title}, {@code priority}, {@code tags}, {@code clickUrl} already validated. */
    public Map<String, AttributeValue> manual(TenantConfig.Ntfy ntfy, String tenantId, String message, String title,
                                              Integer priority, List<String> tags, String clickUrl, String createdBy,
                                              String requestedBy, String correlationId, Instant now, String notificationId) {
        Map<String, AttributeValue> m = base(notificationId, "manual", tenantId, createdBy, requestedBy, correlationId, ntfy, now);
        m.put("message", AttributeValue.fromS(message));
        content(m, title != null ? title : "[" + environment + "] Relay message: " + tenantId,
                message + "\n\ncorrelation_id: " + correlationId, priority == null ? 3 : priority,
                tags == null ? List.of() : tags, clickUrl);
        return m;
    }

    public static String newId() { return UUID.randomUUID().toString(); }

    private static RunCompletion withCorrelation(RunCompletion r, String id) {
        return new RunCompletion(r.runId(), r.tenantId(), r.configVersion(), r.status(), r.stage(), r.createdBy(),
                r.requestedAt(), r.finishedAt(), r.durationMs(), r.rowsProcessed(), r.failedStage(), r.errorCode(),
                r.errorMessage(), id, r.publishStatus(), r.publishReasons());
    }

    /** The run body of docs/CONTRACT.md#the-ntfy-request: lines joined by LF, no trailing LF, a line omitted when its value is null. */
    static String runBody(RunCompletion r) {
        List<String> lines = new ArrayList<>();
        lines.add("Run " + r.status() + " for tenant " + r.tenantId());
        line(lines, "run_id", r.runId());
        line(lines, "status", r.status());
        line(lines, "stage", r.stage());
        line(lines, "config_version", Long.toString(r.configVersion()));
        line(lines, "created_by", r.createdBy());
        line(lines, "requested_at", r.requestedAt());
        line(lines, "finished_at", r.finishedAt());
        line(lines, "duration_ms", r.durationMs() == null ? null : r.durationMs().toString());
        line(lines, "rows_processed", Long.toString(r.rowsProcessed()));
        line(lines, "failed_stage", r.failedStage());
        line(lines, "error_code", r.errorCode());
        line(lines, "error_message", r.errorMessage() == null ? null : shortMessage(r.errorMessage()));
        line(lines, "correlation_id", r.correlationId());
        if (r.held()) {
            // why the live feed did not change (docs/CONTRACT.md#the-published-feed)
            line(lines, "publish_status", r.publishStatus());
            for (String reason : r.publishReasons()) line(lines, "held_because", shortMessage(reason));
        }
        return String.join("\n", lines);
    }

    /** First 500 characters (code points), CR and LF replaced by spaces. */
    static String shortMessage(String text) {
        String t = text;
        if (t.codePointCount(0, t.length()) > 500) t = t.substring(0, t.offsetByCodePoints(0, 500));
        return t.replace('\r', ' ').replace('\n', ' ');
    }

    /** Header values are printable ASCII; any other character becomes {@code ?} (docs/CONTRACT.md#the-ntfy-request). */
    public static String headerValue(String v) {
        StringBuilder b = new StringBuilder(v.length());
        v.codePoints().forEach(c -> b.append(c >= 0x20 && c <= 0x7e ? (char) c : '?'));
        return b.toString();
    }

    private static void line(List<String> lines, String name, String value) {
        if (value != null) lines.add(name + ": " + value);
    }

    private Map<String, AttributeValue> base(String id, String kind, String tenantId, String createdBy, String requestedBy,
                                             String correlationId, TenantConfig.Ntfy ntfy, Instant now) {
        String ts = Timestamps.format(now);
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("notification_id", AttributeValue.fromS(id));
        m.put("kind", AttributeValue.fromS(kind));
        m.put("tenant_id", AttributeValue.fromS(tenantId));
        m.put("status", AttributeValue.fromS("created"));
        m.put("created_at", AttributeValue.fromS(ts));
        m.put("updated_at", AttributeValue.fromS(ts));
        m.put("created_by", AttributeValue.fromS(createdBy));
        if (requestedBy != null) m.put("requested_by", AttributeValue.fromS(requestedBy));
        m.put("correlation_id", AttributeValue.fromS(correlationId == null ? UUID.randomUUID().toString() : correlationId));
        m.put("server_url", AttributeValue.fromS(stripSlash(ntfy.url())));
        m.put("topic", AttributeValue.fromS(ntfy.topic()));
        if (ntfy.tokenSecretRef() != null) m.put("token_secret_ref", AttributeValue.fromS(ntfy.tokenSecretRef()));
        m.put("deliveries", AttributeValue.fromN("0"));
        m.put("attempts", AttributeValue.fromN("0"));
        m.put("deferrals", AttributeValue.fromN("0"));
        m.put("ttl", AttributeValue.fromN(Long.toString(now.getEpochSecond() + ttlDays * 86_400L)));
        return m;
    }

    private static void content(Map<String, AttributeValue> m, String title, String body, int priority, List<String> tags,
                                String click) {
        m.put("title", AttributeValue.fromS(headerValue(title)));
        m.put("body", AttributeValue.fromS(body));
        m.put("priority", AttributeValue.fromN(Integer.toString(priority)));
        m.put("tags", AttributeValue.fromL(tags.stream().map(t -> AttributeValue.fromS(headerValue(t))).toList()));
        if (click != null) m.put("click_url", AttributeValue.fromS(headerValue(click)));
    }

    private static String stripSlash(String url) {
        String u = url == null ? "https://ntfy.sh" : url;
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }
}
