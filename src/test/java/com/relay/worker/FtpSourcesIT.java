package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.relay.config.RelaySettings;
import com.relay.secrets.SecretResolver;
import com.relay.secrets.SecretStores;
import com.relay.sources.testing.FtpTestServer;
import com.relay.sources.testing.SftpTestServer;
import com.relay.sources.testing.TestCertificate;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * sftp, ftp and ftps vendors through the API in embedded mode (routes/fetch-vendor-ftp.camel.yaml):
 * one vendor per transport plus one S3 vendor, against the in-process servers. The merged feed equals
 * the same four files given as S3 uploads, input_manifest.json describes each file (sha256 of the real
 * file), no password reaches the run record, the manifest, the logs, the endpoints or JMX; a wrong
 * password fails the run SOURCE_AUTH_FAILED at once; a connection dropped mid-file is retried
 * (SOURCE_UNAVAILABLE) and never stored short.
 */
@Import(FtpSourcesIT.SourceTestBeans.class)
class FtpSourcesIT extends WorkerTestSupport {

    private static final String USER = "relay";
    private static final String PASSWORD = "Ftp-IT-s3cr3t:/&=+";
    /** The environment of env: references (the app reads System::getenv; a test cannot set it). */
    static final Map<String, String> ENV = new ConcurrentHashMap<>();

