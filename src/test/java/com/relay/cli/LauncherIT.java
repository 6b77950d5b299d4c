package com.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/relay} on the built jar (the package phase runs before this): the first batch command
 * unpacks the jar into the launch cache and records the class-data archive, later ones use both,
 * and stdout stays exactly local-run's one JSON line throughout (docs/CONTRACT.md#local-run-cli); a usage error keeps its
 * exit status 2 and records no archive; {@code RELAY_FAST_START=0} runs straight from the jar.
 */
class LauncherIT {

    private static final Path GOLDEN = Path.of("examples/golden").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void firstRunUnpacksAndRecordsTheArchiveLaterRunsUseThem() throws Exception {
        Path cache = dir.resolve("cache");
        Result usage = relay(cache, Map.of(), "local-run");
        assertThat(usage.exit).isEqualTo(2);
        assertThat(usage.stderr).contains("usage: relay local-run");
        assertThat(archives(cache)).as("a usage error is not worth an archive").isEmpty();

        Result first = relay(cache, Map.of(), golden("first"));
        assertSucceeded(first);
        assertThat(archives(cache)).hasSize(1);

        Result second = relay(cache, Map.of(), golden("second"));
        assertSucceeded(second);
        assertThat(Files.readString(merged(dir.resolve("second")))).isEqualTo(
                Files.readString(GOLDEN.resolve("expected_merged_inventory.csv")));
    }

    @Test
    void fastStartCanBeTurnedOff() throws Exception {
        Path cache = dir.resolve("unused-cache");
        Result plain = relay(cache, Map.of("RELAY_FAST_START", "0"), golden("plain"));
        assertSucceeded(plain);
        assertThat(cache).doesNotExist();
    }

    private static void assertSucceeded(Result r) throws IOException {
        assertThat(r.exit).as(r.stderr).isZero();
        List<String> lines = r.stdout.lines().toList();
        assertThat(lines).as("stdout is one JSON line").hasSize(1);
        JsonNode line = JSON.readTree(lines.get(0));
        assertThat(line.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(r.stderr).doesNotContain("[warning]").doesNotContain("cds");
    }

    private String[] golden(String out) {
        return new String[] {"local-run", "--config", GOLDEN.resolve("tenant_config.yaml").toString(),
                "--vendor-file", "vendor_1=" + GOLDEN.resolve("vendor_1.csv"),
                "--vendor-file", "vendor_2=" + GOLDEN.resolve("vendor_2.csv"),
                "--sku-map", "vendor_1=" + GOLDEN.resolve("sku_map_vendor_1.csv"),
                "--output-dir", dir.resolve(out).toString(), "--now", "2020-01-01T00:00:00Z",
                "--run-id", "00000000-0000-4000-8000-000000000001"};
    }

    private static Path merged(Path out) {
        return out.resolve("00000000-0000-4000-8000-000000000001").resolve("tenants").resolve("test_tenant")
                .resolve("outputs").resolve("merged_inventory.csv");
    }

    private static List<Path> archives(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) return List.of();
        try (Stream<Path> walk = Files.walk(cache)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    private record Result(int exit, String stdout, String stderr) {}

    private Result relay(Path cache, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of("bin/relay").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("RELAY_JAR", Path.of("target/relay.jar").toAbsolutePath().toString());
        pb.environment().put("RELAY_LAUNCH_CACHE", cache.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("bin/relay finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
