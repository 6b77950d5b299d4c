package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.config.RelayStartupException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#jwt-configuration: the JWKS location from the issuer's discovery document. */
class JwksDiscoveryTest {

    HttpServer server;
    String base;
    volatile String document;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/pool/.well-known/openid-configuration", exchange -> {
            byte[] body = document.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readsJwksUriOfTheMatchingIssuer() {
        document = "{\"issuer\": \"" + base + "/pool\", \"jwks_uri\": \"" + base + "/pool/.well-known/jwks.json\"}";
        assertThat(JwksDiscovery.jwksUri(base + "/pool")).isEqualTo(URI.create(base + "/pool/.well-known/jwks.json"));
    }

    @Test
    void anotherIssuerMissingJwksOrUnreachableStopsStartup() {
        document = "{\"issuer\": \"" + base + "/other\", \"jwks_uri\": \"" + base + "/jwks.json\"}";
        assertThatThrownBy(() -> JwksDiscovery.jwksUri(base + "/pool")).isInstanceOf(RelayStartupException.class)
                .hasMessageContaining("names another issuer");
        document = "{\"issuer\": \"" + base + "/pool\"}";
        assertThatThrownBy(() -> JwksDiscovery.jwksUri(base + "/pool")).isInstanceOf(RelayStartupException.class)
                .hasMessageContaining("has no jwks_uri");
        assertThatThrownBy(() -> JwksDiscovery.jwksUri(base + "/missing")).isInstanceOf(RelayStartupException.class)
                .hasMessageContaining("answered HTTP 404");
    }
}
