package com.relay.worker;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.relay.engine.run.EngineRun;
import com.relay.engine.run.RunResult;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The worker route in a slim Spring Boot context: Camel's auto-configuration only (not
 * RelayApplication), the route files named by {@code camel.main.routes-include-pattern}, the
 * {@code relay.worker.*} placeholders as properties, the beans behind the steps as Mockito mocks
 * whose answers drive the exchange the way the real beans do (the decision in {@code relayReceive},
 * the attempt in {@code relayAttempt}, a FAILED result on it). No emulators: the SQS consumer is
 * replaced by {@code direct:worker-run}, every {@code aws2-s3}/{@code aws2-sqs} producer by a mock
 * endpoint that skips the call (the SDK clients are mocks so the endpoints can start).
 */
abstract class WorkerRouteFixture {

    static final String BUCKET = "relay-test-bucket";
    static final String JOBS = "relay-test-jobs";
    static final String RECEIPT = "receipt-1";
    /** What crossed each mock endpoint: its original URI (with the operation) and the exchange. */
    static final String ENDPOINT = Exchange.INTERCEPTED_ENDPOINT;

    /** The {@code relay.*} properties the worker's route files use (RouteProperties gives them in the app). */
    static void workerProperties(DynamicPropertyRegistry registry, String routeFiles) {
        registry.add("camel.main.routes-include-pattern", () -> routeFiles);
        registry.add("camel.springboot.main-run-controller", () -> "false");
        registry.add("camel.main.jmx-management-m-bean-assembler", () -> "false");
        registry.add("relay.worker.enabled", () -> "true");
        registry.add("relay.worker.queue-name", () -> JOBS);
        registry.add("relay.worker.queue-url", () -> "http://127.0.0.1:9/000000000000/" + JOBS);
        registry.add("relay.worker.max-concurrency", () -> "1");
        registry.add("relay.worker.receive-wait-seconds", () -> "1");
        registry.add("relay.worker.visibility-timeout-seconds", () -> "60");
        registry.add("relay.worker.heartbeat-interval-ms", () -> "3600000");
        registry.add("relay.worker.bucket", () -> BUCKET);
        registry.add("relay.worker.retry-backoff-seconds", () -> "30");
        registry.add("relay.worker.retry-backoff-max-seconds", () -> "900");
    }

    /**
     * Camel only, and the beans that are no step's mock: the real aggregation strategy, a vendor pool
     * of one thread (a split's vendors run one after another, so "after the failure" is one order,
     * and never on the route's thread), SDK clients the aws2 endpoints autowire and never call. A
     * test component: the component scan of RelayApplication (the ITs) skips it, and as a plain
     * configuration (not a TestConfiguration) it is the whole context, not an addition to it.
     */
    @Configuration(proxyBeanMethods = false)
    @TestComponent
    @ImportAutoConfiguration(CamelAutoConfiguration.class)
    static class Slim {
        @Bean
        VendorOutcomes vendorOutcomes() {
            return new VendorOutcomes();
        }

        @Bean(WorkerConfiguration.VENDOR_POOL)
        ExecutorService relayVendorPool() {
            return Executors.newFixedThreadPool(1, r -> new Thread(r, "relay-vendor-test"));
        }

        @Bean
        S3Client s3Client() {
            return mock(S3Client.class);
        }

        @Bean
        SqsClient sqsClient() {
            return mock(SqsClient.class);
        }
    }

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate template;

    @MockitoBean(name = "jobReceiver")
    JobReceiver jobReceiver;
    @MockitoBean(name = "runStages")
    RunStages runStages;
    @MockitoBean(name = "runInputs")
    RunInputs runInputs;
    @MockitoBean(name = "runNormalize")
    RunNormalization runNormalize;
    @MockitoBean(name = "runOutputs")
    RunOutputs runOutputs;
    @MockitoBean(name = "attemptCompletion")
    AttemptCompletion attemptCompletion;
    @MockitoBean(name = "sourceFiles")
    SourceFiles sourceFiles;
    @MockitoBean(name = "workerMetrics")
    WorkerMetrics workerMetrics;
    @MockitoBean(name = "runPublishing")
    RunPublishing runPublishing;
    @MockitoBean(name = "publishedCopy")
    com.relay.publish.PublishedCopy publishedCopy;

