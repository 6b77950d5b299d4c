package com.relay.sources.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** Writes files of the in-process servers' roots: given bytes or a given size, with a given mtime. */
public final class TestFiles {

    private TestFiles() {
    }

    /** Writes {@code content} at {@code root/relativePath} (parents created) and sets its mtime. */
    public static Path write(Path root, String relativePath, byte[] content, Instant modified) {
        Path file = resolveInside(root, relativePath);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Files.setLastModifiedTime(file, FileTime.from(modified));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a file of exactly {@code size} bytes of a repeating pattern ({@link #patternByte}) without
     * holding it in memory, so a test can check every byte it receives.
     */
    public static Path writeOfSize(Path root, String relativePath, long size, Instant modified) {
        Path file = resolveInside(root, relativePath);
        try {
            Files.createDirectories(file.getParent());
            byte[] block = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(file)) {
                long written = 0;
                while (written < size) {
                    int n = (int) Math.min(block.length, size - written);
                    for (int i = 0; i < n; i++) {
                        block[i] = patternByte(written + i);
                    }
                    out.write(block, 0, n);
                    written += n;
                }
            }
            Files.setLastModifiedTime(file, FileTime.from(modified));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The byte at {@code offset} of a file written by {@link #writeOfSize}. */
    public static byte patternByte(long offset) {
        return (byte) ((offset * 31 + (offset >>> 16)) & 0xFF);
    }

    static Path resolveInside(Path root, String relativePath) {
        Path file = root.resolve(relativePath).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("path leaves the server root: " + relativePath);
        }
        return file;
    }
}
