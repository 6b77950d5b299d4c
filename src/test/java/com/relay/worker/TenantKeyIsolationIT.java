package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 17 #5, the attack as it was confirmed live on the embedded default: acme names
 * {@code tenants/acme/../globex/inbound/v1/} as a vendor prefix, uploads a planted row, and globex's
 * next run publishes it; an acme SKU map with {@code ..} reads globex's file. Through the embedded S3
 * (s3proxy on a file system, which resolves dot-segments) nothing of acme's may reach globex's keys.
 */
class TenantKeyIsolationIT extends WorkerTestSupport {

    private static final String CLIMB = "\"tenants/%s/../%s/inbound/vendor-a/\"";

    @Test
    void aPrefixOrSkuMapThatClimbsIntoAnotherTenantIsRefused() {
        String globex = tenantWith("globex", null, Vendor.of("vendor-a"));
        String acme = tenantWith("acme", null, Vendor.of("vendor-a"));
        String climbing = s3Config(acme, null, SKU_QTY_PRICE, Vendor.of("vendor-a"))
                .replace("\"tenants/" + acme + "/inbound/vendor-a/\"", CLIMB.formatted(acme, globex));

        Reply put = send(request("/v1/tenants/" + acme + "/config").header("X-API-Key", DEV)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(climbing)));
        assertThat(put.status()).isEqualTo(422);
        assertThat(put.json().get("error").get("details").get(0).get("path").asText()).isEqualTo("vendors[0].inbound.s3_prefix");
        assertThat(put.json().get("error").get("details").get(0).get("message").asText())
                .isEqualTo("must not contain '.' or '..' segments or '//'");

        String mapClimb = s3Config(acme, null, SKU_QTY_PRICE,
                new Vendor("vendor-a", true, "tenants/" + acme + "/../" + globex + "/maps/map.csv"));
        Reply putMap = send(request("/v1/tenants/" + acme + "/config").header("X-API-Key", DEV)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(mapClimb)));
        assertThat(putMap.status()).isEqualTo(422);
        assertThat(putMap.json().get("error").get("details").get(0).get("path").asText()).isEqualTo("vendors[0].sku_map.s3_key");
    }

    @Test
    void aStoredConfigThatClimbsCannotPlantRowsInAnotherTenantsFeed() {
        String globex = tenantWith("globex", null, Vendor.of("vendor-a"));
        upload(globex, "vendor-a", "feed.csv", "sku,quantity_available,price\nGLOBEX-1,5,10.00\n");
        String acme = tenantWith("acme", null, Vendor.of("vendor-a"));
        // a version stored before the rule existed (or edited in the table by hand)
        handWrittenVersion(acme, 2, s3Config(acme, null, SKU_QTY_PRICE, Vendor.of("vendor-a"))
                .replace("\"tenants/" + acme + "/inbound/vendor-a/\"", CLIMB.formatted(acme, globex)));

        Reply planted = send(request("/v1/tenants/" + acme + "/vendors/vendor-a/inbound/planted.csv")
                .header("X-API-Key", DEV).header("Content-Type", "text/csv")
                .PUT(HttpRequest.BodyPublishers.ofString("sku,quantity_available,price\nPLANTED,999,0.01\n")));
        assertThat(planted.status()).isEqualTo(422);
        assertThat(planted.json().get("error").get("details").get(0).get("path").asText())
                .isEqualTo("vendors.vendor-a.inbound.s3_prefix");

        List<String> globexKeys = s3.listObjectsV2Paginator(b -> b.bucket(resources.artifactBucket())
                .prefix("tenants/" + globex + "/")).contents().stream().map(S3Object::key).toList();
        assertThat(globexKeys).containsExactly("tenants/" + globex + "/inbound/vendor-a/feed.csv");

        JsonNode globexRun = awaitTerminal(startRun(globex));
        assertThat(globexRun.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(text(globexRun.get("artifacts").get("merged_inventory").asText()))
                .contains("GLOBEX-1").doesNotContain("PLANTED");

        // acme's run pins the climbing version: re-validated, it fails before any S3 read
        JsonNode acmeRun = awaitTerminal(startRun(acme));
        assertThat(acmeRun.get("error_code").asText()).isEqualTo("invalid_input");
        assertThat(acmeRun.get("error_message").asText())
                .isEqualTo("invalid tenant config: vendors[0].inbound.s3_prefix: must not contain '.' or '..' segments or '//'");
    }
}
