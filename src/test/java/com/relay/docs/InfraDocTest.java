package com.relay.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.aws.CommandClients;
import com.relay.config.InvalidSettingsException;
import com.relay.config.RelaySettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the environment-variable tables of {@code docs/INFRA.md} equal to what the code reads.
 *
 * <ul>
 *   <li>The variables {@link RelaySettings#load} reads are found by running it with a recording
 *       {@code Function<String,String>} (every name it asks for is collected), in each mode and with
 *       JWT switched on, so a variable added to the code cannot be forgotten in the doc.</li>
 *   <li>Spring-level variables are the {@code ${NAME:default}} placeholders of
 *       {@code src/main/resources/application.yaml} ({@code SERVER_PORT}, {@code MANAGEMENT_PORT},
 *       {@code LOG_LEVEL}, {@code ROUTES_DIR}, …).</li>
 *   <li>The operator commands' own variables are the ones {@link CommandClients#forCommand} asks for
 *       in embedded mode ({@code AWS_ENDPOINT_URL_SQS}, …).</li>
 * </ul>
 *
 * The doc's tables are the table rows of its "## Environment variables" section whose first cell
 * names variables in backticks. Every variable the code reads must be there, and nothing else may be.
 */
class InfraDocTest {

    private static final Path DOC = Path.of("docs/INFRA.md");
    private static final Path APPLICATION_YAML = Path.of("src/main/resources/application.yaml");
    private static final String SECTION = "## Environment variables";
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::[^}]*)?}");

    /** Every name {@link RelaySettings#load} asks its environment for, over the variants that branch. */
    static Set<String> settingsVariables() {
        Set<String> seen = new TreeSet<>();
        for (Map<String, String> env : variants()) {
            Function<String, String> recording = name -> {
                seen.add(name);
                return env.get(name);
            };
            try {
                RelaySettings.load(recording);
            } catch (InvalidSettingsException expected) {
                // aws mode without its required names: every read happened before the throw
            }
        }
        return seen;
    }

    private static java.util.List<Map<String, String>> variants() {
        return java.util.List.of(
                Map.of(),
                Map.of("RELAY_MODE", "localstack"),
                Map.of("RELAY_MODE", "aws"),
                Map.of("JWT_ISSUER_URI", "https://issuer.example", "JWT_AUDIENCE", "relay",
                        "HAWTIO_PASSWORD", "x", "AWS_ENDPOINT_URL_CLOUDWATCH", "http://127.0.0.1:5000",
                        "NOTIFY_ALLOWED_PRIVATE_HOSTS", "ntfy.internal", "WORKER_TENANT_BACKOFF_SECONDS", "1",
                        "CIRCUIT_BREAKER_TABLE", "breakers"));
    }

    /** The names {@code relay provision} / {@code relay dlq} read on top of RelaySettings. */
    static Set<String> commandVariables() {
        Set<String> seen = new TreeSet<>();
        RelaySettings embedded = RelaySettings.load(n -> null);
        CommandClients.forCommand(embedded, name -> {
            seen.add(name);
            return null;
        });
        return seen;
    }

    /** {@code ${NAME:…}} placeholders of application.yaml: the variables Spring reads itself. */
    static Set<String> springVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(Files.readString(APPLICATION_YAML, StandardCharsets.UTF_8));
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** Backticked names in the first cell of every table row of the doc's environment-variable section. */
    static Set<String> documentedVariables() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int start = doc.indexOf("\n" + SECTION);
        assertThat(start).as("%s has a section '%s'", DOC, SECTION).isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = end < 0 ? doc.substring(start) : doc.substring(start, end);
        Set<String> names = new TreeSet<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("|")) continue;
            String[] cells = line.split("\\|", -1);
            if (cells.length < 3) continue;
            Matcher m = NAME.matcher(cells[1]);
            while (m.find()) names.add(m.group(1));
        }
        return names;
    }

    @Test
    void recorderFindsTheSettings() {
        // a recorder that saw nothing would make the other tests pass vacuously
        assertThat(settingsVariables()).hasSizeGreaterThan(90)
                .contains("RELAY_MODE", "ARTIFACT_BUCKET", "INBOUND_MAX_BYTES", "API_MAX_BODY_BYTES",
                        "WORKER_VISIBILITY_TIMEOUT_SECONDS", "NOTIFY_MAX_RECEIVES", "HAWTIO_PASSWORD", "LOG_FORMAT");
    }

    @Test
    void everyVariableTheCodeReadsIsDocumented() throws IOException {
        Set<String> documented = documentedVariables();
        Set<String> missing = new TreeSet<>(settingsVariables());
        missing.addAll(springVariables());
        missing.addAll(commandVariables());
        missing.removeAll(documented);
        assertThat(missing).as("read by the code but missing from the tables of %s", DOC).isEmpty();
    }

    @Test
    void theDocListsNoVariableTheCodeNeverReads() throws IOException {
        Set<String> read = new TreeSet<>(settingsVariables());
        read.addAll(springVariables());
        read.addAll(commandVariables());
        Set<String> unknown = new TreeSet<>(documentedVariables());
        unknown.removeAll(read);
        assertThat(unknown).as("listed in %s but read by no code", DOC).isEmpty();
    }
}
