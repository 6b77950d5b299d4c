package com.relay.worker;

import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import com.relay.engine.run.VendorInput;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantKeys;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * FETCH_INPUTS on S3 (docs/CONTRACT.md#what-each-step-writes step 4, docs/CONTRACT.md#artifacts, docs/CONTRACT.md#newest-object-under-a-prefix): for each vendor of the pinned configuration,
 * list its prefix (every page), select the newest object, and describe it for the engine and the
 * input manifest; look up its SKU map. Bytes are never read here: the engine streams them from
 * {@link S3Source} (GetObject pinned to the listed ETag) or copies them server-side.
 */
@Component("s3Inputs")
public class S3Inputs {

    private final S3Client s3;
    private final String bucket;

    public S3Inputs(S3Client s3, ProvisionedResources resources) {
        this.s3 = s3;
        this.bucket = resources.artifactBucket();
    }

    /** An S3 object as the engine's byte source; reading fails if the object changed since listing. */
    public record S3Source(S3Client s3, String bucket, String key, String etag) implements VendorInput.Source {
        @Override
        public InputStream open() {
            // If-Match: an object replaced or deleted since the listing is an error (retried), never a silent mix
            return s3.getObject(b -> b.bucket(bucket).key(key).ifMatch(etag));
        }
    }

    public List<VendorInput> inputs(TenantConfig config) {
        List<VendorInput> inputs = new ArrayList<>();
        for (TenantConfig.Vendor v : config.vendors()) {
            inputs.add(input(config, v));
        }
        return inputs;
    }

    /**
     * The inputs of a run that reuses another run's inbound copies ({@code inputs_from_run},
     * docs/CONTRACT.md#the-published-feed): each vendor's copy in that run, pinned to its ETag, from
     * whatever source it first came; a vendor the other run did not copy is missing
     * ({@code not_in_inputs_from_run}), and the usual missing-vendor rules apply.
     */
    public List<VendorInput> inputsFromRun(TenantConfig config, String runId, Map<String, String> artifacts) {
        List<VendorInput> inputs = new ArrayList<>();
        for (TenantConfig.Vendor v : config.vendors()) {
            String key = artifacts.get("inbound_" + v.vendorId());
            Optional<HeadObjectResponse> head = key == null ? Optional.empty() : head(key);
            if (head.isEmpty()) {
                inputs.add(VendorInput.missing(v.vendorId(), "not_in_inputs_from_run"));
                continue;
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("s3_key", key);
            manifest.put("etag", head.get().eTag());
            manifest.put("size", head.get().contentLength());
            manifest.put("last_modified", Timestamps.format(head.get().lastModified()));
            manifest.put("selection", "inputs_from_run");
            manifest.put("inputs_from_run", runId);
            SkuMapLookup sku = skuMap(v);
            String name = key.substring(key.lastIndexOf('/') + 1);
            inputs.add(new VendorInput(v.vendorId(), new S3Source(s3, bucket, key, head.get().eTag()), name,
                    head.get().contentLength(), "application/octet-stream", manifest, sku.source(), sku.manifest(),
                    null, null));
        }
        return inputs;
    }

    private VendorInput input(TenantConfig config, TenantConfig.Vendor v) {
        if (v.inbound().isRemote()) {
            // its source route (direct:fetch-vendor-<type>) finds the feed and copies it in one go
            SkuMapLookup sku = skuMap(v);
            return VendorInput.pending(v.vendorId(), sku.source(), sku.manifest());
        }
        String prefix = v.inbound().s3Prefix();
        InboundSelection selection = new InboundSelection();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            // An object written past the API with a key such as <prefix>../x is not this vendor's feed
            // on a store that resolves dot-segments (the embedded one does): never select it.
            if (!TenantKeys.isSafe(o.key(), config.tenantId())) continue;
            // the stable copy of the published feed is Relay's output, never a vendor's input
            if (o.key().startsWith(TenantKeys.root(config.tenantId()) + "published/")) continue;
            selection.offer(new InboundSelection.Candidate(o.key(), o.lastModified(), o.size(), o.eTag()));
        }
        Optional<InboundSelection.Candidate> newest = selection.selected();
        if (newest.isEmpty()) return VendorInput.missing(v.vendorId(), "no_objects_found");
        InboundSelection.Candidate c = newest.get();
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("s3_key", c.key());
        manifest.put("etag", c.etag());
        manifest.put("size", c.size());
        manifest.put("last_modified", Timestamps.format(c.lastModified()));
        manifest.put("selection", "latest_by_last_modified");

        SkuMapLookup sku = skuMap(v);
        String name = c.key().substring(c.key().lastIndexOf('/') + 1);
        return new VendorInput(v.vendorId(), new S3Source(s3, bucket, c.key(), c.etag()), name, c.size(),
                "application/octet-stream", manifest, sku.source(), sku.manifest(), null, null);
    }

    /** The vendor's SKU map in the store: its source and manifest member (both null when none is configured). */
    private record SkuMapLookup(VendorInput.Source source, Map<String, Object> manifest) { }

    private SkuMapLookup skuMap(TenantConfig.Vendor v) {
        if (v.skuMap() == null || v.skuMap().s3Key() == null) return new SkuMapLookup(null, null);
        String mapKey = v.skuMap().s3Key();
        Optional<HeadObjectResponse> head = head(mapKey);
        Map<String, Object> skuManifest = new LinkedHashMap<>();
        skuManifest.put("status", head.isPresent() ? "found" : "missing");
        skuManifest.put("s3_key", mapKey);
        skuManifest.put("etag", head.map(HeadObjectResponse::eTag).orElse(null));
        skuManifest.put("size", head.map(HeadObjectResponse::contentLength).orElse(null));
        skuManifest.put("last_modified", head.map(h -> Timestamps.format(h.lastModified())).orElse(null));
        return new SkuMapLookup(head.isPresent() ? new S3Source(s3, bucket, mapKey, head.get().eTag()) : VendorInput.Source.MISSING,
                skuManifest);
    }

    private Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw e;
        }
    }
}
