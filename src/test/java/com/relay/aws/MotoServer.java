package com.relay.aws;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * moto's server ({@code python3 -m moto.server}, present on our machines and CI's) on a free
 * loopback port, for the AWS services the embedded emulators do not cover (CloudWatch, SSM,
 * Secrets Manager). Not starting is a test failure, never a skip.
 */
public final class MotoServer implements AutoCloseable {

    private final Process process;
    private final String endpoint;

    private MotoServer(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static MotoServer start(Path logDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = logDir.resolve("moto.log");
        Process p = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new MotoServer(p, "http://127.0.0.1:" + port);
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        p.destroy();
        throw new AssertionError("moto server did not start (python3 -m moto.server); log: " + Files.readString(log));
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
