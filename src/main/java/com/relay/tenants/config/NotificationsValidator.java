package com.relay.tenants.config;

import com.relay.tenants.config.FieldReader.Presence;
import com.relay.tenants.config.TenantConfig.Notifications;
import com.relay.tenants.config.TenantConfig.Ntfy;
import com.relay.tenants.config.TenantConfig.Schedule;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringTokenizer;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/** The {@code notifications} and {@code schedule} sections (docs/CONTRACT.md#notification-and-schedule-configuration). */
final class NotificationsValidator {

    static final String DEFAULT_URL = "https://ntfy.sh";
    /** The outcomes a run notifies by default (an absent {@code on}). */
    static final List<String> OUTCOMES = List.of("SUCCEEDED", "FAILED");
    /**
     * Every outcome {@code on} and {@code priority} accept: HELD is a successful run the publish
     * guard held (docs/CONTRACT.md#the-published-feed), opt-in so existing subscriptions keep their shape.
     */
    static final List<String> ACCEPTED_OUTCOMES = List.of("SUCCEEDED", "FAILED", "HELD");
    static final Map<String, Integer> DEFAULT_PRIORITY = Map.of("SUCCEEDED", 3, "FAILED", 4);
    static final int MAX_URL_LENGTH = 2048;

    static final String URL_MESSAGE = "must be an absolute https URL without user info, query or fragment";
    static final String TOPIC_MESSAGE = "must match ^[A-Za-z0-9_-]{1,64}$";
    static final String ENV_MODE_MESSAGE = SecretReferences.ENV_MODE_MESSAGE;
    static final String ON_MESSAGE = "must be a non-empty list of SUCCEEDED, FAILED, HELD without duplicates";
    static final String PRIORITY_MESSAGE = "must be 1-5 or one of min, low, default, high, max, urgent";
    static final String CLICK_URL_MESSAGE = "must be an absolute http(s) URL; allowed placeholders {run_id}, {tenant_id}";
    static final String CRON_FIELDS_MESSAGE = "must be a Quartz cron expression with 6 or 7 fields";
    static final String CRON_SECONDS_MESSAGE = "seconds field must be 0";

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
    private static final Map<String, Integer> PRIORITY_NAMES =
            Map.of("min", 1, "low", 2, "default", 3, "high", 4, "max", 5, "urgent", 5);

    private final FieldReader fields;
    private final TenantConfigParser.Context context;
    /** Valid tenant id or null: token references are tenant-scoped (docs/CONTRACT.md#token-secret-references). */
    private final String tenantId;

    NotificationsValidator(FieldReader fields, TenantConfigParser.Context context, String tenantId) {
        this.fields = fields;
        this.context = context;
        this.tenantId = tenantId;
    }

    Notifications notifications(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        Ntfy ntfy = ntfy(fields.object(o, "ntfy", Presence.REQUIRED));
        o.finish();
        return new Notifications(ntfy);
    }

    private Ntfy ntfy(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        Boolean enabled = fields.bool(o, "enabled", Presence.OPTIONAL, true);
        String url = fields.string(o, "url", Presence.OPTIONAL, DEFAULT_URL);
        if (url != null) {
            String normalised = normaliseServerUrl(url, context);
            if (normalised == null) {
                fields.problem(o.child("url"), URL_MESSAGE);
            }
            url = normalised;
        }
        String topic = fields.string(o, "topic", Presence.REQUIRED, null);
        if (topic != null && !TOPIC.matcher(topic).matches()) {
            fields.problem(o.child("topic"), TOPIC_MESSAGE);
        }
        String tokenRef = fields.string(o, "token_secret_ref", Presence.NULLABLE, null);
        if (tokenRef != null) {
            String problem = tokenReferenceProblem(tokenRef);
            if (problem != null) {
                fields.problem(o.child("token_secret_ref"), problem);
            }
        }
        List<String> on = on(o);
        Map<String, Integer> priority = priority(fields.object(o, "priority", Presence.OPTIONAL));
        String clickUrl = fields.string(o, "click_url", Presence.NULLABLE, null);
        if (clickUrl != null && !isClickUrlTemplate(clickUrl)) {
            fields.problem(o.child("click_url"), CLICK_URL_MESSAGE);
        }
        o.finish();
        return new Ntfy(enabled == null || enabled, url, topic, tokenRef, on, priority, clickUrl);
    }

    private List<String> on(FieldReader.Obj o) {
        List<FieldReader.Element> elements = fields.list(o, "on", Presence.OPTIONAL);
        if (elements == null) {
            return null;
        }
        if (o.peek("on") == null) {
            return OUTCOMES;
        }
        List<String> outcomes = new ArrayList<>();
        boolean valid = !elements.isEmpty();
        for (FieldReader.Element element : elements) {
            String outcome = FieldReader.asString(element.node());
            if (outcome == null || !ACCEPTED_OUTCOMES.contains(outcome) || outcomes.contains(outcome)) {
                valid = false;
            } else {
                outcomes.add(outcome);
            }
        }
        if (!valid) {
            fields.problem(o.child("on"), ON_MESSAGE);
            return null;
        }
        return List.copyOf(outcomes);
    }

