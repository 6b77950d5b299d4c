package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.relay.config.RelayMode;
import com.relay.engine.run.VendorInput;
import com.relay.sources.SourceErrors;
import com.relay.sources.SourceRefusedException;
import com.relay.sources.SourceUnavailableException;
import com.relay.sources.testing.ImapTestServer;
import com.relay.sources.testing.TestCertificate;
import com.relay.tenants.config.TenantConfig;
import jakarta.mail.internet.MimeMessage;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code direct:fetch-vendor-email} against a real in-process IMAP/IMAPS server (GreenMail; docs/ROUTES.md
 * "Vendor sources: http and email"): which message and attachment is chosen, what is stored and
 * described, that the mailbox is not changed, how failures are classified, that the password
 * appears nowhere, and that connections do not pile up.
 */
class EmailSourceRouteTest {

    static final String USER = "feeds@merchant.example";
    static final String PASSWORD = "imap-pw-7c6b5a";
    static final String VENDOR = "stock@gamma.example";
    static final Instant DAY = Instant.parse("2026-05-01T06:00:00Z");

    @TempDir
    Path dir;

    ImapTestServer server;
    SourceRouteHarness harness;
    ListAppender<ILoggingEvent> logs;

    @AfterEach
    void stop() {
        if (harness != null) harness.close();
        if (server != null) server.close();
        if (logs != null) ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    /** IMAPS outside embedded mode (loopback allowed by SOURCE_ALLOWED_PRIVATE_HOSTS), or embedded mode (plain IMAP to loopback). */
    SourceRouteHarness harness(RelayMode mode, String... env) throws Exception {
        String[] all = Arrays.copyOf(new String[] {"RELAY_SECRET_MERCHANT1_IMAP", PASSWORD, "SOURCE_ALLOWED_PRIVATE_HOSTS", "127.0.0.1"},
                4 + env.length);
        System.arraycopy(env, 0, all, 4, env.length);
        Files.createDirectories(dir.resolve("work"));
        harness = new SourceRouteHarness(SourceRouteHarness.env(mode, all), dir.resolve("work"));
        // test only: the imaps component trusts the fixture's certificate; production sets nothing (JVM trust store)
        SSLContextParameters tls = new SSLContextParameters();
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setTrustManager(TestCertificate.trustManager());
        tls.setTrustManagers(trust);
        harness.camel.getComponent("imaps", MailComponent.class).getConfiguration().setSslContextParameters(tls);
        harness.start();
        return harness;
    }

    TenantConfig.Remote imaps(String password, String subject, String pattern) {
        return new TenantConfig.Remote(server.host(), server.imapsPort(), USER, password, null, null, null, null, 0,
                null, null, "INBOX", VENDOR, subject, pattern);
    }

    static byte[] csv(String sku) {
        return ("SKU,QTY\n" + sku + ",5\n").getBytes(StandardCharsets.UTF_8);
    }

    static void noFailure(Exchange ex) {
        java.io.StringWriter trace = new java.io.StringWriter();
        if (ex.getException() != null) ex.getException().printStackTrace(new java.io.PrintWriter(trace));
        assertThat(ex.getException()).as(trace::toString).isNull();
    }

    @Test
    void theNewestMatchingMessagesAttachmentIsStoredOverImapsAndTheMailboxIsUnchanged() throws Exception {
        server = ImapTestServer.start(USER, PASSWORD);
        server.deliver(VENDOR, "Daily stock 04-29", DAY.minusSeconds(2 * 86_400), "stock-0429.csv", csv("OLD"));
        MimeMessage chosen = server.deliver(VENDOR, "Daily stock 04-30", DAY.minusSeconds(86_400), "stock-0430.csv", csv("CHOSEN"));
        // newer, but each fails one rule: another sender, a look-alike sender, another subject, no .csv attachment
        server.deliver("other@evil.example", "Daily stock 05-01", DAY, "stock-evil.csv", csv("EVIL"));
        server.deliver("evil-" + VENDOR, "Daily stock 05-01", DAY, "stock-lookalike.csv", csv("LOOKALIKE"));
        server.deliver(VENDOR, "Invoice 05-01", DAY, "invoice.csv", csv("INVOICE"));
        server.deliver(VENDOR, "DAILY STOCK reminder", DAY, "readme.pdf", "%PDF".getBytes(StandardCharsets.UTF_8));
        harness(RelayMode.LOCALSTACK);

        Exchange ex = harness.fetch("gamma", "email", imaps("env:RELAY_SECRET_MERCHANT1_IMAP", "daily stock", "*.csv"));

        noFailure(ex);
        assertThat(harness.stored).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo("inbound/gamma/stock-0430.csv");
            assertThat(s.sha256()).isEqualTo(SourceRouteHarness.sha256(csv("CHOSEN")));
            assertThat(s.bodyType()).doesNotContain("StreamCache");
        });
        assertThat(harness.resolved).singleElement().extracting(VendorInput::feedManifest).satisfies(m -> assertThat(m)
                .containsEntry("message_id", chosen.getMessageID())
                .containsEntry("sender", VENDOR)
                .containsEntry("subject", "Daily stock 04-30")
                .containsEntry("attachment", "stock-0430.csv")
                .containsEntry("date", DAY.minusSeconds(86_400).toString())
                .containsEntry("host", "127.0.0.1")
                .containsEntry("folder", "INBOX")
                .containsEntry("file_name", "stock-0430.csv")
                .containsEntry("size", (long) csv("CHOSEN").length)
                .containsEntry("sha256", SourceRouteHarness.sha256(csv("CHOSEN"))));
        assertThat(server.anySeenOrDeleted()).isFalse();
        assertThat(server.inbox()).hasSize(6);
        assertThat(harness.email.inFlight()).isZero();
        assertThat(ex.getMessage().getBody()).isInstanceOf(VendorFetch.class);
    }

    @Test
    void plainImapToLoopbackInEmbeddedMode() throws Exception {
        server = ImapTestServer.start(USER, PASSWORD);
        server.deliver(VENDOR, "Daily stock", DAY, "stock.csv", csv("PLAIN"));
        harness(RelayMode.EMBEDDED);

        Exchange ex = harness.fetch("gamma", "email", new TenantConfig.Remote(server.host(), server.imapPort(), USER,
                "env:RELAY_SECRET_MERCHANT1_IMAP", null, null, null, null, 0, null, null, "INBOX", VENDOR, "Daily stock", "*.csv"));

        noFailure(ex);
        assertThat(harness.stored).singleElement().extracting(SourceRouteHarness.Stored::sha256)
                .isEqualTo(SourceRouteHarness.sha256(csv("PLAIN")));
        assertThat(server.anySeenOrDeleted()).isFalse();
    }

    @Test
    void aWrongPasswordIsAuthFailedAndThePasswordAppearsNowhere() throws Exception {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        server = ImapTestServer.start(USER, "the-right-password");
        server.deliver(VENDOR, "Daily stock", DAY, "stock.csv", csv("X"));
        harness(RelayMode.LOCALSTACK);

        Exchange ex = harness.fetch("gamma", "email", imaps("env:RELAY_SECRET_MERCHANT1_IMAP", null, null));

        assertThat(ex.getException()).isInstanceOfSatisfying(SourceRefusedException.class, e -> {
            assertThat(e.code()).isEqualTo(SourceErrors.AUTH_FAILED);
            assertThat(e.getMessage()).contains("vendor gamma").contains(USER);
        });
        StringBuilder seen = new StringBuilder();
        logs.list.forEach(e -> seen.append(e.getFormattedMessage()).append('\n'));
        for (Throwable t = ex.getException(); t != null; t = t.getCause()) seen.append(t).append('\n');
        seen.append(ex.getProperties()).append(ex.getMessage().getHeaders());
        harness.camel.getEndpoints().forEach(e -> seen.append(e.getEndpointUri()).append('\n'));
        ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("org.apache.camel:*"), null)
                .forEach(n -> seen.append(n).append('\n'));
        assertThat(seen.toString()).doesNotContain(PASSWORD);
        assertThat(harness.stored).isEmpty();
        assertThat(harness.email.inFlight()).isZero();
    }

    @Test
    void anUnreachableServerIsUnavailable() throws Exception {
        server = ImapTestServer.start(USER, PASSWORD);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        harness(RelayMode.LOCALSTACK);

        Exchange ex = harness.fetch("gamma", "email", new TenantConfig.Remote("127.0.0.1", closedPort, USER,
                "env:RELAY_SECRET_MERCHANT1_IMAP", null, null, null, null, 0, null, null, "INBOX", VENDOR, null, null));

        assertThat(ex.getException()).isInstanceOf(SourceUnavailableException.class).hasMessageContaining("vendor gamma")
                .hasMessageContaining("imaps://127.0.0.1:" + closedPort);
        assertThat(harness.resolved).isEmpty();
        assertThat(harness.email.inFlight()).isZero();
    }

    @Test
    void noMatchingMessageOrAttachmentOrFolderIsAMissingVendor() throws Exception {
        server = ImapTestServer.start(USER, PASSWORD);
        server.deliver(VENDOR, "Daily stock", DAY, "stock.xlsx", csv("XLSX"));
        harness(RelayMode.LOCALSTACK);

        Exchange noSubject = harness.fetch("gamma", "email", imaps("env:RELAY_SECRET_MERCHANT1_IMAP", "Weekly", "*"));
        Exchange noAttachment = harness.fetch("gamma", "email", imaps("env:RELAY_SECRET_MERCHANT1_IMAP", "Daily", "*.csv"));
        Exchange noFolder = harness.fetch("gamma", "email", new TenantConfig.Remote(server.host(), server.imapsPort(), USER,
                "env:RELAY_SECRET_MERCHANT1_IMAP", null, null, null, null, 0, null, null, "Feeds", VENDOR, null, null));

        for (Exchange ex : List.of(noSubject, noAttachment, noFolder)) noFailure(ex);
        assertThat(harness.stored).isEmpty();
        assertThat(harness.resolved).hasSize(3).allSatisfy(i -> assertThat(i.missingReason()).isEqualTo(SourceErrors.NO_MATCHING_FILE));
        assertThat(harness.email.inFlight()).isZero();
    }

    @Test
    void manyFetchesLeaveNoConnectionOrEndpointBehindAndFlagNothing() throws Exception {
        server = ImapTestServer.start(USER, PASSWORD);
        server.deliver(VENDOR, "Daily stock", DAY, "stock.csv", csv("MANY"));
        harness(RelayMode.LOCALSTACK);
        harness.fetch("gamma", "email", imaps("env:RELAY_SECRET_MERCHANT1_IMAP", "Daily", "*.csv"));
        Set<String> endpoints = harness.camel.getEndpoints().stream().map(e -> e.getEndpointUri()).collect(Collectors.toSet());
        int threads = Thread.activeCount();

        for (int i = 0; i < 30; i++) {
            noFailure(harness.fetch("gamma", "email", imaps("env:RELAY_SECRET_MERCHANT1_IMAP", "Daily", "*.csv")));
        }

        assertThat(harness.stored).hasSize(31);
        assertThat(harness.camel.getEndpoints().stream().map(e -> e.getEndpointUri()).collect(Collectors.toSet())).isEqualTo(endpoints);
        assertThat(harness.email.inFlight()).isZero();
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads + 2);
        assertThat(server.anySeenOrDeleted()).isFalse();
    }

    @Test
    void aLargeAttachmentStreamsFromTheServer() throws Exception {
        server = ImapTestServer.start(USER, PASSWORD);
        // 20 MiB in the suite; docs/PERFORMANCE.md's 50 MiB figure: -Drelay.test.email.mib=50 (GreenMail
        // re-encodes the whole message for every partial FETCH, so its time grows with size squared)
        int mib = Integer.getInteger("relay.test.email.mib", 20);
        byte[] big = new byte[mib * 1024 * 1024];
        for (int i = 0; i < big.length; i++) big[i] = com.relay.sources.testing.TestFiles.patternByte(i);
        server.deliver(VENDOR, "Daily stock", DAY, "big.csv", big);
        harness(RelayMode.LOCALSTACK);

        long start = System.nanoTime();
        Exchange ex = harness.fetch("gamma", "email", imaps("env:RELAY_SECRET_MERCHANT1_IMAP", "Daily", "*.csv"));
        long millis = (System.nanoTime() - start) / 1_000_000;

        noFailure(ex);
        assertThat(harness.stored).singleElement().satisfies(s -> {
            assertThat(s.bytes()).isEqualTo(big.length);
            assertThat(s.sha256()).isEqualTo(SourceRouteHarness.sha256(big));
        });
        // docs/PERFORMANCE.md "Vendor source fetch": the figure this prints
        System.out.printf("email %d MiB attachment over IMAPS loopback (search, base64 decode, spool with sha256): %d ms%n", mib, millis);
    }

    @Test
    void anAttachmentOverInboundMaxBytesFailsTheRunAfterReadingNoMoreThanTheLimit() throws Exception {
        server = ImapTestServer.start(USER, PASSWORD);
        server.deliver(VENDOR, "Daily stock", DAY, "stock.csv", new byte[200_000]);
        harness(RelayMode.LOCALSTACK, "INBOUND_MAX_BYTES", "50000");

        Exchange ex = harness.fetch("gamma", "email", imaps("env:RELAY_SECRET_MERCHANT1_IMAP", "Daily", "*.csv"));

        noFailure(ex);
        RunAttempt a = ex.getProperty("relayTestAttempt", RunAttempt.class);
        org.mockito.ArgumentCaptor<com.relay.engine.EngineFailure> failure = org.mockito.ArgumentCaptor.forClass(com.relay.engine.EngineFailure.class);
        org.mockito.Mockito.verify(a.execution).sourceFailed(org.mockito.ArgumentMatchers.eq("gamma"), failure.capture());
        assertThat(failure.getValue().errorCode()).isEqualTo(SourceErrors.FILE_TOO_LARGE);
        assertThat(failure.getValue().getMessage()).contains("INBOUND_MAX_BYTES=50000");
        assertThat(harness.stored).isEmpty();
        assertThat(harness.email.inFlight()).isZero();
        assertThat(server.anySeenOrDeleted()).isFalse();
    }
}
