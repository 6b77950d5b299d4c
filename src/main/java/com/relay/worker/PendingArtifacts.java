package com.relay.worker;

import com.relay.engine.run.ArtifactSink;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker's artifact sink: the engine queues what it writes here and the route stores it with
 * its {@code aws2-s3} step ({@code direct:put-run-artifacts}, docs/ROUTES.md) right after the step
 * that queued it, so every S3 write of a run is a route step an engineer sees in Hawtio. Reports are
 * small bytes; CSVs stay files on disk and are streamed from there (their length known).
 */
final class PendingArtifacts implements ArtifactSink {

    /**
     * One object to store: {@code content} is a {@link File} or the bytes of a report. The route
     * reads the record's components ({@code ${body.key}}).
     */
    public record Artifact(String key, String contentType, Object content, long length) { }

    private final List<Artifact> queued = new ArrayList<>();

    @Override
    public synchronized void put(String key, String contentType, byte[] content) {
        queued.add(new Artifact(key, contentType, content, content.length));
    }

    @Override
    public synchronized void putFile(String key, String contentType, Path file) {
        File f = file.toFile();
        queued.add(new Artifact(key, contentType, f, f.length()));
    }

    /** Inbound copies are route steps of their own (route {@code fetch-vendor-s3}), never bytes through the sink. */
    @Override
    public void copy(String key, String contentType, InputStream content, long size) {
        throw new IllegalStateException("the worker copies inbound feeds in its fetch-vendor routes, not through the sink: " + key);
    }

    /** What was queued since the last call, in write order; the queue is empty afterwards. */
    synchronized List<Artifact> drain() {
        List<Artifact> out = List.copyOf(queued);
        queued.clear();
        return out;
    }

    @Override
    public String locate(String key) {
        return key;
    }
}
