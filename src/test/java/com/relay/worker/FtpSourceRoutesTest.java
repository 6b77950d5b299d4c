package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.relay.sources.RemoteFileEndpoints;
import com.relay.sources.RemoteFileSources;
import com.relay.sources.SourceErrors;
import com.relay.sources.SourceRefusedException;
import com.relay.sources.SourceUnavailableException;
import com.relay.sources.testing.FtpTestServer;
import com.relay.sources.testing.SftpTestServer;
import com.relay.sources.testing.TestCertificate;
import com.relay.sources.testing.TestFiles;
import com.relay.tenants.config.TenantConfig;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * routes/fetch-vendor-ftp.camel.yaml against the in-process SFTP and FTP/FTPS servers
 * (com.relay.sources.testing), in a plain CamelContext: the route file as written, the real
 * {@code remoteFileSources} bean, a stand-in for {@code direct:store-vendor-file} that reads the
 * stream as the spool does (bytes, sha256, the announced size) and records what the route set, and
 * {@code sourceFiles.nothingFound} recorded. Covers the choice of file, each failure's class and code,
 * the connection lifecycle and where the password could leak.
 */
class FtpSourceRoutesTest {

    private static final String USER = "relay";
    private static final String PASSWORD = "s3cr3t-Pa55:w/rd&x=1";
    private static final String PASSWORD_REF = "env:RELAY_SECRET_T1_PW";
    private static final String KEY_REF = "env:RELAY_SECRET_T1_KEY";

    @TempDir Path temp;

    private CamelContext camel;
    private ProducerTemplate template;
    private SourceAccess access;
    private final List<Stored> stored = new CopyOnWriteArrayList<>();
    private final List<String> nothingFound = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Map<String, String> secrets = new java.util.concurrent.ConcurrentHashMap<>();
    private SSLContext ftpsTrust = TestCertificate.clientContext();
    private boolean embedded = true;

    /** What the store route received: the route's properties and the stream as read to its end. */
    record Stored(String name, Long size, Object modified, Map<?, ?> manifest, long bytes, String sha256, Exception readFailure) {}

