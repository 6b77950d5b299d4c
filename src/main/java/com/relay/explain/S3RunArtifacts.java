package com.relay.explain;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A run's artifacts in the artifact bucket, read through the aws2-s3 routes of routes/explain.camel.yaml
 * (docs/ENGINE.md#per-sku-explain): whole small reports, and ranged GETs of the normalized files.
 */
public final class S3RunArtifacts implements RunArtifactReader {

    private final ProducerTemplate producer;

    public S3RunArtifacts(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public byte[] read(String key) throws IOException {
        try (InputStream in = call("direct:explain-get-artifact", Map.of("CamelAwsS3Key", key))) {
            return in.readAllBytes();
        }
    }

    @Override
    public InputStream range(String key, long start, long end) throws IOException {
        if (end <= start) return new ByteArrayInputStream(new byte[0]);
        // S3's Range is inclusive of its last byte
        return call("direct:explain-get-artifact-range",
                Map.of("CamelAwsS3Key", key, "CamelAwsS3RangeStart", start, "CamelAwsS3RangeEnd", end - 1));
    }

    private InputStream call(String uri, Map<String, Object> headers) throws IOException {
        try {
            InputStream body = producer.requestBodyAndHeaders(uri, null, headers, InputStream.class);
            if (body == null) throw new IOException("no body for " + headers.get("CamelAwsS3Key"));
            return body;
        } catch (CamelExecutionException e) {
            throw new IOException("cannot read artifact " + headers.get("CamelAwsS3Key") + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}
