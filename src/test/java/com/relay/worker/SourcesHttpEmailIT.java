package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.sources.testing.HttpTestServer;
import com.relay.sources.testing.ImapTestServer;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A run through the API in embedded mode with an http vendor (bearer token), an email vendor
 * (plain IMAP on loopback, embedded mode only) and an S3 vendor (docs/ROUTES.md "Vendor sources:
 * http and email"): it succeeds, its merged feed equals the same files given as S3 uploads,
 * input_manifest.json describes each source with the real files' sha256, and neither secret appears
 * in the logs, the run record or the manifest. The secrets are the failsafe environment variables
 * of the tenant {@code srcit} (pom.xml).
 */
@ExtendWith(OutputCaptureExtension.class)
class SourcesHttpEmailIT extends WorkerTestSupport {

    static final String TENANT = "srcit";
    static final String TOKEN = "it-http-token-5d4c3b2a";
    static final String IMAP_PASSWORD = "it-imap-pw-9e8d7c6b";
    static final String MAILBOX = "feeds@srcit.example";
    static final String SENDER = "stock@vendor2.example";
    static final Instant MODIFIED = Instant.parse("2026-04-01T08:00:00Z");

    @Test
    void httpEmailAndS3VendorsMergeAsTheSameFilesFromS3AndTheManifestDescribesEachSource(CapturedOutput output) throws Exception {
        Path golden = Path.of("examples/golden");
        byte[] v1 = Files.readAllBytes(golden.resolve("vendor_1.csv"));
        byte[] v2 = Files.readAllBytes(golden.resolve("vendor_2.csv"));
        try (HttpTestServer http = HttpTestServer.startHttp(); ImapTestServer imap = ImapTestServer.start(MAILBOX, IMAP_PASSWORD)) {
            http.serveFile("/feeds/vendor_1.csv", golden.resolve("vendor_1.csv"), MODIFIED, HttpTestServer.Auth.bearer(TOKEN));
            MimeMessage mail = imap.deliver(SENDER, "Daily stock 2026-04-01", MODIFIED, "vendor_2.csv", v2);
            String httpInbound = """
                    {"type": "http", "url": "%s", "auth": {"type": "bearer", "token": "env:RELAY_SECRET_SRCIT_HTTP_TOKEN"}}"""
                    .formatted(http.url("/feeds/vendor_1.csv?sig=abc"));
            String emailInbound = """
                    {"type": "email", "host": "127.0.0.1", "port": %d, "username": "%s",
                     "password": "env:RELAY_SECRET_SRCIT_IMAP_PW", "folder": "INBOX", "from": "%s",
                     "subject_contains": "Daily stock", "attachment_pattern": "*.csv"}""".formatted(imap.imapPort(), MAILBOX, SENDER);
            assertThat(post("/v1/tenants", DEV, config(TENANT, httpInbound, emailInbound, s3(TENANT, "vendor_3"))).status())
                    .isEqualTo(201);
            upload(TENANT, "vendor_3", "vendor_3.csv", v2);

            String runId = startRun(TENANT);
            JsonNode run = awaitTerminal(runId);

            assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
            Map<String, String> artifacts = artifacts(run.get("artifacts"));
            assertThat(text(artifacts.get("inbound_vendor_1"))).isEqualTo(new String(v1, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(text(artifacts.get("inbound_vendor_2"))).isEqualTo(new String(v2, java.nio.charset.StandardCharsets.UTF_8));
            JsonNode manifest = json(artifacts.get("input_manifest"));
            JsonNode h = manifest.get("vendors").get("vendor_1");
            assertThat(h.get("status").asText()).isEqualTo("found");
            assertThat(h.get("source_type").asText()).isEqualTo("http");
            assertThat(h.get("url").asText()).isEqualTo(http.url("/feeds/vendor_1.csv"));
            assertThat(h.get("size").asLong()).isEqualTo(v1.length);
            assertThat(h.get("last_modified").asText()).isEqualTo("2026-04-01T08:00:00.000Z");
            assertThat(h.get("sha256").asText()).isEqualTo(SourceRouteHarness.sha256(v1));
            JsonNode e = manifest.get("vendors").get("vendor_2");
            assertThat(e.get("source_type").asText()).isEqualTo("email");
            assertThat(e.get("message_id").asText()).isEqualTo(mail.getMessageID());
            assertThat(e.get("sender").asText()).isEqualTo(SENDER);
            assertThat(e.get("date").asText()).isEqualTo(MODIFIED.toString());
            assertThat(e.get("attachment").asText()).isEqualTo("vendor_2.csv");
            assertThat(e.get("sha256").asText()).isEqualTo(SourceRouteHarness.sha256(v2));
            assertThat(imap.anySeenOrDeleted()).isFalse();

            // the same three files as S3 uploads: the same merged feed (updated_at is the run's time)
            String s3Tenant = uniqueTenant("srcs3");
            assertThat(post("/v1/tenants", DEV, config(s3Tenant, s3(s3Tenant, "vendor_1"), s3(s3Tenant, "vendor_2"),
                    s3(s3Tenant, "vendor_3"))).status()).isEqualTo(201);
            upload(s3Tenant, "vendor_1", "vendor_1.csv", v1);
            upload(s3Tenant, "vendor_2", "vendor_2.csv", v2);
            upload(s3Tenant, "vendor_3", "vendor_3.csv", v2);
            JsonNode s3Run = awaitTerminal(startRun(s3Tenant));
            assertThat(s3Run.get("status").asText()).as(s3Run.toString()).isEqualTo("SUCCEEDED");
            assertThat(withoutUpdatedAt(text(artifacts.get("merged_inventory"))))
                    .isEqualTo(withoutUpdatedAt(text(artifacts(s3Run.get("artifacts")).get("merged_inventory"))))
                    .contains("vendor_1").contains("vendor_2");

            String everything = output.getAll() + run + text(artifacts.get("input_manifest"))
                    + text(artifacts.get("config_snapshot"));
            assertThat(everything).doesNotContain(TOKEN).doesNotContain(IMAP_PASSWORD);
            // the URL's query is configuration (in the snapshot), never in the manifest
            assertThat(text(artifacts.get("input_manifest"))).doesNotContain("sig=abc");
        }
    }

    static String withoutUpdatedAt(String csv) {
        return csv.lines().map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.joining("\n"));
    }

    static String s3(String tenant, String vendor) {
        return "{\"type\": \"s3\", \"s3_prefix\": \"tenants/" + tenant + "/inbound/" + vendor + "/\"}";
    }

    static String config(String tenant, String inbound1, String inbound2, String inbound3) {
        String parser = "{\"format\": \"csv\", \"delimiter\": \",\", \"encoding\": \"utf-8\", \"column_map\":"
                + " {\"sku\": \"SKU\", \"quantity_available\": \"QTY\", \"cost\": \"COST\", \"map_price\": \"MAP\"}}";
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "America/Los_Angeles", "default_currency": "USD",
                 "vendors": [
                   {"vendor_id": "vendor_1", "inbound": %s, "parser": %s},
                   {"vendor_id": "vendor_2", "inbound": %s, "parser": %s},
                   {"vendor_id": "vendor_3", "inbound": %s, "parser": %s}],
                 "pricing": {"base_margin_pct": 0.20, "min_price": 25.00, "shipping_handling_flat": 9.99,
                             "map_policy": {"enforce": true, "map_floor_behavior": "max(price, map_price)"},
                             "rounding": {"mode": "nearest", "increment": 0.99}},
                 "merge": {"strategy": "best_offer", "best_offer": {"sort_by": ["in_stock_desc", "lowest_landed_cost"],
                           "landed_cost": {"include_shipping_handling": true}, "fallback_lead_time_days": 7}},
                 "output": {"format": "csv", "columns": ["sku", "quantity_available", "price", "vendor_id", "updated_at"]}}
                """.formatted(tenant, inbound1, parser, inbound2, parser, inbound3, parser);
    }
}
