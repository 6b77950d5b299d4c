package com.relay.engine.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where a run's artifacts go (docs/CONTRACT.md#artifacts): files under an output folder for {@code relay local-run},
 * S3 objects for the worker. Keys are relative to the bucket/folder root and always start with
 * {@code <run_id>/} — {@link EngineRun} checks that before calling.
 */
public interface ArtifactSink {

    /** Stores a small artifact (reports). */
    void put(String key, String contentType, byte[] content) throws IOException;

    /**
     * Stores a file produced locally (normalized and merged CSVs, errors.json). The sink owns the
     * file from the call on: it moves it, or stores it later and deletes it then (the worker's
     * route), so the caller never deletes or changes it.
     */
    void putFile(String key, String contentType, Path file) throws IOException;

    /** Stores a copy of an inbound object, byte for byte. */
    void copy(String key, String contentType, InputStream content, long size) throws IOException;

    /** Stores a copy of a local file, byte for byte (the CLI's inbound copies). */
    default void copyFile(String key, String contentType, Path source) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(source)) {
            copy(key, contentType, in, java.nio.file.Files.size(source));
        }
    }

    /**
     * Copies an inbound feed inside the store when the source lives there (S3 server-side copy),
     * keeping it byte-identical; false when the caller must stream the bytes instead.
     */
    default boolean copyStored(String key, VendorInput input) throws IOException {
        return false;
    }

    /** How the artifact is named to the caller: a path for the CLI, the key for S3. */
    String locate(String key);
}
