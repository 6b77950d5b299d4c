package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.ChildJvm;
import com.relay.api.Json;
import com.relay.worker.ChaosChild.Point;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue 17 "chaos" and #13: the service is killed with SIGKILL while runs of six tenants stand at
 * six points inside every stage of a three-vendor run (see {@link Point}), then started again on the
 * same data folder with the shipped worker defaults (visibility 60 s, heartbeat 20 s). Every run
 * must end as the contract says — SUCCEEDED with the same merged feed and the same artifacts as a
 * run that was never interrupted — the job queue and its DLQ must end empty, and every tenant must
 * be able to run again. Two JVMs in all: one kill covers every point at once.
 */
class ChaosKillIT {

    private static final int VENDORS = 3;
    private static final int ROWS = 400;

    @TempDir Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> started = new ArrayList<>();
    private final int sqsPort = freePort();
    private final int dynamoPort = freePort();
    private final int s3Port = freePort();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    @Test
    void runsKilledInEveryStageResumeAndLoseNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        Map<Point, String> tenantAt = new LinkedHashMap<>();
        for (Point p : Point.values()) tenantAt.put(p, "chaos-" + p.name().toLowerCase().replace('_', '-') + "-" + suffix);
        String control = "chaos-control-" + suffix;
        String points = tenantAt.entrySet().stream().map(e -> e.getValue() + "=" + e.getKey()).collect(Collectors.joining(";"));

        Child first = start("first", points);
        Map<String, String> runOf = new LinkedHashMap<>();
        for (String tenant : all(tenantAt, control)) {
            first.call("POST", "/v1/tenants", "application/json", config(tenant));
            for (int v = 1; v <= VENDORS; v++) {
                first.call("PUT", "/v1/tenants/" + tenant + "/vendors/vendor-" + v + "/inbound/feed.csv", "text/csv", feed(v));
            }
        }
        for (String tenant : all(tenantAt, control)) {
            runOf.put(tenant, first.call("POST", "/v1/runs", "application/json", "{\"tenant_id\": \"" + tenant + "\"}")
                    .get("run_id").asText());
        }
        JsonNode controlRun = first.awaitTerminal(runOf.get(control), Duration.ofSeconds(180));
        assertThat(controlRun.get("status").asText()).isEqualTo("SUCCEEDED");
        first.awaitMarkers(tenantAt.size(), Duration.ofSeconds(180));
        for (Point p : Point.values()) {
            JsonNode held = first.call("GET", "/v1/runs/" + runOf.get(tenantAt.get(p)), null, null);
            String expected = p == Point.AFTER_TERMINAL ? "SUCCEEDED" : "RUNNING";
            assertThat(held.get("status").asText()).as("%s before the kill", p).isEqualTo(expected);
        }
        String controlFeed = first.artifactText(runOf.get(control), "merged_inventory");
        Map<String, String> controlArtifacts = artifactNames(first.call("GET", "/v1/runs/" + runOf.get(control), null, null));

        long killedAt = System.nanoTime();
        first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-back
        first.process.waitFor();

