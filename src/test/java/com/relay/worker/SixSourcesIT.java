package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.engine.FormatWriters;
import com.relay.sources.testing.FtpTestServer;
import com.relay.sources.testing.HttpTestServer;
import com.relay.sources.testing.ImapTestServer;
import com.relay.sources.testing.SftpTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.Import;

/**
 * Issue 20's acceptance run: six vendors, one per source kind (s3, sftp, ftp, ftps, http, email),
 * spread over the formats (csv, xlsx, json, xml, fixed_width, tsv), through the API in embedded
 * mode against the in-process servers. The run succeeds and its merged feed is byte-identical to the
 * same data given as six S3 CSV files (docs/CONFIG_SPEC.md "Vendor sources", docs/ENGINE.md).
 */
@Import(FtpSourcesIT.SourceTestBeans.class)
class SixSourcesIT extends WorkerTestSupport {

    private static final String USER = "relay";
    private static final String PASSWORD = "Six-IT-pw:/&=+";
    private static final String MAILBOX = "feeds@six.example";
    private static final String SENDER = "stock@gamma.example";
    private static final String TOKEN = "six-it-bearer-7f6e5d";
    private static final Instant OLD = Instant.parse("2026-11-01T06:00:00Z");
    private static final String COLUMNS = "[\"sku\", \"vendor_id\", \"quantity_available\", \"cost\", \"price\", \"title\", \"updated_at\"]";

    @TempDir Path temp;

