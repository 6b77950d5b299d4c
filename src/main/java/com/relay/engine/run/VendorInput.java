package com.relay.engine.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * What the caller found for one vendor of the configuration. {@code feed == null} means the
 * vendor is missing (docs/CONTRACT.md#missing-vendors). The manifest fields describe where the bytes came from (S3 object
 * or CLI file) and go into {@code input_manifest.json} as given, after the common ones.
 *
 * @param feedName       last path segment of the source (the inbound copy's file name)
 * @param feedSize       size in bytes, or -1 when unknown
 * @param feedContentType content type of the inbound copy
 * @param feedManifest   source fields of the manifest entry (s3_key/local_path, etag, size, last_modified, selection)
 * @param skuMap         the SKU map source: null when none applies, {@link Source#MISSING} when configured but absent
 * @param skuMapManifest manifest {@code sku_map} member, or null when the manifest has none for this vendor
 * @param missingReason  manifest {@code reason} for a missing vendor
 * @param localFile      the feed as a local file when it is one (lets the inbound copy stay in the kernel), else null
 */
public record VendorInput(String vendorId, Source feed, String feedName, long feedSize, String feedContentType,
                          Map<String, Object> feedManifest, Source skuMap, Map<String, Object> skuMapManifest,
                          String missingReason, java.nio.file.Path localFile) {

    /** Opens a fresh stream over the source bytes (read twice: once to copy, once to parse). */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;

        /**
         * Marker: a vendor whose feed is found and copied by its source route in one go (a server of
         * the vendor's: sftp, ftp, ftps, http, email); the route hands the engine what it found with
         * {@code Execution#resolveInput} before FETCH_INPUTS finishes.
         */
        Source PENDING = () -> {
            throw new IOException("the vendor's source route has not fetched its feed yet");
        };

        /** Marker: a configured SKU map that does not exist (docs/CONTRACT.md#sku-map). */
        Source MISSING = () -> {
            throw new IOException("missing sku map");
        };
    }

    public boolean found() { return feed != null; }

    /** Found and copied later by the vendor's source route ({@link Source#PENDING}). */
    public boolean pending() { return feed == Source.PENDING; }

    /** A vendor fetched by its source route: its SKU map (if any) is known now, its feed later. */
    public static VendorInput pending(String vendorId, Source skuMap, Map<String, Object> skuMapManifest) {
        return new VendorInput(vendorId, Source.PENDING, null, -1, null, Map.of(), skuMap, skuMapManifest, null, null);
    }

    /** The same vendor, found by its source route: the feed (its run copy) and where it came from. */
    public VendorInput fetched(Source feed, String feedName, long feedSize, String feedContentType,
                               Map<String, Object> feedManifest, java.nio.file.Path localFile) {
        return new VendorInput(vendorId, feed, feedName, feedSize, feedContentType, feedManifest, skuMap, skuMapManifest,
                null, localFile);
    }

    public static VendorInput missing(String vendorId, String reason) {
        return new VendorInput(vendorId, null, null, -1, null, Map.of(), null, null, reason, null);
    }
}
