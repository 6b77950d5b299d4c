package com.relay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Stand-ins for the Relay jar in harness tests (the real CLI is written elsewhere): each nested
 * class is the main class of a manifest-only jar built by {@link #jar}.
 */
final class FakeRelayCli {

    private FakeRelayCli() {}

    /** Writes a jar whose manifest starts {@code mainClass} with the test classpath. */
    static Path jar(Path file, Class<?> mainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ",
                location(FakeRelayCli.class), location(org.duckdb.DuckDBDriver.class),
                location(org.snakeyaml.engine.v2.api.Load.class)));
        Files.createDirectories(file.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), manifest)) {
            out.flush();
        }
        return file;
    }

    private static String location(Class<?> type) {
        try {
            return type.getProtectionDomain().getCodeSource().getLocation().toURI().toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Like today's skeleton: no local-run, exits 1. */
    static final class NoLocalRun {
        public static void main(String[] args) {
            System.err.println("unknown command " + String.join(" ", args));
            System.exit(1);
        }
    }

    /** Falls through to a "service" that never exits, as the Spring Boot fallback would. */
    static final class StartsService {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("  :: Spring Boot ::                (v3.5.9)");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }

    /** A local-run that merges with DuckDB (so outputs match the baseline byte for byte). */
    static final class Working {
        public static void main(String[] args) throws Exception {
            System.exit(localRun(args, false));
        }
    }

    /** Like {@link Working} but changes the price on the third line of the merged file. */
    static final class Corrupting {
        public static void main(String[] args) throws Exception {
            System.exit(localRun(args, true));
        }
    }

    private static int localRun(String[] args, boolean corrupt) throws Exception {
        if (args.length == 0 || !args[0].equals("local-run")) {
            System.err.println("unknown command");
            return 1;
        }
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (args[i].equals("--vendor-file")) {
                String[] kv = args[i + 1].split("=", 2);
                files.put(kv[0], Path.of(kv[1]));
            } else {
                single.put(args[i], args[i + 1]);
            }
        }
        if (!single.containsKey("--config") || !single.containsKey("--output-dir")) {
            System.err.println("VALIDATION_ERROR");
            return 2; // docs/CONTRACT.md#local-run-cli: usage error
        }
        BenchConfig config = BenchConfig.load(Path.of(single.get("--config")));
        Path merged = Path.of(single.get("--output-dir")).resolve(single.getOrDefault("--run-id", "run"))
                .resolve("tenants").resolve(config.tenantId()).resolve("outputs").resolve("merged_inventory.csv");
        DuckDbMerge.merge(config, files, Instant.parse(single.getOrDefault("--now", "2024-01-01T00:00:00Z")), merged,
                new DuckDbMerge.Options(1, null, null));
        if (corrupt) {
            List<String> lines = Files.readAllLines(merged);
            String[] cells = lines.get(2).split(",", -1);
            cells[2] = "999.99";
            lines.set(2, String.join(",", cells));
            Files.write(merged, lines);
        }
        return 0;
    }
}
