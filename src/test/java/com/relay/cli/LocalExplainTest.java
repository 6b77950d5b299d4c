package com.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 21: {@code relay local-run --explain SKU} after a run and on a finished run's folder, table and JSON. */
class LocalExplainTest {

    private static final String RUN = "00000000-0000-4000-8000-000000000001";
    private static final Path GOLDEN = Path.of("examples/golden");

    @TempDir
    Path dir;

    record Outcome(int exit, String out, String err) { }

    private Outcome run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalRunCommand.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private List<String> goldenRun(String... extra) {
        List<String> argv = new ArrayList<>(List.of("--config", GOLDEN.resolve("tenant_config.yaml").toString(),
                "--vendor-file", "vendor_1=" + GOLDEN.resolve("vendor_1.csv"),
                "--vendor-file", "vendor_2=" + GOLDEN.resolve("vendor_2.csv"),
                "--output-dir", dir.resolve("out").toString(), "--now", "2020-01-01T00:00:00Z", "--run-id", RUN));
        argv.addAll(List.of(extra));
        return argv;
    }

    @Test
    void explainAfterTheRunPrintsTheRunLineThenTheTable() {
        Outcome o = run(goldenRun("--explain", "SKU-002").toArray(String[]::new));
        assertThat(o.exit()).as(o.err()).isZero();
        String[] lines = o.out().split("\n");
        assertThat(lines[0]).startsWith("{\"run_id\":\"" + RUN + "\"");
        assertThat(o.out()).contains("sku SKU-002 in run " + RUN + " (tenant test_tenant), sort_by: in_stock_desc, lowest_landed_cost")
                .contains("winner: vendor_2 (the only offer)")
                .contains(String.format("  %-20s %s -> %s  (changed)", "landed_cost", "15.00", "24.99"))
                .contains(String.format("  %-20s %s -> %s  (changed)", "rounding", "29.9880", "29.70"))
                .contains(String.format("  %-20s %s -> %s  (changed)", "map", "29.70", "29.99"))
                .endsWith("price: 29.99\n");
    }

    @Test
    void explainOfAFinishedRunAsJsonAndAnUnknownSku() throws Exception {
        assertThat(run(goldenRun().toArray(String[]::new)).exit()).isZero();
        Outcome o = run("--output-dir", dir.resolve("out").toString(), "--explain", "SKU-001", "--json");
        assertThat(o.exit()).as(o.err()).isZero();
        JsonNode e = new ObjectMapper().readTree(o.out());
        assertThat(e.at("/winner/vendor_id").asText()).isEqualTo("vendor_1");
        assertThat(e.at("/pricing/price_csv").asText()).isEqualTo("25.74");

        Outcome unknown = run("--output-dir", dir.resolve("out").toString(), "--run-id", RUN, "--explain", "NOPE");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("sku 'NOPE' is not in run " + RUN + " (no vendor offered it)\n");
    }

    @Test
    void explainWithoutARunToExplainIsAUsageError() {
        Outcome o = run("--output-dir", dir.resolve("empty").toString(), "--explain", "X");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).startsWith("no run folder in ");
        assertThat(run("--output-dir", dir.toString(), "--json").err()).startsWith("--config is required");
        assertThat(run(goldenRun("--json").toArray(String[]::new)).err()).startsWith("--json goes with --explain");
    }
}