    /** Test-only beans: secrets from {@link #ENV}, and an ftps TLS context trusting the test certificate. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class SourceTestBeans {
        @Bean
        @Primary
        public SecretResolver sourceTestSecrets(RelaySettings settings, SecretStores stores) {
            return new SecretResolver(settings.mode(), name -> ENV.getOrDefault(name, System.getenv(name)), Duration.ZERO,
                    Clock.systemUTC(), stores);
        }

        @Bean("vendorSourceTestTls")
        public SSLContext vendorSourceTestTls() {
            return TestCertificate.clientContext();
        }
    }

    @TempDir Path temp;
    @Autowired CamelContext camel;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private SftpTestServer sftp;
    private FtpTestServer ftp;
    private FtpTestServer ftps;

    private static final String S3_FEED = "sku,quantity_available,price\nA-1,5,10.00\nB-2,0,20.00\n";
    private static final String SFTP_FEED = "sku,quantity_available,price\nA-1,7,9.50\nC-3,3,30.00\nF-6,6,60.00\n";
    private static final String FTP_FEED = "sku,quantity_available,price\nB-2,4,19.00\nD-4,1,40.00\n";
    private static final String FTPS_FEED = "sku,quantity_available,price\nC-3,9,29.00\nE-5,2,50.00\n";

    @BeforeEach
    void servers() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        sftp = SftpTestServer.start(Files.createDirectories(temp.resolve("sftp")), USER, PASSWORD, null);
        ftp = FtpTestServer.start(FtpTestServer.Mode.PLAIN, Files.createDirectories(temp.resolve("ftp")), USER, PASSWORD, temp);
        ftps = FtpTestServer.start(FtpTestServer.Mode.EXPLICIT_TLS, Files.createDirectories(temp.resolve("ftps")), USER, PASSWORD, temp);
        Instant old = Instant.now().minusSeconds(3600);
        sftp.writeFile("outgoing/stock_1.csv", "sku,quantity_available,price\nOLD,1,1.00\n".getBytes(StandardCharsets.UTF_8),
                old.minusSeconds(3600));
        sftp.writeFile("outgoing/stock_2.csv", SFTP_FEED.getBytes(StandardCharsets.UTF_8), old);
        ftp.writeFile("pub/stock.csv", FTP_FEED.getBytes(StandardCharsets.UTF_8), old);
        ftps.writeFile("pub/stock.csv", FTPS_FEED.getBytes(StandardCharsets.UTF_8), old);
    }

    @AfterEach
    void stopServers() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        for (AutoCloseable s : new AutoCloseable[] {sftp, ftp, ftps}) {
            try {
                if (s != null) s.close();
            } catch (Exception ignored) {
                // the next test starts new servers on new ports
            }
        }
    }

    @Test
    void oneVendorPerTransportMergesLikeTheSameFilesInS3AndTheManifestDescribesEachFile() throws Exception {
        String tenant = tenantWithRemoteVendors("ftpsrc", PASSWORD);
        upload(tenant, "v_s3", "stock.csv", S3_FEED);
        int endpointsBefore = camel.getEndpoints().size();

        String runId = startRun(tenant);
        JsonNode run = awaitTerminal(runId);

        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("attempts").asInt()).isEqualTo(1);
        Map<String, String> artifacts = artifacts(run.get("artifacts"));
        JsonNode manifest = json(artifacts.get("input_manifest"));
        JsonNode vs = manifest.get("vendors");
        assertRemote(vs.get("v_sftp"), "sftp", sftp.port(), "/outgoing/stock_2.csv", SFTP_FEED);
        assertRemote(vs.get("v_ftp"), "ftp", ftp.port(), "/pub/stock.csv", FTP_FEED);
        assertRemote(vs.get("v_ftps"), "ftps", ftps.port(), "/pub/stock.csv", FTPS_FEED);
        for (String v : List.of("v_sftp", "v_ftp", "v_ftps")) {
            assertThat(text(artifacts.get("inbound_" + v))).as(v).isEqualTo(
                    switch (v) { case "v_sftp" -> SFTP_FEED; case "v_ftp" -> FTP_FEED; default -> FTPS_FEED; });
        }
        // nothing on the vendors' servers moved or deleted
        assertThat(sftp.root().resolve("outgoing/stock_2.csv")).exists();
        assertThat(ftp.root().resolve("pub/stock.csv")).exists();

        // the same four files as S3 uploads merge to the same bytes
        String s3Tenant = tenantWith("ftpsrc-s3", null, Vendor.of("v_s3"), Vendor.of("v_sftp"), Vendor.of("v_ftp"),
                Vendor.of("v_ftps"));
        upload(s3Tenant, "v_s3", "stock.csv", S3_FEED);
        upload(s3Tenant, "v_sftp", "stock_2.csv", SFTP_FEED);
        upload(s3Tenant, "v_ftp", "stock.csv", FTP_FEED);
        upload(s3Tenant, "v_ftps", "stock.csv", FTPS_FEED);
        JsonNode s3Run = awaitTerminal(startRun(s3Tenant));
        assertThat(s3Run.get("status").asText()).as(s3Run.toString()).isEqualTo("SUCCEEDED");
        String merged = text(artifacts.get("merged_inventory"));
        assertThat(merged).isEqualTo(text(artifacts(s3Run.get("artifacts")).get("merged_inventory")))
                .contains("B-2,4,").contains("E-5,2,").contains("F-6,6,");

        // no secret anywhere a person or a tool reads, and no endpoint or MBean left per fetch
        List<String> seen = new ArrayList<>();
        seen.add(run.toString());
        seen.add(manifest.toString());
        seen.add(text(artifacts.get("config_snapshot")));
        seen.add(logs.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).collect(Collectors.joining("\n")));
        camel.getEndpoints().forEach(e -> seen.add(e.getEndpointUri()));
        for (ObjectName name : ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("org.apache.camel:*"), null)) {
            seen.add(name.toString());
        }
        assertThat(String.join("\n", seen)).doesNotContain(PASSWORD).doesNotContain("s3cr3t");
        assertThat(camel.getEndpoints()).hasSize(endpointsBefore)
                .noneMatch(e -> e.getEndpointUri().startsWith("sftp") || e.getEndpointUri().startsWith("ftp"));
    }

    @Test
    void aWrongPasswordFailsTheRunAtOnceWithSourceAuthFailed() {
        String tenant = tenantWithRemoteVendors("ftpsrc-auth", "not-the-password");
        upload(tenant, "v_s3", "stock.csv", S3_FEED);

        JsonNode run = awaitTerminal(startRun(tenant));

        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("error_code").asText()).isEqualTo("SOURCE_AUTH_FAILED");
        assertThat(run.get("attempts").asInt()).isEqualTo(1);
        assertThat(run.toString()).contains("vendor v_").doesNotContain("not-the-password");
    }

    @Test
    void aConnectionDroppedMidFileIsRetriedAndTheRetryStoresTheWholeFile() throws Exception {
        String big = "sku,quantity_available,price\n" + java.util.stream.IntStream.range(0, 40_000).mapToObj(i -> "X-%06d,1,1.00\n".formatted(i)).collect(Collectors.joining());
        sftp.writeFile("outgoing/stock_3.csv", big.getBytes(StandardCharsets.UTF_8), Instant.now().minusSeconds(600));
        sftp.dropConnectionAfter(big.length() / 2);
        String tenant = tenantWithRemoteVendors("ftpsrc-drop", PASSWORD);
        upload(tenant, "v_s3", "stock.csv", S3_FEED);

        String runId = startRun(tenant);
        JsonNode first = awaitRun(runId, r -> !r.get("last_error").isNull(), Duration.ofSeconds(60));
        sftp.dropConnectionAfter(-1);
        assertThat(first.get("last_error").asText()).contains("SOURCE_UNAVAILABLE").contains("v_sftp");
        JsonNode done = awaitTerminal(runId);

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempts").asInt()).isEqualTo(2);
        JsonNode entry = json(artifacts(done.get("artifacts")).get("input_manifest")).get("vendors").get("v_sftp");
        assertThat(entry.get("size").asLong()).isEqualTo(big.length());
        assertThat(entry.get("sha256").asText()).isEqualTo(sha256(big.getBytes(StandardCharsets.UTF_8)));
    }

    private void assertRemote(JsonNode entry, String type, int port, String path, String content) throws Exception {
        assertThat(entry.get("status").asText()).as(type + ": " + entry).isEqualTo("found");
        assertThat(entry.get("source_type").asText()).isEqualTo(type);
        assertThat(entry.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.get("port").asInt()).isEqualTo(port);
        assertThat(entry.get("path").asText()).isEqualTo(path);
        assertThat(entry.get("size").asLong()).isEqualTo(content.length());
        assertThat(entry.get("sha256").asText()).isEqualTo(sha256(content.getBytes(StandardCharsets.UTF_8)));
        assertThat(Instant.parse(entry.get("last_modified").asText())).isBefore(Instant.now().minusSeconds(3000));
    }

    /** A tenant with an s3 vendor and one vendor per camel-ftp transport; {@code password} is what its env: references hold. */
    private String tenantWithRemoteVendors(String base, String password) {
        String tenant = uniqueTenant(base);
        String prefix = "RELAY_SECRET_" + tenant.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_";
        ENV.put(prefix + "SFTP", password);
        ENV.put(prefix + "FTP", password);
        String server = """
                {"type": "%s", "host": "127.0.0.1", "port": %d, "username": "relay", "password": "env:%s",
                 "directory": "%s", "file_pattern": "stock*.csv", "min_age_seconds": 60%s}""";
        String vendors = String.join(",", List.of(
                vendor(tenant, "v_s3", "{\"type\": \"s3\", \"s3_prefix\": \"tenants/" + tenant + "/inbound/v_s3/\"}"),
                vendor(tenant, "v_sftp", server.formatted("sftp", sftp.port(), prefix + "SFTP", "/outgoing",
                        ", \"host_key\": \"" + sftp.hostKeyFingerprint() + "\"")),
                vendor(tenant, "v_ftp", server.formatted("ftp", ftp.port(), prefix + "FTP", "/pub", "")),
                vendor(tenant, "v_ftps", server.formatted("ftps", ftps.port(), prefix + "FTP", "/pub", ""))));
        String config = """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [%s],
                 "pricing": {"base_margin_pct": 0.1, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {"increment": 0.01}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": %s}}
                """.formatted(tenant, vendors, SKU_QTY_PRICE);
        var r = post("/v1/tenants", DEV, config);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return tenant;
    }

    private static String vendor(String tenant, String id, String inbound) {
        return "{\"vendor_id\": \"" + id + "\", \"required\": true, \"inbound\": " + inbound + ", \"parser\": {\"format\": \"csv\"}}";
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
