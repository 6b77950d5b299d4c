package com.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.relay.aws.AwsClientFactory;
import com.relay.aws.AwsEndpoints;
import com.relay.aws.RecordingCloudWatch;
import com.relay.aws.RecordingCloudWatch.Datum;
import com.relay.config.RelaySettings;
import com.relay.notify.BreakerState;
import com.relay.notify.NotifyMetrics;
import com.relay.worker.WorkerMetrics;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.client.config.SdkClientConfiguration;
import software.amazon.awssdk.core.client.config.SdkClientOption;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.protocols.core.OperationInfo;
import software.amazon.awssdk.protocols.query.AwsQueryProtocolFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;

/**
 * What {@link CloudWatchPublisher} puts on the wire (docs/CONTRACT.md#run-metrics): the service's own meter classes
 * record, the SDK client the service builds sends, {@link RecordingCloudWatch} decodes the bytes.
 */
class CloudWatchPublisherTest {

    private final MockClock clock = new MockClock();
    private RecordingCloudWatch cloudWatch;
    private CompositeMeterRegistry composite;
    private CloudWatchPublisher publisher;
    private RelaySettings settings;

    @BeforeEach
    void start() throws Exception {
        cloudWatch = new RecordingCloudWatch();
    }

    @AfterEach
    void stop() {
        if (publisher != null) publisher.close();
        cloudWatch.close();
    }

