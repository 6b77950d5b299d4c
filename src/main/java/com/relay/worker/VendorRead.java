package com.relay.worker;

import com.relay.engine.run.EngineRun;

/**
 * One vendor of NORMALIZE as the body of its split: the objects the route gets (SKU map first when
 * there is one, then the feed, each pinned to its listed ETag, or the file a source route spooled)
 * and the engine's parse they go to.
 */
public final class VendorRead {

    private final EngineRun.Execution.VendorParse parse;
    private final S3Inputs.S3Source feed;
    private final S3Inputs.S3Source skuMap;

    VendorRead(EngineRun.Execution.VendorParse parse) {
        this.parse = parse;
        // a vendor fetched by its source route is parsed from the file its route spooled
        this.feed = parse.input().localFile() != null ? null : (S3Inputs.S3Source) parse.input().feed();
        this.skuMap = parse.needsSkuMap() ? (S3Inputs.S3Source) parse.input().skuMap() : null;
    }

    EngineRun.Execution.VendorParse parse() { return parse; }

    public String getVendorId() { return parse.vendorId(); }

    public String getFeedKey() { return feed == null ? null : feed.key(); }

    public String getFeedEtag() { return feed == null ? null : feed.etag(); }

    /** The feed was spooled to the run's work dir by its source route (read from there, not from S3). */
    public boolean isSpooled() { return feed == null; }

    java.nio.file.Path spooledFile() { return parse.input().localFile(); }

    /** The vendor has a SKU map in the store (a configured map that is missing is the engine's row error). */
    public boolean isSkuMapStored() { return skuMap != null; }

    public String getSkuMapKey() { return skuMap == null ? null : skuMap.key(); }

    public String getSkuMapEtag() { return skuMap == null ? null : skuMap.etag(); }
}
