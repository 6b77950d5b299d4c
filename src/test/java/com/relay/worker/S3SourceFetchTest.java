package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.aws.AwsRuntime;
import com.relay.config.RelaySettings;
import com.relay.engine.run.EngineRun;
import com.relay.engine.run.VendorInput;
import com.relay.sources.testing.TestFiles;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The s3 source's fetch of a 50 MiB object on loopback, for docs/PERFORMANCE.md "Vendor source fetch
 * on loopback": the real {@code fetch-vendor-s3} route of routes/run-worker.camel.yaml (its
 * server-side copy into the run folder, pinned to the listed ETag) against the embedded default's
 * s3proxy on its filesystem store, then the engine's read of the run copy ({@link S3Inputs.S3Source},
 * a GET streamed through sha256). What arrives is checked byte for byte against what was put.
 */
class S3SourceFetchTest {

    private static final String BUCKET = "relay-fetch-test";

    @TempDir
    Path dir;

    @Test
    void aFiftyMegabyteObjectIsCopiedAndReadOnLoopback() throws Exception {
        RelaySettings settings = RelaySettings.load(Map.of("RELAY_DATA_DIR", dir.resolve("data").toString(),
                "RELAY_EMBEDDED_SQS_PORT", "0", "RELAY_EMBEDDED_DYNAMODB_PORT", "0", "RELAY_EMBEDDED_S3_PORT", "0")::get);
        long size = 50L * 1024 * 1024;
        Path file = TestFiles.writeOfSize(dir, "vendor/fifty.csv", size, Instant.parse("2026-01-01T00:00:00Z"));
        String sourceKey = "tenants/merchant1/inbound/acme/fifty.csv";
        String runKey = "tenants/merchant1/runs/r-1/inbound/acme/fifty.csv";

        try (AwsRuntime aws = AwsRuntime.start(settings); S3Client s3 = aws.clients().s3();
             DefaultCamelContext camel = s3RouteAlone(s3)) {
            s3.createBucket(b -> b.bucket(BUCKET));
            String etag = s3.putObject(b -> b.bucket(BUCKET).key(sourceKey), RequestBody.fromFile(file)).eTag();
            camel.start();

            VendorInput listed = new VendorInput("acme", new S3Inputs.S3Source(s3, BUCKET, sourceKey, etag), "fifty.csv",
                    size, "text/csv", Map.of(), null, null, null, null);
            VendorFetch fetch = VendorFetch.forCopy(new EngineRun.InboundCopy("acme", runKey, listed));
            long t0 = System.nanoTime();
            Exchange ex = camel.createProducerTemplate().send("direct:fetch-vendor-s3", e -> e.getMessage().setBody(fetch));
            long copyMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ex.getException()).isNull();

            String copyEtag = s3.headObject(b -> b.bucket(BUCKET).key(runKey)).eTag();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long read = 0;
            long t1 = System.nanoTime();
            try (InputStream in = new S3Inputs.S3Source(s3, BUCKET, runKey, copyEtag).open()) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; read += n) sha.update(buf, 0, n);
            }
            long readMillis = (System.nanoTime() - t1) / 1_000_000;

            assertThat(read).isEqualTo(size);
            assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(SourceRouteHarness.sha256(file));
            // docs/PERFORMANCE.md "Vendor source fetch on loopback": the figures this prints
            System.out.printf("s3 50 MiB loopback fetch: copyObject %d ms, GET of the run copy with sha256 %d ms%n",
                    copyMillis, readMillis);
        }
    }

    /** A plain CamelContext with only {@code fetch-vendor-s3} of routes/run-worker.camel.yaml and the S3 client it autowires. */
    private static DefaultCamelContext s3RouteAlone(S3Client s3) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("s3Client", s3);
        camel.getPropertiesComponent().addInitialProperty("relay.worker.bucket", BUCKET);
        camel.addRoutes(new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                routeConfiguration("worker-inner");
            }
        });
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/run-worker.camel.yaml"));
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        model.removeRouteDefinitions(model.getRouteDefinitions().stream()
                .filter(r -> !List.of("fetch-vendor-s3").contains(r.getRouteId())).toList());
        return camel;
    }
}
