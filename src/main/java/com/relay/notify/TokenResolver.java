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
 * <p>{@code env:RELAY_NTFY_TOKEN_<SUFFIX>} works in embedded and localstack modes;
 * {@code ssm:<name>} (SecureString, decrypted) and {@code secretsmanager:<name>} are read from the
 * {@link SecretStores} in localstack and aws modes (the embedded emulators have neither service).
 * The tenant-scoped prefixes are enforced when the configuration is validated.
 */
public final class TokenResolver {

    /** Not found, empty or not allowed: the notification fails with CONFIG_ERROR. */
    public static final class Unresolvable extends Exception {
        public Unresolvable(String reason) { super(reason, null, false, false); }
    }

    /** The secret store is throttled, failing or unreachable: the delivery ends as retryable (§4.3). */
    public static final class StoreUnavailable extends Exception {
        public StoreUnavailable(String reason) { super(reason, null, false, false); }
    }

    private static final Pattern ENV_REF = Pattern.compile("^env:(RELAY_NTFY_TOKEN_[A-Z0-9_]+)$");

    private record Cached(String value, Instant until) {}

    private final RelayMode mode;
    private final Function<String, String> env;
    private final Duration cacheFor;
    private final Clock clock;
    private final SecretStores stores;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public TokenResolver(RelayMode mode, Function<String, String> env, Duration cacheFor, Clock clock) {
        this(mode, env, cacheFor, clock, SecretStores.NONE);
    }

    public TokenResolver(RelayMode mode, Function<String, String> env, Duration cacheFor, Clock clock, SecretStores stores) {
        this.mode = mode;
        this.env = env;
        this.cacheFor = cacheFor;
        this.clock = clock;
        this.stores = stores;
    }

    /** The token, or {@link Unresolvable} with a reason that never contains a secret value. */
    public String resolve(String ref) throws Unresolvable, StoreUnavailable {
        Instant now = clock.instant();
        Cached c = cache.get(ref);
        if (c != null && now.isBefore(c.until())) return c.value();
        String value = lookUp(ref);
        if (!cacheFor.isZero()) cache.put(ref, new Cached(value, now.plus(cacheFor)));
        return value;
    }

    private String lookUp(String ref) throws Unresolvable, StoreUnavailable {
        var m = ENV_REF.matcher(ref);
        if (m.matches()) {
            if (mode == RelayMode.AWS) throw new Unresolvable("env: references are only allowed in embedded and localstack modes");
            String v = env.apply(m.group(1));
            if (v == null || v.trim().isEmpty()) throw new Unresolvable("environment variable " + m.group(1) + " is not set or empty");
            return v.trim();
        }
        try {
            String v;
            if (ref.startsWith("ssm:")) v = stores.parameter(ref.substring("ssm:".length()));
            else if (ref.startsWith("secretsmanager:")) v = stores.secret(ref.substring("secretsmanager:".length()));
            else throw new Unresolvable("unsupported reference form");
            if (v == null || v.trim().isEmpty()) throw new Unresolvable("the referenced value is empty");
            return v.trim();
        } catch (SecretStores.Unusable e) {
            throw new Unresolvable(e.getMessage());
        } catch (SecretStores.Unavailable e) {
            throw new StoreUnavailable(e.getMessage());
        }
    }
}
