package com.relay.sources.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTestServerTest {

    @TempDir
    Path temp;

    @Test
    void httpsServesAFileWithLastModifiedOnlyWithTheRightCredentials() throws Exception {
        Path file = TestFiles.write(temp, "stock.csv", "sku,qty\n".getBytes(StandardCharsets.UTF_8), Instant.now());
        try (HttpTestServer server = HttpTestServer.startHttps()) {
            server.serveFile("/basic.csv", file, Instant.parse("2026-01-02T03:04:05Z"), HttpTestServer.Auth.basic("relay", "secret"));
            server.serveFile("/bearer.csv", file, Instant.parse("2026-01-02T03:04:05Z"), HttpTestServer.Auth.bearer("tok"));
            server.status("/broken", 500);
            HttpClient client = HttpClient.newBuilder().sslContext(TestCertificate.clientContext()).build();

            HttpResponse<String> ok = client.send(get(server.url("/basic.csv"), "Basic "
                    + Base64.getEncoder().encodeToString("relay:secret".getBytes(StandardCharsets.UTF_8))),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("sku,qty\n");
            assertThat(ok.headers().firstValue("Last-Modified")).hasValue("Fri, 2 Jan 2026 03:04:05 GMT");
            assertThat(client.send(get(server.url("/basic.csv"), "Basic eDp5"), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
            assertThat(client.send(get(server.url("/bearer.csv"), "Bearer tok"), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            assertThat(client.send(get(server.url("/broken"), null), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(500);
            assertThat(server.requests()).hasSize(4);
        }
    }

    @Test
    void dropAfterEndsTheConnectionBeforeTheAnnouncedLength() throws Exception {
        Path file = TestFiles.writeOfSize(temp, "big.bin", 1_000_000, Instant.now());
        try (HttpTestServer server = HttpTestServer.startHttp()) {
            server.dropAfter("/drop", file, 300_000);
            HttpClient client = HttpClient.newHttpClient();
            assertThatThrownBy(() -> {
                HttpResponse<InputStream> response = client.send(get(server.url("/drop"), null),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }).isInstanceOf(java.io.IOException.class);
        }
    }

    private static HttpRequest get(String url, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }
}
