package com.relay.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's own parts: process measurement, comparison, report, options, preflight. */
class BenchHarnessTest {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path dir;

    @Test
    void parsesPeakRssFromGnuTimeAndProcStatus() {
        String time = """
                \tCommand being timed: "java -jar relay.jar"
                \tMaximum resident set size (kbytes): 734512
                \tAverage resident set size (kbytes): 0
                """;
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  412345 kB\nVmRSS:\t  400000 kB\n";

        assertThat(MeasuredProcess.parseTimeMaxRss(time)).hasValue(734512);
        assertThat(MeasuredProcess.parseVmHwm(status)).hasValue(412345);
        assertThat(MeasuredProcess.parseTimeMaxRss("nothing here")).isEmpty();
    }

    @Test
    void measuresAChildProcessAndKeepsItsOutput() throws Exception {
        MeasuredProcess.Result r = MeasuredProcess.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), dir,
                dir.resolve("logs/x"), Duration.ofSeconds(30), null);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdoutHead(5)).isEqualTo("out");
        assertThat(r.stderrHead(5)).isEqualTo("err");
        assertThat(r.peakRssKb()).isPositive();
    }

    @Test
    void stopsAProcessWhoseOutputMatchesTheAbortCondition() throws Exception {
        MeasuredProcess.Result r = MeasuredProcess.run(List.of("sh", "-c", "echo ':: Spring Boot ::'; exec sleep 30"),
                dir, dir.resolve("logs/y"), Duration.ofSeconds(25), RelayCli::looksLikeServiceStartup);

        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.timedOut()).isFalse();
    }

    @Test
    void reportsTheFirstDifferingLine() throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "h\nx,1\ny,2\nz,3\n");
        Path same = Files.writeString(dir.resolve("same.csv"), "h\nx,1\ny,2\nz,3\n");
        Path changed = Files.writeString(dir.resolve("b.csv"), "h\nx,1\ny,9\nz,3\n");
        Path shorter = Files.writeString(dir.resolve("c.csv"), "h\nx,1\n");
        Path noFinalLf = Files.writeString(dir.resolve("d.csv"), "h\nx,1\ny,2\nz,3");
        Path crlf = Files.writeString(dir.resolve("e.csv"), "h\r\nx,1\n");

        assertThat(BenchReport.firstDifference(a, same)).isEmpty();
        assertThat(BenchReport.firstDifference(a, changed)).hasValue(new BenchReport.Difference(3, "y,2", "y,9"));
        assertThat(BenchReport.firstDifference(a, shorter)).hasValue(new BenchReport.Difference(3, "y,2", null));
        assertThat(BenchReport.firstDifference(a, noFinalLf))
                .hasValue(new BenchReport.Difference(4, "z,3", "z,3<no LF at end of file>"));
        assertThat(BenchReport.firstDifference(a, crlf).orElseThrow().describe("duckdb", "relay"))
                .isEqualTo("first difference at line 1:\n  duckdb: h\n  relay: h<CR>");
    }

    @Test
    void computesBestMedianAndTheMarkdownTable() {
        BenchReport.EngineRuns relay = new BenchReport.EngineRuns("Relay (-Xmx512m)",
                List.of(Duration.ofMillis(4000), Duration.ofMillis(3000), Duration.ofMillis(5000)),
                List.of(600L * 1024, 650L * 1024, 620L * 1024));
        BenchReport.EngineRuns duck = new BenchReport.EngineRuns("DuckDB (threads=2)",
                List.of(Duration.ofMillis(2000), Duration.ofMillis(2500)), List.of(300L * 1024, 325L * 1024));

        assertThat(relay.best()).isEqualTo(Duration.ofSeconds(3));
        assertThat(relay.median()).isEqualTo(Duration.ofSeconds(4));
        assertThat(duck.median()).isEqualTo(Duration.ofMillis(2250));
        assertThat(BenchReport.table(2_000_000, relay, duck)).isEqualTo("""
                | engine | wall s (best) | wall s (median) | rows/s (best) | peak RSS MB (max) |
                |---|---:|---:|---:|---:|
                | Relay (-Xmx512m) | 3.00 | 4.00 | 666,667 | 650 |
                | DuckDB (threads=2) | 2.00 | 2.25 | 1,000,000 | 325 |
                | Relay/DuckDB | 1.50x | 1.78x | 0.67x | 2.00x |
                """);
        assertThat(BenchReport.targets(relay, duck))
                .isEqualTo("Targets: Relay wall <= 1.0x DuckDB: FAIL (1.50x); Relay peak RSS <= 1024 MB: PASS (650 MB)\n");
    }

    @Test
    void parsesOptionsWithDefaults() {
        EngineBenchmark.Args defaults = EngineBenchmark.Args.parse(new String[0]);
        EngineBenchmark.Args custom = EngineBenchmark.Args.parse(new String[] {"--vendors", "3", "--rows", "1000",
                "--seed", "7", "--jar", "x.jar", "--heap", "1g", "--runs", "5", "--skip-relay"});

        assertThat(defaults).isEqualTo(new EngineBenchmark.Args(20, 100_000, 400_000, 42, Path.of("bench-data"),
                Path.of("target/relay.jar"), "512m", 3, 2, null, false, Duration.ofMinutes(60), Path.of("bin/relay")));
        assertThat(EngineBenchmark.Args.parse(new String[] {"--launcher", "none"}).launcher()).isNull();
        assertThat(custom.skus()).isEqualTo(3_000); // capped at vendors x rows
        assertThat(custom.heap()).isEqualTo("1g");
        assertThat(custom.skipRelay()).isTrue();
        assertThatThrownBy(() -> EngineBenchmark.Args.parse(new String[] {"--rows", "many"}))
                .hasMessage("--rows must be an integer, got many");
        assertThatThrownBy(() -> EngineBenchmark.Args.parse(new String[] {"--heap", "lots"}))
                .hasMessageContaining("--heap must look like 512m");
        assertThatThrownBy(() -> EngineBenchmark.Args.parse(new String[] {"--bogus", "1"}))
                .hasMessage("unknown option --bogus");
    }

    @Test
    void buildsTheLocalRunCommandOfTheSpec() {
        RelayCli cli = new RelayCli(Path.of("/usr/bin/java"), Path.of("/r/relay.jar"), "512m");

        assertThat(cli.localRunCommand(Path.of("/d/tenant.yaml"), Map.of("v1", Path.of("/d/v1.csv")), Path.of("/o"),
                "2024-01-01T00:00:00Z")).containsExactly("/usr/bin/java", "-Xmx512m", "-jar", "/r/relay.jar", "local-run",
                "--config", "/d/tenant.yaml", "--vendor-file", "v1=/d/v1.csv", "--output-dir", "/o",
                "--now", "2024-01-01T00:00:00Z", "--run-id", RelayCli.RUN_ID);
        RelayCli viaLauncher = new RelayCli(Path.of("/jdk/bin/java"), Path.of("/r/relay.jar"), "512m", Path.of("/repo/bin/relay"));
        assertThat(viaLauncher.localRunCommand(Path.of("/d/tenant.yaml"), Map.of(), Path.of("/o"), "2024-01-01T00:00:00Z"))
                .startsWith("env", "JAVA_HOME=/jdk", "RELAY_JAR=/r/relay.jar", "RELAY_JAVA_OPTS=-Xmx512m", "bash",
                        "/repo/bin/relay", "local-run");
        assertThat(viaLauncher.label()).isEqualTo("Relay (bin/relay, -Xmx512m)");
        assertThat(RelayCli.mergedFile(Path.of("/o"), "t1"))
                .isEqualTo(Path.of("/o/" + RelayCli.RUN_ID + "/tenants/t1/outputs/merged_inventory.csv"));
    }

    @Test
    void preflightExplainsAMissingJarAndAJarWithoutLocalRun() throws Exception {
        Path noLocalRun = FakeRelayCli.jar(dir.resolve("jars/old.jar"), FakeRelayCli.NoLocalRun.class);
        Path service = FakeRelayCli.jar(dir.resolve("jars/service.jar"), FakeRelayCli.StartsService.class);
        Path working = FakeRelayCli.jar(dir.resolve("jars/working.jar"), FakeRelayCli.Working.class);
        Duration timeout = Duration.ofSeconds(60);

        assertThatThrownBy(() -> new RelayCli(JAVA, dir.resolve("missing.jar"), "256m").preflight(dir, timeout))
                .isInstanceOf(BenchmarkException.class).hasMessageStartingWith("Relay jar not found: ");
        assertThatThrownBy(() -> new RelayCli(JAVA, noLocalRun, "256m").preflight(dir, timeout))
                .hasMessageContaining("has no usable local-run command")
                .hasMessageContaining("exited with status 1; stderr: unknown command local-run");
        assertThatThrownBy(() -> new RelayCli(JAVA, service, "256m").preflight(dir, timeout))
                .hasMessageContaining("it started the Spring Boot service instead");
        new RelayCli(JAVA, working, "256m").preflight(dir, timeout); // exits 2 without arguments: accepted
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("jars"); // scratch removed
        }
    }

    @Test
    void runsBothEnginesComparesOutputsAndReportsAMismatch() throws Exception {
        Path working = FakeRelayCli.jar(dir.resolve("jars/working.jar"), FakeRelayCli.Working.class);
        Path corrupting = FakeRelayCli.jar(dir.resolve("jars/corrupting.jar"), FakeRelayCli.Corrupting.class);
        String[] common = {"--vendors", "2", "--rows", "300", "--skus", "400", "--runs", "1", "--heap", "256m",
                "--data-dir", dir.resolve("data").toString()};

        ByteArrayOutputStream good = new ByteArrayOutputStream();
        int ok = new EngineBenchmark(EngineBenchmark.Args.parse(concat(common, "--jar", working.toString())),
                new PrintStream(good, true, StandardCharsets.UTF_8)).run();
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        int mismatch = new EngineBenchmark(EngineBenchmark.Args.parse(concat(common, "--jar", corrupting.toString())),
                new PrintStream(bad, true, StandardCharsets.UTF_8)).run();

        assertThat(ok).isZero();
        assertThat(good.toString(StandardCharsets.UTF_8))
                .contains("| Relay (bin/relay, -Xmx256m) |", "| DuckDB (threads=2) |", "| Relay/DuckDB |",
                        "Merged files are byte-identical");
        assertThat(Files.readString(dir.resolve("data/results.md"))).contains("MISMATCH");
        assertThat(mismatch).isEqualTo(1);
        assertThat(bad.toString(StandardCharsets.UTF_8)).contains("MISMATCH", "first difference at line 3:");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