    /** The vendor's header → canonical field (every format maps the same table). */
    private static final Map<String, String> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("SKU", "sku");
        FIELDS.put("Qty", "quantity_available");
        FIELDS.put("Cost", "cost");
        FIELDS.put("Title", "title");
        FIELDS.put("Updated", "updated_at");
    }

    private static final FormatWriters.Layout LAYOUT = new FormatWriters.Layout(List.copyOf(FIELDS.keySet()),
            Set.of("Qty", "Cost"), Set.of("Updated"), Map.of("Qty", "stock.qty", "Cost", "pricing.cost"),
            Map.of("SKU", "@id"), Map.of("SKU", 10, "Qty", 8, "Cost", 10, "Title", 24, "Updated", 21));

    /** Six vendors' rows: SKUs overlap so the best offer decides between kinds and formats. */
    private static List<List<String>> rows(int vendor) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int sku = (i * 7 + vendor * 3) % 60;
            String qty = String.valueOf((i + vendor) % 5 == 0 ? 0 : (i * 3 + vendor) % 17 + 1);
            String cost = String.format(Locale.ROOT, "%d.%02d", 5 + (i * 11 + vendor * 5) % 90, (i * 13 + vendor) % 100);
            String title = "Item " + sku + (vendor == 2 ? " café ☕" : "") + (i % 9 == 0 ? ", boxed" : "");
            rows.add(List.of("S-" + String.format(Locale.ROOT, "%03d", sku), qty, cost, title,
                    "2026-11-0" + (1 + vendor % 5) + " 0" + vendor + ":00:00"));
        }
        return rows;
    }

    private static String columnMap(Map<String, String> sourceOf) {
        return FIELDS.entrySet().stream().map(e -> "\"" + e.getValue() + "\": \"" + sourceOf.getOrDefault(e.getKey(), e.getKey()) + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String vendor(String id, String inbound, String parser) {
        return "{\"vendor_id\": \"" + id + "\", \"required\": true, \"inbound\": " + inbound + ", \"parser\": " + parser + "}";
    }

    private static String config(String tenant, List<String> vendors) {
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [%s],
                 "pricing": {"base_margin_pct": 0.15, "min_price": 1, "shipping_handling_flat": 0.5,
                             "map_policy": {}, "rounding": {"increment": 0.01, "ending": 0.99}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": %s}}
                """.formatted(tenant, String.join(",", vendors), COLUMNS);
    }

    @Test
    void sixVendorsOnePerSourceKindMergeToTheSameBytesAsSixS3CsvFiles() throws Exception {
        String tenant = uniqueTenant("six");
        String env = "RELAY_SECRET_" + tenant.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
        FtpSourcesIT.ENV.put(env + "PW", PASSWORD);
        FtpSourcesIT.ENV.put(env + "TOKEN", TOKEN);

        // the same six tables as csv (the S3 comparison) and in each vendor's own format
        Map<String, Path> csv = new LinkedHashMap<>();
        for (int v = 0; v < 6; v++) {
            csv.put("v" + v, temp.resolve("v" + v + ".csv"));
            FormatWriters.csv(LAYOUT, rows(v), csv.get("v" + v), ',', true);
        }
        Path xlsx = temp.resolve("stock_1.xlsx");
        FormatWriters.xlsx(LAYOUT, rows(1), xlsx, 1, true);
        Path json = temp.resolve("stock.json");
        FormatWriters.json(LAYOUT, rows(2), json);
        Path xml = temp.resolve("stock.xml");
        FormatWriters.xml(LAYOUT, rows(3), xml);
        Path fixed = temp.resolve("stock.txt");
        FormatWriters.fixedWidth(LAYOUT, rows(4), fixed);
        Path tsv = temp.resolve("stock.tsv");
        FormatWriters.csv(LAYOUT, rows(5), tsv, '\t', true);
        String fixedColumns = LAYOUT.columns().entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": [" + e.getValue()[0] + ", " + e.getValue()[1] + "]")
                .collect(Collectors.joining(", ", "{", "}"));

        try (SftpTestServer sftp = SftpTestServer.start(Files.createDirectories(temp.resolve("sftp")), USER, PASSWORD, null);
             FtpTestServer ftp = FtpTestServer.start(FtpTestServer.Mode.PLAIN, Files.createDirectories(temp.resolve("ftp")),
                     USER, PASSWORD, temp);
             FtpTestServer ftps = FtpTestServer.start(FtpTestServer.Mode.EXPLICIT_TLS, Files.createDirectories(temp.resolve("ftps")),
                     USER, PASSWORD, temp);
             HttpTestServer http = HttpTestServer.startHttp();
             ImapTestServer imap = ImapTestServer.start(MAILBOX, PASSWORD)) {
            sftp.writeFile("outgoing/stock_1.xlsx", Files.readAllBytes(xlsx), OLD);
            ftp.writeFile("pub/stock.json", Files.readAllBytes(json), OLD);
            ftps.writeFile("pub/stock.xml", Files.readAllBytes(xml), OLD);
            http.serveFile("/feeds/stock.txt", fixed, OLD, HttpTestServer.Auth.bearer(TOKEN));
            imap.deliver(SENDER, "Daily stock", OLD, "stock.tsv", Files.readAllBytes(tsv));

            String server = """
                    {"type": "%s", "host": "127.0.0.1", "port": %d, "username": "%s", "password": "env:%sPW",
                     "directory": "%s", "file_pattern": "stock*"%s}""";
            List<String> vendors = List.of(
                    vendor("v0", "{\"type\": \"s3\", \"s3_prefix\": \"tenants/" + tenant + "/inbound/v0/\"}",
                            "{\"format\": \"csv\", \"column_map\": " + columnMap(Map.of()) + "}"),
                    vendor("v1", server.formatted("sftp", sftp.port(), USER, env, "/outgoing",
                                    ", \"host_key\": \"" + sftp.hostKeyFingerprint() + "\""),
                            "{\"format\": \"xlsx\", \"sheet\": \"Stock\", \"column_map\": " + columnMap(Map.of()) + "}"),
                    vendor("v2", server.formatted("ftp", ftp.port(), USER, env, "/pub", ""),
                            "{\"format\": \"json\", \"records_path\": \"$.data.items[*]\", \"column_map\": "
                                    + columnMap(Map.of("Qty", "stock.qty", "Cost", "pricing.cost")) + "}"),
                    vendor("v3", server.formatted("ftps", ftps.port(), USER, env, "/pub", ""),
                            "{\"format\": \"xml\", \"record_path\": \"/feed/item\", \"column_map\": "
                                    + columnMap(Map.of("SKU", "@id")) + "}"),
                    vendor("v4", """
                                    {"type": "http", "url": "%s", "auth": {"type": "bearer", "token": "env:%sTOKEN"}}"""
                                    .formatted(http.url("/feeds/stock.txt"), env),
                            "{\"format\": \"fixed_width\", \"columns\": " + fixedColumns + ", \"column_map\": "
                                    + columnMap(Map.of()) + "}"),
                    vendor("v5", """
                                    {"type": "email", "host": "127.0.0.1", "port": %d, "username": "%s", "password": "env:%sPW",
                                     "from": "%s", "subject_contains": "Daily stock", "attachment_pattern": "*.tsv"}"""
                                    .formatted(imap.imapPort(), MAILBOX, env, SENDER),
                            "{\"format\": \"tsv\", \"column_map\": " + columnMap(Map.of()) + "}"));
            assertThat(post("/v1/tenants", DEV, config(tenant, vendors)).status()).isEqualTo(201);
            upload(tenant, "v0", "stock.csv", Files.readAllBytes(csv.get("v0")));

            JsonNode run = awaitTerminal(startRun(tenant));

            assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
            Map<String, String> artifacts = artifacts(run.get("artifacts"));
            JsonNode manifest = json(artifacts.get("input_manifest")).get("vendors");
            assertThat(List.of("v0", "v1", "v2", "v3", "v4", "v5")).allSatisfy(v ->
                    assertThat(manifest.get(v).get("status").asText()).as(v).isEqualTo("found"));
            assertThat(List.of(1, 2, 3, 4, 5).stream().map(i -> manifest.get("v" + i).get("source_type").asText()))
                    .containsExactly("sftp", "ftp", "ftps", "http", "email");
            JsonNode summary = json(artifacts.get("run_summary"));
            for (int v = 0; v < 6; v++) {
                assertThat(summary.get("vendor_record_counts").get("v" + v).asLong()).as("v" + v).isEqualTo(40);
            }
            String merged = text(artifacts.get("merged_inventory"));
            assertThat(run.toString() + manifest + merged).doesNotContain(PASSWORD).doesNotContain(TOKEN);

            // the same six tables as S3 CSV files
            String s3Tenant = uniqueTenant("six-s3");
            List<String> s3Vendors = new ArrayList<>();
            for (int v = 0; v < 6; v++) {
                s3Vendors.add(vendor("v" + v, "{\"type\": \"s3\", \"s3_prefix\": \"tenants/" + s3Tenant + "/inbound/v" + v + "/\"}",
                        "{\"format\": \"csv\", \"column_map\": " + columnMap(Map.of()) + "}"));
            }
            assertThat(post("/v1/tenants", DEV, config(s3Tenant, s3Vendors)).status()).isEqualTo(201);
            for (int v = 0; v < 6; v++) upload(s3Tenant, "v" + v, "stock.csv", Files.readAllBytes(csv.get("v" + v)));
            JsonNode s3Run = awaitTerminal(startRun(s3Tenant));
            assertThat(s3Run.get("status").asText()).as(s3Run.toString()).isEqualTo("SUCCEEDED");
            String s3Merged = text(artifacts(s3Run.get("artifacts")).get("merged_inventory"));

            assertThat(merged).isEqualTo(s3Merged);
            assertThat(merged.lines().count()).as("header + the distinct SKUs").isEqualTo(61);
            assertThat(merged).contains("café ☕").contains("\"Item ");
            assertThat(merged.getBytes(StandardCharsets.UTF_8)).isEqualTo(s3Merged.getBytes(StandardCharsets.UTF_8));
        }
    }
}
