package com.relay.worker;

import com.relay.engine.run.ArtifactSink;
import com.relay.engine.run.VendorInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A run's artifacts as S3 objects under the run prefix (docs/CONTRACT.md#artifacts), with their content types.
 * Inbound copies are server-side copies pinned to the selected ETag, so they are byte-identical
 * and never pass through this process; files are uploaded from disk with their length known.
 */
public final class S3ArtifactSink implements ArtifactSink {

    private final S3Client s3;
    private final String bucket;

    public S3ArtifactSink(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public void put(String key, String contentType, byte[] content) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
    }

    @Override
    public void putFile(String key, String contentType, Path file) throws IOException {
        long size = Files.size(file);
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength(size),
                RequestBody.fromFile(file));
    }

    @Override
    public void copy(String key, String contentType, InputStream content, long size) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength(size),
                RequestBody.fromInputStream(content, size));
    }

    @Override
    public boolean copyStored(String key, VendorInput input) {
        if (!(input.feed() instanceof S3Inputs.S3Source source) || !source.bucket().equals(bucket)) return false;
        // Metadata (the content type "as the source") is copied along with the bytes.
        s3.copyObject(b -> b.sourceBucket(source.bucket()).sourceKey(source.key()).copySourceIfMatch(source.etag())
                .destinationBucket(bucket).destinationKey(key));
        return true;
    }

    @Override
    public String locate(String key) {
        return key;
    }
}
