package com.relay.worker;

import com.relay.engine.run.EngineRun;

/**
 * One vendor of NORMALIZE as the body of its split: the objects the route gets (SKU map first when
 * there is one, then the feed, each pinned to its listed ETag) and the engine's parse they go to.
 */
public final class VendorRead {

    private final EngineRun.Execution.VendorParse parse;
    private final S3Inputs.S3Source feed;
    private final S3Inputs.S3Source skuMap;

    VendorRead(EngineRun.Execution.VendorParse parse) {
        this.parse = parse;
        this.feed = (S3Inputs.S3Source) parse.input().feed();
        this.skuMap = parse.needsSkuMap() ? (S3Inputs.S3Source) parse.input().skuMap() : null;
    }

    EngineRun.Execution.VendorParse parse() { return parse; }

    public String getVendorId() { return parse.vendorId(); }

    public String getFeedKey() { return feed.key(); }

    public String getFeedEtag() { return feed.etag(); }

    /** The vendor has a SKU map in the store (a configured map that is missing is the engine's row error). */
    public boolean isSkuMapStored() { return skuMap != null; }

    public String getSkuMapKey() { return skuMap == null ? null : skuMap.key(); }

    public String getSkuMapEtag() { return skuMap == null ? null : skuMap.etag(); }
}
