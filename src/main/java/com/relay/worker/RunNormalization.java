package com.relay.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * NORMALIZE's steps (docs/CONTRACT.md#what-each-step-writes steps 5–6): the engine's parses for the
 * split, one vendor's parse from the streams its steps got from S3, and the finish (the merge fed,
 * the first failed vendor in configuration order, the normalized files queued).
 */
@Component("runNormalize")
public class RunNormalization {

    /** The exchange property holding a vendor's SKU map stream until its parse. */
    static final String SKU_MAP = "relaySkuMap";

    private final RunStages stages;

    public RunNormalization(RunStages stages) {
        this.stages = stages;
    }

    /** The parses to run, one per found vendor (configuration order): the split's body. */
    public List<VendorRead> start(Exchange exchange) throws IOException {
        RunAttempt a = RunStages.attempt(exchange);
        a.reads = a.execution.startNormalize().stream().map(VendorRead::new).toList();
        return a.reads;
    }

    /** A vendor's exchange of the split starts: its {@code relay.vendor.parse} span. */
    public void vendorStarted(Exchange exchange) {
        VendorRead read = exchange.getMessage().getBody(VendorRead.class);
        stages.openVendor(exchange, RunStages.attempt(exchange), read.getVendorId(), "parse");
    }

    /**
     * The vendor's feed (the body, a stream straight from S3) and SKU map (when it has one) go
     * through the engine; both are closed here. The outcome is the split's aggregation input.
     */
    public VendorOutcomes.VendorOutcome parse(Exchange exchange) throws IOException, org.apache.camel.InvalidPayloadException {
        VendorRead read = exchange.getProperty("relayVendor", VendorRead.class);
        InputStream skuMap = exchange.getProperty(SKU_MAP, InputStream.class);
        exchange.removeProperty(SKU_MAP);
        InputStream feed = exchange.getMessage().getMandatoryBody(InputStream.class);
        read.parse().parse(skuMap, feed);
        return new VendorOutcomes.VendorOutcome(read.getVendorId(), "parse", read.parse().rows());
    }

    /** The feed a source route spooled into the work dir becomes the body (instead of an S3 getObject). */
    public void openSpooled(Exchange exchange) throws IOException {
        VendorRead read = exchange.getProperty("relayVendor", VendorRead.class);
        exchange.getMessage().setBody(java.nio.file.Files.newInputStream(read.spooledFile()));
    }

    /** Ends the vendor's span and closes a SKU map stream a failed step left open (the split's doFinally). */
    public void vendorEnded(Exchange exchange) throws IOException {
        InputStream skuMap = exchange.getProperty(SKU_MAP, InputStream.class);
        if (skuMap != null) {
            exchange.removeProperty(SKU_MAP);
            skuMap.close();
        }
        stages.closeVendor(exchange);
    }

    /** After the split: the merge is complete, a failed vendor fails the run, the normalized files are queued. */
    public void finish(Exchange exchange) throws Exception {
        RunAttempt a = RunStages.attempt(exchange);
        a.rethrowSplitFailure();
        List<VendorOutcomes.VendorOutcome> parsed = VendorOutcomes.of(exchange.getMessage().getBody());
        if (parsed.size() != a.reads.size()) {
            throw new IllegalStateException("NORMALIZE read " + parsed.size() + " of " + a.reads.size() + " vendors");
        }
        a.result = a.execution.finishNormalize().orElse(null);
    }
}
