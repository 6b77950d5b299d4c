package com.relay.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.relay.metrics.RelayMetrics;
import com.relay.runs.RunCreationPauses;
import com.relay.runs.RunCreator;
import com.relay.scheduler.ScheduleClaims.Outcome;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.TenantRepository.TenantVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The scheduler's decisions with a fake clock and fake stores (docs/CONTRACT.md#scheduled-runs, docs/CONTRACT.md#scheduler-vectors). */
class SchedulerTest {

    static final Instant T = Instant.parse("2026-11-22T14:00:00Z");
    static final Instant NOW = Instant.parse("2026-11-22T14:00:00.412Z");
    static final String LA_CONFIG = "{\"timezone\": \"America/Los_Angeles\", \"schedule\": {\"cron\": \"0 0 6 * * ?\", \"enabled\": true}}";

    final TenantRepository tenants = mock(TenantRepository.class);
    final ScheduleClaims claims = mock(ScheduleClaims.class);
    final RunCreator creator = mock(RunCreator.class);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<Duration> pauses = new ArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Scheduler scheduler;

    /** What the tenants directory hands to the scheduler, one tenant at a time. */
    private void tenantsAre(TenantVersion... versions) {
        org.mockito.Mockito.doAnswer(invocation -> {
            java.util.function.Consumer<TenantVersion> each = invocation.getArgument(0);
            for (TenantVersion v : versions) each.accept(v);
            return null;
        }).when(tenants).forEachLatest(any());
    }

    @BeforeEach
    void setUp() {
        scheduler = new Scheduler(tenants, claims, creator, new RelayMetrics(registry), Tracer.NOOP,
                Clock.fixed(NOW, ZoneOffset.UTC), "instance-a", 7, pauses::add);
        TenantVersion v3 = new TenantVersion("acme_parts", 3, "2026-11-01T00:00:00.000Z", "key:ops", LA_CONFIG);
        tenantsAre(v3);
        when(tenants.latest("acme_parts")).thenReturn(Optional.of(v3));
        when(claims.claim(anyString(), any(), anyString(), any(), anyInt())).thenReturn(true);
        when(claims.recordOutcome(anyString(), anyString(), any(), any())).thenReturn(true);
        logs.start();
        ((Logger) LoggerFactory.getLogger(Scheduler.class)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(Scheduler.class)).detachAppender(logs);
    }

    private static RunCreator.Created created(String runId) {
        return new RunCreator.Created(Map.of("run_id", AttributeValue.fromS(runId)));
    }

