package com.relay.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The network policy of tenant-named hosts (ntfy servers, vendor sources; docs/INFRA.md "Vendor sources"). */
class DestinationPolicyTest {

    private final DestinationPolicy enforced = new DestinationPolicy(true, List.of("feeds.internal"));

    @Test
    void loopbackPrivateLinkLocalAndMetadataAddressesAreRefused() {
        for (String host : List.of("127.0.0.1", "localhost", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "::1", "[::1]", "fd00::1", "fe80::1")) {
            assertThat(enforced.refusal(host)).as(host).contains("destination " + host.toLowerCase().replace("[", "").replace("]", "")
                    + " is not allowed");
        }
    }

    @Test
    void publicAddressesAndAllowlistedHostsPass() {
        assertThat(enforced.refusal("93.184.216.34")).isEmpty();
        assertThat(enforced.refusal("FEEDS.internal")).isEmpty();
        assertThat(enforced.refusal(URI.create("https://8.8.8.8/stock.csv"))).isEmpty();
    }

    @Test
    void notEnforcedEverythingPasses() {
        assertThat(new DestinationPolicy(false, List.of()).refusal("127.0.0.1")).isEmpty();
    }
}
