package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.relay.aws.ProvisionedResources;
import com.relay.config.RelaySettings;
import com.relay.engine.run.RunResult;
import com.relay.observability.MessageTracing;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import com.relay.tenants.config.TenantConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;

/**
 * The three recipes of docs/ROUTES.md ("Recipes"), read from that file and applied as an engineer
 * would: the audit tap inserted after {@code write-put-run-summary} and its route in a new file,
 * the local vendor source route in a new file, the error handler step replaced by the fixed
 * backoff; copies of the route files in a temporary folder, loaded by the slim context of
 * {@link WorkerRouteFixture}. The error handler and the leases are the real beans here (over a mock
 * SQS client and run store), so the backoff is checked where it crosses the wire.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = {WorkerRouteFixture.Slim.class, RouteRecipesTest.RealErrorHandling.class})
class RouteRecipesTest extends WorkerRouteFixture {

    static final Path RECIPES = Path.of("docs/ROUTES.md");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path routes = Files.createTempDirectory("relay-recipes");
        routes.toFile().deleteOnExit();
        List<Path> files = applyRecipes(routes);
        files.forEach(f -> f.toFile().deleteOnExit());
        workerProperties(registry, String.join(",", files.stream().map(f -> "file:" + f.toAbsolutePath()).toList()));
    }

    /** The beans behind the error handler, real: what they send to SQS is what the test checks. */
    @Configuration(proxyBeanMethods = false)
    @TestComponent
    static class RealErrorHandling {
        @Bean
        MessageTracing messageTracing() {
            return new MessageTracing(Tracer.NOOP, Propagator.NOOP);
        }

        /** Defaults: a backoff of 30 s × 2^(attempts − 1), at most 900 s. */
        @Bean
        RelaySettings relaySettings() {
            return RelaySettings.load(Map.<String, String>of()::get);
        }

        @Bean
        ProvisionedResources provisionedResources() {
            return new ProvisionedResources(BUCKET, "tenants", "runs", "notifications",
                    "http://127.0.0.1:9/000000000000/" + JOBS, "http://q/jobs-dlq", "http://q/notifications", "http://q/notifications-dlq");
        }

        @Bean
        AttemptLeases attemptLeases(RunAttemptStore store, SqsClient sqs, ProvisionedResources resources, RelaySettings settings,
                                    WorkerMetrics metrics, ObjectProvider<Clock> clock, MessageTracing tracing) {
            return new AttemptLeases(store, sqs, resources, settings, metrics, clock, tracing);
        }

        @Bean
        AttemptErrors attemptErrors(RunAttemptStore store, RelaySettings settings, WorkerMetrics metrics, AttemptLeases leases,
                                    ObjectProvider<Clock> clock, MessageTracing tracing) {
            return new AttemptErrors(store, settings, metrics, leases, clock, tracing);
        }
    }

    @MockitoBean(name = "runAttemptStore")
    RunAttemptStore store;
    @Autowired
    SqsClient sqs;

    @org.junit.jupiter.api.BeforeEach
    void freshQueue() {
        org.mockito.Mockito.clearInvocations(sqs);
    }

    @Override
    void moreAdvice() throws Exception {
        // what the audit route receives, seen by the test
        AdviceWith.adviceWith(camel, "run-audit", a -> a.weaveAddLast().to("mock:audited"));
    }

    // ------------------------------------------------------------------ recipe 1: audit wireTap

    @Test
    void theAuditTapSeesEverySuccessfulRunAndNoFailedOne() throws Exception {
        MockEndpoint audited = camel.getEndpoint("mock:audited", MockEndpoint.class);
        mergeResult = result(RunResult.FAILED);
        String failed = attempt.runId();
        sendJob();
        verify(attemptCompletion).terminalWrite(any());

        mergeResult = null;
        attempt = newAttempt(List.of(fetch("acme", "s3")), List.of(read("acme")));
        String succeeded = attempt.runId();
        // the tap runs on its own thread: wait for the successful run's copy where the audit route ends
        java.util.concurrent.CountDownLatch auditOfSuccess = new java.util.concurrent.CountDownLatch(1);
        audited.whenAnyExchangeReceived(e -> {
            if (succeeded.equals(auditedRun(e))) auditOfSuccess.countDown();
        });
        sendJob();

        assertThat(auditOfSuccess.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(audited.getReceivedExchanges()).extracting(RouteRecipesTest::auditedRun)
                .containsOnlyOnce(succeeded).doesNotContain(failed);
    }

    private static String auditedRun(Exchange e) {
        RunAttempt a = e.getProperty(RunAttempt.PROPERTY, RunAttempt.class);
        return a == null ? null : a.runId();
    }

    // ------------------------------------------------------------------ recipe 2: a vendor source route

    @Test
    void aVendorOfTheNewSourceKindIsStreamedIntoTheStoreRouteNotCopiedFromS3(@TempDir Path folder) throws Exception {
        when(store.release(anyString(), anyString(), anyString(), anyMap(), any())).thenReturn(true);
        Files.writeString(folder.resolve("feed.csv"), "sku,qty\nA-1,4\n");
        Files.setLastModifiedTime(folder.resolve("feed.csv"), FileTime.from(Instant.parse("2026-02-03T04:05:06Z")));
        Map<String, Object> spooled = new java.util.concurrent.ConcurrentHashMap<>();
        doAnswer(call -> {
            // what the contract's store route receives: the file's stream and its description
            Exchange ex = call.getArgument(0);
            spooled.put("body", ex.getMessage().getBody().getClass().getName());
            spooled.put("content", new String(ex.getMessage().getBody(InputStream.class).readAllBytes(), StandardCharsets.UTF_8));
            spooled.put("name", ex.getProperty(SourceFiles.NAME));
            spooled.put("size", ex.getProperty(SourceFiles.SIZE));
            spooled.put("modified", ex.getProperty(SourceFiles.MODIFIED));
            return null;
        }).when(sourceFiles).spool(any());
        attempt = newAttempt(List.of(fetch("acme", "s3"), localFetch("localco", folder, "feed.csv")),
                List.of(read("acme"), read("localco")));

        sendJob();

        assertThat(s3Calls("copyObject")).extracting(e -> e.getIn().getHeader(AWS2S3Constants.KEY))
                .containsExactly("tenant-1/acme/feed.csv");
        assertThat(spooled).containsEntry("content", "sku,qty\nA-1,4\n").containsEntry("name", "feed.csv")
                .containsEntry("size", 14L).containsEntry("modified", Instant.parse("2026-02-03T04:05:06Z").toEpochMilli());
        assertThat((String) spooled.get("body")).doesNotContain("StreamCache");
        verify(sourceFiles, never()).nothingFound(any());
        verify(runInputs, times(2)).vendorFetched(any());
        verify(attemptCompletion).terminalWrite(any());
        verify(store, never()).release(anyString(), anyString(), anyString(), anyMap(), any());
    }

    @Test
    void aMissingLocalFeedIsAMissingVendor(@TempDir Path folder) throws Exception {
        when(store.release(anyString(), anyString(), anyString(), anyMap(), any())).thenReturn(true);
        attempt = newAttempt(List.of(localFetch("localco", folder, "missing.csv")), List.of(read("localco")));

        sendJob();

        verify(sourceFiles).nothingFound(any());
        verify(sourceFiles, never()).spool(any());
        verify(store, never()).release(anyString(), anyString(), anyString(), anyMap(), any());
    }

    private static VendorFetch localFetch(String vendor, Path folder, String file) {
        VendorFetch f = fetch(vendor, "local");
        when(f.getRemote()).thenReturn(new TenantConfig.Remote(null, 0, null, null, null, null,
                folder.toAbsolutePath().toString(), file, 0, null, null, null, null, null, null));
        when(f.getRunKey()).thenReturn(null);
        return f;
    }

    // ------------------------------------------------------------------ recipe 3: the retry backoff

    @Test
    void aFailedAttemptComesBackAfterTheRecipesBackoffNotTheSettings() throws Exception {
        when(store.release(anyString(), anyString(), anyString(), anyMap(), any())).thenReturn(true);
        // the third attempt: the settings' backoff would be min(30 × 2², 900) = 120 s
        attempt = newAttempt(List.of(fetch("acme", "s3")), List.of(read("acme")), 3);
        doThrow(SdkClientException.create("S3 unavailable")).when(runOutputs).mergePrice(any());

        sendJob();

        @SuppressWarnings("unchecked")
        ArgumentCaptor<Consumer<ChangeMessageVisibilityRequest.Builder>> change = ArgumentCaptor.forClass(Consumer.class);
        verify(sqs).changeMessageVisibility(change.capture());
        ChangeMessageVisibilityRequest.Builder request = ChangeMessageVisibilityRequest.builder();
        change.getValue().accept(request);
        assertThat(request.build().visibilityTimeout()).isEqualTo(5);
        assertThat(request.build().receiptHandle()).isEqualTo(RECEIPT);
        verify(store).release(eq(attempt.runId()), eq(attempt.attemptId), contains("S3 unavailable"), anyMap(), any());
    }

    // ------------------------------------------------------------------ applying the recipes

    /** The route files with the three recipes applied, written under {@code routes}. */
    static List<Path> applyRecipes(Path routes) throws IOException {
        String markdown = Files.readString(RECIPES);
        List<String> audit = yamlBlocks(markdown, "### Recipe 1");
        List<String> source = yamlBlocks(markdown, "### Recipe 2");
        List<String> backoff = yamlBlocks(markdown, "### Recipe 3");
        assertThat(audit).hasSize(2);
        assertThat(source).hasSize(1);
        assertThat(backoff).hasSize(1);

        List<Object> worker = load(Files.readString(Path.of("routes/run-worker.camel.yaml")));
        assertThat(insertAfter(worker, "write-put-run-summary", load(audit.get(0)))).as("write-put-run-summary found").isTrue();
        List<Object> errors = load(Files.readString(Path.of("routes/config/worker-errors.camel.yaml")));
        List<Object> step = load(backoff.get(0));
        assertThat(replace(errors, "worker-attempt-failed", step.get(0))).as("worker-attempt-failed found").isTrue();

        List<Path> files = new ArrayList<>();
        files.add(write(routes.resolve("run-worker.camel.yaml"), dump(worker)));
        files.add(write(routes.resolve("run-audit.camel.yaml"), audit.get(1)));
        files.add(write(routes.resolve("fetch-vendor-local.camel.yaml"), source.get(0)));
        files.add(write(routes.resolve("worker-errors.camel.yaml"), dump(errors)));
        return files;
    }

    /** The {@code yaml} blocks of the section that starts with {@code heading}, in order. */
    static List<String> yamlBlocks(String markdown, String heading) {
        int start = markdown.indexOf(heading);
        assertThat(start).as(heading + " in " + RECIPES).isNotNegative();
        int from = start + heading.length();
        int nextSection = markdown.indexOf("\n## ", from);
        int nextRecipe = markdown.indexOf("\n### ", from);
        int end = nextRecipe >= 0 && (nextSection < 0 || nextRecipe < nextSection) ? nextRecipe : nextSection;
        String section = markdown.substring(start, end < 0 ? markdown.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) blocks.add(m.group(1));
        return blocks;
    }

    /** Inserts {@code steps} after the step with id {@code id}, in whichever steps list holds it. */
    @SuppressWarnings("unchecked")
    static boolean insertAfter(Object node, String id, List<Object> steps) {
        if (node instanceof List<?> list) {
            List<Object> items = (List<Object>) list;
            for (int i = 0; i < items.size(); i++) {
                if (hasId(items.get(i), id)) {
                    items.addAll(i + 1, steps);
                    return true;
                }
                if (insertAfter(items.get(i), id, steps)) return true;
            }
        } else if (node instanceof Map<?, ?> map) {
            for (Object v : map.values()) if (insertAfter(v, id, steps)) return true;
        }
        return false;
    }

    /** Replaces the step with id {@code id} by {@code step}. */
    @SuppressWarnings("unchecked")
    static boolean replace(Object node, String id, Object step) {
        if (node instanceof List<?> list) {
            List<Object> items = (List<Object>) list;
            for (int i = 0; i < items.size(); i++) {
                if (hasId(items.get(i), id)) {
                    items.set(i, step);
                    return true;
                }
                if (replace(items.get(i), id, step)) return true;
            }
        } else if (node instanceof Map<?, ?> map) {
            for (Object v : map.values()) if (replace(v, id, step)) return true;
        }
        return false;
    }

    /** A step: {@code {<eip>: {id: ..., ...}}}. */
    private static boolean hasId(Object item, String id) {
        return item instanceof Map<?, ?> step && step.size() == 1
                && step.values().iterator().next() instanceof Map<?, ?> spec && id.equals(spec.get("id"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> load(String yaml) {
        return (List<Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    }

    private static String dump(Object yaml) {
        return new Dump(DumpSettings.builder().build()).dumpToString(yaml);
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