        Child second = start("second", "");
        long upAt = System.nanoTime();
        // issue 17 #13: every run resumes within about a minute of the restart (the visibility
        // timeout), not after the five minutes of the old default; 120 s leaves room for a slow host
        long deadline = upAt + Duration.ofSeconds(120).toNanos();
        Map<Point, String> resumedAfter = new TreeMap<>();
        for (Point p : Point.values()) {
            String runId = runOf.get(tenantAt.get(p));
            JsonNode run = second.awaitTerminal(runId, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L)));
            resumedAfter.put(p, String.format("%.1f s after the kill, %.1f s after the restart",
                    (System.nanoTime() - killedAt) / 1e9, (System.nanoTime() - upAt) / 1e9));
            assertThat(run.get("status").asText()).as("%s: %s", p, run).isEqualTo("SUCCEEDED");
            assertThat(run.get("attempts").asInt()).as("%s attempts", p).isEqualTo(p == Point.AFTER_TERMINAL ? 1 : 2);
            assertThat(artifactNames(run)).as("%s artifacts", p).isEqualTo(controlArtifacts);
            assertThat(second.artifactText(runId, "merged_inventory")).as("%s merged feed", p).isEqualTo(controlFeed);
            second.assertEveryArtifactDownloads(runId);
        }
        second.awaitQueuesEmpty(Duration.ofSeconds(180));
        for (String tenant : all(tenantAt, control)) {
            String again = second.call("POST", "/v1/runs", "application/json", "{\"tenant_id\": \"" + tenant + "\"}")
                    .get("run_id").asText();
            assertThat(second.awaitTerminal(again, Duration.ofSeconds(120)).get("status").asText()).isEqualTo("SUCCEEDED");
        }
        System.out.println("chaos: " + Point.values().length + " kill points, runs lost: 0, terminal: "
                + resumedAfter);
    }

    private static List<String> all(Map<Point, String> tenantAt, String control) {
        List<String> all = new ArrayList<>(tenantAt.values());
        all.add(control);
        return all;
    }

    private static Map<String, String> artifactNames(JsonNode run) {
        Map<String, String> names = new TreeMap<>();
        run.get("artifacts").fields().forEachRemaining(e -> names.put(e.getKey(),
                e.getValue().asText().replaceFirst("^[^/]+/tenants/[^/]+/", ""))); // relative to the run's prefix
        return names;
    }

    private static String config(String tenant) {
        WorkerTestSupport.Vendor[] vendors = new WorkerTestSupport.Vendor[VENDORS];
        for (int v = 1; v <= VENDORS; v++) vendors[v - 1] = WorkerTestSupport.Vendor.of("vendor-" + v);
        return WorkerTestSupport.s3Config(tenant, null, WorkerTestSupport.SKU_QTY_PRICE, vendors);
    }

    /** Overlapping SKUs across vendors, so the merge picks winners. */
    private static String feed(int vendor) {
        StringBuilder b = new StringBuilder("sku,quantity_available,price\n");
        for (int i = 0; i < ROWS; i++) {
            int sku = i * VENDORS / 2 + vendor;
            b.append("SKU-").append(sku).append(',').append((i + vendor) % 7).append(',')
                    .append(10 + (i * 31 + vendor * 7) % 90).append(".50\n");
        }
        return b.toString();
    }

    private Child start(String name, String points) throws Exception {
        int port = freePort();
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.java(),
                "-Xmx512m", "-cp", ChildJvm.classPath(), ChaosChild.class.getName())
                .directory(new File(System.getProperty("user.dir")))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("MANAGEMENT_PORT", Integer.toString(freePort()));
        env.put("RELAY_DATA_DIR", dir.resolve("data").toString());
        env.put("RELAY_EMBEDDED_SQS_PORT", Integer.toString(sqsPort));
        env.put("RELAY_EMBEDDED_DYNAMODB_PORT", Integer.toString(dynamoPort));
        env.put("RELAY_EMBEDDED_S3_PORT", Integer.toString(s3Port));
        env.put("WORKER_MAX_CONCURRENCY", "8");
        env.put("WORKER_RECEIVE_WAIT_SECONDS", "1");
        env.put("RELAY_CHAOS_POINTS", points);
        Process process = pb.start();
        started.add(process);
        Child child = new Child(process, port, log);
        child.awaitHealth(Duration.ofSeconds(300)); // generous: a loaded 2-core machine starts slowly
        return child;
    }

    private final class Child {
        final Process process;
        final int port;
        final Path log;

        Child(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        void awaitHealth(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/health")).timeout(Duration.ofSeconds(2))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) return;
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            throw new AssertionError("the service did not come up; log:\n" + tail());
        }

        JsonNode call(String method, String path, String contentType, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("X-API-Key", "relay-dev-key")
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) b.header("Content-Type", contentType);
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new AssertionError(method + " " + path + ": " + e + "\nthreads:\n" + threadDump() + "\nlog:\n" + tail(), e);
            }
            assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isBetween(200, 299);
            return Json.MAPPER.readTree(r.body());
        }

        JsonNode awaitTerminal(String runId, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            JsonNode run = null;
            while (System.nanoTime() < deadline) {
                run = call("GET", "/v1/runs/" + runId, null, null);
                if (run.get("status").asText().matches("SUCCEEDED|FAILED")) return run;
                Thread.sleep(250);
            }
            throw new AssertionError("run " + runId + " not terminal in " + timeout + ": " + run + "\nlog:\n" + tail());
        }

        void awaitMarkers(int count, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                long reached = Files.readAllLines(log).stream().filter(l -> l.startsWith(ChaosChild.MARKER)).count();
                if (reached == count) return;
                Thread.sleep(250);
            }
            throw new AssertionError("not every kill point was reached; log:\n" + tail());
        }

        String artifactText(String runId, String name) throws Exception {
            String url = call("GET", "/v1/runs/" + runId + "/artifacts", null, null).get(name).get("url").asText();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }

        void assertEveryArtifactDownloads(String runId) throws Exception {
            JsonNode artifacts = call("GET", "/v1/runs/" + runId + "/artifacts", null, null);
            for (JsonNode a : artifacts) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(a.get("url").asText())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).as(a.get("key").asText()).isEqualTo(200);
                assertThat(r.body()).as(a.get("key").asText()).isNotEmpty();
            }
        }

        /** Nothing left in the jobs queue (visible or in flight) or its DLQ: no job lost, none stranded. */
        void awaitQueuesEmpty(Duration timeout) throws Exception {
            try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + sqsPort))
                    .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("relayEmbedded", "relayEmbeddedSecret"))).build()) {
                long deadline = System.nanoTime() + timeout.toNanos();
                Map<String, Integer> depth = Map.of();
                while (System.nanoTime() < deadline) {
                    depth = new TreeMap<>();
                    for (String queue : List.of("relay-inventory-jobs", "relay-inventory-jobs-dlq")) {
                        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
                        Map<QueueAttributeName, String> attrs = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
                        depth.put(queue, Integer.parseInt(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                                + Integer.parseInt(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
                    }
                    if (depth.values().stream().allMatch(d -> d == 0)) return;
                    Thread.sleep(500);
                }
                throw new AssertionError("queues not empty: " + depth);
            }
        }

        private String threadDump() {
            try {
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
                return new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no thread dump: " + e + ")";
            }
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        private String tail() throws IOException {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
