package com.relay.explain;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a finished run's artifacts by key (docs/CONTRACT.md#artifacts): the run folder of {@code relay local-run}'s
 * output directory, or the artifact bucket (an S3 ranged GET) in the service.
 */
public interface RunArtifactReader {

    /** The whole object (the small JSON reports). */
    byte[] read(String key) throws IOException;

    /** Bytes {@code [start, end)} of the object, streamed; the caller closes the stream. */
    InputStream range(String key, long start, long end) throws IOException;
}
