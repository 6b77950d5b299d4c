package com.relay.api;

import com.relay.config.ApiKeyEntry;
import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.config.RelayStartupException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * docs/CONTRACT.md#authentication-and-authorization authentication: bearer tokens go to {@link BearerTokenAuthenticator}; API keys are
 * handled here. A presented key is hashed and compared in constant time with
 * every configured hash; keys issued through the API are looked up by hash in {@link ApiKeyStore}
 * (cached for {@value #CACHE_SECONDS} s, so a revoked key is refused within a minute everywhere).
 */
@Component("apiAuthenticator")
public class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    public static final String DEV_KEY = "relay-dev-key";
    static final int CACHE_SECONDS = 30;

    private record Cached(Optional<ApiKeyStore.StoredKey> key, Instant until) {}

    private final boolean enabled;
    private final List<ApiKeyEntry> configured;
    private final List<byte[]> configuredHashes = new ArrayList<>();
    private final ApiKeyStore store;
    private final BearerTokenAuthenticator bearer;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastTouched = new ConcurrentHashMap<>();

    public Authenticator(RelaySettings settings, ApiKeyStore store, BearerTokenAuthenticator bearer,
                         ObjectProvider<Clock> clock) {
        this.store = store;
        this.bearer = bearer;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        RelaySettings.Api api = settings.api();
        this.enabled = api.authEnabled();
        List<ApiKeyEntry> keys = new ArrayList<>(api.apiKeys());
        boolean jwt = api.jwt().enabled();
        if (!enabled) {
            log.warn("auth_disabled: AUTH_ENABLED=false, every request acts as the admin principal 'anonymous'");
        } else if (keys.isEmpty() && !jwt) {
            if (settings.mode() == RelayMode.EMBEDDED) {
                log.warn("API_KEYS is empty: the embedded development admin key '{}' (key id dev) is accepted; "
                        + "never use it outside development", DEV_KEY);
                keys.add(new ApiKeyEntry("dev", null, ApiKeyHashing.sha256(DEV_KEY)));
            } else if (settings.roles().api()) {
                throw new RelayStartupException("authentication is enabled but neither API_KEYS nor JWT_ISSUER_URI is set",
                        "Set API_KEYS (e.g. ops:admin:<sha256 of the key>) or AUTH_ENABLED=false explicitly.");
            }
        }
        this.configured = List.copyOf(keys);
        configured.forEach(k -> configuredHashes.add(k.sha256()));
    }

    /**
     * @param apiKeys       every {@code X-API-Key} value (header name case-insensitive)
     * @param authorization every {@code Authorization} value
     */
    public Principal authenticate(List<String> apiKeys, List<String> authorization) {
        if (!enabled) return Principal.ANONYMOUS;
        // both kinds of credential → 401, whatever either of them holds
        if (!authorization.isEmpty() && !apiKeys.isEmpty()) throw ApiException.unauthorized();
        if (!authorization.isEmpty()) return bearer.authenticate(authorization);
        if (apiKeys.size() != 1) throw ApiException.unauthorized();
        String presented = apiKeys.get(0).trim();
        if (presented.isEmpty()) throw ApiException.unauthorized();
        byte[] hash = ApiKeyHashing.sha256(presented);
        int i = ApiKeyHashing.matchIndex(hash, configuredHashes);
        if (i >= 0) {
            ApiKeyEntry k = configured.get(i);
            return Principal.key(k.keyId(), k.tenantId());
        }
        ApiKeyStore.StoredKey stored = lookup(hash).orElseThrow(ApiException::unauthorized);
        if (ApiKeyHashing.matchIndex(hash, List.of(stored.sha256())) < 0) throw ApiException.unauthorized();
        touch(stored);
        return Principal.key(stored.keyId(), stored.tenantId());
    }

    /** Forgets a revoked key on this instance at once. */
    public void forget(byte[] sha256) {
        cache.remove(ApiKeyHashing.hex(sha256));
    }

    private Optional<ApiKeyStore.StoredKey> lookup(byte[] hash) {
        String hex = ApiKeyHashing.hex(hash);
        Instant now = clock.instant();
        Cached c = cache.get(hex);
        if (c != null && c.until().isAfter(now)) return c.key();
        Optional<ApiKeyStore.StoredKey> found = store.findByHash(hash);
        if (found.isPresent()) {
            if (cache.size() > 10_000) cache.clear();
            cache.put(hex, new Cached(found, now.plusSeconds(CACHE_SECONDS)));
        }
        return found;
    }

    private void touch(ApiKeyStore.StoredKey key) {
        Instant now = Timestamps.now(clock);
        String hex = ApiKeyHashing.hex(key.sha256());
        Instant last = lastTouched.get(hex);
        if (last != null && last.plusSeconds(60).isAfter(now)) return;
        lastTouched.put(hex, now);
        try {
            store.touch(key.sha256(), Timestamps.format(now));
        } catch (RuntimeException e) {
            log.warn("could not record last_used_at of key {}: {}", key.keyId(), e.getClass().getSimpleName());
        }
    }
}
