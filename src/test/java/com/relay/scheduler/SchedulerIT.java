package com.relay.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.aws.ProvisionedResources;
import com.relay.metrics.RelayMetrics;
import com.relay.runs.RunCreator;
import com.relay.scheduler.ScheduleClaims.Outcome;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.config.TenantConfigJson;
import com.relay.tenants.config.TenantConfigParser;
import com.relay.tenants.config.ValidationResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Scheduled runs against the real application and the embedded emulators (docs/CONTRACT.md#scheduled-runs,
 * docs/CONTRACT.md#scheduler-vectors S1, S5, S6, S10). Scheduler instances are built here with their own instance ids and a
 * fake clock, on the application's repositories, run creator and meter registry, so several
 * "processes" compete for the same claim items in the same runs table.
 *
 * <p>Each test's tenant has a cron pinned to its own past date, so the application's live
 * {@code scheduler-tick} route (running in this context on the real clock) never fires for it, and
 * no test's tenant fires in another test's tick.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0",
        // the test reads the jobs queue itself (same properties as ApiTestSupport: one shared context)
        "WORKER_ENABLED=false"})
class SchedulerIT {

    static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    @Autowired TenantRepository tenants;
    @Autowired ScheduleClaims claims;
    @Autowired RunCreator creator;
    @Autowired RelayMetrics metrics;
    @Autowired MeterRegistry registry;
    @Autowired DynamoDbClient dynamoDb;
    @Autowired SqsClient sqs;
    @Autowired ProvisionedResources resources;
    @Autowired CamelContext camel;
    @Autowired Scheduler applicationScheduler;
    @Autowired com.relay.aws.AwsRuntime aws;

    /** Counts DynamoDB requests and the items they read (Scan: scanned, Query: returned). */
    static final class ReadCounter implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
        final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong items = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void afterExecution(software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
                                   software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            requests.incrementAndGet();
            if (context.response() instanceof software.amazon.awssdk.services.dynamodb.model.ScanResponse r) items.addAndGet(r.scannedCount());
            if (context.response() instanceof software.amazon.awssdk.services.dynamodb.model.QueryResponse r) items.addAndGet(r.scannedCount());
            if (context.response() instanceof software.amazon.awssdk.services.dynamodb.model.GetItemResponse r && r.hasItem()) items.incrementAndGet();
        }