    /** The receive decisions {@code jobReceiver.read} makes, in turn (START when none is left). */
    final Deque<String> decisions = new ArrayDeque<>();
    /** How many starts lose their condition (the real start sets {@code relayReceive} back to READ). */
    int startsLost;
    /** The attempt the start puts on the exchange. */
    RunAttempt attempt;
    /** What mergePrice leaves on the attempt: null (the run goes on) or a FAILED result. */
    RunResult mergeResult;
    /** Vendors whose parse throws. */
    final Set<String> failingParses = ConcurrentHashMap.newKeySet();
    /** Vendors whose parse ran, in order. */
    final List<String> parsed = Collections.synchronizedList(new ArrayList<>());
    /** Threads the vendor steps ran on. */
    final Set<String> splitThreads = ConcurrentHashMap.newKeySet();

    /** The consumer becomes direct:worker-run, every AWS producer a mock; the context starts (once per context). */
    void adviseAndStart() throws Exception {
        if (camel.getStatus().isStarted()) return;
        AdviceWith.adviceWith(camel, "worker-run", a -> {
            a.replaceFromWith("direct:worker-run");
            a.mockEndpointsAndSkip("aws2-s3*");
            a.mockEndpointsAndSkip("aws2-sqs*");
        });
        moreAdvice();
        camel.start();
    }

    /** A subclass's own advice, before the context starts. */
    void moreAdvice() throws Exception {
        // none
    }

    @BeforeEach
    void driveTheBeans() throws Exception {
        adviseAndStart();
        MockEndpoint.resetMocks(camel);
        attempt = newAttempt(List.of(fetch("acme", "s3"), fetch("globex", "s3")), List.of(read("acme"), read("globex")));

        doAnswer(call -> {
            Exchange ex = call.getArgument(0);
            // as the real read: the receipt for the delete step, kept from the consumer's header
            ex.setProperty(JobReceiver.RECEIPT, ex.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE));
            String next = decisions.poll();
            ex.setProperty(JobReceiver.DECISION, next == null ? "START" : next);
            return null;
        }).when(jobReceiver).read(any());
        doAnswer(call -> {
            Exchange ex = call.getArgument(0);
            if (startsLost > 0) {
                startsLost--;
                ex.setProperty(JobReceiver.DECISION, JobReceiver.READ);
            } else {
                ex.setProperty(RunAttempt.PROPERTY, attempt);
            }
            return null;
        }).when(jobReceiver).start(any());

        // the split's failure handling is the real one: first failure kept, rethrown after the split
        doCallRealMethod().when(runStages).vendorFailed(any());
        doCallRealMethod().when(runStages).rethrowSplitFailure(any());

        doAnswer(call -> queue(call, "config_snapshot.json")).when(runInputs).loadConfig(any());
        // a vendor's first step: stopped once another vendor of the split failed (as RunStages.openVendor)
        doAnswer(call -> startVendor(call.getArgument(0))).when(runInputs).vendorStarted(any());
        doCallRealMethod().when(runInputs).vendorFetched(any());
        doCallRealMethod().when(runInputs).finish(any());

        doAnswer(call -> startVendor(call.getArgument(0))).when(runNormalize).vendorStarted(any());
        doAnswer(call -> {
            Exchange ex = call.getArgument(0);
            VendorRead read = ex.getProperty("relayVendor", VendorRead.class);
            splitThreads.add(Thread.currentThread().getName());
            parsed.add(read.getVendorId());
            if (failingParses.contains(read.getVendorId())) {
                throw new IllegalStateException("parse of " + read.getVendorId() + " failed");
            }
            attempt.pending.put("normalized_" + read.getVendorId() + ".csv", "text/csv", new byte[] {1});
            return new VendorOutcomes.VendorOutcome(read.getVendorId(), "parse", 1);
        }).when(runNormalize).parse(any());
        doCallRealMethod().when(runNormalize).finish(any());

        doAnswer(call -> {
            queue(call, "errors.json");
            attempt.result = mergeResult;
            return null;
        }).when(runOutputs).mergePrice(any());
        doAnswer(call -> queue(call, "merged.csv")).when(runOutputs).writeMerged(any());
        doAnswer(call -> {
            queue(call, "run_summary.json");
            attempt.result = result(RunResult.SUCCEEDED);
            return null;
        }).when(runOutputs).writeSummary(any());
        doCallRealMethod().when(runOutputs).drain(any());
        doAnswer(call -> startVendor(call.getArgument(0))).when(runOutputs).artifactStarted(any());

