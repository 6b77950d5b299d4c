package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Issue 17 through the worker (S3 inputs, S3 artifacts): a SKU map over its share of a small
 * {@code ENGINE_MEMORY_BUDGET_MB} fails the run {@code SKU_MAP_TOO_LARGE} (not an OOM, not a retry),
 * the rows-per-vendor-file quota, and the 1 MiB header name with {@code max_invalid_rows: 0}.
 */
@TestPropertySource(properties = {"ENGINE_MEMORY_BUDGET_MB=8", "RELAY_MAX_ROWS_PER_VENDOR_FILE=1000"})
class EngineLimitsIT extends WorkerTestSupport {

    private static final String STRICT = "{\"max_invalid_rows\": 0, \"max_invalid_row_pct\": 0}";

    @Test
    void skuMapFromS3OverItsShareOfTheBudgetFailsTheRun() {
        String tenant = uniqueTenant("bigmap");
        String mapKey = "tenants/" + tenant + "/maps/vendor-a.csv";
        Reply r = post("/v1/tenants", DEV, s3Config(tenant, STRICT, SKU_QTY_PRICE, new Vendor("vendor-a", true, mapKey)));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        StringBuilder map = new StringBuilder("vendor_sku,sku\n");
        for (int i = 0; i < 100_000; i++) map.append("VEND-").append(i).append(",SKU-").append(i).append('\n');
        s3.putObject(b -> b.bucket(resources.artifactBucket()).key(mapKey), RequestBody.fromString(map.toString()));
        upload(tenant, "vendor-a", "feed.csv", "sku,quantity_available,price\nVEND-1,1,2.00\n");

        JsonNode run = awaitTerminal(startRun(tenant));
        assertThat(run.get("status").asText()).isEqualTo("FAILED");
        assertThat(run.get("failed_stage").asText()).isEqualTo("NORMALIZE");
        assertThat(run.get("error_code").asText()).isEqualTo("SKU_MAP_TOO_LARGE");
        assertThat(run.get("error_message").asText()).startsWith("sku map for vendor vendor-a is too large: ")
                .contains("its limit of 1048576 bytes of memory (an eighth of ENGINE_MEMORY_BUDGET_MB=8)");
        assertThat(run.get("attempts").asInt()).isEqualTo(1); // a run failure, not a retried error
        JsonNode errors = json(run.get("errors_artifact_key").asText());
        assertThat(errors.get(0).get("error_code").asText()).isEqualTo("SKU_MAP_TOO_LARGE");
        assertThat(errors.get(0).get("vendor_id").asText()).isEqualTo("vendor-a");
    }

    @Test
    void vendorFileOverTheRowsQuotaFailsTheRun() {
        String tenant = tenantWith("quota", STRICT, Vendor.of("vendor-a"));
        StringBuilder feed = new StringBuilder("sku,quantity_available,price\n");
        for (int i = 0; i < 1001; i++) feed.append("S").append(i).append(",1,2.00\n");
        upload(tenant, "vendor-a", "feed.csv", feed.toString());

        JsonNode run = awaitTerminal(startRun(tenant));
        assertThat(run.get("error_code").asText()).isEqualTo("VENDOR_FILE_TOO_MANY_ROWS");
        assertThat(run.get("failed_stage").asText()).isEqualTo("NORMALIZE");
        assertThat(run.get("error_message").asText())
                .isEqualTo("vendor file for vendor-a has more than 1000 rows (limit RELAY_MAX_ROWS_PER_VENDOR_FILE=1000)");
    }

    @Test
    void oneMegabyteHeaderNameStoresOneSmallRowError() {
        String tenant = tenantWith("hugehdr", STRICT, Vendor.of("vendor-a"));
        StringBuilder feed = new StringBuilder("sku,quantity_available,").append("n".repeat(1 << 20)).append('\n');
        for (int i = 0; i < 50; i++) feed.append("A,x\n");
        upload(tenant, "vendor-a", "feed.csv", feed.toString().getBytes(StandardCharsets.UTF_8));

        JsonNode run = awaitTerminal(startRun(tenant));
        assertThat(run.get("error_code").asText()).isEqualTo("validation_errors");
        String key = run.get("errors_artifact_key").asText();
        long size = s3.headObject(b -> b.bucket(resources.artifactBucket()).key(key)).contentLength();
        assertThat(size).isLessThan(4 * 1024); // 50 MiB before the caps
        JsonNode errors = json(key);
        assertThat(errors).hasSize(3);
        assertThat(errors.get(1).get("reason").asText()).startsWith("error entries omitted: 49 of 50 not stored");
        assertThat(errors.get(2).get("row_number").asInt()).isEqualTo(2);
    }
}