    /** Keys SUCCEEDED/FAILED (others: unknown field); normalised to integers, missing keys defaulted. */
    private Map<String, Integer> priority(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        Map<String, Integer> given = new LinkedHashMap<>();
        for (Map.Entry<String, DocumentNode> entry : o.takeAll().entrySet()) {
            String path = o.child(entry.getKey());
            if (!ACCEPTED_OUTCOMES.contains(entry.getKey())) {
                fields.problem(path, "unknown field");
                continue;
            }
            Integer level = priorityLevel(entry.getValue());
            if (level == null) {
                fields.problem(path, PRIORITY_MESSAGE);
            } else {
                given.put(entry.getKey(), level);
            }
        }
        Map<String, Integer> priority = new LinkedHashMap<>();
        for (String outcome : OUTCOMES) {
            priority.put(outcome, given.getOrDefault(outcome, DEFAULT_PRIORITY.get(outcome)));
        }
        if (given.containsKey("HELD")) priority.put("HELD", given.get("HELD"));
        return Collections.unmodifiableMap(priority);
    }

    private static Integer priorityLevel(DocumentNode value) {
        if (value instanceof DocumentNode.Text name) {
            return PRIORITY_NAMES.get(name.value());
        }
        Long level = FieldReader.asLong(value);
        return level != null && level >= 1 && level <= 5 ? level.intValue() : null;
    }

    Schedule schedule(FieldReader.Obj o) {
        if (o == null) {
            return null;
        }
        String cron = fields.string(o, "cron", Presence.REQUIRED, null);
        if (cron != null) {
            String problem = cronProblem(cron);
            if (problem != null) {
                fields.problem(o.child("cron"), problem);
            }
        }
        Boolean enabled = fields.bool(o, "enabled", Presence.OPTIONAL, true);
        o.finish();
        return new Schedule(cron, enabled == null || enabled);
    }

    // ---- rules ------------------------------------------------------------------------------

    /**
     * The ntfy base URL with trailing {@code /} removed, or null when not allowed: absolute,
     * {@code https} ({@code http} for loopback hosts or with {@code NOTIFY_ALLOW_INSECURE_HTTP}), a
     * host, no user info, query or fragment, at most 2048 characters (docs/CONTRACT.md#the-notifications-section).
     */
    static String normaliseServerUrl(String url, TenantConfigParser.Context context) {
        URI uri = absoluteUri(url);
        if (uri == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = scheme.equals("https")
                || (scheme.equals("http") && (context.allowInsecureHttp() || isLoopbackHost(uri.getHost())));
        if (!allowed) {
            return null;
        }
        String normalised = url;
        while (normalised.endsWith("/")) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        return normalised;
    }

    /** An absolute hierarchical URI with a host, at most 2048 characters; null otherwise. */
    private static URI absoluteUri(String url) {
        if (url.length() > MAX_URL_LENGTH) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Loopback by name or literal address; no DNS lookup (validation is pure). */
    static boolean isLoopbackHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches() || h.equals("[::1]") || h.equals("[0:0:0:0:0:0:0:1]");
    }

    /** {@code http}/{@code https} URL template whose only placeholders are {run_id} and {tenant_id}. */
    static boolean isClickUrlTemplate(String template) {
        if (template.length() > MAX_URL_LENGTH) {
            return false;
        }
        StringBuilder sample = new StringBuilder(template.length());
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '}') {
                return false;
            }
            if (c == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    return false;
                }
                String name = template.substring(i + 1, close);
                if (!name.equals("run_id") && !name.equals("tenant_id")) {
                    return false;
                }
                sample.append('x'); // a value valid in any URL position
                i = close + 1;
            } else {
                sample.append(c);
                i++;
            }
        }
        URI uri = absoluteUri(sample.toString());
        if (uri == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https");
    }

    /** null when the reference is acceptable in this context (docs/CONTRACT.md#token-secret-references), else the message. */
    String tokenReferenceProblem(String ref) {
        return SecretReferences.problem(ref, tenantId, SecretReferences.Area.NTFY,
                context.runMode() == TenantConfigParser.RunMode.AWS);
    }

    /** null for a valid schedule expression, else the docs/CONTRACT.md#notification-validation-messages message. */
    static String cronProblem(String cron) {
        // Quartz splits the expression on spaces and tabs; count fields the same way.
        StringTokenizer tokens = new StringTokenizer(cron, " \t", false);
        int count = tokens.countTokens();
        if (count < 6 || count > 7) {
            return CRON_FIELDS_MESSAGE;
        }
        if (!tokens.nextToken().equals("0")) {
            return CRON_SECONDS_MESSAGE;
        }
        try {
            new CronExpression(cron);
            return null;
        } catch (ParseException e) {
            return "invalid cron expression: " + e.getMessage();
        } catch (RuntimeException e) {
            // Quartz lets a few malformed inputs escape as runtime exceptions; they are invalid too.
            return "invalid cron expression: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

}
