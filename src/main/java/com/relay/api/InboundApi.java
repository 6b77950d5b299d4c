package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.aws.ProvisionedResources;
import com.relay.config.RelaySettings;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.config.TenantKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * {@code PUT /v1/tenants/{tenant_id}/vendors/{vendor_id}/inbound/{filename}} (RI §5.4): the body is
 * streamed to {@code <s3_prefix><filename>} without being held in memory. With a Content-Length the
 * servlet stream goes straight to S3; without one it is first spooled to a temporary file (capped
 * at INBOUND_MAX_BYTES) so S3 gets a known length.
 */
@Component("inboundApi")
public class InboundApi {

    private final TenantRepository tenants;
    private final S3Client s3;
    private final String bucket;
    private final long maxBytes;

    public InboundApi(TenantRepository tenants, S3Client s3, ProvisionedResources resources, RelaySettings settings) {
        this.tenants = tenants;
        this.s3 = s3;
        this.bucket = resources.artifactBucket();
        this.maxBytes = settings.api().inboundMaxBytes();
    }

    /**
     * The uploaded file's content type. A form type is what {@code curl --data-binary @file} sends
     * by default, not a property of the file: it is stored as {@code application/octet-stream}.
     */
    static String storedContentType(String given) {
        if (given == null || given.isBlank()) return "application/octet-stream";
        String type = given.toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
            return "application/octet-stream";
        }
        return given;
    }

    public ApiResponse upload(ApiRequest request) throws IOException {
        String tenantId = TenantsApi.visibleTenant(request);
        request.query(Set.of());
        String vendorId = request.path("vendor_id");
        String filename = request.path("filename");
        if (!Ids.isFilename(filename)) {
            throw ApiException.invalid("path.filename", "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ and not be . or ..");
        }
        if (!Ids.isIdentifier(vendorId)) throw vendorNotFound(tenantId, vendorId);
        TenantRepository.TenantVersion latest = tenants.latest(tenantId).orElseThrow(() -> ApiException.tenantNotFound(tenantId));
        String prefix = s3Prefix(Json.tree(latest.configJson()), vendorId);
        if (prefix == null) throw vendorNotFound(tenantId, vendorId);
        String key = prefix + filename;
        checkTenantKey(key, tenantId, vendorId);
        String contentType = storedContentType(request.contentType());
        long length = request.contentLength();
        if (length > maxBytes) throw ApiException.payloadTooLarge(maxBytes);
        InputStream in = request.uploadStream();
        if (length >= 0) {
            if (length == 0) throw ApiException.invalid("body", "must not be empty");
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength(length),
                    RequestBody.fromInputStream(in, length));
        } else {
            Path spool = Files.createTempFile("relay-upload-", ".part");
            try {
                long size = spoolCapped(in, spool);
                if (size == 0) throw ApiException.invalid("body", "must not be empty");
                s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(spool));
            } finally {
                Files.deleteIfExists(spool);
            }
        }
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant_id", tenantId);
        body.put("vendor_id", vendorId);
        body.put("key", key);
        body.put("etag", head.eTag());
        body.put("size", head.contentLength());
        body.put("last_modified", head.lastModified() == null ? null : Timestamps.format(head.lastModified()));
        return ApiResponse.created(body, null);
    }

    /**
     * The destination must be a safe key of this tenant (TenantKeys). Configurations are validated
     * when stored, but one stored before the rule existed (or edited by hand) may still name a
     * prefix such as {@code tenants/acme/../globex/}: refuse it rather than write anywhere.
     */
    private static void checkTenantKey(String key, String tenantId, String vendorId) {
        if (!TenantKeys.isSafe(key, tenantId)) {
            throw ApiException.invalid("vendors." + vendorId + ".inbound.s3_prefix",
                    "the stored configuration's s3_prefix is not a safe key of this tenant; store a corrected configuration");
        }
    }

    /** Copies at most INBOUND_MAX_BYTES; one byte more → 413 (nothing was written to S3 yet). */
    private long spoolCapped(InputStream in, Path file) {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > maxBytes) throw ApiException.payloadTooLarge(maxBytes);
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    /** The vendor's {@code inbound.s3_prefix} when its inbound type is s3, else null. */
    static String s3Prefix(JsonNode config, String vendorId) {
        for (JsonNode vendor : config.path("vendors")) {
            if (vendorId.equals(vendor.path("vendor_id").asText(null))) {
                JsonNode inbound = vendor.path("inbound");
                return "s3".equals(inbound.path("type").asText(null)) ? inbound.path("s3_prefix").asText(null) : null;
            }
        }
        return null;
    }

    private static ApiException vendorNotFound(String tenantId, String vendorId) {
        return new ApiException(404, "VENDOR_NOT_FOUND", "vendor " + vendorId + " not found in tenant " + tenantId);
    }
}
