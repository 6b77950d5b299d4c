package com.relay.worker;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.VendorInput;
import com.relay.secrets.SecretResolver;
import com.relay.sources.EmailSource;
import com.relay.sources.HttpSource;
import com.relay.sources.HttpSourceClient;
import com.relay.tenants.config.TenantConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * A vendor source route on its own: a plain CamelContext with the route file from routes/, the real
 * beans behind its steps ({@link SourceAccess} with a real {@link SecretResolver} over {@code env},
 * {@link SourceFiles}, the source's beans), the real {@code fetch-store-vendor-file} route of
 * routes/run-worker.camel.yaml (the rest of that file removed) and {@code direct:put-run-artifacts}
 * as a test route that records what was stored (the copy's bytes and sha256, the exchange properties
 * the source set). Streaming is checked by the body the store route's first step receives.
 */
final class SourceRouteHarness implements AutoCloseable {

    static final String TENANT = "merchant1";

    /** What direct:store-vendor-file received and stored for one fetch. */
    record Stored(String bodyType, String key, Long size, Object modified, Map<String, Object> manifest,
                  long bytes, String sha256) {}

    final DefaultCamelContext camel = new DefaultCamelContext();
    final RelaySettings settings;
    final SourceAccess access;
    final SourceFiles files;
    final HttpSource http;
    final EmailSource email;
    final Path workDir;
    final List<Stored> stored = new CopyOnWriteArrayList<>();
    /** What the source routes resolved into the run's inputs: a found vendor with its input_manifest.json entry, a missing vendor. */
    final List<VendorInput> resolved = new CopyOnWriteArrayList<>();

    SourceRouteHarness(Map<String, String> env, Path workDir) throws Exception {
        this.workDir = workDir;
        this.settings = RelaySettings.load(env::get);
        this.access = new SourceAccess(new SecretResolver(settings.mode(), env::get, Duration.ZERO, Clock.systemUTC()), settings);
        this.files = new SourceFiles(settings);
        this.http = new HttpSource(access);
        this.email = new EmailSource(access, camel, settings);
        camel.getRegistry().bind("sourceAccess", access);
        camel.getRegistry().bind("sourceFiles", files);
        camel.getRegistry().bind("httpSource", http);
        camel.getRegistry().bind("httpSourceClient", new HttpSourceClient(access, http));
        camel.getRegistry().bind("emailSource", email);
        camel.addRoutes(new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                routeConfiguration("worker-inner");
            }
        });
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the run's artifact store: what the real fetch-store-vendor-file route queued, recorded
                from("direct:put-run-artifacts").routeId("test-put-run-artifacts")
                        .process(SourceRouteHarness.this::recordStored);
            }
        });
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/run-worker.camel.yaml"));
        // the contract's end of every source route, as it is in routes/run-worker.camel.yaml; the rest of the worker is not used
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        model.removeRouteDefinitions(model.getRouteDefinitions().stream()
                .filter(r -> !r.getRouteId().equals("fetch-store-vendor-file") && !r.getRouteId().startsWith("test-")).toList());
        // what the store route's steps receive as the body (a StreamCache would mean Camel copied the file)
        AdviceWith.adviceWith(camel, "fetch-store-vendor-file",
                a -> a.weaveById("store-vendor-file-spool").before().process(SourceRouteHarness.this::recordBodyType));
        for (String file : List.of("routes/fetch-vendor-http.camel.yaml", "routes/fetch-vendor-email.camel.yaml")) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:" + file));
        }
    }

    static Map<String, String> env(RelayMode mode, String... more) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("RELAY_MODE", mode.name().toLowerCase(java.util.Locale.ROOT));
        for (int i = 0; i + 1 < more.length; i += 2) env.put(more[i], more[i + 1]);
        return env;
    }

    void start() {
        camel.start();
    }

    /** Runs {@code direct:fetch-vendor-<type>} for one vendor as FETCH_INPUTS' split does; the exchange after it. */
    Exchange fetch(String vendorId, String type, TenantConfig.Remote remote) {
        VendorFetch fetch = VendorFetch.forRemote(new TenantConfig.Vendor(vendorId, true,
                new TenantConfig.Inbound(type, null, remote), null, null));
        RunAttempt a = new RunAttempt(new com.relay.worker.JobMessage(UUID.randomUUID().toString(), TENANT, 1, null),
                "m-1", "r-1", 1, UUID.randomUUID().toString(), 1, Instant.parse("2026-01-01T00:00:00Z"), "test", null, null);
        a.workDir = workDir;
        a.execution = mock(EngineRun.Execution.class);
        when(a.execution.inboundKey(anyString(), anyString())).thenAnswer(c -> "inbound/" + c.getArgument(0) + "/" + c.getArgument(1));
        when(a.execution.pendingInput(anyString())).thenAnswer(c -> VendorInput.missing(c.getArgument(0), null));
        org.mockito.Mockito.doAnswer(c -> resolved.add(c.getArgument(0))).when(a.execution).resolveInput(any());
        Exchange ex = camel.getEndpoint("direct:fetch-vendor-" + type).createExchange();
        ex.setProperty(RunAttempt.PROPERTY, a);
        ex.setProperty(RunInputs.FETCH, fetch);
        ex.getMessage().setBody(fetch);
        ex.setProperty("relayTestAttempt", a);
        return camel.createProducerTemplate().send("direct:fetch-vendor-" + type, ex);
    }

    private void recordBodyType(Exchange ex) {
        ex.setProperty("relayTestBodyType", ex.getMessage().getBody() == null ? "null" : ex.getMessage().getBody().getClass().getName());
    }

    @SuppressWarnings("unchecked")
    private void recordStored(Exchange ex) throws Exception {
        RunAttempt a = ex.getProperty(RunAttempt.PROPERTY, RunAttempt.class);
        for (PendingArtifacts.Artifact artifact : a.pending.drain()) {
            Path copy = ((java.io.File) artifact.content()).toPath();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n = 0;
            try (InputStream in = Files.newInputStream(copy)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, r);
                    n += r;
                }
            }
            stored.add(new Stored(ex.getProperty("relayTestBodyType", String.class), artifact.key(),
                    ex.getProperty(SourceFiles.SIZE, Long.class), ex.getProperty(SourceFiles.MODIFIED),
                    ex.getProperty(SourceFiles.MANIFEST, Map.class), n, HexFormat.of().formatHex(sha.digest())));
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) sha.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Override
    public void close() {
        try {
            camel.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
