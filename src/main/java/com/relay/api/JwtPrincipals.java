package com.relay.api;

import com.relay.config.RelaySettings;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.oauth2.jwt.Jwt;

/** docs/CONTRACT.md#claims-to-principal: a validated token's claims → the caller's {@link Principal}. */
public final class JwtPrincipals {

    private JwtPrincipals() {}

    /**
     * Admin when the scopes hold the admin scope (wins over a tenant claim), else tenant {@code T}
     * when the tenant claim is an identifier, else empty: authenticated without a scope (→ 403).
     */
    public static Optional<Principal> toPrincipal(Jwt jwt, RelaySettings.Jwt settings) {
        String subject = jwt.getSubject();
        if (scopes(jwt).contains(settings.adminScope())) return Optional.of(Principal.jwt(subject, null));
        Object tenant = jwt.getClaims().get(settings.tenantClaim());
        if (tenant instanceof String t && Ids.isIdentifier(t)) return Optional.of(Principal.jwt(subject, t));
        return Optional.empty();
    }

    /** The space-separated {@code scope} claim together with {@code scp} (a string or an array). */
    static Set<String> scopes(Jwt jwt) {
        Set<String> scopes = new LinkedHashSet<>();
        addScopes(jwt.getClaims().get("scope"), scopes);
        addScopes(jwt.getClaims().get("scp"), scopes);
        return scopes;
    }

    private static void addScopes(Object claim, Set<String> into) {
        if (claim instanceof String s) {
            for (String scope : s.trim().split("\\s+")) if (!scope.isEmpty()) into.add(scope);
        } else if (claim instanceof Collection<?> list) {
            for (Object item : list) if (item instanceof String s) addScopes(s, into);
        }
    }
}
