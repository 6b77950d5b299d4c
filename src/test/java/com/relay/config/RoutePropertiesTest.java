package com.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.aws.ProvisionedResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class RoutePropertiesTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{!?([^}:]+)(:[^}]*)?}}");

    private static final ProvisionedResources RESOURCES = new ProvisionedResources("bucket", "tenants", "runs",
            "notifications", "http://127.0.0.1:4566/000000000000/relay-inventory-jobs", "http://q/jobs-dlq",
            "http://127.0.0.1:4566/000000000000/relay-inventory-notifications", "http://q/notifications-dlq");

    @Test
    void placeholdersCarryTheValidatedSettingsAndTheProvisionedQueues() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("API_ENABLED", "false", "SCHEDULER_ENABLED", "false",
                "WORKER_MAX_CONCURRENCY", "3", "WORKER_RECEIVE_WAIT_SECONDS", "5", "WORKER_VISIBILITY_TIMEOUT_SECONDS", "90",
                "WORKER_HEARTBEAT_INTERVAL_SECONDS", "7", "NOTIFIER_MAX_CONCURRENCY", "6",
                "NOTIFIER_RECEIVE_WAIT_SECONDS", "2", "NOTIFY_SWEEP_INTERVAL_SECONDS", "45"));
        env.put("WORKER_RETRY_BACKOFF_SECONDS", "4");
        env.put("WORKER_RETRY_BACKOFF_MAX_SECONDS", "300");
        RelaySettings settings = RelaySettings.load(env::get);

        assertThat(RouteProperties.of(settings, RESOURCES)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("relay.api.enabled", "false"),
                Map.entry("relay.worker.enabled", "true"),
                Map.entry("relay.worker.queue-name", "relay-inventory-jobs"),
                Map.entry("relay.worker.queue-url", "http://127.0.0.1:4566/000000000000/relay-inventory-jobs"),
                Map.entry("relay.worker.max-concurrency", "3"),
                Map.entry("relay.worker.receive-wait-seconds", "5"),
                Map.entry("relay.worker.visibility-timeout-seconds", "90"),
                Map.entry("relay.worker.heartbeat-interval-ms", "7000"),
                Map.entry("relay.worker.bucket", "bucket"),
                Map.entry("relay.worker.retry-backoff-seconds", "4"),
                Map.entry("relay.worker.retry-backoff-max-seconds", "300"),
                Map.entry("relay.notify.enabled", "true"),
                Map.entry("relay.notify.queue-name", "relay-inventory-notifications"),
                Map.entry("relay.notify.queue-url", "http://127.0.0.1:4566/000000000000/relay-inventory-notifications"),
                Map.entry("relay.notify.max-concurrency", "6"),
                Map.entry("relay.notify.receive-wait-seconds", "2"),
                Map.entry("relay.notify.sweep-interval-ms", "45000"),
                Map.entry("relay.scheduler.enabled", "false")));
    }

    @Test
    void notifierReceiveWaitIsALongPollOfAtMostTwentySeconds() {
        assertThat(RelaySettings.load(Map.<String, String>of()::get).notifier().receiveWaitSeconds()).isEqualTo(20);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> RelaySettings.load(Map.of("NOTIFIER_RECEIVE_WAIT_SECONDS", "21")::get))
                .hasMessageContaining("NOTIFIER_RECEIVE_WAIT_SECONDS");
    }

    /** Camel's default lets a system property or environment variable of the same name win; application.yaml turns that off. */
    @Test
    @SuppressWarnings("unchecked")
    void aSystemPropertyOfTheSameNameDoesNotBypassTheValidatedSetting() throws Exception {
        Map<String, Object> yaml = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("src/main/resources/application.yaml")));
        Map<String, Object> modes = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) yaml.get("camel"))
                .get("component")).get("properties");
        DefaultCamelContext camel = new DefaultCamelContext();
        var properties = (org.apache.camel.component.properties.PropertiesComponent) camel.getPropertiesComponent();
        properties.setEnvironmentVariableMode((Integer) modes.get("environment-variable-mode"));
        properties.setSystemPropertiesMode((Integer) modes.get("system-properties-mode"));
        RouteProperties source = new RouteProperties(RelaySettings.load(Map.of("WORKER_MAX_CONCURRENCY", "3")::get),
                provider(RESOURCES));
        properties.addPropertiesSource(source);
        System.setProperty("relay.worker.max-concurrency", "999");
        try {
            assertThat(camel.resolvePropertyPlaceholders("{{relay.worker.max-concurrency}}")).isEqualTo("3");
            assertThat(camel.resolvePropertyPlaceholders("{{!relay.api.enabled}}")).isEqualTo("false");
            assertThat(source.getProperty("other.key")).isNull();
        } finally {
            System.clearProperty("relay.worker.max-concurrency");
            camel.close();
        }
    }

    private static ObjectProvider<ProvisionedResources> provider(ProvisionedResources resources) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("resources", resources);
        return beans.getBeanProvider(ProvisionedResources.class);
    }

    /** One way in: every placeholder of every route file is a relay.* key published here (or a template parameter). */
    @Test
    void everyRoutePlaceholderIsPublished() throws IOException {
        Set<String> published = RouteProperties.of(RelaySettings.load(Map.<String, String>of()::get), RESOURCES).keySet();
        Set<String> templateParameters = templateParameters();
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                String yaml = Files.readAllLines(file).stream().filter(l -> !l.strip().startsWith("#"))
                        .collect(java.util.stream.Collectors.joining("\n"));
                Matcher m = PLACEHOLDER.matcher(yaml);
                while (m.find()) {
                    assertThat(m.group(2)).as(file + ": " + m.group() + " has no default of its own").isNull();
                    used.add(m.group(1));
                }
            }
        }
        used.removeAll(templateParameters);
        assertThat(used).isNotEmpty();
        assertThat(published).containsAll(used);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> templateParameters() throws IOException {
        Set<String> names = new HashSet<>();
        List<Object> file = (List<Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("routes/api.camel.yaml")));
        for (Object element : file) {
            Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) element).get("routeTemplate");
            if (template == null) continue;
            for (Object p : (List<Object>) template.get("parameters")) names.add((String) ((Map<String, Object>) p).get("name"));
        }
        return names;
    }
}
