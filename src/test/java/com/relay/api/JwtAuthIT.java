package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Bearer tokens beside API keys (docs/CONTRACT.md#jwt-bearer-authentication, docs/CONTRACT.md#authentication-and-authorization) against the real application: tokens
 * signed here with a generated RSA key, whose public half a loopback JWKS server publishes.
 */
class JwtAuthIT extends ApiTestSupport {

    static final String ISSUER = "https://issuer.example/pool";
    static final String AUDIENCE = "relay-api";
    static final String OPS_KEY = "ops-key-for-jwt-it";
    /** An admin may list runs by status (docs/CONTRACT.md#endpoints); any authenticated read will do here. */
    static final String LIST = "/v1/runs?status=QUEUED";
    static final TestTokens TOKENS = new TestTokens();
    static final String JWKS = TOKENS.serveJwks();

    @DynamicPropertySource
    static void jwt(DynamicPropertyRegistry registry) {
        registry.add("JWT_ISSUER_URI", () -> ISSUER);
        registry.add("JWT_JWKS_URI", () -> JWKS);
        registry.add("JWT_AUDIENCE", () -> AUDIENCE);
        registry.add("API_KEYS", () -> "ops:admin:" + ApiKeyHashing.hex(ApiKeyHashing.sha256(OPS_KEY)));
    }

    @AfterAll
    static void stopJwks() {
        TOKENS.stop();
    }

    static JWTClaimsSet.Builder claims(String subject) {
        return TestTokens.base(ISSUER, subject, Instant.now()).audience(AUDIENCE);
    }

    static JWTClaimsSet.Builder admin(String subject) {
        return claims(subject).claim("scope", "openid relay:admin");
    }

    static JWTClaimsSet.Builder tenant(String subject, String tenant) {
        return claims(subject).claim("tenant_id", tenant);
    }

    Reply call(String method, String path, String token, String body) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    String tenantAsAdmin(String base) {
        String tenant = uniqueTenant(base);
        Reply r = call("POST", "/v1/tenants", TOKENS.sign(admin("admin-1")), config(tenant));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return tenant;
    }

    static String runJson(String tenant) {
        return "{\"tenant_id\": \"" + tenant + "\", \"vendors\": [\"x\"], \"run_type\": \"inventory_sync\"}";
    }

    private static void assertInvalidToken(Reply r) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("UNAUTHORIZED");
        assertThat(r.json().path("error").path("message").asText()).isEqualTo("missing or invalid credentials");
        assertThat(r.json().path("error").path("details").isArray()).isTrue();
        assertThat(r.json().path("correlation_id").asText()).isEqualTo(r.header("X-Correlation-Id")).isNotEmpty();
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
    }

    @Test
    void adminTokenCreatesTenantsAndRunsAsAUser() {
        String token = TOKENS.sign(admin("admin-1"));
        String tenant = uniqueTenant("jwt-admin");
        Reply created = call("POST", "/v1/tenants", token, config(tenant));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.json().get("created_by").asText()).isEqualTo("jwt:admin-1");

        Reply run = call("POST", "/v1/runs", token, runJson(tenant));
        assertThat(run.status()).as(run.raw().body()).isEqualTo(202);
        assertThat(run.json().get("created_by").asText()).isEqualTo("user");
        assertThat(run.json().get("requested_by").asText()).isEqualTo("jwt:admin-1");
        Reply read = call("GET", "/v1/runs/" + run.json().get("run_id").asText(), token, null);
        assertThat(read.json().get("created_by").asText()).isEqualTo("user");
        assertThat(read.json().get("requested_by").asText()).isEqualTo("jwt:admin-1");
    }

    @Test
    void scpArrayAndLowerCaseSchemeAreAccepted() {
        String token = TOKENS.sign(claims("admin-2").claim("scp", List.of("relay:admin")));
        Reply r = send(request(LIST).header("Authorization", "bearer " + token).GET());
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    }

    @Test
    void tenantTokenSeesOnlyItsTenantAndNoAdminOperations() {
        String mine = tenantAsAdmin("jwt-mine");
        String other = tenantAsAdmin("jwt-other");
        Reply otherRun = call("POST", "/v1/runs", TOKENS.sign(admin("admin-1")), runJson(other));
        assertThat(otherRun.status()).isEqualTo(202);
        String token = TOKENS.sign(tenant("user-7", mine));

        assertThat(call("GET", "/v1/tenants/" + mine, token, null).status()).isEqualTo(200);
        Reply hidden = call("GET", "/v1/tenants/" + other, token, null);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.code()).isEqualTo("TENANT_NOT_FOUND");
        Reply hiddenRun = call("GET", "/v1/runs/" + otherRun.json().get("run_id").asText(), token, null);
        assertThat(hiddenRun.status()).isEqualTo(404);
        assertThat(hiddenRun.code()).isEqualTo("RUN_NOT_FOUND");
        Reply keys = call("POST", "/v1/tenants/" + mine + "/api-keys", token, "{\"description\": \"x\"}");
        assertThat(keys.status()).isEqualTo(403);
        assertThat(keys.code()).isEqualTo("FORBIDDEN");
        Reply foreignTenant = call("POST", "/v1/tenants", token, config(uniqueTenant("jwt-foreign")));
        assertThat(foreignTenant.status()).isEqualTo(403);

        Reply run = call("POST", "/v1/runs", token, runJson(mine));
        assertThat(run.status()).as(run.raw().body()).isEqualTo(202);
        assertThat(run.json().get("created_by").asText()).isEqualTo("user");
        assertThat(run.json().get("requested_by").asText()).isEqualTo("jwt:user-7");
    }

    @Test
    void adminScopeWinsOverATenantClaim() {
        String other = tenantAsAdmin("jwt-wins");
        String token = TOKENS.sign(admin("admin-3").claim("tenant_id", "somewhere-else"));
        assertThat(call("GET", "/v1/tenants/" + other, token, null).status()).isEqualTo(200);
    }

    @Test
    void tokenWithoutScopeOrValidTenantIsForbiddenEverywhere() {
        String tenant = tenantAsAdmin("jwt-noscope");
        for (String token : List.of(TOKENS.sign(claims("u-1")), TOKENS.sign(claims("u-1").claim("tenant_id", "bad id!")))) {
            Reply r = call("GET", "/v1/tenants/" + tenant, token, null);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.code()).isEqualTo("FORBIDDEN");
            assertThat(call("GET", LIST, token, null).status()).isEqualTo(403);
        }
    }

    @Test
    void tokensWithinTheClockSkewAreAccepted() {
        Instant now = Instant.now();
        String expiredWithinSkew = TOKENS.sign(admin("admin-4").expirationTime(Date.from(now.minusSeconds(30))));
        String notBeforeWithinSkew = TOKENS.sign(admin("admin-4").notBeforeTime(Date.from(now.plusSeconds(30))));
        assertThat(call("GET", LIST, expiredWithinSkew, null).status()).isEqualTo(200);
        assertThat(call("GET", LIST, notBeforeWithinSkew, null).status()).isEqualTo(200);
    }

    @Test
    void invalidTokensAreRejectedWithTheOneErrorShape() {
        Instant now = Instant.now();
        List<String> rejected = List.of(
                TOKENS.sign(admin("a").expirationTime(Date.from(now.minusSeconds(120)))),       // expired beyond skew
                TOKENS.sign(admin("a").notBeforeTime(Date.from(now.plusSeconds(120)))),         // not yet valid
                TOKENS.sign(admin("a").expirationTime(null)),                                    // no exp
                TOKENS.sign(admin("a").issuer(ISSUER + "/")),                                    // issuer, trailing slash
                TOKENS.sign(admin("a").issuer("https://other.example/pool")),                    // wrong issuer
                TOKENS.sign(admin("a").audience("other")),                                       // wrong audience
                TOKENS.sign(admin("a").audience(List.of())),                                     // no audience
                TOKENS.sign(admin("a").claim("token_use", "id")),                                // Cognito ID token
                TOKENS.sign(admin("a").subject(null)),                                           // no sub
                TestTokens.sign(TOKENS.impostor, admin("a").build()),                            // wrong signing key, same kid
                TestTokens.sign(TOKENS.unpublished, admin("a").build()),                         // unknown kid
                TOKENS.signWithoutKid(admin("a")),                                               // no kid
                TOKENS.signHs256(admin("a")),                                                    // alg HS256
                TestTokens.unsigned(admin("a"), ""),                                             // alg none
                TestTokens.unsigned(admin("a"), "c2lnbmF0dXJl"),                                 // alg none, made-up signature
                "not-a-jwt");
        for (String token : rejected) {
            assertInvalidToken(call("GET", LIST, token, null));
        }
        // the audience may be one of several
        assertThat(call("GET", LIST, TOKENS.sign(admin("a").audience(List.of("other", AUDIENCE))), null).status())
                .isEqualTo(200);
    }

    @Test
    void otherSchemesAndRepeatedHeadersAreRejected() {
        String token = TOKENS.sign(admin("admin-5"));
        assertInvalidToken(send(request(LIST).header("Authorization", "Basic " + token).GET()));
        assertInvalidToken(send(request(LIST).header("Authorization", "Bearer  " + token).GET()));
        assertInvalidToken(send(request(LIST).header("Authorization", "Bearer " + token)
                .header("Authorization", "Bearer " + token).GET()));
    }

    @Test
    void apiKeyAndBearerTogetherAre401EvenWhenBothAreValid() {
        String token = TOKENS.sign(admin("admin-6"));
        assertThat(get(LIST, OPS_KEY).status()).isEqualTo(200);
        Reply both = send(request(LIST).header("X-API-Key", OPS_KEY).header("Authorization", "Bearer " + token).GET());
        assertThat(both.status()).isEqualTo(401);
        assertThat(both.code()).isEqualTo("UNAUTHORIZED");
        assertThat(both.json().get("correlation_id").asText()).isNotEmpty();
    }

    @Test
    void apiKeysKeepWorkingAndTheDevelopmentKeyIsOffWhenAnIssuerIsSet() {
        Reply r = post("/v1/tenants", OPS_KEY, config(uniqueTenant("jwt-key")));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("created_by").asText()).isEqualTo("key:ops");
        assertThat(get(LIST, DEV).status()).isEqualTo(401);
    }

    @Test
    void publicEndpointsNeedNoToken() {
        Reply health = get("/v1/health", null);
        assertThat(health.status()).isIn(200, 503);
        JsonNode body = health.json();
        assertThat(body).isNotNull();
        assertThat(get(LIST, null).status()).isEqualTo(401);
        assertThat(get("/v1/runs/" + UUID.randomUUID(), null).status()).isEqualTo(401);
    }
}
