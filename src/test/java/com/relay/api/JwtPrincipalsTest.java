package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.config.RelaySettings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

/** Claims → principal (docs/CONTRACT.md#claims-to-principal) and the claim validators (docs/CONTRACT.md#token-validation rules 4–10), without a decoder. */
class JwtPrincipalsTest {

    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    static final RelaySettings.Jwt DEFAULTS = settings(Map.of("JWT_CLIENT_ID", "relay-client"));

    static RelaySettings.Jwt settings(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.put("JWT_ISSUER_URI", "https://issuer.example/pool");
        return RelaySettings.load(env::get).api().jwt();
    }

    static Jwt jwt(Consumer<Jwt.Builder> claims) {
        Jwt.Builder b = Jwt.withTokenValue("t").header("alg", "RS256").subject("u-1")
                .issuer("https://issuer.example/pool").expiresAt(NOW.plusSeconds(300))
                .claim("token_use", "access").claim("client_id", "relay-client");
        claims.accept(b);
        return b.build();
    }

    @Test
    void scopesComeFromScopeAndScp() {
        assertThat(JwtPrincipals.scopes(jwt(b -> b.claim("scope", " openid  relay:read ").claim("scp", List.of("a", "b c")))))
                .containsExactly("openid", "relay:read", "a", "b", "c");
        assertThat(JwtPrincipals.scopes(jwt(b -> b.claim("scp", "x y")))).containsExactly("x", "y");
        assertThat(JwtPrincipals.scopes(jwt(b -> { }))).isEmpty();
    }

    @Test
    void adminScopeTenantClaimOrNothing() {
        assertThat(JwtPrincipals.toPrincipal(jwt(b -> b.claim("scope", "relay:admin")), DEFAULTS))
                .contains(new Principal("jwt:u-1", null));
        assertThat(JwtPrincipals.toPrincipal(jwt(b -> b.claim("tenant_id", "acme_parts")), DEFAULTS))
                .contains(new Principal("jwt:u-1", "acme_parts"));
        assertThat(JwtPrincipals.toPrincipal(jwt(b -> b.claim("tenant_id", "bad id!")), DEFAULTS)).isEmpty();
        assertThat(JwtPrincipals.toPrincipal(jwt(b -> b.claim("tenant_id", List.of("acme_parts"))), DEFAULTS)).isEmpty();
        assertThat(JwtPrincipals.toPrincipal(jwt(b -> b.claim("scope", "relay:admins")), DEFAULTS)).isEmpty();
    }

    @Test
    void claimNameAndAdminScopeAreConfigurable() {
        RelaySettings.Jwt custom = settings(Map.of("JWT_CLIENT_ID", "c", "JWT_TENANT_CLAIM", "custom:tenant",
                "JWT_ADMIN_SCOPE", "relay-api/admin"));
        assertThat(JwtPrincipals.toPrincipal(jwt(b -> b.claim("custom:tenant", "beta")), custom))
                .contains(new Principal("jwt:u-1", "beta"));
        assertThat(JwtPrincipals.toPrincipal(jwt(b -> b.claim("tenant_id", "beta")), custom)).isEmpty();
        assertThat(JwtPrincipals.toPrincipal(jwt(b -> b.claim("scope", "relay-api/admin")), custom).orElseThrow().admin())
                .isTrue();
    }

    @Test
    void validatorsFollowTheSettings() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        OAuth2TokenValidator<Jwt> defaults = RelayJwtValidators.of(DEFAULTS, clock);
        assertThat(defaults.validate(jwt(b -> { })).hasErrors()).isFalse();
        assertThat(defaults.validate(jwt(b -> b.claim("token_use", "id"))).hasErrors()).isTrue();
        assertThat(defaults.validate(jwt(b -> b.claim("client_id", "other"))).hasErrors()).isTrue();
        assertThat(defaults.validate(jwt(b -> b.expiresAt(NOW.minusSeconds(60)))).hasErrors()).isTrue();
        assertThat(defaults.validate(jwt(b -> b.expiresAt(NOW.minusSeconds(59)))).hasErrors()).isFalse();

        // an empty JWT_REQUIRED_TOKEN_USE switches that check off; the audience check replaces client_id
        OAuth2TokenValidator<Jwt> audienceOnly = RelayJwtValidators.of(
                settings(Map.of("JWT_AUDIENCE", "relay-api", "JWT_REQUIRED_TOKEN_USE", "")), clock);
        assertThat(audienceOnly.validate(jwt(b -> b.claim("token_use", "id").audience(List.of("relay-api"))
                .claim("client_id", "other"))).hasErrors()).isFalse();
        assertThat(audienceOnly.validate(jwt(b -> b.audience(List.of("other")))).hasErrors()).isTrue();

        OAuth2TokenValidator<Jwt> noSkew = RelayJwtValidators.of(settings(Map.of("JWT_CLIENT_ID", "relay-client",
                "JWT_CLOCK_SKEW_SECONDS", "0")), clock);
        assertThat(noSkew.validate(jwt(b -> b.notBefore(NOW.plusSeconds(1)))).hasErrors()).isTrue();
        assertThat(noSkew.validate(jwt(b -> b.notBefore(NOW))).hasErrors()).isFalse();
    }
}
