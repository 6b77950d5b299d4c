package com.relay.worker;

import com.relay.engine.run.EngineRun;

/**
 * One vendor's inbound copy as the body of FETCH_INPUTS' split: where the newest object is (the
 * source route for {@link #getSource()} reads it) and where its copy goes in the run folder. Getters
 * so routes read it with the simple language ({@code ${body.sourceKey}}).
 */
public final class VendorFetch {

    /** The source routes that exist: {@code direct:fetch-vendor-<source>} (docs/ROUTES.md). */
    public static final String S3 = "s3";

    private final EngineRun.InboundCopy copy;
    private final S3Inputs.S3Source object;

    VendorFetch(EngineRun.InboundCopy copy) {
        this.copy = copy;
        if (!(copy.input().feed() instanceof S3Inputs.S3Source s)) {
            throw new IllegalStateException("vendor " + copy.vendorId() + " has no S3 source");
        }
        this.object = s;
    }

    public String getVendorId() { return copy.vendorId(); }

    /** Which {@code direct:fetch-vendor-<source>} route fetches it. */
    public String getSource() { return S3; }

    public String getSourceBucket() { return object.bucket(); }

    public String getSourceKey() { return object.key(); }

    /** The ETag the listing selected: the copy fails if the object changed since. */
    public String getSourceEtag() { return object.etag(); }

    /** The copy's key under the run folder. */
    public String getRunKey() { return copy.key(); }

    public long getSize() { return copy.input().feedSize(); }
}
