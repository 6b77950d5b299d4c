package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.relay.config.RelaySettings;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * The JWT test vectors of docs/CONTRACT.md#jwt-vectors against the real decoder, validators and claim
 * mapping, at the vectors' fixed {@code now} (1,800,000,000 = 2027-01-15T08:00:00Z), skew 60 s.
 */
class JwtTokenVectorsTest {

    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    static final String ISSUER = "https://issuer.example/pool";
    static final TestTokens TOKENS = new TestTokens();
    static final String JWKS = TOKENS.serveJwks();
    static final BearerTokenAuthenticator CLIENT_ID = authenticator(Map.of("JWT_CLIENT_ID", "relay-client"), JWKS);
    static final BearerTokenAuthenticator AUDIENCE = authenticator(Map.of("JWT_AUDIENCE", "relay-api"), JWKS);

    @AfterAll
    static void stopJwks() {
        TOKENS.stop();
    }

    static BearerTokenAuthenticator authenticator(Map<String, String> extra, String jwks) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("JWT_ISSUER_URI", ISSUER);
        env.put("JWT_JWKS_URI", jwks);
        RelaySettings settings = RelaySettings.load(env::get);
        JwtDecoder decoder = JwtDecoderConfiguration.decoder(settings.api().jwt(), URI.create(jwks),
                Clock.fixed(NOW, ZoneOffset.UTC));
        return new BearerTokenAuthenticator(
                new StaticListableBeanFactory(Map.of("decoder", decoder)).getBeanProvider(JwtDecoder.class), settings);
    }

    /** The base token of docs/CONTRACT.md#jwt-vectors plus a variation. */
    static JWTClaimsSet.Builder base(Consumer<JWTClaimsSet.Builder> variation) {
        JWTClaimsSet.Builder b = TestTokens.base(ISSUER, "u-1", NOW).claim("client_id", "relay-client");
        variation.accept(b);
        return b;
    }

    static Principal accept(BearerTokenAuthenticator authenticator, String token) {
        return authenticator.authenticate(List.of("Bearer " + token));
    }

    static void assertStatus(BearerTokenAuthenticator authenticator, String authorization, int status) {
        assertThatThrownBy(() -> authenticator.authenticate(List.of(authorization)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    if (status == 401) {
                        assertThat(e.code()).isEqualTo("UNAUTHORIZED");
                        assertThat(e.headers()).containsEntry("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                    }
                });
    }

    static void reject(String token) {
        assertStatus(CLIENT_ID, "Bearer " + token, 401);
    }

    static Date at(long secondsFromNow) {
        return Date.from(NOW.plusSeconds(secondsFromNow));
    }

    @Test
    void adminScopeInScopeOrScp() {
        assertThat(accept(CLIENT_ID, TOKENS.sign(base(b -> b.claim("scope", "openid relay:admin")))))
                .isEqualTo(new Principal("jwt:u-1", null));
        assertThat(accept(CLIENT_ID, TOKENS.sign(base(b -> b.claim("scp", List.of("relay:admin"))))).admin()).isTrue();
        assertThat(accept(CLIENT_ID, TOKENS.sign(base(b -> b.claim("scp", "relay:admin")))).admin()).isTrue();
    }

    @Test
    void tenantClaimScopesToTheTenantAndTheAdminScopeWins() {
        Principal tenant = accept(CLIENT_ID, TOKENS.sign(base(b -> b.claim("tenant_id", "acme_parts"))));
        assertThat(tenant).isEqualTo(new Principal("jwt:u-1", "acme_parts"));
        assertThat(tenant.canSee("beta")).isFalse();
        assertThat(tenant.createdBy()).isEqualTo("user");
        assertThat(accept(CLIENT_ID, TOKENS.sign(base(b -> b.claim("tenant_id", "acme_parts")
                .claim("scope", "relay:admin")))).admin()).isTrue();
    }

    @Test
    void tokenWithoutAdminScopeOrValidTenantIs403() {
        assertStatus(CLIENT_ID, "Bearer " + TOKENS.sign(base(b -> b.claim("tenant_id", "bad id!"))), 403);
        assertStatus(CLIENT_ID, "Bearer " + TOKENS.sign(base(b -> { })), 403);
        assertStatus(CLIENT_ID, "Bearer " + TOKENS.sign(base(b -> b.claim("scope", "openid relay:read"))), 403);
    }

    @Test
    void expiryAndNotBeforeHonourTheSkewExactly() {
        assertThat(accept(CLIENT_ID, TOKENS.sign(base(b -> b.expirationTime(at(-59)).claim("scope", "relay:admin")))))
                .isNotNull();
        reject(TOKENS.sign(base(b -> b.expirationTime(at(-60)).claim("scope", "relay:admin"))));
        assertThat(accept(CLIENT_ID, TOKENS.sign(base(b -> b.notBeforeTime(at(60)).claim("scope", "relay:admin")))))
                .isNotNull();
        reject(TOKENS.sign(base(b -> b.notBeforeTime(at(61)).claim("scope", "relay:admin"))));
        reject(TOKENS.sign(base(b -> b.expirationTime(null).claim("scope", "relay:admin"))));
    }

    @Test
    void onlyRs256IsAccepted() {
        reject(TOKENS.signHs256(base(b -> b.claim("scope", "relay:admin"))));
        reject(TestTokens.unsigned(base(b -> b.claim("scope", "relay:admin")), ""));
        reject(TestTokens.unsigned(base(b -> b.claim("scope", "relay:admin")), "c2ln"));
        reject(TOKENS.signWithoutKid(base(b -> b.claim("scope", "relay:admin"))));
        reject(TestTokens.sign(TOKENS.impostor, base(b -> b.claim("scope", "relay:admin")).build()));
    }

    @Test
    void claimChecks() {
        reject(TOKENS.sign(base(b -> b.issuer(ISSUER + "/").claim("scope", "relay:admin"))));
        reject(TOKENS.sign(base(b -> b.claim("token_use", "id").claim("scope", "relay:admin"))));
        reject(TOKENS.sign(base(b -> b.claim("token_use", null).claim("scope", "relay:admin"))));
        reject(TOKENS.sign(base(b -> b.claim("client_id", "other").claim("scope", "relay:admin"))));
        reject(TOKENS.sign(base(b -> b.subject(null).claim("scope", "relay:admin"))));
        reject(TOKENS.sign(base(b -> b.subject("").claim("scope", "relay:admin"))));
    }

    @Test
    void audienceMayBeOneOfSeveral() {
        assertThat(accept(AUDIENCE, TOKENS.sign(base(b -> b.audience(List.of("other", "relay-api"))
                .claim("scope", "relay:admin"))))).isNotNull();
        assertStatus(AUDIENCE, "Bearer " + TOKENS.sign(base(b -> b.audience("other").claim("scope", "relay:admin"))), 401);
    }

    @Test
    void schemeIsCaseInsensitiveButTheFormatIsStrict() {
        String token = TOKENS.sign(base(b -> b.claim("scope", "relay:admin")));
        assertThat(CLIENT_ID.authenticate(List.of("bearer " + token)).admin()).isTrue();
        assertThat(CLIENT_ID.authenticate(List.of("BEARER " + token)).admin()).isTrue();
        assertStatus(CLIENT_ID, "Bearer  " + token, 401);
        assertStatus(CLIENT_ID, "Bearer", 401);
        assertStatus(CLIENT_ID, "Basic dXNlcjpwYXNz", 401);
        assertStatus(CLIENT_ID, "Bearer a.b.c.d.e", 401);
        assertThatThrownBy(() -> CLIENT_ID.authenticate(List.of("Bearer " + token, "Bearer " + token)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void unknownKidRefetchesTheKeySetOnceAMinuteAtMost() {
        TestTokens own = new TestTokens();
        BearerTokenAuthenticator authenticator = authenticator(Map.of("JWT_CLIENT_ID", "relay-client"), own.serveJwks());
        try {
            assertThat(accept(authenticator, own.sign(base(b -> b.claim("scope", "relay:admin"))))).isNotNull();
            assertThat(own.jwksRequests.get()).isEqualTo(1);
            String unknown = TestTokens.sign(own.unpublished, base(b -> b.claim("scope", "relay:admin")).build());
            assertStatus(authenticator, "Bearer " + unknown, 401);
            assertThat(own.jwksRequests.get()).isEqualTo(2);
            assertStatus(authenticator, "Bearer " + unknown, 401);
            assertThat(own.jwksRequests.get()).isEqualTo(2);
            // the cached key still works
            assertThat(accept(authenticator, own.sign(base(b -> b.claim("scope", "relay:admin"))))).isNotNull();
        } finally {
            own.stop();
        }
    }

    @Test
    void unreachableKeySetWithNothingCachedIs503() {
        BearerTokenAuthenticator authenticator = authenticator(Map.of("JWT_CLIENT_ID", "relay-client"),
                "http://127.0.0.1:1/jwks.json");
        assertThatThrownBy(() -> authenticator.authenticate(List.of("Bearer " + TOKENS.sign(base(b -> b.claim("scope", "relay:admin"))))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("SERVICE_UNAVAILABLE");
                });
    }

    @Test
    void principalIdsAndCreatedBy() {
        assertThat(Principal.jwt("u-1", null).id()).isEqualTo("jwt:u-1");
        assertThat(Principal.jwt("u-1", null).createdBy()).isEqualTo("user");
        assertThat(Principal.key("ops", null).createdBy()).isEqualTo("api");
        assertThat(Principal.ANONYMOUS.createdBy()).isEqualTo("api");
    }
}
