package com.relay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.RelayApplication;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The API under load (issue 4): the service on the embedded default in this JVM, {@code --clients}
 * concurrent HTTP clients (50), each with its own connection pool.
 * <ol>
 *   <li>{@code GET /v1/runs/{id}}: every client reads existing runs, {@code --requests} each;</li>
 *   <li>{@code POST /v1/runs} + {@code GET}: every client creates runs for its own tenants (one
 *       tenant per iteration, onboarded beforehand, so the tenant lock never answers 409) and reads
 *       each back. The worker is off: this measures the API, not the runs.</li>
 *   <li>{@code --cost-requests} (5000) sequential GETs by one client: CPU time per request by
 *       thread group, to show where a request's cost goes (0 skips it).</li>
 * </ol>
 * Latencies p50/p95/p99 and throughput, printed as a Markdown table and written to
 * {@code <data-dir>/api-load-results.md}. See bench/README.md.
 */
public final class ApiLoadBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "relay-dev-key";

    private final int clients;
    private final int requests;
    private final int creates;
    private final int costRequests;
    private final Path dataDir;
    private String base;

    ApiLoadBenchmark(int clients, int requests, int creates, int costRequests, Path dataDir) {
        this.clients = clients;
        this.requests = requests;
        this.creates = creates;
        this.costRequests = costRequests;
        this.dataDir = dataDir;
    }

    public static void main(String[] argv) throws Exception {
        int clients = 50;
        int requests = 200;
        int creates = 10;
        int cost = 5000;
        Path dataDir = Path.of("bench-data");
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--clients" -> clients = Integer.parseInt(argv[i + 1]);
                case "--requests" -> requests = Integer.parseInt(argv[i + 1]);
                case "--creates" -> creates = Integer.parseInt(argv[i + 1]);
                case "--cost-requests" -> cost = Integer.parseInt(argv[i + 1]);
                case "--data-dir" -> dataDir = Path.of(argv[i + 1]);
                default -> {
                    System.err.println("usage: ApiLoadBenchmark [--clients 50] [--requests 200] [--creates 10] [--cost-requests 5000] [--data-dir bench-data]");
                    System.exit(2);
                }
            }
        }
        System.exit(new ApiLoadBenchmark(clients, requests, creates, cost, dataDir.toAbsolutePath()).run());
    }

    int run() throws Exception {
        Path appData = dataDir.resolve("api-load-service");
        Map<String, Object> props = BenchService.properties(appData);
        props.put("WORKER_ENABLED", "false");
        props.put("NOTIFIER_ENABLED", "false");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(RelayApplication.class).properties(props).run()) {
            base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/v1";
            HttpClient setup = HttpClient.newHttpClient();
            // tenants: one per client and iteration (+1 for the GET phase's runs), onboarded up front
            List<String> readable = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String t = tenant("get", c, 0);
                send(setup, "POST", "/tenants", config(t));
                readable.add(JSON.readTree(send(setup, "POST", "/runs", "{\"tenant_id\": \"" + t + "\"}").body())
                        .get("run_id").asText());
                for (int i = 0; i < creates; i++) send(setup, "POST", "/tenants", config(tenant("new", c, i)));
            }
            System.out.printf("%d tenants onboarded%n", clients * (creates + 1));
            // warm-up (not measured): a cold JIT and the emulators' first requests are not what an
            // operator of a running service sees
            parallel(c -> {
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < Math.max(20, requests / 4); i++) send(http, "GET", "/runs/" + readable.get((c + i) % readable.size()), null);
                return List.of();
            });

            List<Long> gets = new ArrayList<>();
            long t0 = System.nanoTime();
            for (List<Long> part : parallel(c -> {
                HttpClient http = HttpClient.newHttpClient();
                List<Long> own = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    String runId = readable.get((c + i) % readable.size());
                    own.add(timed(() -> send(http, "GET", "/runs/" + runId, null)));
                }
                return own;
            })) gets.addAll(part);
            double getSeconds = (System.nanoTime() - t0) / 1e9;

            List<Long> posts = new ArrayList<>();
            List<Long> readBacks = new ArrayList<>();
            long t1 = System.nanoTime();
            for (List<Long> part : parallel(c -> {
                HttpClient http = HttpClient.newHttpClient();
                List<Long> own = new ArrayList<>();
                for (int i = 0; i < creates; i++) {
                    String t = tenant("new", c, i);
                    long s = System.nanoTime();
                    String runId = JSON.readTree(send(http, "POST", "/runs", "{\"tenant_id\": \"" + t + "\"}").body())
                            .get("run_id").asText();
                    own.add(-(System.nanoTime() - s)); // negative: a POST
                    own.add(timed(() -> send(http, "GET", "/runs/" + runId, null)));
                }
                return own;
            })) {
                for (long v : part) (v < 0 ? posts : readBacks).add(Math.abs(v));
            }
            double createSeconds = (System.nanoTime() - t1) / 1e9;

            StringBuilder t = new StringBuilder();
            t.append(String.format("| %d concurrent clients | requests | p50 | p95 | p99 | max | throughput |%n", clients));
            t.append("|---|---|---|---|---|---|---|\n");
            t.append(row("`GET /v1/runs/{id}`", gets, gets.size() / getSeconds));
            t.append(row("`POST /v1/runs` (of POST+GET)", posts, posts.size() / createSeconds));
            t.append(row("`GET /v1/runs/{id}` (of POST+GET)", readBacks, readBacks.size() / createSeconds));
            if (costRequests > 0) t.append("\n").append(cpuPerRequest(readable.get(0)));
            System.out.println();
            System.out.println(t);
            Files.writeString(dataDir.resolve("api-load-results.md"), t.toString(), StandardCharsets.UTF_8);
        }
        return 0;
    }

    /**
     * Where one request's CPU goes: {@code costRequests} sequential GETs (one client, after the load
     * phases, so the JIT is warm), CPU time per request of each thread group of this JVM (service,
     * emulators and the client alike), and the process total (the difference is GC, JIT and VM).
     */
    private String cpuPerRequest(String runId) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<Long, Long> before = new HashMap<>();
        for (long id : threads.getAllThreadIds()) before.put(id, threads.getThreadCpuTime(id));
        long process0 = os.getProcessCpuTime();
        for (int i = 0; i < costRequests; i++) send(http, "GET", "/runs/" + runId, null);
        long process = os.getProcessCpuTime() - process0;
        Map<String, Long> byGroup = new HashMap<>();
        long javaThreads = 0;
        for (long id : threads.getAllThreadIds()) {
            long now = threads.getThreadCpuTime(id);
            ThreadInfo info = threads.getThreadInfo(id);
            if (now < 0 || info == null) continue;
            long used = now - before.getOrDefault(id, 0L);
            byGroup.merge(info.getThreadName().replaceAll("\\d+", "N"), used, Long::sum);
            javaThreads += used;
        }
        StringBuilder t = new StringBuilder(String.format("| CPU per sequential `GET /v1/runs/{id}` (%d requests) | ms | share |%n",
                costRequests));
        t.append("|---|---:|---:|\n");
        long total = process;
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> t.append(String.format("| threads `%s` | %.3f | %.0f %% |%n", e.getKey(),
                        e.getValue() / 1e6 / costRequests, 100.0 * e.getValue() / total)));
        t.append(String.format("| the rest: GC, JIT and VM threads, threads that ended | %.3f | %.0f %% |%n", (process - javaThreads) / 1e6 / costRequests,
                100.0 * (process - javaThreads) / total));
        t.append(String.format("| **process total** | **%.3f** | |%n", process / 1e6 / costRequests));
        return t.toString();
    }

    private static String tenant(String kind, int client, int i) {
        return "load-" + kind + "-" + client + "-" + i;
    }

    private static String config(String tenant) {
        return """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "UTC", "default_currency": "USD",
                 "vendors": [{"vendor_id": "vendor-a", "inbound": {"type": "s3", "s3_prefix": "tenants/%s/inbound/vendor-a/"},
                              "parser": {"format": "csv"}}],
                 "pricing": {"base_margin_pct": 0.1, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku", "quantity_available", "price"]}}""".formatted(tenant, tenant);
    }

    private static String row(String what, List<Long> nanos, double perSecond) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return String.format("| %s | %d | %s | %s | %s | %s | %.0f/s |%n", what, s.size(), ms(pct(s, 50)), ms(pct(s, 95)),
                ms(pct(s, 99)), ms(s.get(s.size() - 1)), perSecond);
    }

    private static long pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String ms(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    private interface Client { List<Long> run(int client) throws Exception; }

    private interface Call { void run() throws Exception; }

    private static long timed(Call call) throws Exception {
        long s = System.nanoTime();
        call.run();
        return System.nanoTime() - s;
    }

    private List<List<Long>> parallel(Client work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit((Callable<List<Long>>) () -> work.run(client)));
            }
            List<List<Long>> results = new ArrayList<>();
            for (Future<List<Long>> f : futures) results.add(f.get());
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private HttpResponse<String> send(HttpClient http, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("X-API-Key", KEY)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() >= 300) throw new BenchmarkException(method + " " + path + " → " + r.statusCode() + ": " + r.body());
        return r;
    }
}
