package com.relay.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.sources.testing.FtpTestServer;
import com.relay.sources.testing.HttpTestServer;
import com.relay.sources.testing.ImapTestServer;
import com.relay.sources.testing.SftpTestServer;
import com.relay.sources.testing.TestCertificate;
import com.relay.sources.testing.TestFiles;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spikes: how Camel 4.17's ftp/sftp/ftps, http and mail components behave when a fetch route uses
 * them the way issue 20 needs (pollEnrich with a dynamic URI, toD), proven against the in-process
 * servers of com.relay.sources.testing. Findings: docs/SOURCES-RESEARCH.md. Each test prints what it
 * observed ("SPIKE ...") so the doc's figures can be re-read from the Surefire output.
 */
class CamelSourceBehaviourTest {

    private static final String USER = "relay";
    private static final String PASSWORD = "p@ss:w/rd&x=1+%";
    private static final long FIFTY_MB = 50L * 1024 * 1024;

    @TempDir
    Path temp;

    private CamelContext camel;
    private ProducerTemplate template;
    /** What the route's reader saw of the fetched body (read inside the route, before the exchange completes). */
    private final AtomicReference<Read> lastRead = new AtomicReference<>();

    /** The body as the route saw it: its classes, every byte counted and checked against the pattern. */
    record Read(String bodyClass, String streamClass, long bytes, long firstMismatch, Exception failure,
            Map<String, Object> headers) {
    }

