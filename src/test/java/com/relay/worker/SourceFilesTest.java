package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.config.RelaySettings;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.LocalArtifactSink;
import com.relay.engine.run.RunResult;
import com.relay.engine.run.StageListener;
import com.relay.engine.run.VendorInput;
import com.relay.sources.SourceErrors;
import com.relay.sources.SourceRefusedException;
import com.relay.sources.SourceUnavailableException;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The common end of every vendor source route (route {@code fetch-store-vendor-file}): the file is
 * spooled with its sha256, a short or oversized file never becomes the vendor's feed, and the
 * engine gets the vendor as found, missing or failed, with a real engine run behind it.
 */
class SourceFilesTest {

    private static final String FEED = "sku,quantity_available,cost\nA-1,4,10.00\nB-2,0,5.50\n";

    @TempDir Path dir;
    private final CamelContext camel = new DefaultCamelContext();
    private RunAttempt attempt;
    private TenantConfig config;

    @BeforeEach
    void begin() throws IOException {
        config = new TenantConfigParser().parse("""
                tenant_id: merchant1
                timezone: UTC
                default_currency: USD
                vendors:
                  - vendor_id: acme
                    inbound: {type: ftp, host: ftp.acme.example, username: relay, password: 'env:RELAY_SECRET_MERCHANT1_PW'}
                    parser: {format: csv}
                  - vendor_id: beta
                    required: false
                    inbound: {type: http, url: 'https://feeds.beta.example/stock.csv'}
                    parser: {format: csv}
                pricing: {base_margin_pct: 0.1, min_price: 0, shipping_handling_flat: 0, map_policy: {}, rounding: {}}
                merge: {strategy: best_offer, best_offer: {landed_cost: {}}}
                output: {columns: [sku, quantity_available, price]}
                """, TenantConfigParser.Format.YAML, TenantConfigParser.Context.api(TenantConfigParser.RunMode.EMBEDDED))
                .validConfig().orElseThrow();
        attempt = new RunAttempt(new com.relay.worker.JobMessage(UUID.randomUUID().toString(), "merchant1", 1, null), "m-1",
                "receipt", 1, UUID.randomUUID().toString(), 1, Instant.parse("2026-01-01T00:00:00Z"), "test", null, null);
        attempt.workDir = Files.createDirectories(dir.resolve("work"));
        List<VendorInput> inputs = config.vendors().stream().map(v -> VendorInput.pending(v.vendorId(), null, null)).toList();
        attempt.execution = new EngineRun(EngineRun.reportMapper(), new LocalArtifactSink(dir.resolve("out")), new StageListener() { })
                .begin(new EngineRun.Request(config, "r1", 1, Instant.parse("2026-01-01T00:00:00Z"), inputs, attempt.workDir,
                        8L << 20, 2));
        assertThat(attempt.execution.startFetch()).as("a remote vendor is no copy of the listing").isEmpty();
        assertThat(attempt.execution.pendingVendors()).containsExactly("acme", "beta");
    }

    @AfterEach
    void close() {
        attempt.execution.close();
    }

    private SourceFiles files(Map<String, String> env) {
        return new SourceFiles(RelaySettings.load(env::get));
    }

    private Exchange exchange(String vendor, InputStream body, String name, long size) {
        Exchange ex = new DefaultExchange(camel);
        ex.setProperty(RunAttempt.PROPERTY, attempt);
        ex.setProperty(RunInputs.FETCH, VendorFetch.forRemote(config.vendors().stream()
                .filter(v -> v.vendorId().equals(vendor)).findFirst().orElseThrow()));
        ex.getMessage().setBody(body);
        ex.setProperty(SourceFiles.NAME, name);
        ex.setProperty(SourceFiles.SIZE, size);
        ex.setProperty(SourceFiles.MODIFIED, Instant.parse("2026-01-01T05:00:00Z"));
        ex.setProperty(SourceFiles.MANIFEST, Map.of("host", "ftp.acme.example", "path", "/outgoing/" + name));
        return ex;
    }

