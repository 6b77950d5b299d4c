package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.relay.config.RelayMode;
import com.relay.engine.run.VendorInput;
import com.relay.sources.SourceErrors;
import com.relay.sources.SourceRefusedException;
import com.relay.sources.SourceUnavailableException;
import com.relay.sources.testing.HttpTestServer;
import com.relay.sources.testing.TestCertificate;
import com.relay.sources.testing.TestFiles;
import com.relay.tenants.config.TenantConfig;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code direct:fetch-vendor-http} against a real in-process HTTP(S) server (docs/ROUTES.md "Vendor
 * sources: http and email"): what the server receives, what is stored, how each failure is
 * classified, and that no secret reaches a log, an error, a header, an endpoint URI or JMX.
 */
class HttpSourceRouteTest {

    static final String PASSWORD = "s3cr3t-basic-pw";
    static final String TOKEN = "tok-bearer-9f8e7d";
    static final String API_KEY = "key-header-1a2b3c";
    static final Instant MODIFIED = Instant.parse("2026-03-04T05:06:07Z");

    @TempDir
    Path dir;

    HttpTestServer server;
    SourceRouteHarness harness;
    ListAppender<ILoggingEvent> logs;

    @AfterEach
    void stop() {
        if (harness != null) harness.close();
        if (server != null) server.close();
        if (logs != null) ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    /** Embedded mode (loopback allowed), the secrets in the tenant's env variables, the fixture's certificate trusted by the test only. */
    SourceRouteHarness harness(RelayMode mode, boolean trustFixture, String... env) throws Exception {
        String[] all = new String[env.length + 6];
        all[0] = "RELAY_SECRET_MERCHANT1_PW";
        all[1] = PASSWORD;
        all[2] = "RELAY_SECRET_MERCHANT1_TOKEN";
        all[3] = TOKEN;
        all[4] = "RELAY_SECRET_MERCHANT1_KEY";
        all[5] = API_KEY;
        System.arraycopy(env, 0, all, 6, env.length);
        harness = new SourceRouteHarness(SourceRouteHarness.env(mode, all), dir.resolve("work"));
        java.nio.file.Files.createDirectories(dir.resolve("work"));
        if (trustFixture) {
            // test only: the component trusts the fixture's certificate; production sets nothing (JVM trust store)
            SSLContextParameters tls = new SSLContextParameters();
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setTrustManager(TestCertificate.trustManager());
            tls.setTrustManagers(trust);
            harness.camel.getComponent("http", HttpComponent.class).setSslContextParameters(tls);
        }
        harness.start();
        return harness;
    }

    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        ((Logger) LoggerFactory.getLogger("org.apache.camel")).setLevel(Level.DEBUG);
        ((Logger) LoggerFactory.getLogger("com.relay")).setLevel(Level.DEBUG);
    }

    static TenantConfig.Remote http(String url, TenantConfig.HttpAuth auth) {
        return new TenantConfig.Remote(null, 0, null, null, null, null, null, null, 0, url, auth, null, null, null, null);
    }

    static TenantConfig.HttpAuth basic() {
        return new TenantConfig.HttpAuth("basic", "relay", "env:RELAY_SECRET_MERCHANT1_PW", null, null, null);
    }

    static TenantConfig.HttpAuth bearer() {
        return new TenantConfig.HttpAuth("bearer", null, null, "env:RELAY_SECRET_MERCHANT1_TOKEN", null, null);
    }

    static TenantConfig.HttpAuth header() {
        return new TenantConfig.HttpAuth("header", null, null, null, "X-Api-Key", "env:RELAY_SECRET_MERCHANT1_KEY");
    }

    /** The route ended without an exception (else the assertion shows the whole chain). */
    static void noFailure(Exchange ex) {
        java.io.StringWriter trace = new java.io.StringWriter();
        if (ex.getException() != null) ex.getException().printStackTrace(new java.io.PrintWriter(trace));
        assertThat(ex.getException()).as(trace::toString).isNull();
    }

    @Test
    void basicAuthOverHttpsStreamsTheFileIntoTheStoreAndDescribesIt() throws Exception {
        server = HttpTestServer.startHttps();
        Path file = TestFiles.write(dir, "srv/stock.csv", "SKU,QTY\nA-1,5\n".getBytes(StandardCharsets.UTF_8), MODIFIED);
        server.serveFile("/feeds/stock.csv", file, MODIFIED, HttpTestServer.Auth.basic("relay", PASSWORD));
        harness(RelayMode.EMBEDDED, true);

        Exchange ex = harness.fetch("beta", "http", http(server.url("/feeds/stock.csv?sig=abc123"), basic()));

        noFailure(ex);
        assertThat(harness.stored).hasSize(1);
        SourceRouteHarness.Stored s = harness.stored.get(0);
        // the store route got the socket's stream, not a copy Camel made
        assertThat(s.bodyType()).doesNotContain("StreamCache").doesNotContain("byte");
        assertThat(s.sha256()).isEqualTo(SourceRouteHarness.sha256(file));
        assertThat(s.bytes()).isEqualTo(java.nio.file.Files.size(file));
        assertThat(s.key()).isEqualTo("inbound/beta/stock.csv");
        assertThat(s.size()).isEqualTo(java.nio.file.Files.size(file));
        assertThat(s.modified()).isEqualTo(MODIFIED);
        assertThat(s.manifest()).containsEntry("url", server.url("/feeds/stock.csv")).containsEntry("http_status", 200)
                .containsEntry("content_type", "application/octet-stream");
        // the vendor's input_manifest.json entry, as fetch-store-vendor-file hands it to the engine
        assertThat(harness.resolved).singleElement().satisfies(input -> assertThat(input.feedManifest())
                .containsEntry("url", server.url("/feeds/stock.csv")).containsEntry("file_name", "stock.csv")
                .containsEntry("size", java.nio.file.Files.size(file)).containsEntry("last_modified", "2026-03-04T05:06:07.000Z")
                .containsEntry("sha256", SourceRouteHarness.sha256(file)));
        assertThat(server.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.authorization()).isEqualTo("Basic " + java.util.Base64.getEncoder()
                    .encodeToString(("relay:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        });
        // the route ends with the VendorFetch as the body and no HTTP header left on the message
        assertThat(ex.getMessage().getBody()).isInstanceOf(VendorFetch.class);
        assertThat(ex.getMessage().getHeaders().keySet()).noneMatch(h -> h.startsWith("CamelHttp") || h.equalsIgnoreCase("Last-Modified"));
    }

    @Test
    void bearerAndHeaderCredentialsAreSentAndAppearNowhereElse() throws Exception {
        captureLogs();
        server = HttpTestServer.startHttp();
        Path file = TestFiles.write(dir, "srv/feed.csv", "SKU,QTY\nB,1\n".getBytes(StandardCharsets.UTF_8), MODIFIED);
        server.serveFile("/bearer.csv", file, MODIFIED, HttpTestServer.Auth.bearer(TOKEN));
        server.serveFile("/header.csv", file, MODIFIED, HttpTestServer.Auth.none());
        server.status("/down.csv", 503);
        server.status("/denied.csv", 401);
        harness(RelayMode.EMBEDDED, false);

        Exchange bearer = harness.fetch("beta", "http", http(server.url("/bearer.csv"), bearer()));
        Exchange header = harness.fetch("beta", "http", http(server.url("/header.csv"), header()));
        Exchange down = harness.fetch("beta", "http", http(server.url("/down.csv"), header()));
        Exchange denied = harness.fetch("beta", "http", http(server.url("/denied.csv"), bearer()));

        noFailure(bearer);
        noFailure(header);
        assertThat(harness.stored).hasSize(2);
        assertThat(server.requests().get(0).authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(server.requests().get(1).headers()).containsEntry("x-api-key", java.util.List.of(API_KEY));
        assertThat(down.getException()).isInstanceOf(SourceUnavailableException.class);
        assertThat(denied.getException()).isInstanceOf(SourceRefusedException.class);

        // nowhere else: logs, errors, headers and properties left on the exchanges, endpoint URIs, JMX names
        StringBuilder seen = new StringBuilder();
        logs.list.forEach(e -> seen.append(e.getFormattedMessage()).append('\n')
                .append(e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()).append('\n'));
        for (Exchange ex : java.util.List.of(bearer, header, down, denied)) {
            seen.append(ex.getMessage().getHeaders()).append(ex.getProperties());
            for (Throwable t = ex.getException(); t != null; t = t.getCause()) seen.append(t).append('\n');
        }
        harness.camel.getEndpoints().forEach(e -> seen.append(e.getEndpointUri()).append('\n'));
        ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("org.apache.camel:*"), null)
                .forEach(n -> seen.append(n).append('\n'));
        assertThat(seen.toString()).doesNotContain(TOKEN).doesNotContain(API_KEY).doesNotContain(PASSWORD)
                .contains("fetch-vendor-http");
        assertThat(harness.http.inFlight()).isZero();
    }

    @Test
    void unauthorizedAndForbiddenFailTheRunAsAuthFailed() throws Exception {
        server = HttpTestServer.startHttp();
        Path file = TestFiles.write(dir, "srv/f.csv", "x\n".getBytes(StandardCharsets.UTF_8), MODIFIED);
        server.serveFile("/f.csv", file, MODIFIED, HttpTestServer.Auth.basic("relay", "another-password"));
        server.status("/forbidden.csv", 403);
        harness(RelayMode.EMBEDDED, false);

        Exchange wrong = harness.fetch("beta", "http", http(server.url("/f.csv"), basic()));
        Exchange forbidden = harness.fetch("beta", "http", http(server.url("/forbidden.csv"), basic()));

        for (Exchange ex : java.util.List.of(wrong, forbidden)) {
            assertThat(ex.getException()).isInstanceOfSatisfying(SourceRefusedException.class, e -> {
                assertThat(e.code()).isEqualTo(SourceErrors.AUTH_FAILED);
                assertThat(e.getMessage()).contains("vendor beta").doesNotContain(PASSWORD);
            });
        }
        assertThat(wrong.getException().getMessage()).contains("401");
        assertThat(forbidden.getException().getMessage()).contains("403");
        assertThat(harness.stored).isEmpty();
    }

    @Test
    void notFoundIsAMissingVendorNotAnError() throws Exception {
        server = HttpTestServer.startHttp();
        harness(RelayMode.EMBEDDED, false);

        Exchange ex = harness.fetch("beta", "http", http(server.url("/not-published-yet.csv"), null));

        noFailure(ex);
        assertThat(harness.stored).isEmpty();
        assertThat(harness.resolved).singleElement().extracting(VendorInput::missingReason).isEqualTo(SourceErrors.NO_MATCHING_FILE);
    }

    @Test
    void anEmptyAnswerIsAnEmptyFileAndNoContentIsAMissingVendor() throws Exception {
        server = HttpTestServer.startHttp();
        server.noBody("/empty.csv", 200);
        server.noBody("/no-content.csv", 204);
        harness(RelayMode.EMBEDDED, false);

        Exchange empty = harness.fetch("beta", "http", http(server.url("/empty.csv"), null));
        Exchange noContent = harness.fetch("gamma", "http", http(server.url("/no-content.csv"), null));

        // 200 with no bytes: the vendor published an empty file; it is stored as such and the engine judges it
        noFailure(empty);
        assertThat(harness.stored).singleElement().satisfies(s -> {
            assertThat(s.bytes()).isZero();
            assertThat(s.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        });
        // 204: the vendor says there is nothing: a missing vendor (REQUIRED_VENDOR_MISSING when required)
        noFailure(noContent);
        assertThat(harness.resolved).filteredOn(v -> "gamma".equals(v.vendorId())).singleElement()
                .extracting(VendorInput::missingReason).isEqualTo(SourceErrors.NO_MATCHING_FILE);
    }

    @Test
    void serverErrorsRefusedConnectionsAndTimeoutsAreUnavailable() throws Exception {
        server = HttpTestServer.startHttp();
        server.status("/500.csv", 500);
        server.slow("/slow.csv", 4_000);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        harness(RelayMode.EMBEDDED, false, "SOURCE_READ_TIMEOUT_SECONDS", "1");

        Exchange error = harness.fetch("beta", "http", http(server.url("/500.csv"), basic()));
        Exchange refused = harness.fetch("beta", "http", http("http://127.0.0.1:" + closedPort + "/f.csv?key=" + API_KEY, null));
        Exchange slow = harness.fetch("beta", "http", http(server.url("/slow.csv"), null));

        assertThat(error.getException()).isInstanceOf(SourceUnavailableException.class).hasMessageContaining("answered 500");
        assertThat(refused.getException()).isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("connection refused").hasMessageNotContaining(API_KEY);
        assertThat(slow.getException()).isInstanceOf(SourceUnavailableException.class).hasMessageContaining("timed out");
        assertThat(harness.stored).isEmpty();
        assertThat(harness.resolved).isEmpty();
    }

    @Test
    void aBodyCutShortOfItsContentLengthIsUnavailableAndNothingIsStored() throws Exception {
        server = HttpTestServer.startHttp();
        Path file = TestFiles.writeOfSize(dir, "srv/big.csv", 2_000_000, MODIFIED);
        server.dropAfter("/big.csv", file, 700_000);
        harness(RelayMode.EMBEDDED, false);

        Exchange ex = harness.fetch("beta", "http", http(server.url("/big.csv"), null));

        assertThat(ex.getException()).isInstanceOf(SourceUnavailableException.class).hasMessageContaining("vendor beta");
        assertThat(harness.stored).isEmpty();
    }

    @Test
    void redirectsAreFollowedOnlyToTheSameHostOverHttps() throws Exception {
        server = HttpTestServer.startHttps();
        Path file = TestFiles.write(dir, "srv/r.csv", "SKU\nR\n".getBytes(StandardCharsets.UTF_8), MODIFIED);
        server.serveFile("/final.csv", file, MODIFIED, HttpTestServer.Auth.bearer(TOKEN));
        server.redirect("/same.csv", server.url("/final.csv"));
        // 127.0.0.1 is another host name than localhost: the credential must not follow
        server.redirect("/elsewhere.csv", "https://127.0.0.1:" + server.port() + "/final.csv");
        harness(RelayMode.EMBEDDED, true);

        Exchange same = harness.fetch("beta", "http", http(server.url("/same.csv"), bearer()));
        Exchange elsewhere = harness.fetch("beta", "http", http(server.url("/elsewhere.csv"), bearer()));

        noFailure(same);
        assertThat(harness.stored).singleElement().extracting(SourceRouteHarness.Stored::sha256).isEqualTo(SourceRouteHarness.sha256(file));
        assertThat(elsewhere.getException()).isInstanceOfSatisfying(SourceRefusedException.class,
                e -> assertThat(e.code()).isEqualTo(SourceErrors.NOT_ALLOWED));
        assertThat(server.requests().stream().map(HttpTestServer.Request::path).collect(Collectors.toList()))
                .containsExactly("/same.csv", "/final.csv", "/elsewhere.csv");
    }

    @Test
    void anUntrustedCertificateIsAuthFailedAndTheNetworkPolicyHoldsOutsideEmbeddedMode() throws Exception {
        server = HttpTestServer.startHttps();
        server.status("/f.csv", 200);
        harness(RelayMode.LOCALSTACK, false, "SOURCE_ALLOWED_PRIVATE_HOSTS", "localhost");

        Exchange untrusted = harness.fetch("beta", "http", http(server.url("/f.csv"), null));
        Exchange loopbackIp = harness.fetch("beta", "http", http("https://127.0.0.1:" + server.port() + "/f.csv", bearer()));

        assertThat(untrusted.getException()).isInstanceOfSatisfying(SourceRefusedException.class,
                e -> assertThat(e.code()).isEqualTo(SourceErrors.AUTH_FAILED));
        assertThat(loopbackIp.getException()).isInstanceOfSatisfying(SourceRefusedException.class,
                e -> assertThat(e.code()).isEqualTo(SourceErrors.NOT_ALLOWED));
        // the refused host never got a request; the untrusted one never got past the handshake
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void manyFetchesLeaveNoEndpointConnectionOrSecretBehind() throws Exception {
        server = HttpTestServer.startHttp();
        Path file = TestFiles.write(dir, "srv/m.csv", "SKU\nM\n".getBytes(StandardCharsets.UTF_8), MODIFIED);
        server.serveFile("/m.csv", file, MODIFIED, HttpTestServer.Auth.bearer(TOKEN));
        server.status("/e.csv", 500);
        harness(RelayMode.EMBEDDED, false);
        harness.fetch("beta", "http", http(server.url("/m.csv"), bearer()));
        Set<String> endpoints = harness.camel.getEndpoints().stream().map(e -> e.getEndpointUri()).collect(Collectors.toSet());
        int threads = Thread.activeCount();

        for (int i = 0; i < 60; i++) {
            harness.fetch("v" + i, "http", http(server.url(i % 3 == 0 ? "/e.csv" : "/m.csv") + "?n=" + i, bearer()));
        }

        assertThat(harness.camel.getEndpoints().stream().map(e -> e.getEndpointUri()).collect(Collectors.toSet()))
                .isEqualTo(endpoints);
        assertThat(harness.http.inFlight()).isZero();
        assertThat(harness.stored).hasSize(1 + 40);
        // connections go back to the one pool of the one endpoint: no thread per fetch
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads + 2);
    }

    @Test
    void aFiftyMegabyteFileStreamsThroughOnLoopback() throws Exception {
        server = HttpTestServer.startHttp();
        long size = 50L * 1024 * 1024;
        Path file = TestFiles.writeOfSize(dir, "srv/fifty.csv", size, MODIFIED);
        server.serveFile("/fifty.csv", file, MODIFIED, HttpTestServer.Auth.none());
        harness(RelayMode.EMBEDDED, false);

        long start = System.nanoTime();
        Exchange ex = harness.fetch("beta", "http", http(server.url("/fifty.csv"), null));
        long millis = (System.nanoTime() - start) / 1_000_000;

        noFailure(ex);
        assertThat(harness.stored).singleElement().satisfies(s -> {
            assertThat(s.bytes()).isEqualTo(size);
            assertThat(s.bodyType()).doesNotContain("StreamCache");
        });
        assertThat(harness.stored.get(0).sha256()).isEqualTo(SourceRouteHarness.sha256(file));
        // docs/PERFORMANCE.md "Vendor source fetch": the figure this prints
        System.out.printf("http 50 MiB loopback fetch (GET, spool with sha256): %d ms%n", millis);
    }

}
