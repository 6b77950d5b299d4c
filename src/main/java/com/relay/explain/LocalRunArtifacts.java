package com.relay.explain;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The artifacts of a {@code relay local-run} output directory: {@code <output-dir>/<key>} (docs/CONTRACT.md#local-run-cli). */
public final class LocalRunArtifacts implements RunArtifactReader {

    private final Path root;

    public LocalRunArtifacts(Path outputDir) {
        this.root = outputDir.toAbsolutePath().normalize();
    }

    @Override
    public byte[] read(String key) throws IOException {
        return Files.readAllBytes(resolve(key));
    }

    @Override
    public InputStream range(String key, long start, long end) throws IOException {
        FileChannel channel = FileChannel.open(resolve(key), StandardOpenOption.READ);
        channel.position(start);
        long[] left = {Math.max(0, end - start)};
        return new FilterInputStream(Channels.newInputStream(channel)) {
            @Override
            public int read() throws IOException {
                if (left[0] <= 0) return -1;
                int b = super.read();
                if (b >= 0) left[0]--;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left[0] <= 0) return -1;
                int n = super.read(b, off, (int) Math.min(len, left[0]));
                if (n > 0) left[0] -= n;
                return n;
            }
        };
    }

    /** A key from the run's own artifacts map, still checked to stay inside the output directory. */
    private Path resolve(String key) throws IOException {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root)) throw new IOException("artifact key outside the output directory: " + key);
        return p;
    }
}
