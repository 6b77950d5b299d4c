package com.relay.secrets;

import com.relay.config.RelayMode;
import com.relay.tenants.config.SecretReferences;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Resolves secret references (docs/CONTRACT.md#token-secret-references): ntfy's {@code token_secret_ref} when a
 * delivery needs it and a vendor source's {@code password}, {@code private_key}, its passphrase or auth value when a
 * fetch does (docs/CONFIG_SPEC.md "Vendor sources"); values are trimmed, cached for
 * {@code SECRET_CACHE_SECONDS} and never logged or stored.
 *
 * <p>{@code env:RELAY_SECRET_<TENANT>_<NAME>} works in embedded and localstack modes;
 * {@code ssm:<name>} (SecureString, decrypted) and {@code secretsmanager:<name>} are read from the
 * {@link SecretStores} in localstack and aws modes (the embedded emulators have neither service).
 * The tenant scoping ({@link SecretReferences}, {@code /relay/<area>/<tenant>/}) is enforced when the
 * configuration is validated and again here, for versions stored before a rule existed: a secret is
 * only ever resolved for the tenant whose record asks for it.
 */
public final class SecretResolver {

    /** Not found, empty or not allowed: the notification fails with CONFIG_ERROR. */
    public static final class Unresolvable extends Exception {
        public Unresolvable(String reason) { super(reason, null, false, false); }
    }

    /** The secret store is throttled, failing or unreachable: the delivery ends as retryable (docs/CONTRACT.md#processing-a-notification-message). */
    public static final class StoreUnavailable extends Exception {
        public StoreUnavailable(String reason) { super(reason, null, false, false); }
    }

    /**
     * One answer for another tenant's variable, an unset one and an empty one, so a reference
     * cannot be used to learn which variables exist.
     */
    public static final String ENV_UNAVAILABLE = "the env: reference is not a set variable of this tenant (RELAY_SECRET_<TENANT_ID>_<NAME>)";
    public static final String OUT_OF_SCOPE = "the reference is not under this tenant's path";

    private record Cached(String value, Instant until) {}

    private final RelayMode mode;
    private final Function<String, String> env;
    private final Duration cacheFor;
    private final Clock clock;
    private final SecretStores stores;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public SecretResolver(RelayMode mode, Function<String, String> env, Duration cacheFor, Clock clock) {
        this(mode, env, cacheFor, clock, SecretStores.NONE);
    }

    public SecretResolver(RelayMode mode, Function<String, String> env, Duration cacheFor, Clock clock, SecretStores stores) {
        this.mode = mode;
        this.env = env;
        this.cacheFor = cacheFor;
        this.clock = clock;
        this.stores = stores;
    }

    /** The token, or {@link Unresolvable} with a reason that never contains a secret value. */
    public String resolve(String tenantId, String ref) throws Unresolvable, StoreUnavailable {
        return resolve(tenantId, ref, SecretReferences.Area.NTFY);
    }

    /** The secret of {@code area} (its SSM/Secrets Manager root); {@code env:} variables are the tenant's whatever the area. */
    public String resolve(String tenantId, String ref, SecretReferences.Area area) throws Unresolvable, StoreUnavailable {
        if (tenantId == null) throw new Unresolvable(OUT_OF_SCOPE);
        Instant now = clock.instant();
        // a cached value is only ever served to its own tenant and area
        String cacheKey = tenantId + '\u0000' + area + '\u0000' + ref;
        Cached c = cache.get(cacheKey);
        if (c != null && now.isBefore(c.until())) return c.value();
        String value = lookUp(tenantId, ref, area);
        if (!cacheFor.isZero()) cache.put(cacheKey, new Cached(value, now.plus(cacheFor)));
        return value;
    }

    private String lookUp(String tenantId, String ref, SecretReferences.Area area) throws Unresolvable, StoreUnavailable {
        if (ref.startsWith(SecretReferences.ENV_SCHEME)) {
            if (mode == RelayMode.AWS) throw new Unresolvable("env: references are only allowed in embedded and localstack modes");
            String variable = SecretReferences.envVariable(ref, tenantId).orElseThrow(() -> new Unresolvable(ENV_UNAVAILABLE));
            String v = env.apply(variable);
            if (v == null || v.trim().isEmpty()) throw new Unresolvable(ENV_UNAVAILABLE);
            return v.trim();
        }
        try {
            String v;
            if (ref.startsWith("ssm:")) v = stores.parameter(scoped(ref.substring("ssm:".length()), area.ssmRoot(tenantId)));
            else if (ref.startsWith("secretsmanager:")) {
                v = stores.secret(scoped(ref.substring("secretsmanager:".length()), area.secretRoot(tenantId)));
            } else throw new Unresolvable("unsupported reference form");
            if (v == null || v.trim().isEmpty()) throw new Unresolvable("the referenced value is empty");
            return v.trim();
        } catch (SecretStores.Unusable e) {
            throw new Unresolvable(e.getMessage());
        } catch (SecretStores.Unavailable e) {
            throw new StoreUnavailable(e.getMessage());
        }
    }

    private static String scoped(String name, String tenantRoot) throws Unresolvable {
        if (!name.startsWith(tenantRoot) || name.length() == tenantRoot.length()) throw new Unresolvable(OUT_OF_SCOPE);
        return name;
    }
}
