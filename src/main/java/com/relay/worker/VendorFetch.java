package com.relay.worker;

import com.relay.engine.run.EngineRun;
import com.relay.tenants.config.TenantConfig;

/**
 * One vendor of FETCH_INPUTS as the body of its split; the route {@code direct:fetch-vendor-<source>}
 * for {@link #getSource()} fetches it (docs/ROUTES.md). An S3 vendor was listed before the split:
 * the newest object and where its copy goes in the run folder. A vendor on its own server (sftp,
 * ftp, ftps, http, email) is found and copied by its route in one go, from {@link #getRemote()}.
 * Getters so routes read it with the simple language ({@code ${body.sourceKey}}).
 */
public final class VendorFetch {

    /** The source route of vendors in our bucket. */
    public static final String S3 = "s3";

    private final String vendorId;
    private final String source;
    private final EngineRun.InboundCopy copy;
    private final S3Inputs.S3Source object;
    private final TenantConfig.Remote remote;

    private VendorFetch(String vendorId, String source, EngineRun.InboundCopy copy, S3Inputs.S3Source object,
                        TenantConfig.Remote remote) {
        this.vendorId = vendorId;
        this.source = source;
        this.copy = copy;
        this.object = object;
        this.remote = remote;
    }

    /** A listed S3 object to copy server-side. */
    static VendorFetch forCopy(EngineRun.InboundCopy copy) {
        if (!(copy.input().feed() instanceof S3Inputs.S3Source s)) {
            throw new IllegalStateException("vendor " + copy.vendorId() + " has no S3 source");
        }
        return new VendorFetch(copy.vendorId(), S3, copy, s, null);
    }

    /** A vendor whose route finds and copies its feed. */
    static VendorFetch forRemote(TenantConfig.Vendor vendor) {
        return new VendorFetch(vendor.vendorId(), vendor.inbound().type(), null, null, vendor.inbound().remote());
    }

    public String getVendorId() { return vendorId; }

    /** Which {@code direct:fetch-vendor-<source>} route fetches it: the vendor's {@code inbound.type}. */
    public String getSource() { return source; }

    /** The vendor's server (secrets as references); null for S3. */
    public TenantConfig.Remote getRemote() { return remote; }

    public String getSourceBucket() { return object == null ? null : object.bucket(); }

    public String getSourceKey() { return object == null ? null : object.key(); }

    /** The ETag the listing selected: the copy fails if the object changed since. */
    public String getSourceEtag() { return object == null ? null : object.etag(); }

    /** The copy's key under the run folder (S3; a remote vendor's depends on the file its route finds). */
    public String getRunKey() { return copy == null ? null : copy.key(); }

    /** Bytes listed, or -1 when not known before the fetch. */
    public long getSize() { return copy == null ? -1 : copy.input().feedSize(); }
}
