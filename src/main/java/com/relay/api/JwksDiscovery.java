package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.config.RelayStartupException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * docs/CONTRACT.md#jwt-configuration: without {@code JWT_JWKS_URI}, the JWKS location is the {@code jwks_uri}
 * of {@code <issuer>/.well-known/openid-configuration}, read once at startup.
 */
final class JwksDiscovery {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private JwksDiscovery() {}

    static URI jwksUri(String issuer) {
        URI document = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        String action = "Set JWT_JWKS_URI, or make " + document + " reachable.";
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(document).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new RelayStartupException("OIDC discovery at " + document + " answered HTTP "
                        + response.statusCode(), action);
            }
            JsonNode metadata = Json.MAPPER.readTree(response.body());
            // OIDC Discovery §4.3: the document must name the issuer it was fetched for
            if (!issuer.equals(metadata.path("issuer").asText(null))) {
                throw new RelayStartupException("OIDC discovery at " + document + " names another issuer", action);
            }
            String jwks = metadata.path("jwks_uri").asText(null);
            if (jwks == null) throw new RelayStartupException("OIDC discovery at " + document + " has no jwks_uri", action);
            return URI.create(jwks);
        } catch (RelayStartupException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayStartupException("OIDC discovery at " + document + " was interrupted", action);
        } catch (Exception e) {
            throw new RelayStartupException("OIDC discovery at " + document + " failed: " + e.getClass().getSimpleName(),
                    action);
        }
    }
}