    @BeforeEach
    void startCamel() throws Exception {
        camel = new DefaultCamelContext();
        SSLContextParameters trustTestCert = new SSLContextParameters();
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setTrustManager(TestCertificate.trustManager());
        trustTestCert.setTrustManagers(trust);
        camel.getRegistry().bind("trustTestCert", trustTestCert);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the URI is built by the caller (a bean in the real route) and read from a header, so a
                // ${...} inside it (filterFile) reaches the endpoint unevaluated
                // stream caching (on by default in Camel 4) is off in the fetch routes: it would copy the
                // body into memory before every step after the fetch
                from("direct:poll").routeId("spike-poll").noStreamCaching()
                        .setBody(constant("before-poll"))
                        .pollEnrich().simple("${variable.sourceUri}").timeout(0).end()
                        .process(CamelSourceBehaviourTest.this::readBody);
                from("direct:poll-cached").routeId("spike-poll-cached")
                        .setBody(constant("before-poll"))
                        .pollEnrich().simple("${variable.sourceUri}").timeout(0).end()
                        .process(CamelSourceBehaviourTest.this::readBody);
                from("direct:http").routeId("spike-http").noStreamCaching()
                        .toD("${variable.sourceUri}")
                        .process(CamelSourceBehaviourTest.this::readBody);
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    // ---------------------------------------------------------------- a: pollEnrich of a directory

    @Test
    void sftpPollEnrichWithTimeoutZeroPollsOnceAndAnEmptyDirectoryGivesANullBody() throws Exception {
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null)) {
            Files.createDirectories(sftp.root().resolve("outgoing"));
            int before = sftp.directoryOpens();

            Exchange result = poll("direct:poll", sftpUri(sftp, "outgoing", ""));

            assertThat(result.getException()).isNull();
            assertThat(result.getMessage().getBody()).isNull();
            int firstCall = sftp.directoryOpens() - before;
            poll("direct:poll", sftpUri(sftp, "outgoing", ""));
            int secondCall = sftp.directoryOpens() - before - firstCall;
            // one poll per call (GenericFilePollingConsumer: no retry loop when timeout is 0): every call
            // costs the same directory opens, however long the call
            assertThat(secondCall).isEqualTo(firstCall);
            System.out.println("SPIKE a empty: body=null, directory opens per call=" + firstCall + ", " + secondCall);
        }
    }

    @Test
    void sftpNewestMatchingFileIsStreamedWithItsNameSizeAndMtimeHeaders() throws Exception {
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null)) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            sftp.writeFileOfSize("outgoing/inventory_1.csv", 1000, now.minusSeconds(600));
            sftp.writeFileOfSize("outgoing/inventory_2.csv", 2000, now.minusSeconds(300));
            sftp.writeFileOfSize("outgoing/other.txt", 10, now.minusSeconds(10));

            Exchange result = poll("direct:poll", sftpUri(sftp, "outgoing", ""));

            assertThat(result.getException()).isNull();
            Read read = lastRead.get();
            System.out.println("SPIKE a newest: " + read);
            assertThat(read.headers()).containsEntry("CamelFileNameOnly", "inventory_2.csv");
            assertThat(read.headers()).containsEntry("CamelFileLength", 2000L);
            assertThat(read.headers()).containsEntry("CamelFileLastModified", now.minusSeconds(300).toEpochMilli());
            assertThat(read.bytes()).isEqualTo(2000);
            assertThat(read.firstMismatch()).isEqualTo(-1);
            // streamDownload=true: the GenericFile's body is the SFTP channel's stream, never a byte[]
            assertThat(read.bodyClass()).isEqualTo("org.apache.camel.component.file.remote.RemoteFile");
            assertThat(read.streamClass()).startsWith("com.jcraft.jsch.ChannelSftp");
            // noop=true: the file is still there
            assertThat(sftp.root().resolve("outgoing/inventory_2.csv")).exists();
        }
    }

    @Test
    void sftpTwoPollsOfTheSameEndpointBothReturnTheFileWhenNotIdempotent() throws Exception {
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null)) {
            sftp.writeFileOfSize("outgoing/inventory_1.csv", 100, Instant.now().minusSeconds(600));
            String uri = sftpUri(sftp, "outgoing", "");
            poll("direct:poll", uri);
            String first = (String) lastRead.get().headers().get("CamelFileNameOnly");
            poll("direct:poll", uri);
            String second = (String) lastRead.get().headers().get("CamelFileNameOnly");
            System.out.println("SPIKE a repeat: " + first + " / " + second);
            assertThat(first).isEqualTo("inventory_1.csv");
            assertThat(second).isEqualTo("inventory_1.csv");
        }
    }

    @Test
    void sftpEqualMtimesAreOrderedByTheSecondSortKey() throws Exception {
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null)) {
            Instant same = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
            sftp.writeFileOfSize("outgoing/inventory_a.csv", 10, same);
            sftp.writeFileOfSize("outgoing/inventory_c.csv", 10, same);
            sftp.writeFileOfSize("outgoing/inventory_b.csv", 10, same);

            poll("direct:poll", sftpUri(sftp, "outgoing", "")
                    .replace("sortBy=reverse:file:modified", "sortBy=reverse:file:modified;reverse:file:name"));
            String byNameDesc = (String) lastRead.get().headers().get("CamelFileNameOnly");
            poll("direct:poll", sftpUri(sftp, "outgoing", "")
                    .replace("sortBy=reverse:file:modified", "sortBy=reverse:file:modified;file:name"));
            String byNameAsc = (String) lastRead.get().headers().get("CamelFileNameOnly");
            poll("direct:poll", sftpUri(sftp, "outgoing", ""));
            String modifiedOnly = (String) lastRead.get().headers().get("CamelFileNameOnly");
            System.out.println("SPIKE a tie: 'reverse:file:modified;reverse:file:name' -> " + byNameDesc
                    + ", 'reverse:file:modified;file:name' -> " + byNameAsc + ", modified only -> " + modifiedOnly);
            // the first group's reverse: reverses the groups after it too (GenericFileDefaultSorter):
            // newest first, then the greatest name, is 'reverse:file:modified;file:name'
            assertThat(byNameAsc).isEqualTo("inventory_c.csv");
            assertThat(byNameDesc).isEqualTo("inventory_a.csv");
        }
    }

    @Test
    void withStreamCachingOnTheFetchedStreamIsCopiedIntoMemoryBeforeTheNextStep() throws Exception {
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null)) {
            sftp.writeFileOfSize("outgoing/inventory_1.csv", 300_000, Instant.now().minusSeconds(600));
            poll("direct:poll-cached", sftpUri(sftp, "outgoing", ""));
            System.out.println("SPIKE a stream caching on: " + lastRead.get().bodyClass());
            assertThat(lastRead.get().bodyClass()).isEqualTo("org.apache.camel.converter.stream.InputStreamCache");
            assertThat(camel.getStreamCachingStrategy().isSpoolEnabled()).isFalse();
        }
    }

    @Test
    void ftpAndFtpsPollEnrichReturnTheNewestFileAndShowTheMtimePrecision() throws Exception {
        for (FtpTestServer.Mode mode : FtpTestServer.Mode.values()) {
            try (FtpTestServer ftp = FtpTestServer.start(mode, dir("ftp-" + mode), USER, PASSWORD, temp)) {
                Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                Files.createDirectories(ftp.root().resolve("outgoing"));
                Exchange empty = poll("direct:poll", ftpUri(ftp, "outgoing", ""));
                assertThat(empty.getException()).as(mode + " empty").isNull();
                assertThat(empty.getMessage().getBody()).as(mode + " empty").isNull();

                ftp.writeFileOfSize("outgoing/inventory_1.csv", 1000, now.minusSeconds(7200).plusSeconds(17));
                ftp.writeFileOfSize("outgoing/inventory_2.csv", 2000, now.minusSeconds(3600).plusSeconds(17));

                Exchange result = poll("direct:poll", ftpUri(ftp, "outgoing", ""));

                assertThat(result.getException()).as(mode.toString()).isNull();
                Read read = lastRead.get();
                System.out.println("SPIKE a " + mode + ": " + read + " actual mtime="
                        + now.minusSeconds(3600).plusSeconds(17).toEpochMilli());
                assertThat(read.headers()).containsEntry("CamelFileNameOnly", "inventory_2.csv");
                assertThat(read.bytes()).isEqualTo(2000);
                assertThat(read.firstMismatch()).isEqualTo(-1);
            }
        }
    }

    // ---------------------------------------------------------------- b: failures must throw

    @Test
    void sftpWrongPasswordUnknownHostKeyAndUnreachablePortThrow() throws Exception {
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null)) {
            sftp.writeFileOfSize("outgoing/inventory_1.csv", 100, Instant.now().minusSeconds(600));
            Path knownHosts = temp.resolve("known_hosts");
            Files.writeString(knownHosts, sftp.knownHostsLine() + "\n");
            Path foreignHosts = temp.resolve("foreign_known_hosts");
            Files.writeString(foreignHosts, SftpTestServer.knownHostsLine(sftp.host(), sftp.port(),
                    SftpTestServer.generateEcKey().getPublic()) + "\n");
            int closedPort = closedPort();
            String pinned = "&strictHostKeyChecking=yes&useUserKnownHostsFile=false&knownHostsFile=" + knownHosts;
            String foreign = "&strictHostKeyChecking=yes&useUserKnownHostsFile=false&knownHostsFile=" + foreignHosts;

            List<String> outcomes = new ArrayList<>();
            for (String extra : List.of("", "&throwExceptionOnConnectFailed=true")) {
                Exchange ok = poll("direct:poll", sftpUri(sftp, "outgoing", pinned, extra));
                String okName = lastReadName(ok);
                Exchange wrongPassword = poll("direct:poll", sftpUri(sftp, "outgoing", pinned, extra)
                        .replace("RAW(" + PASSWORD + ")", "RAW(wrong)"));
                Exchange unknownKey = poll("direct:poll", sftpUri(sftp, "outgoing", foreign, extra));
                Exchange refused = poll("direct:poll", sftpUri(sftp, "outgoing", pinned, extra)
                        .replace(":" + sftp.port() + "/", ":" + closedPort + "/"));
                outcomes.add(describe("ok" + extra, ok));
                outcomes.add(describe("wrong password" + extra, wrongPassword));
                outcomes.add(describe("unknown host key" + extra, unknownKey));
                outcomes.add(describe("refused" + extra, refused));
                assertThat(ok.getException()).isNull();
                assertThat(okName).isEqualTo("inventory_1.csv");
                boolean throwing = !extra.isEmpty();
                // without throwExceptionOnConnectFailed every failure is a silent empty poll: body null
                for (Exchange failed : List.of(wrongPassword, unknownKey, refused)) {
                    assertThat(failed.getException() != null).as(extra).isEqualTo(throwing);
                    if (!throwing) {
                        assertThat(failed.getMessage().getBody()).isNull();
                    }
                }
            }
            outcomes.forEach(o -> System.out.println("SPIKE b sftp " + o));
            assertThat(outcomes).noneMatch(o -> o.contains(PASSWORD));
        }
    }

    @Test
    void ftpWrongPasswordAndUnreachablePortThrow() throws Exception {
        try (FtpTestServer ftp = FtpTestServer.start(FtpTestServer.Mode.PLAIN, dir("ftp"), USER, PASSWORD, temp)) {
            ftp.writeFileOfSize("outgoing/inventory_1.csv", 100, Instant.now().minusSeconds(600));
            int closedPort = closedPort();
            List<String> outcomes = new ArrayList<>();
            for (String extra : List.of("", "&throwExceptionOnConnectFailed=true")) {
                Exchange wrongPassword = poll("direct:poll", ftpUri(ftp, "outgoing", extra)
                        .replace("RAW(" + PASSWORD + ")", "RAW(wrong)"));
                Exchange refused = poll("direct:poll", ftpUri(ftp, "outgoing", extra)
                        .replace(":" + ftp.port() + "/", ":" + closedPort + "/"));
                outcomes.add(describe("wrong password" + extra, wrongPassword));
                outcomes.add(describe("refused" + extra, refused));
            }
            outcomes.forEach(o -> System.out.println("SPIKE b ftp " + o));
            assertThat(outcomes.get(0)).contains("no exception, body null");
            assertThat(outcomes.get(1)).contains("no exception, body null");
            assertThat(outcomes.get(2)).contains("GenericFileOperationFailedException").contains("[code 530]");
            assertThat(outcomes.get(3)).contains("java.net.ConnectException");
            assertThat(outcomes).noneMatch(o -> o.contains(PASSWORD));
        }
    }

    // ---------------------------------------------------------------- c: minimum file age

    @Test
    void filterFileSkipsFilesYoungerThanTheMinimumAge() throws Exception {
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null)) {
            Instant now = Instant.now();
            sftp.writeFileOfSize("outgoing/inventory_old.csv", 10, now.minusSeconds(600));
            sftp.writeFileOfSize("outgoing/inventory_writing.csv", 10, now.minusSeconds(5));

            poll("direct:poll", sftpUri(sftp, "outgoing", "&filterFile=RAW(${file:modified} < ${date:now-120s})"));
            String withAge = lastReadName(null);
            poll("direct:poll", sftpUri(sftp, "outgoing", ""));
            String withoutAge = lastReadName(null);
            System.out.println("SPIKE c filterFile: with min age=" + withAge + " without=" + withoutAge);
            assertThat(withAge).isEqualTo("inventory_old.csv");
            assertThat(withoutAge).isEqualTo("inventory_writing.csv");

            Exchange none = poll("direct:poll", sftpUri(sftp, "outgoing", "&filterFile=RAW(${file:modified} < ${date:now-3600s})"));
            assertThat(none.getException()).isNull();
            assertThat(none.getMessage().getBody()).isNull();
        }
    }

    // ---------------------------------------------------------------- d: secrets in URIs

    @Test
    void aRawPasswordWithSpecialCharactersWorksAndIsMaskedInEndpointsAndJmx() throws Exception {
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null)) {
            sftp.writeFileOfSize("outgoing/inventory_1.csv", 100, Instant.now().minusSeconds(600));
            Exchange ok = poll("direct:poll", sftpUri(sftp, "outgoing", ""));
            assertThat(ok.getException()).isNull();

            List<String> seen = new ArrayList<>();
            camel.getEndpoints().forEach(e -> seen.add("endpoint " + e));
            camel.getEndpointRegistry().keySet().forEach(k -> seen.add("registry key " + k));
            for (ObjectName name : ManagementFactory.getPlatformMBeanServer()
                    .queryNames(new ObjectName("org.apache.camel:type=endpoints,*"), null)) {
                seen.add("jmx " + name);
            }
            seen.forEach(s -> System.out.println("SPIKE d " + s));
            // Endpoint.toString masks password=; the registry key (the normalized URI) keeps it
            assertThat(seen).anyMatch(s -> s.startsWith("endpoint sftp") && s.contains("password=xxxxxx"));
            assertThat(seen).filteredOn(s -> s.startsWith("endpoint ")).noneMatch(s -> s.contains("w/rd"));
            assertThat(seen).anyMatch(s -> s.startsWith("registry key sftp") && s.contains("w/rd"));
            // a dynamic (pollEnrich/toD) endpoint gets no JMX MBean (registerAlways=false)
            assertThat(seen).filteredOn(s -> s.startsWith("jmx ")).noneMatch(s -> s.contains("sftp"));
        }
    }

    // ---------------------------------------------------------------- e: camel-http

    @Test
    void httpsToDStreamsTheBodyAndFailuresCarryTheStatus() throws Exception {
        try (HttpTestServer https = HttpTestServer.startHttps(); HttpTestServer other = HttpTestServer.startHttp()) {
            Path file = TestFiles.writeOfSize(temp, "stock.csv", 3_000_000, Instant.now());
            https.serveFile("/basic/stock.csv", file, Instant.parse("2026-01-02T03:04:05Z"),
                    HttpTestServer.Auth.basic(USER, PASSWORD));
            https.serveFile("/bearer/stock.csv", file, Instant.parse("2026-01-02T03:04:05Z"),
                    HttpTestServer.Auth.bearer("tok-123"));
            https.status("/forbidden", 403);
            https.status("/broken", 500);
            https.redirect("/moved", other.url("/stock.csv"));
            other.serveFile("/stock.csv", file, Instant.now(), HttpTestServer.Auth.none());
            https.slow("/slow", 3000);
            String tls = "?sslContextParameters=#trustTestCert&disableStreamCache=true";

            Exchange basic = sendHttp(https.url("/basic/stock.csv") + tls
                    + "&authMethod=Basic&authUsername=" + USER + "&authPassword=RAW(" + PASSWORD + ")", Map.of());
            System.out.println("SPIKE e basic: " + describe("basic", basic) + " read=" + lastRead.get()
                    + " requests=" + https.requests());
            assertThat(basic.getException()).isNull();
            assertThat(lastRead.get().bytes()).isEqualTo(3_000_000);
            assertThat(lastRead.get().firstMismatch()).isEqualTo(-1);
            assertThat(lastRead.get().headers().get("Last-Modified")).isEqualTo("Fri, 2 Jan 2026 03:04:05 GMT");
            assertThat(lastRead.get().bodyClass()).doesNotContain("StreamCache");
            // challenge-based Basic: the first request goes without credentials, the 401 brings the second
            assertThat(https.requests()).extracting(HttpTestServer.Request::authorization)
                    .containsExactly(null, "Basic " + java.util.Base64.getEncoder().encodeToString(
                            (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));

            Exchange bearer = sendHttp(https.url("/bearer/stock.csv") + tls,
                    Map.of("Authorization", "Bearer tok-123", "X-Relay-Internal", "tenant-1"));
            System.out.println("SPIKE e bearer: " + describe("bearer", bearer) + " read=" + lastRead.get()
                    + " last request headers=" + https.requests().get(https.requests().size() - 1).headers());
            assertThat(bearer.getException()).isNull();
            // every exchange header that is not Camel* goes to the server as an HTTP header
            assertThat(https.requests().get(https.requests().size() - 1).headers()).containsKey("x-relay-internal");
            // skipRequestHeaders=true sends none of them; the bearer token then goes as an endpoint option
            int before = https.requests().size();
            Exchange skipped = sendHttp(https.url("/bearer/stock.csv") + tls
                    + "&skipRequestHeaders=true&authBearerToken=RAW(tok-123)", Map.of("X-Relay-Internal", "tenant-1"));
            System.out.println("SPIKE e skipRequestHeaders + authBearerToken: " + describe("bearer", skipped)
                    + " requests=" + https.requests().subList(before, https.requests().size()));
            assertThat(https.requests().subList(before, https.requests().size()))
                    .allSatisfy(r -> assertThat(r.headers()).doesNotContainKey("x-relay-internal"));

            for (String path : List.of("/bearer/stock.csv", "/forbidden", "/broken", "/moved")) {
                Exchange failed = sendHttp(https.url(path) + tls, Map.of());
                System.out.println("SPIKE e " + describe(path, failed));
                assertThat(failed.getException()).isInstanceOf(
                        org.apache.camel.http.base.HttpOperationFailedException.class);
            }
            Exchange followed = sendHttp(https.url("/moved") + tls + "&followRedirects=true", Map.of());
            System.out.println("SPIKE e followRedirects=true: " + describe("/moved", followed)
                    + " other server requests=" + other.requests().size());
            assertThat(other.requests()).hasSize(1);

            Exchange slow = sendHttp(https.url("/slow") + tls + "&responseTimeout=500", Map.of());
            System.out.println("SPIKE e " + describe("slow responseTimeout=500", slow));
            assertThat(slow.getException()).isNotNull();
            Exchange refused = sendHttp("http://127.0.0.1:" + closedPort() + "/x?connectTimeout=500", Map.of());
            System.out.println("SPIKE e " + describe("refused", refused));
            assertThat(refused.getException()).isNotNull();
        }
    }

    // ---------------------------------------------------------------- f: camel-mail IMAP

    @Test
    void imapPollEnrichPicksTheNewestMatchingMessageAndFlagsItSeen() throws Exception {
        try (ImapTestServer imap = ImapTestServer.start("feeds@merchant.example", PASSWORD)) {
            imap.deliver("stock@gamma.example", "Daily stock 1", Instant.parse("2026-01-01T06:00:00Z"), "stock_1.csv",
                    "sku,qty\nA,1\n".getBytes(StandardCharsets.UTF_8));
            imap.deliver("stock@gamma.example", "Daily stock 2", Instant.parse("2026-01-02T06:00:00Z"), "stock_2.csv",
                    "sku,qty\nA,2\n".getBytes(StandardCharsets.UTF_8));
            imap.deliver("other@gamma.example", "Daily stock 3", Instant.parse("2026-01-03T06:00:00Z"), "stock_3.csv",
                    "sku,qty\nA,3\n".getBytes(StandardCharsets.UTF_8));
            String uri = "imap://127.0.0.1:" + imap.imapPort() + "?username=feeds@merchant.example&password=RAW(" + PASSWORD + ")"
                    + "&unseen=false&delete=false&peek=true&maxMessagesPerPoll=1&initialDelay=0"
                    + "&searchTerm.from=stock@gamma.example&searchTerm.subjectOrBody=Daily stock"
                    + "&sortTerm=reverse,arrival&closeFolder=false";
            AtomicReference<String> attachment = new AtomicReference<>();
            AtomicReference<Map<String, Object>> headers = new AtomicReference<>();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:mail").setBody(constant("before-poll"))
                            .pollEnrich().simple("${variable.sourceUri}").timeout(10_000).end()
                            .process(e -> {
                                headers.set(new TreeMap<>(e.getMessage().getHeaders()));
                                AttachmentMessage message = e.getMessage(AttachmentMessage.class);
                                if (message.hasAttachments()) {
                                    for (var entry : message.getAttachments().entrySet()) {
                                        try (InputStream in = entry.getValue().getInputStream()) {
                                            attachment.set(entry.getKey() + "=" + new String(in.readAllBytes(), StandardCharsets.UTF_8)
                                                    + " (" + entry.getValue().getDataSource().getClass().getName() + ")");
                                        }
                                    }
                                }
                            });
                }
            });
            Exchange result = template.send("direct:mail", e -> e.setVariable("sourceUri", uri));
            System.out.println("SPIKE f: " + describe("imap", result) + " attachment=" + attachment.get()
                    + " headers=" + headers.get());
            assertThat(result.getException()).isNull();
            assertThat(attachment.get()).startsWith("stock_2.csv=sku,qty\nA,2\n");
            // delete=false keeps the message, but camel-mail flags it \Seen on commit whatever peek says
            // (MailConsumer.processCommit); unseen=false still finds it next time
            assertThat(imap.anyFlagged(jakarta.mail.Flags.Flag.DELETED)).isFalse();
            assertThat(imap.anyFlagged(jakarta.mail.Flags.Flag.SEEN)).isTrue();
        }
    }

    // ---------------------------------------------------------------- g: 50 MB and a dropped connection

    @Test
    void fiftyMegabytesOverSftpFtpAndHttpAndAHalfDownloadedDrop() throws Exception {
        Instant old = Instant.now().minusSeconds(600);
        try (SftpTestServer sftp = SftpTestServer.start(dir("sftp-root"), USER, PASSWORD, null);
                FtpTestServer ftp = FtpTestServer.start(FtpTestServer.Mode.PLAIN, dir("ftp"), USER, PASSWORD, temp);
                HttpTestServer http = HttpTestServer.startHttp()) {
            sftp.writeFileOfSize("outgoing/inventory_big.csv", FIFTY_MB, old);
            ftp.writeFileOfSize("outgoing/inventory_big.csv", FIFTY_MB, old);
            Path file = TestFiles.writeOfSize(temp, "big.csv", FIFTY_MB, old);
            http.serveFile("/big.csv", file, old, HttpTestServer.Auth.none());
            http.dropAfter("/drop.csv", file, FIFTY_MB / 2);

            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                poll("direct:poll", sftpUri(sftp, "outgoing", ""));
                long sftpMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(lastRead.get().bytes()).isEqualTo(FIFTY_MB);
                assertThat(lastRead.get().firstMismatch()).isEqualTo(-1);
                t0 = System.nanoTime();
                poll("direct:poll", ftpUri(ftp, "outgoing", ""));
                long ftpMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(lastRead.get().bytes()).isEqualTo(FIFTY_MB);
                t0 = System.nanoTime();
                sendHttp(http.url("/big.csv") + "?disableStreamCache=true", Map.of());
                long httpMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(lastRead.get().bytes()).isEqualTo(FIFTY_MB);
                System.out.println("SPIKE g 50MB round " + round + ": sftp=" + sftpMs + " ms, ftp=" + ftpMs
                        + " ms, http=" + httpMs + " ms");
            }

            Exchange httpDrop = sendHttp(http.url("/drop.csv") + "?disableStreamCache=true", Map.of());
            System.out.println("SPIKE g http drop: " + describe("http drop", httpDrop) + " read=" + lastRead.get());
            assertThat(lastRead.get().failure()).isNotNull();

            ftp.dropConnectionAfter(FIFTY_MB / 2);
            Exchange ftpDrop = poll("direct:poll", ftpUri(ftp, "outgoing", ""));
            System.out.println("SPIKE g ftp drop: " + describe("ftp drop", ftpDrop) + " read=" + lastRead.get());
            // FTP stream mode: the end of the data connection is the end of the file. The read ends
            // early without an error; only comparing with CamelFileLength (from LIST) tells
            Read ftpRead = lastRead.get();
            assertThat(ftpRead.failure()).isNull();
            assertThat(ftpRead.bytes()).isLessThan(FIFTY_MB);
            assertThat(ftpRead.headers().get("CamelFileLength")).isEqualTo(FIFTY_MB);

            sftp.dropConnectionAfter(FIFTY_MB / 2);
            Exchange sftpDrop = poll("direct:poll", sftpUri(sftp, "outgoing", ""));
            System.out.println("SPIKE g sftp drop: " + describe("sftp drop", sftpDrop) + " read=" + lastRead.get());
            assertThat(lastRead.get().failure()).isNotNull();
        }
    }

    // ---------------------------------------------------------------- helpers

    private String sftpUri(SftpTestServer sftp, String directory, String extra) {
        return sftpUri(sftp, directory, "&strictHostKeyChecking=no&useUserKnownHostsFile=false", extra);
    }

    private String sftpUri(SftpTestServer sftp, String directory, String hostKeyOptions, String extra) {
        return "sftp://" + USER + "@" + sftp.host() + ":" + sftp.port() + "/" + directory
                + "?password=RAW(" + PASSWORD + ")" + hostKeyOptions + "&autoCreate=false"
                + "&antInclude=inventory_*.csv&noop=true&idempotent=false&streamDownload=true&stepwise=false"
                + "&sortBy=reverse:file:modified&eagerMaxMessagesPerPoll=false&maxMessagesPerPoll=1"
                + "&connectTimeout=5000&timeout=10000&soTimeout=10000&maximumReconnectAttempts=0"
                + extra;
    }

    private String ftpUri(FtpTestServer ftp, String directory, String extra) {
        String scheme = ftp.mode() == FtpTestServer.Mode.PLAIN ? "ftp" : "ftps";
        String tls = switch (ftp.mode()) {
            case PLAIN -> "";
            case EXPLICIT_TLS -> "&implicit=false&securityProtocol=TLSv1.2&sslContextParameters=#trustTestCert&execProt=P&execPbsz=0";
            case IMPLICIT_TLS -> "&implicit=true&securityProtocol=TLSv1.2&sslContextParameters=#trustTestCert&execProt=P&execPbsz=0";
        };
        return scheme + "://" + USER + "@" + ftp.host() + ":" + ftp.port() + "/" + directory
                + "?password=RAW(" + PASSWORD + ")&passiveMode=true&binary=true"
                + "&antInclude=inventory_*.csv&noop=true&idempotent=false&streamDownload=true&stepwise=false"
                + "&sortBy=reverse:file:modified&eagerMaxMessagesPerPoll=false&maxMessagesPerPoll=1"
                + "&connectTimeout=5000&timeout=10000&soTimeout=10000&maximumReconnectAttempts=0&autoCreate=false"
                + tls + extra;
    }

    private Exchange poll(String route, String uri) {
        lastRead.set(null);
        return template.send(route, e -> e.setVariable("sourceUri", uri));
    }

    private Exchange sendHttp(String uri, Map<String, String> headers) {
        lastRead.set(null);
        return template.send("direct:http", e -> {
            e.setVariable("sourceUri", uri);
            headers.forEach(e.getMessage()::setHeader);
        });
    }

    private String lastReadName(Exchange ignored) {
        Read read = lastRead.get();
        return read == null ? null : (String) read.headers().get("CamelFileNameOnly");
    }

    /** Reads the body to its end inside the route (the stream is only open until the exchange completes). */
    private void readBody(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        Map<String, Object> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(exchange.getMessage().getHeaders());
        if (body == null) {
            lastRead.set(new Read("null", "null", 0, -1, null, headers));
            return;
        }
        String streamClass = body instanceof GenericFile<?> gf && gf.getBody() != null
                ? gf.getBody().getClass().getName() : body.getClass().getName();
        long count = 0;
        long mismatch = -1;
        Exception failure = null;
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n && mismatch < 0; i++) {
                    if (buffer[i] != TestFiles.patternByte(count + i)) {
                        mismatch = count + i;
                    }
                }
                count += n;
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        lastRead.set(new Read(body.getClass().getName(), streamClass, count, mismatch, failure, headers));
    }

    private static String describe(String label, Exchange exchange) {
        Exception e = exchange.getException();
        if (e == null) {
            Object body = exchange.getMessage().getBody();
            return label + ": no exception, body " + (body == null ? "null" : body.getClass().getSimpleName());
        }
        StringBuilder chain = new StringBuilder(label).append(": THROWS");
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(" <- ").append(t.getClass().getName()).append(": ").append(t.getMessage());
            if (t instanceof org.apache.camel.http.base.HttpOperationFailedException h) {
                chain.append(" [status ").append(h.getStatusCode()).append(", location ")
                        .append(h.getRedirectLocation()).append("]");
            }
            if (t instanceof org.apache.camel.component.file.GenericFileOperationFailedException g) {
                chain.append(" [code ").append(g.getCode()).append("]");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return chain.toString();
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(temp.resolve(name));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