        doAnswer(call -> {
            RunStages.attempt(call.getArgument(0)).committed = true;
            return null;
        }).when(attemptCompletion).terminalWrite(any());
    }

    private Object startVendor(Exchange ex) {
        splitThreads.add(Thread.currentThread().getName());
        // as the real vendorStarted: the vendor stays in a property while a source route replaces the body
        if (ex.getMessage().getBody() instanceof VendorFetch fetch) ex.setProperty(RunInputs.FETCH, fetch);
        RunAttempt a = RunStages.attempt(ex);
        a.check();
        a.checkSplit();
        return null;
    }

    private Object queue(org.mockito.invocation.InvocationOnMock call, String name) {
        RunStages.attempt(call.getArgument(0)).pending.put("runs/r1/" + name, "application/json", new byte[] {1});
        return null;
    }

    /** One job message through worker-run, on this thread (the route's thread). */
    Exchange sendJob() {
        return template.send("direct:worker-run", ex -> {
            ex.getIn().setBody("{\"run_id\":\"" + attempt.runId() + "\"}");
            ex.getIn().setHeader(Sqs2Constants.RECEIPT_HANDLE, RECEIPT);
        });
    }

    static RunAttempt newAttempt(List<VendorFetch> fetches, List<VendorRead> reads) {
        return newAttempt(fetches, reads, 1);
    }

    /** The attempt number {@code number} of a run (its backoff depends on it). */
    static RunAttempt newAttempt(List<VendorFetch> fetches, List<VendorRead> reads, int number) {
        RunAttempt a = new RunAttempt(new JobMessage(UUID.randomUUID().toString(), "tenant-1", 1, null), "m-1", RECEIPT,
                number, UUID.randomUUID().toString(), number, Instant.parse("2026-01-01T00:00:00Z"), "test", null, null);
        a.fetches = fetches;
        a.reads = reads;
        // the engine's part of the finish steps: nothing more to report (Optional.empty())
        a.execution = mock(EngineRun.Execution.class);
        return a;
    }

    /** A vendor's inbound copy whose source route is {@code direct:fetch-vendor-<source>}. */
    static VendorFetch fetch(String vendor, String source) {
        VendorFetch f = mock(VendorFetch.class);
        when(f.getVendorId()).thenReturn(vendor);
        when(f.getSource()).thenReturn(source);
        when(f.getSourceBucket()).thenReturn("inbound-bucket");
        when(f.getSourceKey()).thenReturn("tenant-1/" + vendor + "/feed.csv");
        when(f.getSourceEtag()).thenReturn("\"etag-" + vendor + "\"");
        when(f.getRunKey()).thenReturn("runs/r1/inbound/" + vendor + ".csv");
        when(f.getSize()).thenReturn(10L);
        return f;
    }

    static VendorRead read(String vendor) {
        VendorRead r = mock(VendorRead.class);
        when(r.getVendorId()).thenReturn(vendor);
        when(r.getFeedKey()).thenReturn("runs/r1/inbound/" + vendor + ".csv");
        when(r.getFeedEtag()).thenReturn("\"etag-" + vendor + "\"");
        return r;
    }

    static RunResult result(String status) {
        boolean failed = RunResult.FAILED.equals(status);
        return new RunResult(status, failed ? "MERGE_PRICE" : "COMPLETE", failed ? "MERGE_PRICE" : null,
                failed ? "ERROR_THRESHOLD_EXCEEDED" : null, failed ? "too many errors" : null, null, Map.of(), 10, 10);
    }

    /** The mock of every aws2-s3 producer (one per bucket: mock endpoints drop the options). */
    MockEndpoint s3() {
        return camel.getEndpoint("mock:aws2-s3:" + BUCKET, MockEndpoint.class);
    }

    MockEndpoint sqs() {
        return camel.getEndpoint("mock:aws2-sqs:" + JOBS, MockEndpoint.class);
    }

    /** The exchanges the S3 mock received for one operation (copyObject, getObject; put has none). */
    List<Exchange> s3Calls(String operation) {
        return s3().getReceivedExchanges().stream().filter(e -> {
            String uri = e.getProperty(ENDPOINT, String.class);
            return operation == null ? !uri.contains("operation=") : uri.contains("operation=" + operation);
        }).toList();
    }

    /** How often a mock's method ran. */
    static long calls(Object mock, String method) {
        return org.mockito.Mockito.mockingDetails(mock).getInvocations().stream()
                .filter(i -> i.getMethod().getName().equals(method)).count();
    }

    /** Records into a Mockito mock, so an endpoint's call joins an InOrder verification. */
    @SuppressWarnings("unchecked")
    static Consumer<String> wire() {
        return mock(Consumer.class);
    }
}
