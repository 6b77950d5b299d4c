package com.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's path, as a separate JVM exactly like {@code ./mvnw spring-boot:test-run} starts
 * it (same main class, same classpath, working directory = project root): {@code /v1/health} is
 * UP within 60 s, and an interrupt (Ctrl-C) stops the JVM cleanly, emulators included.
 */
class NewcomerStartStopIT {

    @TempDir Path dataDir;

    @Test
    void startsOnTheEmbeddedDefaultAndStopsOnInterrupt() throws Exception {
        int port = freePort();
        Path log = dataDir.resolve("relay.log");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.java(),
                "-cp", ChildJvm.classPath(), TestRelayApplication.class.getName())
                .directory(new File(System.getProperty("user.dir")))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SERVER_PORT", Integer.toString(port));
        pb.environment().put("MANAGEMENT_PORT", Integer.toString(freePort()));
        pb.environment().put("RELAY_DATA_DIR", dataDir.resolve("data").toString());
        pb.environment().put("RELAY_EMBEDDED_SQS_PORT", Integer.toString(freePort()));
        pb.environment().put("RELAY_EMBEDDED_DYNAMODB_PORT", Integer.toString(freePort()));
        pb.environment().put("RELAY_EMBEDDED_S3_PORT", Integer.toString(freePort()));
        long t0 = System.nanoTime();
        Process process = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            boolean up = false;
            while (!up && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60) && process.isAlive()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    up = r.statusCode() == 200 && r.body().contains("\"ok\"");
                } catch (IOException notYet) {
                    Thread.sleep(250);
                }
            }
            long upMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(up).as("health UP within 60 s; log:\n%s", tail(log)).isTrue();
            System.out.println("newcomer path: /v1/health UP after " + upMillis + " ms");

            // Ctrl-C is SIGINT to the JVM
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
            boolean exited = process.waitFor(30, TimeUnit.SECONDS);
            assertThat(exited).as("JVM stopped within 30 s after SIGINT; log:\n%s", tail(log)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String tail(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log) : "";
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
