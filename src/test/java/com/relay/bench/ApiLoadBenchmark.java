package com.relay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.RelayApplication;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * concurrent clients (50), each a {@link LoadClient} on its own keep-alive connection.
 * <ol>
 *   <li>warm-up: windows of {@code --window} GETs (10,000) by all clients until the JIT has settled
 *       (compilation under a twentieth of a window's wall time), at most {@code --max-warm-up} windows
 *       (40; 0 measures a cold service); every window is reported, so the cold start is visible;</li>
 *   <li>{@code GET /v1/runs/{id}}: every client reads existing runs, {@code --requests} each;</li>
 *   <li>{@code POST /v1/runs} + {@code GET}: every client creates runs for its own tenants (one
 *       tenant per iteration, onboarded beforehand, so the tenant lock never answers 409) and reads
 *       each back, {@code --create-warm-up} times (40) unmeasured, then {@code --creates} times (10).
 *       The worker is off: this measures the API, not the runs;</li>
 *   <li>{@code --cost-requests} (5000) sequential GETs by one client: CPU time per request by
 *       thread group, to show where a request's cost goes (0 skips it).</li>
 * </ol>
 * Latencies p50/p95/p99 and throughput, printed as Markdown tables and written to
 * {@code <data-dir>/api-load-results.md}. See bench/README.md.
 */
public final class ApiLoadBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "relay-dev-key";

    private final Options options;
    private final Path dataDir;
    private int port;

    record Options(int clients, int requests, int creates, int createWarmUp, int window, int maxWarmUp, int costRequests) {}

    ApiLoadBenchmark(Options options, Path dataDir) {
        this.options = options;
        this.dataDir = dataDir;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, Integer> o = new LinkedHashMap<>(Map.of("--clients", 50, "--requests", 400, "--creates", 10,
                "--create-warm-up", 40, "--window", 10_000, "--max-warm-up", 40, "--cost-requests", 5000));
        Path dataDir = Path.of("bench-data");
        for (int i = 0; i < argv.length; i += 2) {
            if (i + 1 < argv.length && argv[i].equals("--data-dir")) {
                dataDir = Path.of(argv[i + 1]);
            } else if (i + 1 < argv.length && o.containsKey(argv[i]) && argv[i + 1].matches("\\d{1,9}")) {
                o.put(argv[i], Integer.parseInt(argv[i + 1]));
            } else {
                System.err.println("usage: ApiLoadBenchmark [--clients 50] [--requests 400] [--creates 10] [--create-warm-up 40]"
                        + " [--window 10000] [--max-warm-up 40] [--cost-requests 5000] [--data-dir bench-data]");
                System.exit(2);
            }
        }
        if (o.get("--clients") < 1 || o.get("--requests") < 1 || o.get("--creates") < 1 || o.get("--window") < o.get("--clients")) {
            System.err.println("ApiLoadBenchmark: --clients, --requests and --creates must be at least 1, --window at least --clients");
            System.exit(2);
        }
        Options options = new Options(o.get("--clients"), o.get("--requests"), o.get("--creates"), o.get("--create-warm-up"),
                o.get("--window"), o.get("--max-warm-up"), o.get("--cost-requests"));
        System.exit(new ApiLoadBenchmark(options, dataDir.toAbsolutePath()).run());
    }

    int run() throws Exception {
        int clients = options.clients();
        Path appData = dataDir.resolve("api-load-service");
        Map<String, Object> props = BenchService.properties(appData);
        props.put("WORKER_ENABLED", "false");
        props.put("NOTIFIER_ENABLED", "false");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(RelayApplication.class).properties(props).run()) {
            port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            // tenants: one per client (the GET phase's runs) and one per create iteration, onboarded up front
            String[] readable = new String[clients];
            int perClient = options.createWarmUp() + options.creates();
            parallel(c -> {
                try (LoadClient http = client()) {
                    String t = tenant("get", c, 0);
                    send(http, "POST", "/tenants", config(t));
                    readable[c] = JSON.readTree(send(http, "POST", "/runs", "{\"tenant_id\": \"" + t + "\"}").body())
                            .get("run_id").asText();
                    for (int i = 0; i < perClient; i++) send(http, "POST", "/tenants", config(tenant("new", c, i)));
                }
                return List.of();
            });
            System.out.printf("%d tenants onboarded%n", clients * (perClient + 1));
            StringBuilder report = new StringBuilder();
            report.append(warmUp(List.of(readable)));

            long t0 = System.nanoTime();
            List<Long> gets = gets(List.of(readable), options.requests());
            double getSeconds = (System.nanoTime() - t0) / 1e9;

            creates(0, options.createWarmUp(), new ArrayList<>(), new ArrayList<>()); // unmeasured: the POST path's JIT
            List<Long> posts = new ArrayList<>();
            List<Long> readBacks = new ArrayList<>();
            double createSeconds = creates(options.createWarmUp(), options.creates(), posts, readBacks);

            StringBuilder t = new StringBuilder();
            t.append(String.format("| %d concurrent clients | requests | p50 | p95 | p99 | max | throughput |%n", clients));
            t.append("|---|---|---|---|---|---|---|\n");
            t.append(row("`GET /v1/runs/{id}`", gets, gets.size() / getSeconds));
            t.append(row("`POST /v1/runs` (of POST+GET)", posts, posts.size() / createSeconds));
            t.append(row("`GET /v1/runs/{id}` (of POST+GET)", readBacks, readBacks.size() / createSeconds));
            report.append("\n").append(t);
            if (options.costRequests() > 0) report.append("\n").append(cpuPerRequest(readable[0]));
            System.out.println();
            System.out.println(report);
            Files.writeString(dataDir.resolve("api-load-results.md"), report.toString(), StandardCharsets.UTF_8);
        }
        return 0;
    }

    /**
     * Windows of GETs by all clients until the JIT has settled: a service that has been up for a
     * while runs compiled code, and on two cores the compiler threads of a cold JVM take a large
     * share of the CPU for the first hundred thousand requests or so. Returns the windows as a table.
     */
    private String warmUp(List<String> readable) throws Exception {
        var compilation = ManagementFactory.getCompilationMXBean();
        StringBuilder t = new StringBuilder(String.format(
                "| warm-up window (%d GETs, %d clients) | requests so far | throughput | p50 | p99 | JIT compilation |%n",
                options.window(), options.clients()));
        t.append("|---|---:|---:|---:|---:|---:|\n");
        int perClient = options.window() / options.clients();
        long done = 0;
        for (int w = 1; w <= options.maxWarmUp(); w++) {
            long jit0 = compilation.getTotalCompilationTime();
            long t0 = System.nanoTime();
            List<Long> window = gets(readable, perClient);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long jitMillis = compilation.getTotalCompilationTime() - jit0;
            done += window.size();
            Collections.sort(window);
            String line = String.format("| %d | %d | %.0f/s | %s | %s | %.1f s |%n", w, done, window.size() / seconds,
                    ms(pct(window, 50)), ms(pct(window, 99)), jitMillis / 1000.0);
            System.out.print("warm-up " + line);
            t.append(line);
            // compiler threads' time, summed: under a twentieth of the wall time means the hot paths are compiled
            if (jitMillis < seconds * 50) break;
        }
        return t.toString();
    }

    /** {@code perClient} GETs by every client, each client cycling through the runs; the latencies. */
    private List<Long> gets(List<String> readable, int perClient) throws Exception {
        List<Long> all = new ArrayList<>();
        for (List<Long> part : parallel(c -> {
            List<Long> own = new ArrayList<>();
            try (LoadClient http = client()) {
                for (int i = 0; i < perClient; i++) {
                    String runId = readable.get((c + i) % readable.size());
                    own.add(timed(() -> send(http, "GET", "/runs/" + runId, null)));
                }
            }
            return own;
        })) all.addAll(part);
        return all;
    }

    /** {@code count} POST+GET iterations per client on tenants {@code from..from+count-1}; returns the seconds. */
    private double creates(int from, int count, List<Long> posts, List<Long> readBacks) throws Exception {
        if (count == 0) return 0;
        long t1 = System.nanoTime();
        for (List<Long> part : parallel(c -> {
            List<Long> own = new ArrayList<>();
            try (LoadClient http = client()) {
                for (int i = from; i < from + count; i++) {
                    String t = tenant("new", c, i);
                    long s = System.nanoTime();
                    String runId = JSON.readTree(send(http, "POST", "/runs", "{\"tenant_id\": \"" + t + "\"}").body())
                            .get("run_id").asText();
                    own.add(-(System.nanoTime() - s)); // negative: a POST
                    own.add(timed(() -> send(http, "GET", "/runs/" + runId, null)));
                }
            }
            return own;
        })) {
            for (long v : part) (v < 0 ? posts : readBacks).add(Math.abs(v));
        }
        return (System.nanoTime() - t1) / 1e9;
    }

    /**
     * Where one request's CPU goes: {@code costRequests} sequential GETs (one client, after the load
     * phases, so the JIT is warm), CPU time per request of each thread group of this JVM (service,
     * emulators and the client alike), and the process total (the difference is GC, JIT and VM).
     */
    private String cpuPerRequest(String runId) throws Exception {
        LoadClient http = client();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<Long, Long> before = new HashMap<>();
        for (long id : threads.getAllThreadIds()) before.put(id, threads.getThreadCpuTime(id));
        long process0 = os.getProcessCpuTime();
        for (int i = 0; i < options.costRequests(); i++) send(http, "GET", "/runs/" + runId, null);
        long process = os.getProcessCpuTime() - process0;
        http.close();
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
                options.costRequests()));
        t.append("|---|---:|---:|\n");
        long total = process;
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> t.append(String.format("| threads `%s` | %.3f | %.0f %% |%n", e.getKey(),
                        e.getValue() / 1e6 / options.costRequests(), 100.0 * e.getValue() / total)));
        t.append(String.format("| the rest: GC, JIT and VM threads, threads that ended | %.3f | %.0f %% |%n", (process - javaThreads) / 1e6 / options.costRequests(),
                100.0 * (process - javaThreads) / total));
        t.append(String.format("| **process total** | **%.3f** | |%n", process / 1e6 / options.costRequests()));
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
        ExecutorService pool = Executors.newFixedThreadPool(options.clients());
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int c = 0; c < options.clients(); c++) {
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

    private LoadClient client() {
        return new LoadClient("127.0.0.1", port, KEY);
    }

    private static LoadClient.Response send(LoadClient http, String method, String path, String json) throws Exception {
        LoadClient.Response r = http.send(method, "/v1" + path, json);
        if (r.status() >= 300) throw new BenchmarkException(method + " " + path + " → " + r.status() + ": " + r.body());
        return r;
    }
}
