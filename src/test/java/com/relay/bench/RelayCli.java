package com.relay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Relay side of the benchmark: the {@code local-run} command line (docs/CONTRACT.md#local-run-cli) and a preflight
 * check that the jar exists and really has that command.
 */
public final class RelayCli {

    /** Fixed so that repeated runs write to the same place (docs/CONTRACT.md#local-run-cli {@code --run-id}). */
    public static final String RUN_ID = "00000000-0000-4000-8000-00000000be00";

    private final Path java;
    private final Path jar;
    private final String heap;
    /** bin/relay, the command users run; null measures plain {@code java -jar}. */
    private final Path launcher;

    public RelayCli(Path java, Path jar, String heap) {
        this(java, jar, heap, null);
    }

    public RelayCli(Path java, Path jar, String heap, Path launcher) {
        this.java = java;
        this.jar = jar;
        this.heap = heap;
        this.launcher = launcher;
    }

    /** How the command starts: the launcher (exec'ing java, so the measured process is the JVM) or java -jar. */
    List<String> prefix() {
        if (launcher == null) {
            return List.of(java.toString(), "-Xmx" + heap, "-jar", jar.toAbsolutePath().toString());
        }
        Path javaHome = java.toAbsolutePath().getParent().getParent();
        return List.of("env", "JAVA_HOME=" + javaHome, "RELAY_JAR=" + jar.toAbsolutePath(), "RELAY_JAVA_OPTS=-Xmx" + heap,
                "bash", launcher.toAbsolutePath().toString());
    }

    /** The label of the Relay row in the results table. */
    public String label() {
        return "Relay (" + (launcher == null ? "java -jar" : "bin/relay") + ", -Xmx" + heap + ")";
    }

    /** {@code java -Xmx<heap> -jar <jar> local-run --config … --vendor-file id=path … --output-dir … --now … --run-id …}. */
    public List<String> localRunCommand(Path config, Map<String, Path> vendorFiles, Path outputDir, String now) {
        List<String> command = new ArrayList<>(prefix());
        command.addAll(List.of("local-run", "--config", config.toAbsolutePath().toString()));
        vendorFiles.forEach((id, path) -> {
            command.add("--vendor-file");
            command.add(id + "=" + path.toAbsolutePath());
        });
        command.addAll(List.of("--output-dir", outputDir.toAbsolutePath().toString(), "--now", now, "--run-id", RUN_ID));
        return command;
    }

    /**
     * One untimed local-run on a small dataset (2 × 1,000 rows, generated under {@code dataDir}), as
     * a user's earlier runs would have done: the first batch command of a new build through
     * bin/relay unpacks the jar and records its class-data archive (see bin/relay), and timed runs
     * should measure the steady state, not that. The caller checks the result.
     */
    public MeasuredProcess.Result warmUp(Path dataDir, long seed, Duration timeout) throws IOException, InterruptedException {
        FeedGenerator.Params small = new FeedGenerator.Params(2, 1000, 2000, seed);
        FeedGenerator.Dataset warm = new FeedGenerator(small).generateIfAbsent(dataDir.resolve(small.dirName()));
        Path output = dataDir.resolve("runs").resolve("warm-up");
        deleteTree(output);
        MeasuredProcess.Result r = MeasuredProcess.run(localRunCommand(warm.config(), warm.vendorFiles(), output,
                EngineBenchmark.NOW), dataDir, dataDir.resolve("logs").resolve("relay-warm-up"), timeout, null);
        deleteTree(output);
        return r;
    }

    /** docs/CONTRACT.md#local-run-cli: {@code <output-dir>/<run_id>/tenants/<tenant_id>/outputs/merged_inventory.csv}. */
    public static Path mergedFile(Path outputDir, String tenantId) {
        return outputDir.resolve(RUN_ID).resolve("tenants").resolve(tenantId).resolve("outputs")
                .resolve("merged_inventory.csv");
    }

    /**
     * Fails with a clear message unless the jar exists and {@code local-run} without arguments
     * ends with exit status 2 (a usage error, docs/CONTRACT.md#local-run-cli). A jar without the command falls through
     * to the Spring Boot service: that is detected from its log output and the process is
     * stopped. The check runs in a scratch directory, deleted afterwards, so nothing the jar
     * might write lands in the working tree.
     */
    public void preflight(Path scratchParent, Duration timeout) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new BenchmarkException("Relay jar not found: " + jar.toAbsolutePath()
                    + ". Build it with `./mvnw -B -q -DskipTests package` (bench/run does this) or pass --jar <path>.");
        }
        Files.createDirectories(scratchParent);
        Path scratch = Files.createTempDirectory(scratchParent, "relay-preflight");
        try {
            MeasuredProcess.Result result = MeasuredProcess.run(
                    concat(prefix(), "local-run"),
                    scratch, scratch.resolve("preflight"), timeout, RelayCli::looksLikeServiceStartup);
            if (result.exitCode() == 2) {
                return;
            }
            String reason;
            if (result.timedOut()) {
                reason = "it did not exit within " + timeout.toSeconds() + " s";
            } else if (result.exitCode() == -1) {
                reason = "it started the Spring Boot service instead (the process was stopped)";
            } else {
                reason = "it exited with status " + result.exitCode() + "; stderr: "
                        + oneLine(result.stderrHead(5)) + " stdout: " + oneLine(result.stdoutHead(5));
            }
            throw new BenchmarkException("The jar " + jar.toAbsolutePath() + " has no usable local-run command: `java -jar "
                    + jar.getFileName() + " local-run` without arguments must exit with status 2 (usage error, docs/CONTRACT.md#local-run-cli), but "
                    + reason + ". Build a jar that contains the local-run CLI.");
        } finally {
            deleteTree(scratch);
        }
    }

    static boolean looksLikeServiceStartup(String output) {
        return output.contains(":: Spring Boot ::") || output.contains("Starting RelayApplication")
                || output.contains("Tomcat initialized") || output.contains("Started RelayApplication");
    }

    private static String oneLine(String text) {
        String flat = text.replace('\n', ' ').strip();
        return flat.isEmpty() ? "(empty)" : flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<String> concat(List<String> head, String last) {
        List<String> all = new ArrayList<>(head);
        all.add(last);
        return all;
    }
}