    private ILoggingEvent event(String name) {
        return logs.list.stream().filter(e -> e.getKeyValuePairs() != null && e.getKeyValuePairs().stream()
                .anyMatch(p -> p.key.equals("event") && p.value.equals(name))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " line in " + logs.list));
    }

    private static Object field(ILoggingEvent e, String key) {
        return e.getKeyValuePairs().stream().filter(p -> p.key.equals(key)).map(p -> p.value).findFirst().orElse(null);
    }

    private double skipped(String reason) {
        var c = registry.find(RelayMetrics.SCHEDULED_RUNS_SKIPPED).tag("Reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void s1_the_claimer_creates_the_run_as_scheduler_with_a_new_correlation_id() {
        when(creator.create(any(), any())).thenReturn(created("run-1"));

        List<Scheduler.FireResult> results = scheduler.tick(T);

        assertThat(results).containsExactly(new Scheduler.FireResult("acme_parts", T, Outcome.CREATED, "run-1"));
        verify(claims).claim("acme_parts", T, "instance-a", NOW, 7);
        ArgumentCaptor<RunCreator.Request> request = ArgumentCaptor.forClass(RunCreator.Request.class);
        verify(creator).create(request.capture(), eq(NOW));
        assertThat(request.getValue().tenantId()).isEqualTo("acme_parts");
        assertThat(request.getValue().configVersion()).isEqualTo(3);
        assertThat(request.getValue().createdBy()).isEqualTo("scheduler");
        assertThat(request.getValue().requestedBy()).isEqualTo("scheduler");
        assertThat(request.getValue().correlationId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        verify(claims).recordOutcome("schedule#acme_parts#2026-11-22T14:00:00Z", "instance-a", Outcome.CREATED, "run-1");
        ILoggingEvent line = event("scheduled_run_created");
        assertThat(field(line, "fire_time")).isEqualTo("2026-11-22T14:00:00.000Z");
        assertThat(field(line, "run_id")).isEqualTo("run-1");
        assertThat(field(line, "correlation_id")).isEqualTo(request.getValue().correlationId());
        assertThat(line.getMDCPropertyMap()).containsEntry("tenant_id", "acme_parts").containsEntry("run_id", "run-1")
                .containsEntry("correlation_id", request.getValue().correlationId());
        assertThat(pauses).isEmpty();
    }

    @Test
    void s2_ticks_without_a_fire_claim_nothing() {
        scheduler.tick(Instant.parse("2026-11-22T13:59:00Z"));
        scheduler.tick(Instant.parse("2026-11-22T14:01:00Z"));
        verify(claims, never()).claim(anyString(), any(), anyString(), any(), anyInt());
        verify(creator, never()).create(any(), any());
    }

    @Test
    void s5_an_instance_that_loses_the_claim_does_nothing_more() {
        when(claims.claim(anyString(), any(), anyString(), any(), anyInt())).thenReturn(false);
        assertThat(scheduler.tick(T)).containsExactly(new Scheduler.FireResult("acme_parts", T, null, null));
        verify(creator, never()).create(any(), any());
        verify(claims, never()).recordOutcome(anyString(), anyString(), any(), any());
    }

    @Test
    void s6_an_active_run_skips_the_fire_with_a_log_line_and_a_count() {
        when(creator.create(any(), any())).thenReturn(new RunCreator.AlreadyRunning("R0"));

        assertThat(scheduler.tick(T)).containsExactly(new Scheduler.FireResult("acme_parts", T, Outcome.SKIPPED_ACTIVE, null));

        verify(claims).recordOutcome("schedule#acme_parts#2026-11-22T14:00:00Z", "instance-a", Outcome.SKIPPED_ACTIVE, null);
        ILoggingEvent line = event("scheduled_run_skipped");
        assertThat(field(line, "active_run_id")).isEqualTo("R0");
        assertThat(field(line, "reason")).isEqualTo("tenant_active");
        assertThat(field(line, "tenant_id")).isEqualTo("acme_parts");
        assertThat(skipped("tenant_active")).isEqualTo(1.0);
        assertThat(skipped("error")).isZero();
    }

    /** docs/RUNBOOK.md "Pausing run creation": the claimer skips, once, with Reason=paused; no retry. */
    @Test
    void a_paused_tenant_skips_the_claimed_fire_with_reason_paused() {
        when(creator.create(any(), any())).thenReturn(new RunCreator.Paused(
                new RunCreationPauses.Pause("acme_parts", "feed replaced", "key:ops", "2026-11-22T13:00:00.000Z")));

        assertThat(scheduler.tick(T)).containsExactly(new Scheduler.FireResult("acme_parts", T, Outcome.SKIPPED_PAUSED, null));

        verify(claims).recordOutcome("schedule#acme_parts#2026-11-22T14:00:00Z", "instance-a", Outcome.SKIPPED_PAUSED, null);
        verify(creator, times(1)).create(any(), any());
        assertThat(pauses).isEmpty();
        ILoggingEvent line = event("scheduled_run_skipped");
        assertThat(field(line, "reason")).isEqualTo("paused");
        assertThat(field(line, "pause_scope")).isEqualTo("tenant");
        assertThat(skipped("paused")).isEqualTo(1.0);
        assertThat(skipped("tenant_active")).isZero();
        assertThat(skipped("error")).isZero();
    }

    @Test
    void s7_a_disabled_schedule_fires_nothing() {
        tenantsAre(new TenantVersion("acme_parts", 4, null, null, LA_CONFIG.replace("true", "false")));
        assertThat(scheduler.tick(T)).isEmpty();
        verify(claims, never()).claim(anyString(), any(), anyString(), any(), anyInt());
    }

    @Test
    void a_queue_failure_records_failed_enqueue_with_the_failed_run() {
        when(creator.create(any(), any())).thenReturn(new RunCreator.QueueUnavailable("run-q"));
        assertThat(scheduler.tick(T)).containsExactly(new Scheduler.FireResult("acme_parts", T, Outcome.FAILED_ENQUEUE, "run-q"));
        verify(claims).recordOutcome(anyString(), eq("instance-a"), eq(Outcome.FAILED_ENQUEUE), eq("run-q"));
        assertThat(event("scheduled_run_failed").getLevel().toString()).isEqualTo("WARN");
        assertThat(skipped("error")).isZero();
    }

    @Test
    void other_errors_are_tried_twice_more_one_and_two_seconds_apart_then_recorded_as_error() {
        when(creator.create(any(), any())).thenThrow(SdkClientException.create("dynamodb down"));

        assertThat(scheduler.tick(T)).containsExactly(new Scheduler.FireResult("acme_parts", T, Outcome.ERROR, null));

        verify(creator, org.mockito.Mockito.times(3)).create(any(), any());
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        verify(claims).recordOutcome(anyString(), eq("instance-a"), eq(Outcome.ERROR), eq(null));
        ILoggingEvent line = event("scheduled_run_error");
        assertThat(line.getLevel().toString()).isEqualTo("ERROR");
        assertThat(line.getThrowableProxy().getMessage()).contains("dynamodb down");
        assertThat(skipped("error")).isEqualTo(1.0);
    }

    @Test
    void a_tenant_without_configuration_at_creation_time_is_an_error() {
        when(tenants.latest("acme_parts")).thenReturn(Optional.empty());
        assertThat(scheduler.tick(T).get(0).outcome()).isEqualTo(Outcome.ERROR);
        verify(creator, never()).create(any(), any());
        assertThat(pauses).hasSize(2);
    }

    @Test
    void a_transient_conflict_is_retried_and_can_still_create() {
        when(creator.create(any(), any())).thenReturn(new RunCreator.Busy(), created("run-2"));
        assertThat(scheduler.tick(T).get(0)).isEqualTo(new Scheduler.FireResult("acme_parts", T, Outcome.CREATED, "run-2"));
        assertThat(pauses).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void the_route_entry_uses_the_trigger_scheduled_time() {
        when(creator.create(any(), any())).thenReturn(created("run-3"));
        assertThat(scheduler.onTick(java.util.Date.from(T))).extracting(Scheduler.FireResult::fireTime).containsExactly(T);
    }

    @Test
    void the_logging_context_is_restored_after_a_fire() {
        when(creator.create(any(), any())).thenReturn(created("run-4"));
        org.slf4j.MDC.put("tenant_id", "outer");
        try {
            scheduler.tick(T);
            assertThat(org.slf4j.MDC.get("tenant_id")).isEqualTo("outer");
            assertThat(org.slf4j.MDC.get("run_id")).isNull();
            assertThat(org.slf4j.MDC.get("correlation_id")).isNull();
        } finally {
            org.slf4j.MDC.clear();
        }
    }

}