    static Map<String, String> env(String mode, java.net.URI cloudWatchEndpoint, String... more) {
        Map<String, String> env = new HashMap<>(Map.of("RELAY_MODE", mode, "AWS_REGION", "us-east-1", "ENVIRONMENT", "prod",
                "AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatchEndpoint.toString()));
        if (mode.equals("aws")) {
            env.putAll(Map.of("ARTIFACT_BUCKET", "b", "TENANTS_TABLE", "t", "RUNS_TABLE", "r", "NOTIFICATIONS_TABLE", "n",
                    "SQS_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/jobs",
                    "NOTIFICATIONS_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/1/notifications"));
        }
        for (int i = 0; i < more.length; i += 2) env.put(more[i], more[i + 1]);
        return env;
    }

    /** The CloudWatch client exactly as the service builds it for a mode (test credentials). */
    static CloudWatchClient client(RelaySettings settings) {
        return new AwsClientFactory(settings, new AwsEndpoints(null, null, null, settings.metrics().cloudWatchEndpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).cloudWatch();
    }

    /** Prometheus and the publisher in one composite, with the Environment common tag, as Spring Boot wires them. */
    private void wire(Map<String, String> env) {
        settings = RelaySettings.load(env::get);
        RelaySettings.Metrics m = settings.metrics();
        publisher = new CloudWatchPublisher(m.cloudWatchNamespace(), Duration.ofSeconds(m.cloudWatchStepSeconds()),
                m.cloudWatchExtraMeters(), m.cloudWatchMaxDimensionValues(), clock, client(settings));
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (var r : List.of(prometheus, publisher)) r.config().commonTags("Environment", settings.environment());
        composite = new CompositeMeterRegistry();
        composite.add(prometheus);
        composite.add(publisher);
    }

    private List<Datum> publishStep() {
        clock.add(Duration.ofSeconds(settings.metrics().cloudWatchStepSeconds()));
        cloudWatch.clear();
        publisher.publish();
        return cloudWatch.datums();
    }

    private void recordARealisticStep() {
        WorkerMetrics worker = new WorkerMetrics(composite, settings);
        NotifyMetrics notify = new NotifyMetrics(composite, settings);
        RelayMetrics relay = new RelayMetrics(composite);
        new JvmMemoryMetrics().bindTo(composite);
        Timer.builder("http.server.requests").tag("uri", "/v1/runs").register(composite).record(Duration.ofMillis(5));
        worker.heartbeat();
        worker.runEnded("acme", true, 12_000L, 40);
        worker.runEnded("acme", false, 3_000L, 0);
        worker.runEnded("globex", true, 30_000L, 7);
        worker.error("run_unexpected_error");
        worker.runStartLatency(Duration.ofMillis(800));
        notify.sent("failure");
        notify.duration(Duration.ofMillis(250));
        notify.breakerState("ntfy:ntfy.sh", BreakerState.State.OPEN);
        relay.runCreated("api");
        relay.apiResponse("POST /v1/runs", 202, Duration.ofMillis(40));
        relay.apiResponse("GET /v1/runs/{run_id}", 503, Duration.ofMillis(900));
    }

    private static Map<String, Set<Map<String, String>>> series(List<Datum> data) {
        Map<String, Set<Map<String, String>>> out = new TreeMap<>();
        data.forEach(d -> out.computeIfAbsent(d.name(), k -> new java.util.HashSet<>()).add(d.dimensions()));
        return out;
    }

    private static List<Datum> named(List<Datum> data, String name, Map<String, String> dims) {
        return data.stream().filter(d -> d.name().equals(name) && d.dimensions().equals(dims)).toList();
    }

    @Test
    void sendsExactlyTheCatalogueNamesUnitsAndDimensionsNoSuffixesNoJvmMeters() {
        wire(env("localstack", cloudWatch.endpoint()));
        recordARealisticStep();
        List<Datum> data = publishStep();

        assertThat(cloudWatch.requests()).allSatisfy(r -> {
            assertThat(r.operation()).isEqualTo("PutMetricData");
            assertThat(r.protocol()).isEqualTo("cbor");
        });
        assertThat(data).allSatisfy(d -> assertThat(d.namespace()).isEqualTo("RelayInventory"));
        Set<String> names = data.stream().map(Datum::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(names).containsExactlyInAnyOrder("RunSucceeded", "RunFailed", "RunDurationSeconds", "RowsProcessed",
                "RunsCreated", "RunStartLatency", "WorkerHeartbeat", "WorkerError", "NotificationsSent",
                "NotificationDuration", "CircuitBreakerState", "APIRequestCount", "APIResponseTime");
        // every datum's dimension keys are the catalogue's set (or one of its rollups)
        for (Datum d : data) {
            CloudWatchCatalogue.Metric m = CloudWatchCatalogue.find(d.name()).orElseThrow();
            Set<String> keys = d.dimensions().keySet();
            assertThat(keys).as(d.name()).matches(k -> k.equals(Set.copyOf(m.dimensions()))
                    || m.rollups().stream().anyMatch(r -> k.equals(Set.copyOf(r))));
            assertThat(d.unit()).as(d.name()).isEqualTo(m.unit().toString());
            assertThat(d.dimensions()).containsEntry("Environment", "prod");
        }

        // RunFailed / RunSucceeded: one value per run, 1 or 0 (Sum = runs of that outcome)
        Datum failedAcme = named(data, "RunFailed", Map.of("TenantId", "acme", "Environment", "prod")).get(0);
        assertThat(failedAcme.values()).containsExactly(0.0, 1.0);
        assertThat(failedAcme.counts()).containsExactly(1.0, 1.0);
        assertThat(named(data, "RunSucceeded", Map.of("TenantId", "globex", "Environment", "prod")).get(0).sum()).isEqualTo(1.0);
        assertThat(named(data, "RowsProcessed", Map.of("TenantId", "acme", "Environment", "prod")).get(0).value()).isEqualTo(40.0);
        // duration in seconds, per tenant and rolled up over tenants for the p99 alarm
        Datum rollup = named(data, "RunDurationSeconds", Map.of("Environment", "prod")).get(0);
        assertThat(rollup.unit()).isEqualTo("Seconds");
        assertThat(rollup.sampleCount()).isEqualTo(3.0);
        assertThat(rollup.values()).allSatisfy(v -> assertThat(v).isBetween(2.9, 30.4));
        assertThat(named(data, "WorkerHeartbeat", Map.of("Environment", "prod")).get(0).value()).isEqualTo(1.0);
        assertThat(named(data, "WorkerError", Map.of("ErrorType", "run_unexpected_error", "Environment", "prod")).get(0).value())
                .isEqualTo(1.0);
        // error types that exist but did not happen: 0, so the crash-loop alarm sees data every step
        assertThat(named(data, "WorkerError", Map.of("ErrorType", "queue_receive_error", "Environment", "prod")).get(0).value())
                .isZero();
        assertThat(named(data, "APIRequestCount", Map.of("StatusClass", "5xx", "Environment", "prod")).get(0).value()).isEqualTo(1.0);
        assertThat(named(data, "APIRequestCount", Map.of("StatusClass", "2xx", "Environment", "prod"))).hasSize(1);
        assertThat(series(data).get("APIResponseTime")).contains(Map.of("Endpoint", "GET /v1/runs/{run_id}", "Environment", "prod"),
                Map.of("Environment", "prod"));
        Datum api = named(data, "APIResponseTime", Map.of("Endpoint", "GET /v1/runs/{run_id}", "Environment", "prod")).get(0);
        assertThat(api.unit()).isEqualTo("Milliseconds");
        assertThat(api.values().get(0)).isBetween(891.0, 909.0);
        assertThat(named(data, "CircuitBreakerState", Map.of("Service", "ntfy:ntfy.sh", "Environment", "prod")).get(0).value())
                .isEqualTo(1.0);

        // Prometheus still has everything
        assertThat(composite.find("jvm.memory.used").gauge()).isNotNull();
        assertThat(composite.find("RunFailed").tag("TenantId", "acme").counter().count()).isEqualTo(1.0);

        // a quiet step: counters send 0, distributions and per-run outcomes send nothing
        List<Datum> quiet = publishStep();
        assertThat(named(quiet, "WorkerHeartbeat", Map.of("Environment", "prod")).get(0).value()).isZero();
        assertThat(quiet).noneMatch(d -> d.name().equals("RunFailed") || d.name().equals("APIResponseTime"));
    }

    /**
     * The same requests in the query protocol (what SDK versions before the CBOR switch, and
     * CloudWatch's other clients, send): the publisher's own PutMetricDataRequests, captured before
     * marshalling and marshalled by the SDK's awsQuery marshaller, decode to the same datums.
     */
    @Test
    void theQueryProtocolCarriesTheSameNamesUnitsAndDimensions() throws Exception {
        settings = RelaySettings.load(env("localstack", cloudWatch.endpoint())::get);
        List<PutMetricDataRequest> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutionInterceptor keep = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutMetricDataRequest r) sent.add(r);
            }
        };
        CloudWatchClient sdk = new AwsClientFactory(settings, new AwsEndpoints(null, null, null, cloudWatch.endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .withInterceptors(List.of(keep)).cloudWatch();
        publisher = new CloudWatchPublisher("RelayInventory", Duration.ofSeconds(60), List.of(), 100, clock, sdk);
        publisher.config().commonTags("Environment", "prod");
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        composite = new CompositeMeterRegistry();
        composite.add(prometheus);
        composite.add(publisher);
        recordARealisticStep();
        List<Datum> cbor = publishStep();
        assertThat(sent).isNotEmpty();

        cloudWatch.clear();
        AwsQueryProtocolFactory query = AwsQueryProtocolFactory.builder().clientConfiguration(SdkClientConfiguration.builder()
                .option(SdkClientOption.ENDPOINT, cloudWatch.endpoint()).build()).build();
        OperationInfo op = OperationInfo.builder().requestUri("/").httpMethod(SdkHttpMethod.POST)
                .hasExplicitPayloadMember(false).hasPayloadMembers(true).operationIdentifier("PutMetricData")
                .apiVersion("2010-08-01").build();
        HttpClient http = HttpClient.newHttpClient();
        for (PutMetricDataRequest r : sent) {
            SdkHttpFullRequest marshalled = query.createProtocolMarshaller(op).marshall(r);
            StringBuilder form = new StringBuilder();
            marshalled.rawQueryParameters().forEach((k, vs) -> vs.forEach(v -> form.append(form.isEmpty() ? "" : "&")
                    .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8))));
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(cloudWatch.endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
        }
        List<Datum> viaQuery = cloudWatch.datums();
        assertThat(cloudWatch.requests()).allSatisfy(r -> assertThat(r.protocol()).isEqualTo("query"));
        assertThat(viaQuery).hasSameSizeAs(cbor);
        for (int i = 0; i < cbor.size(); i++) {
            Datum c = cbor.get(i);
            Datum q = viaQuery.get(i);
            assertThat(List.of(q.namespace(), q.name(), q.unit(), q.dimensions(), q.values(), q.counts()))
                    .isEqualTo(List.of(c.namespace(), c.name(), c.unit(), c.dimensions(), c.values(), c.counts()));
            assertThat(q.value()).isEqualTo(c.value());
        }
    }

    @Test
    void timersSendValuesAndCountsFromWhichCloudWatchGetsTheP99() {
        wire(env("localstack", cloudWatch.endpoint()));
        RelayMetrics relay = new RelayMetrics(composite);
        for (int ms = 1; ms <= 1000; ms++) relay.apiResponse("GET /v1/runs", 200, Duration.ofMillis(ms));
        List<Datum> data = named(publishStep(), "APIResponseTime", Map.of("Environment", "prod"));
        // CloudWatch's percentile over values/counts: the value below which 99 % of the samples fall
        TreeMap<Double, Double> counts = new TreeMap<>();
        data.forEach(d -> { for (int i = 0; i < d.values().size(); i++) counts.merge(d.values().get(i), d.counts().get(i), Double::sum); });
        assertThat(data).allSatisfy(d -> assertThat(d.values()).hasSizeLessThanOrEqualTo(150));
        assertThat(counts.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(1000.0);
        double seen = 0;
        double p99 = 0;
        for (var e : counts.entrySet()) {
            seen += e.getValue();
            if (seen >= 990) { p99 = e.getKey(); break; }
        }
        assertThat(p99).isBetween(990 * 0.99, 990 * 1.01);
    }

    /**
     * The Environment rollups of the API meters are the SLIs of docs/OBSERVABILITY.md ("SLOs"): all
     * API responses but the load balancer's health checks, which still count in their own series.
     */
    @Test
    void theApiRollupsAreTheSliWithoutHealthChecks() {
        wire(env("localstack", cloudWatch.endpoint()));
        RelayMetrics relay = new RelayMetrics(composite);
        for (int i = 0; i < 50; i++) relay.apiResponse("GET /v1/health", 200, Duration.ofMillis(1));
        relay.apiResponse("POST /v1/runs", 202, Duration.ofMillis(700));
        relay.apiResponse("GET /v1/runs/{run_id}", 503, Duration.ofMillis(20));
        List<Datum> data = publishStep();
        assertThat(named(data, "APIRequestCount", Map.of("Environment", "prod")).get(0).value()).isEqualTo(2.0);
        assertThat(named(data, "APIRequestCount", Map.of("StatusClass", "2xx", "Environment", "prod")).get(0).value())
                .isEqualTo(51.0);
        assertThat(named(data, "APIRequestCount", Map.of("StatusClass", "5xx", "Environment", "prod")).get(0).value())
                .isEqualTo(1.0);
        Datum latency = named(data, "APIResponseTime", Map.of("Environment", "prod")).get(0);
        assertThat(latency.sampleCount()).isEqualTo(2.0);
        assertThat(latency.values()).allSatisfy(v -> assertThat(v).isGreaterThan(19.0));
        assertThat(named(data, "APIResponseTime", Map.of("Endpoint", "GET /v1/health", "Environment", "prod")).get(0).sampleCount())
                .isEqualTo(50.0);
    }

    @Test
    void jvmMetersOnlyWhenOptedInAndNewDimensionValuesStopAtTheLimit() {
        wire(env("localstack", cloudWatch.endpoint(), "CLOUDWATCH_METRICS_EXTRA_METERS", "jvm.memory.used",
                "CLOUDWATCH_METRICS_MAX_DIMENSION_VALUES", "2"));
        Logger logger = (Logger) LoggerFactory.getLogger(CloudWatchPublisher.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            new JvmMemoryMetrics().bindTo(composite);
            WorkerMetrics worker = new WorkerMetrics(composite, settings);
            for (String tenant : List.of("a", "b", "c", "d")) worker.runEnded(tenant, true, 1000L, 1);
            List<Datum> data = publishStep();
            assertThat(data).anyMatch(d -> d.name().equals("jvm.memory.used") && d.unit().equals("None"));
            assertThat(data).noneMatch(d -> d.name().startsWith("jvm.") && !d.name().equals("jvm.memory.used"));
            // two tenants' series (whichever two the registry listed first), never more
            assertThat(data.stream().filter(d -> d.name().equals("RunSucceeded") && d.dimensions().containsKey("TenantId"))
                    .map(d -> d.dimensions().get("TenantId")).distinct()).hasSize(2);
            // the rollup over tenants has every run, published or not per tenant
            assertThat(named(data, "RunSucceeded", Map.of("Environment", "prod")).get(0).sampleCount()).isEqualTo(4.0);
            assertThat(publishStep().stream().filter(d -> d.name().equals("RowsProcessed"))).hasSize(2);
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(m -> m.contains("RunSucceeded")).hasSize(1);
            // Prometheus keeps every tenant
            assertThat(composite.find("RunSucceeded").tag("TenantId", "d").counter().count()).isEqualTo(1.0);
        } finally {
            logger.detachAppender(logs);
        }
    }

    /** Enough distinct API latencies that one PutMetricData body passes the SDK's 10 KB compression threshold. */
    private void recordOverTenKilobytes() {
        RelayMetrics relay = new RelayMetrics(composite);
        for (String endpoint : List.of("GET /v1/runs", "POST /v1/runs", "GET /v1/runs/{run_id}", "GET /v1/notifications")) {
            for (int ms = 1; ms <= 5000; ms++) relay.apiResponse(endpoint, 200, Duration.ofMillis(ms));
        }
    }

    @Test
    void localstackModeSendsPlainBodiesWhichTheAwsModeDefaultWouldGzip() {
        wire(env("localstack", cloudWatch.endpoint()));
        recordOverTenKilobytes();
        publishStep();
        assertThat(cloudWatch.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.contentEncoding()).isNull());
        assertThat(cloudWatch.requests()).anyMatch(r -> r.bodyBytes() > 10_240);
        publisher.close();

        wire(env("aws", cloudWatch.endpoint()));
        recordOverTenKilobytes();
        publishStep();
        assertThat(cloudWatch.requests()).anyMatch(r -> "gzip".equals(r.contentEncoding()));
        assertThat(cloudWatch.datums()).anyMatch(d -> d.name().equals("APIResponseTime"));
    }

    @Test
    void aFailingEndpointIsOneWarnNotAnErrorEveryStepAndRecoveryIsLogged() {
        wire(env("aws", cloudWatch.endpoint(), "CLOUDWATCH_REQUEST_COMPRESSION", "on"));
        cloudWatch.rejectGzip(true);
        Logger logger = (Logger) LoggerFactory.getLogger(CloudWatchPublisher.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            WorkerMetrics worker = new WorkerMetrics(composite, settings);
            for (int step = 0; step < 3; step++) {
                recordOverTenKilobytes();
                worker.heartbeat();
                publishStep();
            }
            assertThat(cloudWatch.requests()).allSatisfy(r -> assertThat(r.contentEncoding()).isEqualTo("gzip"));
            assertThat(logs.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).hasSize(1)
                    .first().satisfies(e -> {
                        assertThat(e.getLevel()).isEqualTo(Level.WARN);
                        assertThat(e.getFormattedMessage()).contains("CLOUDWATCH_REQUEST_COMPRESSION=off");
                    });
            cloudWatch.rejectGzip(false);
            publishStep();
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.startsWith("CloudWatch accepts metrics again"));
        } finally {
            logger.detachAppender(logs);
        }
    }
}
