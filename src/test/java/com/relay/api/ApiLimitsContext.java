package com.relay.api;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The fault bean of the API-limits context ({@link SlowClientsIT}, {@link ApiQuotasIT}): one context for both. */
@TestConfiguration(proxyBeanMethods = false)
public class ApiLimitsContext {

    /** The test properties both classes declare, so Spring builds the context once. */
    public static final String READ_TIMEOUT = "INBOUND_READ_TIMEOUT_SECONDS=2";
    public static final String MAX_UPLOAD = "INBOUND_MAX_BYTES=1048576";
    public static final String SPOOL = "INBOUND_SPOOL_MAX_BYTES=1572864";
    public static final String RATE = "API_RATE_LIMIT_PER_SECOND=1";
    public static final String BURST = "API_RATE_LIMIT_BURST=3";
    public static final String VERSIONS = "TENANT_MAX_CONFIG_VERSIONS=3";

    @Bean
    UploadFaults uploadFaults() {
        return new UploadFaults();
    }
}
