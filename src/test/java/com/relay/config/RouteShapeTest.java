package com.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The shape of every route file as an engineer reads it (the YAML, not Camel's model): route ids,
 * an id on every step (Hawtio, logs and docs/ROUTES.md name steps by it), ids unique across all
 * files, the worker route's stage sequence with each stage's status write first, and every
 * {@code aws2-s3} call a step with an id. routes/api.camel.yaml's own shape is ApiRouteShapeTest's.
 */
class RouteShapeTest {

    /** The clauses of an EIP that Hawtio shows as nodes of their own: each carries an id like a step. */
    private static final List<String> CLAUSES = List.of("when", "otherwise", "doCatch", "doFinally", "onException");

    @Test
    void eachRouteFileKeepsItsRouteIds() throws IOException {
        assertThat(topLevelIds("routes/run-worker.camel.yaml", "route")).containsExactly("worker-run", "fetch-vendor-s3",
                "fetch-store-vendor-file", "worker-put-artifacts", "worker-delete-job", "worker-lease-renewal", "worker-heartbeat");
        assertThat(topLevelIds("routes/notifications.camel.yaml", "route")).containsExactly("notification-deliver",
                "notification-sweeper");
        assertThat(topLevelIds("routes/scheduler.camel.yaml", "route")).containsExactly("scheduler-tick");
        assertThat(topLevelIds("routes/publishing.camel.yaml", "route")).containsExactly("sync-published-copy",
                "published-feed-object");
        assertThat(topLevelIds("routes/fetch-vendor-ftp.camel.yaml", "route")).containsExactly("fetch-vendor-sftp",
                "fetch-vendor-ftp", "fetch-vendor-ftps", "fetch-vendor-remote-file");
        assertThat(topLevelIds("routes/config/worker-errors.camel.yaml", "routeConfiguration"))
                .containsExactly("worker-errors", "worker-inner");
        assertThat(topLevelIds("routes/config/notifications-errors.camel.yaml", "routeConfiguration"))
                .containsExactly("notifications-errors");
    }

    /** routes/api.camel.yaml is ApiRouteShapeTest's (its get-health Content-Type step has no id yet). */
    @Test
    void everyStepOfEveryRouteFileHasAnId() throws IOException {
        for (Path file : routeFiles()) {
            if (file.endsWith("api.camel.yaml")) continue;
            List<String> missing = new ArrayList<>();
            walkSteps(load(file), "", (path, step) -> {
                if (!(step.getValue() instanceof Map<?, ?> spec) || !(spec.get("id") instanceof String)) missing.add(path);
            });
            assertThat(missing).as(file + ": steps without an id").isEmpty();
        }
    }

    @Test
    void idsAreUniqueAcrossAllRouteFiles() throws IOException {
        Map<String, List<String>> where = new LinkedHashMap<>();
        for (Path file : routeFiles()) {
            collectIds(load(file), id -> where.computeIfAbsent(id, k -> new ArrayList<>()).add(file.toString()));
        }
        assertThat(where).isNotEmpty();
        assertThat(where.entrySet()).filteredOn(e -> e.getValue().size() > 1).as("ids used twice").isEmpty();
    }

    @Test
    void everyRouteNamesAConfigurationThatExists() throws IOException {
        List<String> configurations = new ArrayList<>(topLevelIds("routes/config/worker-errors.camel.yaml", "routeConfiguration"));
        configurations.addAll(topLevelIds("routes/config/notifications-errors.camel.yaml", "routeConfiguration"));
        for (String file : List.of("routes/run-worker.camel.yaml", "routes/notifications.camel.yaml")) {
            for (Map<String, Object> route : topLevel(file, "route")) {
                Object configuration = route.get("routeConfigurationId");
                if (configuration != null) assertThat(configurations).as(route.get("id") + "").contains(configuration.toString());
            }
        }
        Map<String, Object> run = route("worker-run");
        assertThat(run.get("routeConfigurationId")).isEqualTo("worker-errors");
        for (String inner : List.of("fetch-vendor-s3", "fetch-store-vendor-file", "worker-put-artifacts", "worker-delete-job")) {
            assertThat(route(inner).get("routeConfigurationId")).as(inner).isEqualTo("worker-inner");
        }
    }

    @Test
    void theWorkerRouteReadsAsReceiveThenTheStagesThenComplete() throws IOException {
        List<Map<String, Object>> steps = steps(route("worker-run").get("from"));
        assertThat(ids(steps)).containsExactly("worker-read-pending", "worker-receive-decision", "worker-attempt-started");
        List<Map<String, Object>> attempt = steps(steps.get(2).get("filter"));
        assertThat(ids(attempt)).containsExactly("stage-fetch-inputs", "stage-normalize", "stage-merge-price",
                "stage-write-outputs", "stage-complete-status", "complete-terminal-write", "complete-if-committed",
                "complete-end-attempt");
        assertThat(ids(steps(attempt.get(6).get("filter")))).containsExactly("complete-metrics", "complete-notify",
                "complete-delete-message", "complete-if-published");
        // the receive's choice: one branch per outcome of the decision table
        Map<?, ?> loop = (Map<?, ?>) steps.get(1).get("loop");
        Map<?, ?> choice = (Map<?, ?>) steps((Object) loop).get(1).get("choice");
        assertThat(((List<?>) choice.get("when")).stream().map(w -> String.valueOf(((Map<?, ?>) w).get("id"))).toList()).containsExactly(
                "worker-when-bad-message", "worker-when-poison-already-failed", "worker-when-already-processed",
                "worker-when-delivery-ignored", "worker-when-poison", "worker-when-start");
    }

    @Test
    void everyStageFilterStartsWithItsStatusWrite() throws IOException {
        List<Map<String, Object>> attempt = steps(steps(route("worker-run").get("from")).get(2).get("filter"));
        int stages = 0;
        for (Map<String, Object> step : attempt) {
            if (!(step.get("filter") instanceof Map<?, ?> filter) || !filter.get("id").toString().startsWith("stage-")) continue;
            String id = filter.get("id").toString();
            String stage = id.substring("stage-".length()).replace('-', '_').toUpperCase();
            assertThat(filter.get("simple")).as(id + " skips once the run has a result")
                    .isEqualTo("${exchangeProperty.relayAttempt.running}");
            Map<?, ?> first = (Map<?, ?>) steps((Object) filter).get(0).get("bean");
            assertThat(first).as(id + " starts with its status write").isNotNull();
            assertThat(first.get("id")).isEqualTo(id + "-status");
            assertThat(first.get("ref")).isEqualTo("runStages");
            assertThat(first.get("method")).isEqualTo("enter(*, " + stage + ")");
            stages++;
        }
        assertThat(stages).isEqualTo(4);
        Map<?, ?> complete = (Map<?, ?>) attempt.get(4).get("bean");
        assertThat(complete.get("method")).isEqualTo("enter(*, COMPLETE)");
    }

    @Test
    void everyS3CallIsAStepWithAnId() throws IOException {
        List<String> s3Steps = new ArrayList<>();
        for (Path file : routeFiles()) {
            walkSteps(load(file), "", (path, step) -> {
                if (step.getValue() instanceof Map<?, ?> spec && String.valueOf(spec.get("uri")).startsWith("aws2-s3")) {
                    assertThat(spec.get("id")).as(path).isInstanceOf(String.class);
                    assertThat(step.getKey()).as(path).isIn("to", "toD", "enrich", "pollEnrich", "wireTap");
                    s3Steps.add(spec.get("id").toString());
                }
            });
            // no aws2-s3 URI anywhere else (a from, an expression) escapes the step walk
            long uris = Files.readString(file).lines().map(String::strip).filter(l -> !l.startsWith("#"))
                    .filter(l -> l.contains("aws2-s3:")).count();
            assertThat((long) s3Steps.size()).as(file + ": aws2-s3 URIs outside an identified step").isGreaterThanOrEqualTo(uris);
        }
        assertThat(s3Steps).containsExactlyInAnyOrder("explain-get-artifact-object", "explain-get-artifact-range-object",
                "normalize-get-sku-map", "normalize-get-feed", "fetch-vendor-s3-copy", "put-artifact", "merge-get-published-feed",
                "sync-published-copy-feed", "sync-published-copy-delta", "published-feed-get");
    }

    // ------------------------------------------------------------------------------- YAML walking

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            return files.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> load(Path file) throws IOException {
        return (List<Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> topLevel(String file, String kind) throws IOException {
        return load(Path.of(file)).stream().map(o -> (Map<String, Object>) o).filter(m -> m.containsKey(kind))
                .map(m -> (Map<String, Object>) m.get(kind)).toList();
    }

    private static List<String> topLevelIds(String file, String kind) throws IOException {
        return topLevel(file, kind).stream().map(m -> String.valueOf(m.get("id"))).toList();
    }

    private static Map<String, Object> route(String id) throws IOException {
        return topLevel("routes/run-worker.camel.yaml", "route").stream().filter(r -> id.equals(r.get("id"))).findFirst()
                .orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(Object node) {
        return (List<Map<String, Object>>) ((Map<String, Object>) node).get("steps");
    }

    private static List<String> ids(List<Map<String, Object>> steps) {
        return steps.stream().map(s -> String.valueOf(((Map<?, ?>) s.values().iterator().next()).get("id"))).toList();
    }

    /**
     * Calls {@code visit} for every step (an item of a {@code steps} list: one EIP name and its
     * options) and every clause of an EIP ({@code when}, {@code doCatch}, ...), anywhere in the file.
     */
    private static void walkSteps(Object node, String path, BiConsumer<String, Map.Entry<String, Object>> visit) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) walkSteps(list.get(i), path + "[" + i + "]", visit);
        } else if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object value = e.getValue();
                String at = path + "/" + key;
                if (key.equals("steps") && value instanceof List<?> steps) {
                    for (int i = 0; i < steps.size(); i++) {
                        if (steps.get(i) instanceof Map<?, ?> step && step.size() == 1) {
                            Map.Entry<?, ?> only = step.entrySet().iterator().next();
                            visit.accept(at + "[" + i + "]/" + only.getKey(), Map.entry(String.valueOf(only.getKey()), only.getValue()));
                        } else {
                            visit.accept(at + "[" + i + "]", Map.entry("?", steps.get(i)));
                        }
                    }
                } else if (CLAUSES.contains(key) && value instanceof List<?> clauses) {
                    for (int i = 0; i < clauses.size(); i++) {
                        Object clause = clauses.get(i);
                        // routeConfiguration writes its clauses as {onException: {...}} items
                        if (clause instanceof Map<?, ?> m && m.size() == 1 && m.containsKey(key)) clause = m.get(key);
                        visit.accept(at + "[" + i + "]", Map.entry(key, clause));
                    }
                } else if (CLAUSES.contains(key) && value instanceof Map<?, ?>) {
                    visit.accept(at, Map.entry(key, value));
                }
                walkSteps(value, at, visit);
            }
        }
    }

    /**
     * Every {@code id} value in a file: routes, configurations, steps, clauses. Not a REST verb's:
     * it names the route the verb calls ({@code direct:<id>}), the same id on purpose.
     */
    private static void collectIds(Object node, java.util.function.Consumer<String> id) {
        if (node instanceof List<?> list) {
            list.forEach(o -> collectIds(o, id));
        } else if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("rest".equals(k)) return;
                if ("id".equals(k) && v instanceof String s) {
                    id.accept(s);
                } else {
                    collectIds(v, id);
                }
            });
        }
    }
}