    @Test
    void aFetchedFileIsSpooledStoredAndParsedWithItsManifest() throws Exception {
        SourceFiles files = files(Map.of());
        byte[] bytes = FEED.getBytes(StandardCharsets.UTF_8);
        Exchange ex = exchange("acme", new ByteArrayInputStream(bytes), "inventory_2026.csv", bytes.length);
        files.spool(ex);

        List<PendingArtifacts.Artifact> queued = attempt.pending.drain();
        assertThat(queued).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo("r1/tenants/merchant1/inbound/acme/inventory_2026.csv");
            assertThat(a.length()).isEqualTo(bytes.length);
            assertThat(Files.readAllBytes(((java.io.File) a.content()).toPath())).isEqualTo(bytes);
        });
        // the put deletes its name of the file; the parse still reads the spooled one
        Files.delete(((java.io.File) queued.get(0).content()).toPath());
        files.stored(ex);
        assertThat(ex.getMessage().getBody()).isInstanceOf(VendorFetch.class);
        files.nothingFound(exchange("beta", null, null, -1));

        assertThat(attempt.execution.finishFetch()).isEmpty();
        assertThat(attempt.execution.normalize()).isEmpty();
        assertThat(attempt.execution.mergePrice()).isEmpty();
        RunResult result = attempt.execution.writeOutputs();
        assertThat(result.status()).isEqualTo(RunResult.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("out/r1/tenants/merchant1/outputs/merged_inventory.csv"))).contains("A-1,4,");

        JsonNode manifest = EngineRun.reportMapper().readTree(dir.resolve("out/r1/tenants/merchant1/reports/input_manifest.json").toFile());
        JsonNode acme = manifest.path("vendors").path("acme");
        assertThat(acme.path("status").asText()).isEqualTo("found");
        assertThat(acme.path("source_type").asText()).isEqualTo("ftp");
        assertThat(acme.path("host").asText()).isEqualTo("ftp.acme.example");
        assertThat(acme.path("path").asText()).isEqualTo("/outgoing/inventory_2026.csv");
        assertThat(acme.path("size").asLong()).isEqualTo(bytes.length);
        assertThat(acme.path("last_modified").asText()).isEqualTo("2026-01-01T05:00:00.000Z");
        assertThat(acme.path("sha256").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(acme.path("run_copy_key").asText()).isEqualTo("r1/tenants/merchant1/inbound/acme/inventory_2026.csv");
        JsonNode beta = manifest.path("vendors").path("beta");
        assertThat(beta.path("status").asText()).isEqualTo("missing");
        assertThat(beta.path("reason").asText()).isEqualTo(SourceErrors.NO_MATCHING_FILE);
    }

    @Test
    void aFileShorterThanAnnouncedIsUnavailableAndNeverQueued() {
        byte[] bytes = FEED.getBytes(StandardCharsets.UTF_8);
        Exchange ex = exchange("acme", new ByteArrayInputStream(bytes), "inventory.csv", bytes.length + 100L);
        assertThatThrownBy(() -> files(Map.of()).spool(ex)).isInstanceOf(SourceUnavailableException.class)
                .hasMessage("SOURCE_UNAVAILABLE: vendor acme: received " + bytes.length + " of " + (bytes.length + 100) + " bytes");
        assertThat(attempt.pending.drain()).isEmpty();
        assertThat(ex.getProperty(SourceFiles.SPOOLED)).isNull();
    }

    @Test
    void aConnectionDroppedMidFileIsUnavailable() {
        InputStream dropping = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ < 10) return 'x';
                throw new java.net.SocketException("Connection reset");
            }
        };
        Exchange ex = exchange("acme", dropping, "inventory.csv", -1);
        assertThatThrownBy(() -> files(Map.of()).spool(ex)).isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("vendor acme: the download failed after").hasRootCauseInstanceOf(java.net.SocketException.class);
        assertThat(attempt.pending.drain()).isEmpty();
    }

    @Test
    void aFileOverTheUploadLimitFailsTheRunAndIsNotStored() throws Exception {
        SourceFiles files = files(Map.of("INBOUND_MAX_BYTES", "16", "INBOUND_SPOOL_MAX_BYTES", "16"));
        // announced too large: not read at all
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Exchange announced = exchange("acme", new ByteArrayInputStream(new byte[64]) {
            @Override
            public void close() {
                closed.set(true);
            }
        }, "big.csv", 64);
        files.spool(announced);
        assertThat(closed).as("the unread transfer is closed").isTrue();
        assertThat(announced.getProperty(SourceFiles.SPOOLED)).isNull();
        assertThat(attempt.pending.drain()).isEmpty();
        // not announced: read up to the limit, then refused
        Exchange unannounced = exchange("beta", new ByteArrayInputStream(new byte[64]), "big.csv", -1);
        files.spool(unannounced);
        assertThat(unannounced.getProperty(SourceFiles.SPOOLED)).isNull();
        assertThat(attempt.pending.drain()).isEmpty();
        try (var work = Files.list(attempt.workDir)) {
            assertThat(work.filter(p -> p.getFileName().toString().startsWith("source-"))).as("nothing left spooled").isEmpty();
        }

        Optional<RunResult> failed = attempt.execution.finishFetch();
        assertThat(failed).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunResult.FAILED);
            assertThat(r.errorCode()).isEqualTo(SourceErrors.FILE_TOO_LARGE);
            assertThat(r.errorMessage()).startsWith("SOURCE_FILE_TOO_LARGE: vendor acme: the file has more than 16 bytes (INBOUND_MAX_BYTES=16)");
        });
    }

    @Test
    void aRefusedSourceFailsTheRunWithItsCodeAfterTheManifest() throws Exception {
        Exchange ex = exchange("acme", null, null, -1);
        ex.setProperty(Exchange.EXCEPTION_CAUGHT, new SourceRefusedException(SourceErrors.AUTH_FAILED, "acme",
                "530 Login incorrect", null));
        files(Map.of()).refused(ex);
        files(Map.of()).nothingFound(exchange("beta", null, null, -1));
        assertThat(ex.getMessage().getBody()).isInstanceOf(VendorFetch.class);

        RunResult r = attempt.execution.finishFetch().orElseThrow();
        assertThat(r.errorCode()).isEqualTo("SOURCE_AUTH_FAILED");
        assertThat(r.errorMessage()).isEqualTo("SOURCE_AUTH_FAILED: vendor acme: 530 Login incorrect");
        JsonNode manifest = EngineRun.reportMapper().readTree(dir.resolve("out/r1/tenants/merchant1/reports/input_manifest.json").toFile());
        assertThat(manifest.path("vendors").path("acme").path("reason").asText()).isEqualTo("source_auth_failed");
    }

    @Test
    void aRequiredVendorWithNothingAtItsSourceSaysWhereItLooked() throws Exception {
        files(Map.of()).nothingFound(exchange("acme", null, null, -1));
        files(Map.of()).nothingFound(exchange("beta", null, null, -1));
        RunResult r = attempt.execution.finishFetch().orElseThrow();
        assertThat(r.errorCode()).isEqualTo("REQUIRED_VENDOR_MISSING");
        assertThat(r.errorMessage()).isEqualTo("required vendor inbound missing: acme (no file matching '*' at least 60 s old "
                + "in / on ftp://ftp.acme.example:21)");
        assertThat(Files.readString(dir.resolve("out").resolve(r.errorsArtifactKey())))
                .contains("optional vendor inbound missing for beta (nothing at https://feeds.beta.example/stock.csv)");
    }

    @Test
    void fetchInputsCannotFinishBeforeEverySourceRouteAnswered() {
        assertThatThrownBy(() -> attempt.execution.finishFetch()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[acme, beta]");
    }

    @Test
    void onlyAPlainFileNameBecomesPartOfAKey() {
        assertThat(SourceFiles.storedName("inventory_2026-12-01.csv")).isEqualTo("inventory_2026-12-01.csv");
        assertThat(SourceFiles.storedName("/outgoing/stock list.csv")).isEqualTo("stock list.csv");
        assertThat(SourceFiles.storedName("..\\..\\evil.csv")).isEqualTo("evil.csv");
        assertThat(SourceFiles.storedName("..")).isEqualTo("feed");
        assertThat(SourceFiles.storedName("a\nb.csv")).isEqualTo("feed");
        assertThat(SourceFiles.storedName(null)).isEqualTo("feed");
        assertThat(SourceFiles.storedName(".hidden")).isEqualTo("feed");
    }
}
