package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes of errors.json's run-level entries, whoever writes them. */
class ErrorEntriesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFailureEntryHoldsCodeThenMessage() throws Exception {
        assertThat(JSON.writeValueAsString(List.of(ErrorEntries.failure("QUEUE_UNAVAILABLE", "queue down", null))))
                .isEqualTo("[{\"error_code\":\"QUEUE_UNAVAILABLE\",\"error_message\":\"queue down\"}]");
    }

    @Test
    void aVendorsFailureNamesTheVendorLast() throws Exception {
        assertThat(JSON.writeValueAsString(ErrorEntries.failure("DECODE_ERROR", "bad bytes", "acme")))
                .isEqualTo("{\"error_code\":\"DECODE_ERROR\",\"error_message\":\"bad bytes\",\"vendor_id\":\"acme\"}");
    }

    @Test
    void anEngineFailureBecomesItsEntry() throws Exception {
        EngineFailure f = new EngineFailure("no_rows_parsed", "NORMALIZE", "no rows parsed for vendor acme", "acme");
        assertThat(ErrorEntries.failure(f)).isEqualTo(ErrorEntries.failure("no_rows_parsed",
                "no rows parsed for vendor acme", "acme"));
        assertThat(ErrorEntries.failure(new EngineFailure("validation_errors", "MERGE_PRICE", "too many", null)))
                .containsOnlyKeys("error_code", "error_message");
    }

    @Test
    void aMissingVendorEntryAlwaysNamesVendorAndPrefix() throws Exception {
        assertThat(JSON.writeValueAsString(ErrorEntries.missingVendor("OPTIONAL_VENDOR_MISSING", "no file", "acme",
                "in/acme/"))).isEqualTo("{\"error_code\":\"OPTIONAL_VENDOR_MISSING\",\"error_message\":\"no file\","
                + "\"vendor_id\":\"acme\",\"expected_prefix\":\"in/acme/\"}");
    }

    @Test
    void theKeyLiesInTheTenantsReportsFolderOfTheRun() {
        assertThat(ErrorEntries.key("run-1", "tenant-a")).isEqualTo("run-1/tenants/tenant-a/reports/errors.json");
    }
}
