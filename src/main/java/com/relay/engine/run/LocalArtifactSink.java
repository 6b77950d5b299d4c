package com.relay.engine.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Artifacts as files at {@code <output-dir>/<key>} (docs/CONTRACT.md#local-run-cli); existing files are overwritten. */
public final class LocalArtifactSink implements ArtifactSink {

    private final Path root;

    public LocalArtifactSink(Path root) {
        this.root = root;
    }

    private Path target(String key) throws IOException {
        Path target = root.resolve(key).normalize();
        if (!target.startsWith(root.normalize())) throw new IllegalArgumentException("artifact key escapes the output folder: " + key);
        Files.createDirectories(target.getParent());
        return target;
    }

    @Override
    public void put(String key, String contentType, byte[] content) throws IOException {
        Files.write(target(key), content);
    }

    @Override
    public void putFile(String key, String contentType, Path file) throws IOException {
        Path target = target(key);
        try {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException crossDevice) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void copy(String key, String contentType, InputStream content, long size) throws IOException {
        Files.copy(content, target(key), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A file-to-file copy stays in the kernel instead of passing through Java buffers. */
    @Override
    public void copyFile(String key, String contentType, Path source) throws IOException {
        Files.copy(source, target(key), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String locate(String key) {
        return root.resolve(key).toString();
    }
}
