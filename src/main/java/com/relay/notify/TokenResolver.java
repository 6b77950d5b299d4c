package com.relay.notify;

import com.relay.config.RelayMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Resolves {@code token_secret_ref} (notifications.md §2.3) when a delivery needs it; values are
 * trimmed, cached for {@code SECRET_CACHE_SECONDS} and never logged or stored.
 *
 * <p>{@code env:RELAY_NTFY_TOKEN_<SUFFIX>} works in embedded and localstack modes.
 * {@code ssm:} and {@code secretsmanager:} are not resolvable in this build: the embedded
 * emulators do not include SSM or Secrets Manager, and the SSM SDK module is missing at 2.41.2 in
 * our registry. They fail the notification with {@code CONFIG_ERROR} (see docs/NOTIFICATIONS.md).
 */
public final class TokenResolver {

    /** Not found, empty or not allowed: the notification fails with CONFIG_ERROR. */
    public static final class Unresolvable extends Exception {
        public Unresolvable(String reason) { super(reason, null, false, false); }
    }

    private static final Pattern ENV_REF = Pattern.compile("^env:(RELAY_NTFY_TOKEN_[A-Z0-9_]+)$");

    private record Cached(String value, Instant until) {}

    private final RelayMode mode;
    private final Function<String, String> env;
    private final Duration cacheFor;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public TokenResolver(RelayMode mode, Function<String, String> env, Duration cacheFor, Clock clock) {
        this.mode = mode;
        this.env = env;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    /** The token, or {@link Unresolvable} with a reason that never contains a secret value. */
    public String resolve(String ref) throws Unresolvable {
        Instant now = clock.instant();
        Cached c = cache.get(ref);
        if (c != null && now.isBefore(c.until())) return c.value();
        String value = lookUp(ref);
        if (!cacheFor.isZero()) cache.put(ref, new Cached(value, now.plus(cacheFor)));
        return value;
    }

    private String lookUp(String ref) throws Unresolvable {
        var m = ENV_REF.matcher(ref);
        if (m.matches()) {
            if (mode == RelayMode.AWS) throw new Unresolvable("env: references are only allowed in embedded and localstack modes");
            String v = env.apply(m.group(1));
            if (v == null || v.trim().isEmpty()) throw new Unresolvable("environment variable " + m.group(1) + " is not set or empty");
            return v.trim();
        }
        if (ref.startsWith("ssm:")) throw new Unresolvable("SSM Parameter Store is not available in this build");
        if (ref.startsWith("secretsmanager:")) throw new Unresolvable("Secrets Manager is not available in this build");
        throw new Unresolvable("unsupported reference form");
    }
}
