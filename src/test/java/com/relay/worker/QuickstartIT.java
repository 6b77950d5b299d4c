package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * README's "Quickstart: publish, hold, approve, roll back", run exactly as written: the shell block
 * between the quickstart markers goes to bash with only the service's address replaced (the test
 * service listens on a random port). It needs bash, curl and jq: {@code .ci/run} installs them on
 * Debian; elsewhere, without them, the test is skipped with a message saying so.
 */
class QuickstartIT extends WorkerTestSupport {

    static String quickstartBlock() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf("<!-- quickstart:begin -->");
        int end = readme.indexOf("<!-- quickstart:end -->");
        assertThat(begin).as("README has the quickstart markers").isPositive();
        String block = readme.substring(begin, end);
        return block.substring(block.indexOf("```sh\n") + 6, block.lastIndexOf("```"));
    }

    static boolean has(String tool) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void theReadmesQuickstartRunsAsWritten() throws Exception {
        for (String tool : List.of("bash", "curl", "jq")) {
            boolean present = has(tool);
            if (!present) System.err.println("QuickstartIT SKIPPED: " + tool + " is not installed (.ci/run installs it on Debian)");
            assumeTrue(present, tool + " is not installed");
        }
        String script = "set -euo pipefail\n" + quickstartBlock().replace("http://localhost:8080", base());
        Path log = Files.createTempFile("quickstart-", ".log");
        Process bash = new ProcessBuilder("bash", "-c", script).directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = bash.waitFor(120, TimeUnit.SECONDS);
        if (!finished) bash.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String out = Files.readString(log);
        Files.deleteIfExists(log);
        assertThat(finished).as("the quickstart finishes within two minutes; output so far:\n" + out).isTrue();
        assertThat(bash.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(out).as(out).contains("{\"tenant_id\":\"quickstart\",\"config_version\":1}")
                .contains("\"status\":\"SUCCEEDED\",\"publish_status\":\"PUBLISHED\"")
                .contains("\"status\":\"SUCCEEDED\",\"publish_status\":\"HELD\"")
                .contains("\"breached\":[\"max_sku_drop_pct\",\"max_vendor_row_drop_pct\"]")
                .contains("\"decided_by\":\"lowest_landed_cost\"")
                .contains("\"action\":\"approve\"")
                .contains("\"action\":\"rollback\"");
        String firstRun = lines.stream().filter(l -> l.toLowerCase().startsWith("x-relay-run-id:")).findFirst().orElseThrow()
                .substring("x-relay-run-id:".length()).strip();
        assertThat(out).contains("sku,quantity_available,price,vendor_id");
        // the last line: the live feed is the first run again
        assertThat(lines.get(lines.size() - 1)).contains("\"run_id\":\"" + firstRun + "\"").contains("rollback");
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
