package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.worker.VendorOutcomes.VendorOutcome;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The per-vendor splits' aggregation strategy, as a plain POJO. */
class VendorOutcomesTest {

    private final CamelContext camel = new DefaultCamelContext();
    private final VendorOutcomes strategy = new VendorOutcomes();

    private Exchange vendor(Object body) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setBody(body);
        return e;
    }

    @Test
    void collectsTheOutcomesInTheOrderTheVendorsArrive() {
        VendorOutcome acme = new VendorOutcome("acme", "parse", 10);
        VendorOutcome globex = new VendorOutcome("globex", "parse", 20);

        Exchange result = strategy.aggregate(null, vendor(acme));
        result = strategy.aggregate(result, vendor(globex));

        assertThat(VendorOutcomes.of(result.getMessage().getBody())).containsExactly(acme, globex);
    }

    @Test
    void aFailedVendorExchangeIsNotCollected() {
        VendorOutcome acme = new VendorOutcome("acme", "fetch", 10);
        Exchange failed = vendor(new VendorOutcome("globex", "fetch", 20));
        failed.setException(new IllegalStateException("copy failed"));

        Exchange result = strategy.aggregate(strategy.aggregate(null, vendor(acme)), failed);
        assertThat(VendorOutcomes.of(result.getMessage().getBody())).containsExactly(acme);

        Exchange firstFailed = strategy.aggregate(null, failed);
        assertThat(VendorOutcomes.of(firstFailed.getMessage().getBody())).isEmpty();
    }

    @Test
    void aVendorExchangeWithoutAnOutcomeAddsNothing() {
        Exchange result = strategy.aggregate(null, vendor("not an outcome"));
        result = strategy.aggregate(result, vendor(new VendorOutcome("acme", "parse", 1)));

        assertThat(VendorOutcomes.of(result.getMessage().getBody())).extracting(VendorOutcome::vendorId).containsExactly("acme");
    }

    @Test
    void ofReadsOnlyAListOfOutcomes() {
        assertThat(VendorOutcomes.of(null)).isEmpty();
        assertThat(VendorOutcomes.of("text")).isEmpty();
        assertThat(VendorOutcomes.of(List.of("a", new VendorOutcome("acme", "parse", 1)))).isEmpty();
        assertThat(VendorOutcomes.of(List.of())).isEmpty();
        assertThat(VendorOutcomes.of(List.of(new VendorOutcome("acme", "parse", 1)))).hasSize(1);
    }
}
