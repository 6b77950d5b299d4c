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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * {@code PUT /v1/tenants/{tenant_id}/vendors/{vendor_id}/inbound/{filename}} (docs/CONTRACT.md#endpoints): the body is
 * streamed to {@code <s3_prefix><filename>} without being held in memory. With a Content-Length the
 * servlet stream goes straight to S3; without one it is first spooled to a temporary file (capped
 * at INBOUND_MAX_BYTES, and all spool files together at INBOUND_SPOOL_MAX_BYTES) so S3 gets a
 * known length. Every upload is bounded in time (INBOUND_READ_TIMEOUT_SECONDS per read,
 * INBOUND_UPLOAD_TIMEOUT_SECONDS in all).
 */
@Component("inboundApi")
public class InboundApi {

    private static final Logger log = LoggerFactory.getLogger(InboundApi.class);

    private final TenantRepository tenants;
    private final S3Client s3;
    private final String bucket;
    private final long maxBytes;
    private final RelaySettings.Limits limits;
    private final SpoolBudget spoolBudget;

    public InboundApi(TenantRepository tenants, S3Client s3, ProvisionedResources resources, RelaySettings settings) {
        this.tenants = tenants;
        this.s3 = s3;
        this.bucket = resources.artifactBucket();
        this.maxBytes = settings.api().inboundMaxBytes();
        this.limits = settings.api().limits();
        this.spoolBudget = new SpoolBudget(limits.inboundSpoolMaxBytes());
    }

    /** Bytes the spool files of chunked uploads hold now (tests, and what INBOUND_SPOOL_MAX_BYTES caps). */
    long spoolBytesInUse() {
        return spoolBudget.used();
    }

    /**
     * The stored (and so served) content type depends on the file name only, never on the client's
     * header (issue 17 #15): presigned URLs must not hand out a type an uploader chose, such as
     * text/html. Every vendor file format has its type (.csv .tsv .txt .json .xml .xlsx, issue 20).
     */
    static String storedContentType(String filename) {
        return com.relay.engine.FeedFileTypes.contentTypeOf(filename);
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
        store(key, storedContentType(filename), request.uploadStream(), request.contentLength());
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

    /**
     * Writes the body to S3 as one PutObject, so the object either appears whole or not at all
     * (no multipart upload is ever started, so none can be left behind). With a Content-Length the
     * request stream goes straight to S3; without one it is spooled first, within the spool budget.
     */
    void store(String key, String contentType, InputStream in, long length) throws IOException {
        if (length > maxBytes) throw ApiException.payloadTooLarge(maxBytes, "INBOUND_MAX_BYTES");
        if (length == 0) throw ApiException.invalid("body", "must not be empty");
        UploadBody body = new UploadBody(in, maxBytes, limits.inboundReadTimeoutSeconds(),
                limits.inboundUploadTimeoutSeconds(), System::nanoTime);
        if (length > 0) {
            try {
                s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength(length),
                        RequestBody.fromInputStream(body, length));
            } catch (RuntimeException e) {
                throw uploadFailure(e, body);
            }
        } else {
            storeSpooled(key, contentType, body);
        }
    }

    private void storeSpooled(String key, String contentType, UploadBody body) throws IOException {
        Path spool = Files.createTempFile("relay-upload-", ".part");
        long[] reserved = {0};
        try {
            long size = spoolWithinBudget(body, spool, reserved);
            if (size == 0) throw ApiException.invalid("body", "must not be empty");
            try {
                // a file can be re-read, so the SDK's own retries work on this path
                s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(spool));
            } catch (RuntimeException e) {
                throw uploadFailure(e, body);
            }
        } finally {
            Files.deleteIfExists(spool);
            spoolBudget.release(reserved[0]);
        }
    }

    /**
     * Copies the body into the spool file, reserving every chunk in the spool budget before it
     * is written; reserved[0] is what to give back. Over INBOUND_MAX_BYTES → 413; budget full → 503.
     */
    private long spoolWithinBudget(UploadBody in, Path file, long[] reserved) {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!spoolBudget.reserve(n)) throw spoolFull();
                reserved[0] += n;
                total += n;
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (in.failure() != null) throw in.failure();
            throw new UncheckedIOException(e);
        }
        return total;
    }

    private ApiException spoolFull() {
        return new ApiException(503, "UPLOAD_SPOOL_FULL", "uploads without a Content-Length are using all "
                + spoolBudget.maxBytes() + " bytes of spool space (INBOUND_SPOOL_MAX_BYTES); retry later or send a Content-Length",
                List.of(), Map.of(), Map.of("Retry-After", "30"));
    }

    /**
     * What a failed PutObject answers (issue 17 #14): the client's own failure (too large, too
     * slow, cut off) when there was one, else a retryable 503. The SDK may have wrapped the
     * stream's exception, or failed to rewind a request stream for its retry ("does not support
     * mark/reset"); either way nothing was stored and the client must send the file again.
     */
    private ApiException uploadFailure(RuntimeException e, UploadBody body) {
        if (body.failure() != null) return body.failure();
        if (e instanceof ApiException api) return api;
        log.warn("inbound upload to S3 failed after {} bytes: {}", body.bytesRead(), e.toString());
        return new ApiException(503, "UPLOAD_FAILED", "the file could not be stored; nothing was written, send it again",
                List.of(), Map.of(), Map.of("Retry-After", "5"));
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
        return new ApiException(404, "VENDOR_NOT_FOUND", "vendor " + (Ids.isIdentifier(vendorId) ? vendorId : "(invalid id)") + " not found in tenant " + tenantId);
    }
}