        long[] reset() {
            return new long[] {requests.getAndSet(0), items.getAndSet(0)};
        }
    }

    /** A clock tests move by hand. */
    static final class MovableClock extends Clock {
        volatile Instant now;
        MovableClock(Instant now) { this.now = now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private Scheduler instance(String id, Clock clock) {
        return new Scheduler(tenants, claims, creator, metrics, Tracer.NOOP, clock, id, 7, d -> { });
    }

    private String scheduledTenant(String base, String timezone, String cron) {
        String tenant = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        String json = """
                {"schema_version": 1, "tenant_id": "%s", "timezone": "%s", "default_currency": "USD",
                 "vendors": [{"vendor_id": "vendor-a", "required": false,
                              "inbound": {"type": "s3", "s3_prefix": "tenants/%s/inbound/vendor-a/"},
                              "parser": {"format": "csv"}}],
                 "pricing": {"base_margin_pct": 0.20, "min_price": 1, "shipping_handling_flat": 0,
                             "map_policy": {}, "rounding": {}},
                 "merge": {"strategy": "best_offer", "best_offer": {"landed_cost": {}}},
                 "output": {"columns": ["sku", "quantity_available", "price"]},
                 "schedule": {"cron": "%s"}}
                """.formatted(tenant, timezone, tenant, cron);
        ValidationResult result = new TenantConfigParser().parse(json.getBytes(StandardCharsets.UTF_8),
                TenantConfigParser.Format.JSON, TenantConfigParser.Context.api(TenantConfigParser.RunMode.EMBEDDED));
        assertThat(result).isInstanceOf(ValidationResult.Valid.class);
        String stored = TenantConfigJson.toJson(((ValidationResult.Valid) result).config());
        assertThat(tenants.createFirst(tenant, stored, "key:test", "2026-11-01T00:00:00.000Z")).isTrue();
        return tenant;
    }

    /**
     * Issue 17 defect 10: a tick reads each tenant's latest version only. Thirty more versions of
     * every test tenant change neither the number of DynamoDB requests of a tick's tenant read nor
     * the number of items it reads (one directory item and one version per tenant).
     */
    @Test
    void aTicksTenantReadDoesNotGrowWithTheNumberOfVersions() {
        ReadCounter counter = new ReadCounter();
        try (DynamoDbClient counted = aws.clients().withInterceptors(List.of(counter)).dynamoDb()) {
            TenantRepository repository = new TenantRepository(counted, resources);
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < 3; i++) mine.add(scheduledTenant("versions", "UTC", "0 0 6 1 1 ? 2001"));
            repository.forEachLatest(v -> { }); // the first call may list older tenants once (backfill)
            counter.reset();

            List<TenantRepository.TenantVersion> before = new ArrayList<>();
            repository.forEachLatest(before::add);
            long[] readBefore = counter.reset();
            for (String tenant : mine) {
                String config = tenants.latest(tenant).orElseThrow().configJson();
                for (int v = 0; v < 30; v++) tenants.putNext(tenant, config, "key:test", "2026-11-02T00:00:00.000Z", 1000);
            }
            List<TenantRepository.TenantVersion> after = new ArrayList<>();
            repository.forEachLatest(after::add);
            long[] readAfter = counter.reset();

            assertThat(after).hasSameSizeAs(before);
            assertThat(after).filteredOn(v -> mine.contains(v.tenantId()))
                    .extracting(TenantRepository.TenantVersion::configVersion).containsOnly(31L);
            assertThat(readAfter).as("requests, items").containsExactly(readBefore[0], readBefore[1]);
            assertThat(readAfter[1]).isEqualTo(2L * after.size()); // a directory item and a version per tenant
        }
    }

    /** A table written before the directory existed: the first tick lists its tenants once. */
    @Test
    void tenantsWrittenBeforeTheDirectoryAreListedOnce() {
        String legacy = "legacy-" + UUID.randomUUID().toString().substring(0, 8);
        String config = tenants.latest(scheduledTenant("model", "UTC", "0 0 6 1 1 ? 2001")).orElseThrow().configJson();
        // a version put the old way: no directory item
        dynamoDb.putItem(b -> b.tableName(resources.tenantsTable()).item(Map.of("tenant_id", AttributeValue.fromS(legacy),
                "config_version", AttributeValue.fromN("1"), "config", AttributeValue.fromS(config.replace("model-", "legacy-")),
                "created_at", AttributeValue.fromS("2026-01-01T00:00:00.000Z"), "created_by", AttributeValue.fromS("key:test"))));
        dynamoDb.deleteItem(b -> b.tableName(resources.tenantsTable()).key(Map.of(
                "tenant_id", AttributeValue.fromS("#directory-backfill"), "config_version", AttributeValue.fromN("0"))));
        TenantRepository fresh = new TenantRepository(dynamoDb, resources);
        List<String> listed = new ArrayList<>();
        fresh.forEachLatest(v -> listed.add(v.tenantId()));
        assertThat(listed).contains(legacy);
        assertThat(dynamoDb.getItem(b -> b.tableName(resources.tenantsTable()).consistentRead(true).key(Map.of(
                "tenant_id", AttributeValue.fromS("#directory-backfill"), "config_version", AttributeValue.fromN("0")))).item())
                .containsKey("tenants_listed");
        // the directory item is never taken for a version
        assertThat(tenants.version(legacy, 0)).isEmpty();
        assertThat(tenants.versions(legacy, 10, null).items()).extracting(TenantRepository.TenantVersion::configVersion)
                .containsExactly(1L);
    }

    private Map<String, AttributeValue> item(String key) {
        return dynamoDb.getItem(b -> b.tableName(resources.runsTable()).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(key)))).item();
    }

    private List<Map<String, AttributeValue>> runsOf(String tenant) {
        return dynamoDb.query(b -> b.tableName(resources.runsTable()).indexName("tenant_id-requested_at-index")
                .keyConditionExpression("tenant_id = :t")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenant)))).items();
    }

    private double count(String name, String tag, String value) {
        Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private static List<Scheduler.FireResult> of(List<Scheduler.FireResult> results, String tenant) {
        return results.stream().filter(r -> r.tenantId().equals(tenant)).toList();
    }

    /** What a worker's terminal write does (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): status terminal, lock released, both conditional. */
    private void finish(String runId, String tenant) {
        dynamoDb.updateItem(b -> b.tableName(resources.runsTable()).key(Map.of("run_id", AttributeValue.fromS(runId)))
                .updateExpression("SET #s = :s").conditionExpression("attribute_exists(run_id)")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("SUCCEEDED"))));
        dynamoDb.deleteItem(b -> b.tableName(resources.runsTable())
                .key(Map.of("run_id", AttributeValue.fromS("lock#" + tenant)))
                .conditionExpression("active_run_id = :r")
                .expressionAttributeValues(Map.of(":r", AttributeValue.fromS(runId))));
    }

    private Message findJob(String runId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(resources.jobsQueueUrl()).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")).messages()) {
                if (m.body().contains(runId)) return m;
            }
        }
        throw new AssertionError("job for " + runId + " not found");
    }

    @Test
    void the_tick_route_runs_the_scheduler_bean_every_minute() {
        assertThat(camel.getRouteController().getRouteStatus("scheduler-tick").isStarted()).isTrue();
        assertThat(camel.getRoute("scheduler-tick").getEndpoint().getEndpointUri()).startsWith("quartz://relay/scheduler-tick");
        assertThat(applicationScheduler.instanceId()).isNotBlank();
    }

    @ParameterizedTest(name = "{0} instances")
    @CsvSource({"2, 22", "3, 25"})
    void s1_s5_competing_instances_create_exactly_one_run_per_fire(int instances, int day) throws Exception {
        String tenant = scheduledTenant("sched", "America/Los_Angeles", "0 0 6 " + day + " 11 ? 2026");
        Instant t = Instant.parse("2026-11-" + day + "T14:00:00Z"); // 06:00 PST
        Instant now = t.plusMillis(412);
        double createdBefore = count(RelayMetrics.RUNS_CREATED, "CreatedBy", "scheduler");

        ExecutorService pool = Executors.newFixedThreadPool(instances);
        List<Scheduler.FireResult> results = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<List<Scheduler.FireResult>>> ticks = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                Scheduler s = instance("instance-" + i, Clock.fixed(now, ZoneOffset.UTC));
                ticks.add(() -> {
                    start.await();
                    return s.tick(t);
                });
            }
            List<Future<List<Scheduler.FireResult>>> futures = new ArrayList<>();
            for (Callable<List<Scheduler.FireResult>> tick : ticks) futures.add(pool.submit(tick));
            start.countDown();
            for (Future<List<Scheduler.FireResult>> f : futures) results.addAll(of(f.get(), tenant));
        } finally {
            pool.shutdownNow();
        }

        assertThat(results).hasSize(instances);
        List<Scheduler.FireResult> created = results.stream().filter(r -> r.outcome() == Outcome.CREATED).toList();
        assertThat(created).hasSize(1);
        assertThat(results.stream().filter(r -> r.outcome() == null)).hasSize(instances - 1);
        String runId = created.get(0).runId();
        assertThat(created.get(0).fireTime()).isEqualTo(t);

        List<Map<String, AttributeValue>> runs = runsOf(tenant);
        assertThat(runs).hasSize(1);
        Map<String, AttributeValue> run = runs.get(0);
        assertThat(run.get("run_id").s()).isEqualTo(runId);
        assertThat(run.get("created_by").s()).isEqualTo("scheduler");
        assertThat(run.get("requested_by").s()).isEqualTo("scheduler");
        assertThat(run.get("status").s()).isEqualTo("QUEUED");
        assertThat(run.get("config_version").n()).isEqualTo("1");
        assertThat(run.get("requested_at").s()).isEqualTo(now.toString());
        String correlationId = run.get("correlation_id").s();
        assertThat(correlationId).matches(UUID_V4);

        Map<String, AttributeValue> claim = item("schedule#" + tenant + "#2026-11-" + day + "T14:00:00Z");
        assertThat(claim.get("item_type").s()).isEqualTo("SCHEDULE_CLAIM");
        assertThat(claim.get("claimed_by").s()).startsWith("instance-");
        assertThat(claim.get("claimed_at").s()).isEqualTo("2026-11-" + day + "T14:00:00.412Z");
        assertThat(claim.get("outcome").s()).isEqualTo("CREATED");
        assertThat(claim.get("outcome_run_id").s()).isEqualTo(runId);
        assertThat(claim.get("ttl").n()).isEqualTo(Long.toString(t.getEpochSecond() + 7 * 86_400L));
        assertThat(claim).doesNotContainKeys("tenant_id", "status", "requested_at");

        assertThat(count(RelayMetrics.RUNS_CREATED, "CreatedBy", "scheduler") - createdBefore).isEqualTo(1.0);
        Message job = findJob(runId);
        assertThat(job.messageAttributes().get("correlation_id").stringValue()).isEqualTo(correlationId);
        assertThat(job.body()).contains("\"correlation_id\":\"" + correlationId + "\"");
        assertThat(item("lock#" + tenant).get("active_run_id").s()).isEqualTo(runId);
    }

    @Test
    void s6_a_tenant_with_an_active_run_is_skipped_and_counted() {
        String tenant = scheduledTenant("sched-busy", "America/Los_Angeles", "0 0 6 23 11 ? 2026");
        Instant t = Instant.parse("2026-11-23T14:00:00Z");
        RunCreator.Result r0 = creator.create(new RunCreator.Request(tenant, 1, "api", "key:dev", "c-r0"), t.minusSeconds(600));
        assertThat(r0).isInstanceOf(RunCreator.Created.class);
        String r0Id = ((RunCreator.Created) r0).run().get("run_id").s();
        dynamoDb.updateItem(b -> b.tableName(resources.runsTable()).key(Map.of("run_id", AttributeValue.fromS(r0Id)))
                .updateExpression("SET #s = :s").conditionExpression("attribute_exists(run_id)")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("RUNNING"))));
        double skippedBefore = count(RelayMetrics.SCHEDULED_RUNS_SKIPPED, "Reason", "tenant_active");
        double createdBefore = count(RelayMetrics.RUNS_CREATED, "CreatedBy", "scheduler");

        List<Scheduler.FireResult> results = of(instance("instance-s6", Clock.fixed(t.plusSeconds(1), ZoneOffset.UTC)).tick(t), tenant);

        assertThat(results).containsExactly(new Scheduler.FireResult(tenant, t, Outcome.SKIPPED_ACTIVE, null));
        assertThat(runsOf(tenant)).extracting(i -> i.get("run_id").s()).containsExactly(r0Id);
        Map<String, AttributeValue> claim = item(ScheduleClaims.key(tenant, t));
        assertThat(claim.get("outcome").s()).isEqualTo("SKIPPED_ACTIVE");
        assertThat(claim).doesNotContainKey("outcome_run_id");
        assertThat(count(RelayMetrics.SCHEDULED_RUNS_SKIPPED, "Reason", "tenant_active") - skippedBefore).isEqualTo(1.0);
        assertThat(count(RelayMetrics.RUNS_CREATED, "CreatedBy", "scheduler") - createdBefore).isZero();
        assertThat(registry.find(RelayMetrics.SCHEDULED_RUNS_SKIPPED).tag("Reason", "tenant_active").counter().getId()
                .getTag("Environment")).isNotNull();
    }

    @Test
    void s10_fires_during_a_run_are_skipped_and_the_next_fire_after_it_creates_a_run() {
        String tenant = scheduledTenant("sched-15", "UTC", "0 */15 * 24 11 ? 2026");
        MovableClock clock = new MovableClock(Instant.parse("2026-11-24T00:00:00.050Z"));
        Scheduler a = instance("instance-a", clock);
        Scheduler b = instance("instance-b", clock);

        List<Scheduler.FireResult> first = of(a.tick(Instant.parse("2026-11-24T00:00:00Z")), tenant);
        assertThat(first).extracting(Scheduler.FireResult::outcome).containsExactly(Outcome.CREATED);
        String runA = first.get(0).runId();

        clock.now = Instant.parse("2026-11-24T00:01:00.050Z");
        assertThat(of(a.tick(Instant.parse("2026-11-24T00:01:00Z")), tenant)).isEmpty(); // no fire in (00:00, 00:01]

        clock.now = Instant.parse("2026-11-24T00:15:00.050Z"); // the run takes 20 minutes
        assertThat(of(b.tick(Instant.parse("2026-11-24T00:15:00Z")), tenant)).extracting(Scheduler.FireResult::outcome)
                .containsExactly(Outcome.SKIPPED_ACTIVE);
        // the skipped fire is not retried, not even by another instance
        assertThat(of(a.tick(Instant.parse("2026-11-24T00:15:00Z")), tenant)).extracting(Scheduler.FireResult::outcome)
                .containsExactly((Outcome) null);

        clock.now = Instant.parse("2026-11-24T00:20:00.000Z");
        finish(runA, tenant);

        clock.now = Instant.parse("2026-11-24T00:30:00.050Z");
        List<Scheduler.FireResult> third = of(b.tick(Instant.parse("2026-11-24T00:30:00Z")), tenant);
        assertThat(third).extracting(Scheduler.FireResult::outcome).containsExactly(Outcome.CREATED);
        assertThat(third.get(0).runId()).isNotEqualTo(runA);
        assertThat(runsOf(tenant)).hasSize(2).allSatisfy(r -> assertThat(r.get("created_by").s()).isEqualTo("scheduler"));
        assertThat(item(ScheduleClaims.key(tenant, Instant.parse("2026-11-24T00:30:00Z"))).get("claimed_by").s())
                .isEqualTo("instance-b");
        assertThat(runsOf(tenant).stream().map(r -> r.get("correlation_id").s()).filter(Objects::nonNull).distinct()).hasSize(2);
    }
}
