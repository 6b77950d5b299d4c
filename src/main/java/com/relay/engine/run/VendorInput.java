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

        /** Marker: a configured SKU map that does not exist (docs/CONTRACT.md#sku-map). */
        Source MISSING = () -> {
            throw new IOException("missing sku map");
        };
    }

    public boolean found() { return feed != null; }

    public static VendorInput missing(String vendorId, String reason) {
        return new VendorInput(vendorId, null, null, -1, null, Map.of(), null, null, reason, null);
    }
}