    @BeforeEach
    void start() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        // what an operator would switch on to debug a vendor: nothing at DEBUG may print the password either
        ((Logger) LoggerFactory.getLogger("org.apache.camel.component.file")).setLevel(Level.DEBUG);
        ((Logger) LoggerFactory.getLogger("com.relay")).setLevel(Level.DEBUG);
        secrets.put(PASSWORD_REF, PASSWORD);
    }

    private void startCamel() throws Exception {
        camel = new DefaultCamelContext();
        access = mock(SourceAccess.class);
        when(access.secret(any(), anyString())).thenAnswer(a -> secrets.get(a.getArgument(1, String.class)));
        when(access.connectTimeoutMillis()).thenReturn(3_000);
        when(access.readTimeoutMillis()).thenReturn(5_000);
        SourceFiles sourceFiles = mock(SourceFiles.class);
        doAnswer(a -> {
            Exchange e = a.getArgument(0);
            VendorFetch fetch = e.getProperty(RunInputs.FETCH, VendorFetch.class);
            nothingFound.add(fetch.getVendorId());
            e.getMessage().setBody(fetch);
            return null;
        }).when(sourceFiles).nothingFound(any());
        camel.getRegistry().bind("sourceFiles", sourceFiles);
        camel.getRegistry().bind("remoteFileSources", new RemoteFileSources(access, embedded,
                new RemoteFileEndpoints(camel, ftpsTrust, Clock.systemUTC())));
        var loader = PluginHelper.getRoutesLoader(camel);
        loader.loadRoutes(ResourceHelper.fromString("worker-inner.camel.yaml",
                "- routeConfiguration:\n    id: worker-inner\n    errorHandler:\n      noErrorHandler: {}\n"));
        loader.loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/fetch-vendor-ftp.camel.yaml"));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:store-vendor-file").routeId("test-store-vendor-file").noStreamCaching().process(FtpSourceRoutesTest.this::store);
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        if (camel != null) camel.stop();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("org.apache.camel.component.file")).setLevel(null);
        ((Logger) LoggerFactory.getLogger("com.relay")).setLevel(null);
    }

    // ------------------------------------------------------------------ which file

    @Test
    void sftpTakesTheNewestMatchingFileOldEnoughGreaterNameOnATieAndLeavesItOnTheServer() throws Exception {
        startCamel();
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, PASSWORD, null)) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            sftp.writeFileOfSize("outgoing/inventory_1.csv", 1000, now.minusSeconds(3600));
            sftp.writeFileOfSize("outgoing/inventory_a.csv", 700, now.minusSeconds(600));
            sftp.writeFileOfSize("outgoing/inventory_b.csv", 800, now.minusSeconds(600));
            // newer but still being written (younger than min_age_seconds), and newer but not matching
            sftp.writeFileOfSize("outgoing/inventory_writing.csv", 10, now.minusSeconds(5));
            sftp.writeFileOfSize("outgoing/other.csv", 10, now.minusSeconds(300));

            Exchange result = fetch("sftp", remote(sftp.port(), "/outgoing", "inventory_*.csv", 120, sftp.hostKeyFingerprint()));

            assertThat(result.getException()).isNull();
            assertThat(stored).hasSize(1);
            Stored s = stored.get(0);
            assertThat(s.name()).isEqualTo("inventory_b.csv");
            assertThat(s.size()).isEqualTo(800L);
            assertThat(s.bytes()).isEqualTo(800L);
            assertThat(s.sha256()).isEqualTo(sha256(sftp.root().resolve("outgoing/inventory_b.csv")));
            assertThat(s.modified()).isEqualTo(now.minusSeconds(600));
            assertThat(s.manifest()).isEqualTo(Map.of("host", "127.0.0.1", "port", sftp.port(), "path", "/outgoing/inventory_b.csv"));
            assertThat(result.getMessage().getBody()).isInstanceOf(VendorFetch.class);
            assertThat(Files.list(sftp.root().resolve("outgoing")).count()).isEqualTo(5);
        }
    }

    @Test
    void aFileStillBeingWrittenIsSkippedUntilItIsOldEnoughAndAnEmptyDirectoryIsNothingFound() throws Exception {
        startCamel();
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, PASSWORD, null)) {
            Files.createDirectories(sftp.root().resolve("outgoing"));
            TenantConfig.Remote r = remote(sftp.port(), "/outgoing", "*.csv", 120, sftp.hostKeyFingerprint());

            assertThat(fetch("sftp", r).getException()).isNull();
            sftp.writeFileOfSize("outgoing/stock.csv", 10, Instant.now().minusSeconds(30));
            assertThat(fetch("sftp", r).getException()).isNull();
            assertThat(nothingFound).containsExactly("v1", "v1");
            assertThat(stored).isEmpty();

            Files.setLastModifiedTime(sftp.root().resolve("outgoing/stock.csv"),
                    java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(121)));
            assertThat(fetch("sftp", r).getException()).isNull();
            assertThat(stored).extracting(Stored::name).containsExactly("stock.csv");
        }
    }

    @Test
    void ftpAndFtpsTakeTheNewestMatchingFileAndCountListingMinutesAgainstTheMinimumAge() throws Exception {
        startCamel();
        for (FtpTestServer.Mode mode : List.of(FtpTestServer.Mode.PLAIN, FtpTestServer.Mode.EXPLICIT_TLS)) {
            stored.clear();
            nothingFound.clear();
            String transport = mode == FtpTestServer.Mode.PLAIN ? "ftp" : "ftps";
            try (FtpTestServer ftp = FtpTestServer.start(mode, dir("ftp-" + transport), USER, PASSWORD, temp)) {
                Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
                ftp.writeFileOfSize("outgoing/inventory_1.csv", 1000, minute.minusSeconds(3600));
                ftp.writeFileOfSize("outgoing/inventory_2.csv", 2000, minute.minusSeconds(1800));
                ftp.writeFileOfSize("outgoing/inventory_3.csv", 2000, minute.minusSeconds(1800));
                // 50 s old, younger than min_age 60 s; LIST shows the minute only, so it may be listed as up to 110 s old
                ftp.writeFileOfSize("outgoing/inventory_4.csv", 10, Instant.now().minusSeconds(50));

                Exchange result = fetch(transport, remote(ftp.port(), "/outgoing", "inventory_*.csv", 60, null));

                assertThat(result.getException()).as(transport).isNull();
                assertThat(stored).as(transport).hasSize(1);
                Stored s = stored.get(0);
                assertThat(s.name()).as(transport).isEqualTo("inventory_3.csv");
                assertThat(s.bytes()).isEqualTo(2000);
                assertThat(s.size()).isEqualTo(2000L);
                assertThat(s.sha256()).isEqualTo(sha256(ftp.root().resolve("outgoing/inventory_3.csv")));
                assertThat(s.manifest()).isEqualTo(Map.of("host", "127.0.0.1", "port", ftp.port(), "path", "/outgoing/inventory_3.csv"));
                assertThat(Files.list(ftp.root().resolve("outgoing")).count()).isEqualTo(4);

                Files.createDirectories(ftp.root().resolve("empty"));
                assertThat(fetch(transport, remote(ftp.port(), "/empty", "*", 60, null)).getException()).isNull();
                assertThat(nothingFound).as(transport).containsExactly("v1");
            }
        }
    }

    @Test
    void sftpWithAPrivateKeyInsteadOfAPassword() throws Exception {
        startCamel();
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair client = gen.generateKeyPair();
        secrets.put(KEY_REF, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(client.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, null, client.getPublic())) {
            sftp.writeFile("outgoing/stock.csv", "sku,qty\nA,1\n".getBytes(StandardCharsets.UTF_8), Instant.now().minusSeconds(600));
            TenantConfig.Remote keyed = new TenantConfig.Remote("127.0.0.1", sftp.port(), USER, null, KEY_REF,
                    sftp.hostKeyFingerprint(), "/outgoing", "*.csv", 60, null, null, null, null, null, null);

            Exchange result = fetch("sftp", keyed);

            assertThat(result.getException()).isNull();
            assertThat(stored).extracting(Stored::name, Stored::bytes).containsExactly(org.assertj.core.groups.Tuple.tuple("stock.csv", 12L));
            assertThat(logText()).doesNotContain("PRIVATE KEY").doesNotContain(secrets.get(KEY_REF).substring(40, 80));
        }
    }

    @Test
    void sftpWithAnEncryptedPrivateKeyAndItsPassphraseAndAWrongPassphraseIsAnAuthFailure() throws Exception {
        startCamel();
        String passphrase = "k3y-pa55phrase-7c1";
        // a key as ssh-keygen -p leaves it: a PEM encrypted with the passphrase (JSch makes and writes it)
        com.jcraft.jsch.KeyPair generated = com.jcraft.jsch.KeyPair.genKeyPair(new com.jcraft.jsch.JSch(), com.jcraft.jsch.KeyPair.RSA, 2048);
        java.io.ByteArrayOutputStream encrypted = new java.io.ByteArrayOutputStream();
        generated.writePrivateKey(encrypted, passphrase.getBytes(StandardCharsets.UTF_8));
        java.security.PublicKey clientPublic = new org.apache.sshd.common.util.buffer.ByteArrayBuffer(generated.getPublicKeyBlob()).getRawPublicKey();
        assertThat(encrypted.toString(StandardCharsets.US_ASCII)).contains("ENCRYPTED");
        secrets.put(KEY_REF, encrypted.toString(StandardCharsets.US_ASCII));
        String passphraseRef = "env:RELAY_SECRET_T1_KEY_PASSPHRASE";
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, null, clientPublic)) {
            sftp.writeFile("outgoing/stock.csv", "sku,qty\nA,1\n".getBytes(StandardCharsets.UTF_8), Instant.now().minusSeconds(600));
            TenantConfig.Remote keyed = new TenantConfig.Remote("127.0.0.1", sftp.port(), USER, null, KEY_REF,
                    sftp.hostKeyFingerprint(), "/outgoing", "*.csv", 60, null, null, null, null, null, null, passphraseRef, null);

            TenantConfig.Remote noPassphrase = new TenantConfig.Remote("127.0.0.1", sftp.port(), USER, null, KEY_REF,
                    sftp.hostKeyFingerprint(), "/outgoing", "*.csv", 60, null, null, null, null, null, null);
            Throwable missing = fetch("sftp", noPassphrase).getException();
            secrets.put(passphraseRef, "not-the-passphrase");
            Throwable wrong = fetch("sftp", keyed).getException();
            secrets.put(passphraseRef, passphrase);
            Exchange result = fetch("sftp", keyed);

            assertThat(wrong).isInstanceOf(SourceRefusedException.class).hasMessageContaining("vendor v1")
                    .hasMessageContaining("private_key_passphrase");
            assertThat(((SourceRefusedException) wrong).code()).isEqualTo(SourceErrors.AUTH_FAILED);
            assertThat(missing).isInstanceOf(SourceRefusedException.class).hasMessageContaining("private_key is encrypted: set private_key_passphrase");
            assertThat(result.getException()).isNull();
            assertThat(stored).extracting(Stored::name, Stored::bytes).containsExactly(org.assertj.core.groups.Tuple.tuple("stock.csv", 12L));
            assertThat(logText()).doesNotContain(passphrase).doesNotContain("not-the-passphrase");
            assertNoSecret(List.of(wrong));
            assertThat(String.valueOf(wrong.getMessage())).doesNotContain(passphrase).doesNotContain("not-the-passphrase");
        }
    }

    @Test
    void ftpsWithImplicitTlsTakesTheNewestFileAndAnExplicitClientIsRefusedThere() throws Exception {
        startCamel();
        try (FtpTestServer ftps = FtpTestServer.start(FtpTestServer.Mode.IMPLICIT_TLS, dir("ftps-implicit"), USER, PASSWORD, temp)) {
            ftps.writeFileOfSize("outgoing/stock_1.csv", 1000, Instant.now().minusSeconds(3600));
            ftps.writeFileOfSize("outgoing/stock_2.csv", 3000, Instant.now().minusSeconds(1800));
            TenantConfig.Remote implicit = new TenantConfig.Remote("127.0.0.1", ftps.port(), USER, PASSWORD_REF, null, null,
                    "/outgoing", "stock_*.csv", 60, null, null, null, null, null, null, null, "implicit");

            Exchange result = fetch("ftps", implicit);
            // an explicit-TLS client speaks plain FTP first: the implicit server waits for a TLS handshake
            Throwable explicit = fetch("ftps", remote(ftps.port(), "/outgoing", "*", 60, null)).getException();

            assertThat(result.getException()).isNull();
            assertThat(stored).extracting(Stored::name, Stored::bytes).containsExactly(org.assertj.core.groups.Tuple.tuple("stock_2.csv", 3000L));
            assertThat(stored.get(0).sha256()).isEqualTo(sha256(ftps.root().resolve("outgoing/stock_2.csv")));
            assertThat(explicit).isInstanceOf(SourceUnavailableException.class).hasMessageContaining("vendor v1");
        }
    }

    // ------------------------------------------------------------------ failures

    @Test
    void sftpWrongPasswordAndAnotherHostKeyAreAuthFailuresAndAClosedPortIsUnavailable() throws Exception {
        startCamel();
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, PASSWORD, null)) {
            sftp.writeFileOfSize("outgoing/stock.csv", 10, Instant.now().minusSeconds(600));
            String otherKey = SftpTestServer.fingerprint(SftpTestServer.generateEcKey().getPublic());

            secrets.put(PASSWORD_REF, "wrong-password");
            Throwable wrongPassword = fetch("sftp", remote(sftp.port(), "/outgoing", "*", 60, sftp.hostKeyFingerprint())).getException();
            secrets.put(PASSWORD_REF, PASSWORD);
            Throwable otherHostKey = fetch("sftp", remote(sftp.port(), "/outgoing", "*", 60, otherKey)).getException();
            Throwable closed = fetch("sftp", remote(closedPort(), "/outgoing", "*", 60, sftp.hostKeyFingerprint())).getException();

            assertThat(wrongPassword).isInstanceOf(SourceRefusedException.class).hasMessageContaining("vendor v1")
                    .hasMessageContaining("refused the username and password");
            assertThat(((SourceRefusedException) wrongPassword).code()).isEqualTo(SourceErrors.AUTH_FAILED);
            assertThat(otherHostKey).isInstanceOf(SourceRefusedException.class)
                    .hasMessageContaining("host key does not match host_key");
            assertThat(((SourceRefusedException) otherHostKey).code()).isEqualTo(SourceErrors.AUTH_FAILED);
            assertThat(closed).isInstanceOf(SourceUnavailableException.class).hasMessageContaining("connection refused");
            assertThat(stored).isEmpty();
            assertThat(nothingFound).isEmpty();
            assertNoSecret(List.of(wrongPassword, otherHostKey, closed));
        }
    }

    @Test
    void withoutAPinnedHostKeyEmbeddedModeAcceptsTheKeyAndWarnsOnceOtherModesRefuse() throws Exception {
        startCamel();
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, PASSWORD, null)) {
            sftp.writeFileOfSize("outgoing/stock.csv", 10, Instant.now().minusSeconds(600));
            TenantConfig.Remote unpinned = remote(sftp.port(), "/outgoing", "*", 60, null);
            assertThat(fetch("sftp", unpinned).getException()).isNull();
            assertThat(fetch("sftp", unpinned).getException()).isNull();
            assertThat(stored).hasSize(2);
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("accepted without a pinned host_key")).hasSize(1)
                    .allMatch(e -> e.getFormattedMessage().contains(sftp.hostKeyFingerprint()));

            camel.stop();
            embedded = false;
            startCamel();
            Throwable refused = fetch("sftp", unpinned).getException();
            assertThat(refused).isInstanceOf(SourceRefusedException.class).hasMessageContaining("no host_key");
        }
    }

    @Test
    void ftpWrongPasswordIsAnAuthFailureAndFtpsWithoutTheCertificateInTheTrustStoreIsRefused() throws Exception {
        ftpsTrust = SSLContext.getDefault();  // the JVM trust store: it does not hold the test certificate
        startCamel();
        try (FtpTestServer ftp = FtpTestServer.start(FtpTestServer.Mode.PLAIN, dir("ftp"), USER, PASSWORD, temp);
             FtpTestServer ftps = FtpTestServer.start(FtpTestServer.Mode.EXPLICIT_TLS, dir("ftps"), USER, PASSWORD, temp)) {
            ftp.writeFileOfSize("outgoing/stock.csv", 10, Instant.now().minusSeconds(600));
            ftps.writeFileOfSize("outgoing/stock.csv", 10, Instant.now().minusSeconds(600));
            secrets.put(PASSWORD_REF, "wrong-password");
            Throwable wrongPassword = fetch("ftp", remote(ftp.port(), "/outgoing", "*", 60, null)).getException();
            secrets.put(PASSWORD_REF, PASSWORD);
            Throwable untrusted = fetch("ftps", remote(ftps.port(), "/outgoing", "*", 60, null)).getException();
            Throwable closedFtp = fetch("ftp", remote(closedPort(), "/outgoing", "*", 60, null)).getException();
            Throwable closedFtps = fetch("ftps", remote(closedPort(), "/outgoing", "*", 60, null)).getException();

            assertThat(wrongPassword).isInstanceOf(SourceRefusedException.class).hasMessageContaining("refused the login (FTP reply 530)");
            assertThat(untrusted).isInstanceOf(SourceRefusedException.class).hasMessageContaining("TLS certificate is not trusted");
            assertThat(closedFtp).isInstanceOf(SourceUnavailableException.class).hasMessageContaining("connection refused");
            assertThat(closedFtps).isInstanceOf(SourceUnavailableException.class).hasMessageContaining("connection refused");
            assertThat(stored).isEmpty();
            assertNoSecret(List.of(wrongPassword, untrusted, closedFtp, closedFtps));
        }
    }

    @Test
    void aConnectionDroppedHalfwayFailsTheReadAndTheAnnouncedSizeCatchesAShortFile() throws Exception {
        startCamel();
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, PASSWORD, null)) {
            long size = 4L * 1024 * 1024;
            sftp.writeFileOfSize("outgoing/big.csv", size, Instant.now().minusSeconds(600));
            sftp.dropConnectionAfter(size / 2);

            Exchange result = fetch("sftp", remote(sftp.port(), "/outgoing", "*", 60, sftp.hostKeyFingerprint()));

            // the stand-in store (like SourceFiles.spool) fails on a read error or a short read
            assertThat(result.getException()).isInstanceOf(SourceUnavailableException.class);
            Stored s = stored.get(0);
            assertThat(s.size()).isEqualTo(size);
            assertThat(s.bytes()).isLessThan(size);
        }
        // FTP ends an aborted transfer like a complete one: only the size the listing announced tells
        stored.clear();
        try (FtpTestServer ftp = FtpTestServer.start(FtpTestServer.Mode.PLAIN, dir("ftp"), USER, PASSWORD, temp)) {
            long size = 4L * 1024 * 1024;
            ftp.writeFileOfSize("outgoing/big.csv", size, Instant.now().minusSeconds(600));
            ftp.dropConnectionAfter(size / 2);

            Exchange result = fetch("ftp", remote(ftp.port(), "/outgoing", "*", 60, null));

            assertThat(result.getException()).isInstanceOf(SourceUnavailableException.class)
                    .hasMessageContaining("of " + size + " bytes");
            assertThat(stored.get(0).size()).isEqualTo(size);
            assertThat(stored.get(0).bytes()).isLessThan(size);
        }
    }

    // ------------------------------------------------------------------ lifecycle and secrets

    @Test
    void manyFetchesLeaveNoEndpointConsumerOrThreadBehindAndNoSecretInUrisJmxOrLogs() throws Exception {
        startCamel();
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, PASSWORD, null);
             FtpTestServer ftp = FtpTestServer.start(FtpTestServer.Mode.PLAIN, dir("ftp"), USER, PASSWORD, temp);
             FtpTestServer ftps = FtpTestServer.start(FtpTestServer.Mode.EXPLICIT_TLS, dir("ftps"), USER, PASSWORD, temp)) {
            sftp.writeFileOfSize("outgoing/stock.csv", 100, Instant.now().minusSeconds(600));
            ftp.writeFileOfSize("outgoing/stock.csv", 100, Instant.now().minusSeconds(600));
            ftps.writeFileOfSize("outgoing/stock.csv", 100, Instant.now().minusSeconds(600));
            // warm up: the first fetch of each transport loads classes and starts shared pools
            fetchAll(sftp, ftp, ftps);
            int endpoints = camel.getEndpoints().size();
            Set<String> threads = threadNames();

            for (int i = 0; i < 15; i++) fetchAll(sftp, ftp, ftps);

            assertThat(stored).hasSize(48).allMatch(s -> s.bytes() == 100 && s.readFailure() == null);
            assertThat(camel.getEndpoints()).hasSize(endpoints);
            Set<String> leftOver = threadNames();
            leftOver.removeAll(threads);
            assertThat(leftOver).as("threads started by the fetches and still alive").isEmpty();
            List<String> seen = new ArrayList<>();
            camel.getEndpoints().forEach(e -> seen.add(e.getEndpointUri()));
            for (ObjectName name : ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("org.apache.camel:*"), null)) {
                seen.add(name.toString());
            }
            assertThat(String.join("\n", seen)).doesNotContain(PASSWORD).doesNotContain("s3cr3t");
            assertThat(logText()).doesNotContain(PASSWORD).doesNotContain("s3cr3t");
        }
    }

    @Test
    void fiftyMegabytesPerTransportOnLoopback() throws Exception {
        startCamel();
        long size = 50L * 1024 * 1024;
        Instant old = Instant.now().minusSeconds(600);
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp"), USER, PASSWORD, null);
             FtpTestServer ftp = FtpTestServer.start(FtpTestServer.Mode.PLAIN, dir("ftp"), USER, PASSWORD, temp);
             FtpTestServer ftps = FtpTestServer.start(FtpTestServer.Mode.EXPLICIT_TLS, dir("ftps"), USER, PASSWORD, temp)) {
            sftp.writeFileOfSize("outgoing/big.csv", size, old);
            ftp.writeFileOfSize("outgoing/big.csv", size, old);
            ftps.writeFileOfSize("outgoing/big.csv", size, old);
            String expected = sha256(sftp.root().resolve("outgoing/big.csv"));
            for (int round = 0; round < 2; round++) {
                StringBuilder line = new StringBuilder("FETCH 50MB round " + round + ":");
                for (String transport : List.of("sftp", "ftp", "ftps")) {
                    int port = switch (transport) { case "sftp" -> sftp.port(); case "ftp" -> ftp.port(); default -> ftps.port(); };
                    long t0 = System.nanoTime();
                    Exchange result = fetch(transport, remote(port, "/outgoing", "*.csv", 60,
                            transport.equals("sftp") ? sftp.hostKeyFingerprint() : null));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(result.getException()).as(transport).isNull();
                    Stored s = stored.get(stored.size() - 1);
                    assertThat(s.bytes()).as(transport).isEqualTo(size);
                    assertThat(s.sha256()).as(transport).isEqualTo(expected);
                    line.append(' ').append(transport).append('=').append(ms).append(" ms");
                }
                System.out.println(line);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private void fetchAll(SftpTestServer sftp, FtpTestServer ftp, FtpTestServer ftps) {
        assertThat(fetch("sftp", remote(sftp.port(), "/outgoing", "*", 60, sftp.hostKeyFingerprint())).getException()).isNull();
        assertThat(fetch("ftp", remote(ftp.port(), "/outgoing", "*", 60, null)).getException()).isNull();
        assertThat(fetch("ftps", remote(ftps.port(), "/outgoing", "*", 60, null)).getException()).isNull();
    }

    private Exchange fetch(String transport, TenantConfig.Remote remote) {
        VendorFetch fetch = VendorFetch.forRemote(new TenantConfig.Vendor("v1", true,
                new TenantConfig.Inbound(transport, null, remote), null, null));
        return template.send("direct:fetch-vendor-" + transport, e -> {
            e.setProperty(RunInputs.FETCH, fetch);
            e.getMessage().setBody(fetch);
        });
    }

    private static TenantConfig.Remote remote(int port, String directory, String pattern, long minAge, String hostKey) {
        return new TenantConfig.Remote("127.0.0.1", port, USER, PASSWORD_REF, null, hostKey, directory, pattern, minAge,
                null, null, null, null, null, null);
    }

    /** Reads the body as SourceFiles.spool does: to its end, sha256, and the announced size checked. */
    private void store(Exchange exchange) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        Exception failure = null;
        try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                total += n;
            }
        } catch (java.io.IOException e) {
            failure = e;
        }
        Long size = exchange.getProperty(SourceFiles.SIZE, Long.class);
        stored.add(new Stored(exchange.getProperty(SourceFiles.NAME, String.class), size,
                exchange.getProperty(SourceFiles.MODIFIED), exchange.getProperty(SourceFiles.MANIFEST, Map.class), total,
                HexFormat.of().formatHex(sha.digest()), failure));
        if (failure != null || (size != null && size >= 0 && total != size)) {
            throw new SourceUnavailableException("v1", "received " + total + " of " + size + " bytes", failure);
        }
        exchange.getMessage().setBody(exchange.getProperty(RunInputs.FETCH));
    }

    private void assertNoSecret(List<Throwable> failures) {
        for (Throwable f : failures) {
            for (Throwable t = f; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD).doesNotContain("wrong-password");
            }
        }
        assertThat(logText()).doesNotContain(PASSWORD).doesNotContain("wrong-password");
    }

    private String logText() {
        return logs.list.stream().map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                : " " + e.getThrowableProxy().getMessage())).collect(Collectors.joining("\n"));
    }

    private static Set<String> threadNames() {
        // the client side only: JSch's session threads and Camel's pools (the test servers keep worker pools of their own)
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("Camel") || t.getName().contains("Connect thread"))
                .map(t -> t.getName() + "#" + t.getId()).collect(Collectors.toCollection(java.util.HashSet::new));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private Path dir(String name) throws Exception {
        return Files.createDirectories(temp.resolve(name));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
