package com.relay.scheduler;

import com.relay.config.RelaySettings;
import com.relay.logging.LogContext;
import com.relay.metrics.RelayMetrics;
import com.relay.runs.RunCreator;
import com.relay.scheduler.ScheduleClaims.Outcome;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.TenantRepository.TenantVersion;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Scheduled runs (docs/CONTRACT.md#scheduled-runs). Called by the {@code scheduler-tick} route once a minute
 * with the tick's scheduled instant {@code T}:
 * <ol>
 *   <li>the latest version of each tenant listed in the tenants directory index, one tenant at a
 *       time (docs/CONTRACT.md#which-tenants-fire; {@link TenantRepository#forEachLatest});</li>
 *   <li>for each tenant with {@code schedule.enabled}, every fire {@code F} of its cron in its
 *       {@code timezone} with {@code T − 60 s < F ≤ T} ({@link FireTimes});</li>
 *   <li>claim {@code (tenant, F)} with a conditional put ({@link ScheduleClaims}): across any number
 *       of instances exactly one proceeds (docs/CONTRACT.md#one-run-per-fire);</li>
 *   <li>the claimer creates the run through {@link RunCreator#create} — the path of
 *       {@code POST /v1/runs} — as {@code scheduler}, with a new correlation id, and writes the
 *       claim's outcome (docs/CONTRACT.md#creating-the-scheduled-run).</li>
 * </ol>
 * Time comes from the injected clock and the trigger's {@code T}; nothing depends on when the tick
 * actually ran (a late tick still evaluates its own minute, docs/CONTRACT.md#scheduler-tick). Pure Java: no Camel imports.
 */
@Component("scheduler")
public class Scheduler {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    public static final String PRINCIPAL = "scheduler";
    /** docs/CONTRACT.md#creating-the-scheduled-run: the first try and 2 more, 1 s and 2 s apart. */
    static final List<Duration> RETRY_PAUSES = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));

    /** Waits between tries; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** What one fire came to on this instance ({@code outcome} null: another instance holds the claim). */
    public record FireResult(String tenantId, Instant fireTime, Outcome outcome, String runId) {}

    private final TenantRepository tenants;
    private final ScheduleClaims claims;
    private final RunCreator creator;
    private final RelayMetrics metrics;
    private final Tracer tracer;
    private final Clock clock;
    private final String instanceId;
    private final int claimTtlDays;
    private final Sleeper sleeper;

    @Autowired
    public Scheduler(TenantRepository tenants, ScheduleClaims claims, RunCreator creator, RelayMetrics metrics,
                     RelaySettings settings, ObjectProvider<Clock> clock, ObjectProvider<Tracer> tracer) {
        this(tenants, claims, creator, metrics, tracer.getIfAvailable(() -> Tracer.NOOP),
                clock.getIfAvailable(Clock::systemUTC), settings.scheduler().instanceId(),
                settings.scheduler().claimTtlDays(), d -> Thread.sleep(d.toMillis()));
    }

    public Scheduler(TenantRepository tenants, ScheduleClaims claims, RunCreator creator, RelayMetrics metrics,
                     Tracer tracer, Clock clock, String instanceId, int claimTtlDays, Sleeper sleeper) {
        this.tenants = tenants;
        this.claims = claims;
        this.creator = creator;
        this.metrics = metrics;
        this.tracer = tracer;
        this.clock = clock;
        this.instanceId = instanceId;
        this.claimTtlDays = claimTtlDays;
        this.sleeper = sleeper;
    }

    public String instanceId() { return instanceId; }

    /** Route entry: the quartz trigger's {@code scheduledFireTime}. */
    public List<FireResult> onTick(Date scheduledFireTime) {
        Instant t = scheduledFireTime == null ? clock.instant().truncatedTo(ChronoUnit.MINUTES) : scheduledFireTime.toInstant();
        return tick(t);
    }

    /** One tick with scheduled instant {@code t}, inside the span {@code relay.scheduler.tick}. */
    public List<FireResult> tick(Instant t) {
        Span span = tracer.nextSpan().name("relay.scheduler.tick").tag("relay.scheduler.tick", TS.format(t))
                .tag("relay.scheduler.instance_id", instanceId).start();
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            List<FireResult> results = new ArrayList<>();
            try {
                // one tenant's latest version at a time: reads and memory do not grow with versions
                tenants.forEachLatest(version -> fireDue(version, t, results));
            } catch (RuntimeException e) {
                span.error(e);
                log.atError().setCause(e).addKeyValue("fire_time", TS.format(t))
                        .log("Scheduler tick {} could not read the tenants table", TS.format(t));
                return results;
            }
            log.atDebug().addKeyValue("fire_time", TS.format(t)).addKeyValue("fires", results.size())
                    .log("Scheduler tick {}: {} fire(s)", TS.format(t), results.size());
            return results;
        } finally {
            span.end();
        }
    }

    /** Every fire of {@code version}'s schedule in the tick's window, claimed and run. */
    private void fireDue(TenantVersion version, Instant t, List<FireResult> results) {
        Optional<ScheduledTenant> scheduled;
        List<Instant> fires;
        try {
            scheduled = ScheduledTenant.of(version);
            if (scheduled.isEmpty()) return;
            fires = FireTimes.inWindow(scheduled.get().cron(), scheduled.get().zone(), t);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("tenant_id", version.tenantId()).addKeyValue("error", e.toString())
                    .log("Schedule of tenant {} version {} is unreadable; skipped", version.tenantId(),
                            version.configVersion());
            return;
        }
        for (Instant fire : fires) results.add(fire(scheduled.get().tenantId(), fire));
    }

    /** Claims one fire and, when this instance holds the claim, creates the run (docs/CONTRACT.md#one-run-per-fire, docs/CONTRACT.md#creating-the-scheduled-run). */
    FireResult fire(String tenantId, Instant fire) {
        String fireTime = TS.format(fire);
        String claimKey = ScheduleClaims.key(tenantId, fire);
        String correlationId = UUID.randomUUID().toString();
        try (LogContext.Scope logScope = LogContext.open().tenantId(tenantId).correlationId(correlationId)) {
            boolean claimed;
            try {
                claimed = claims.claim(tenantId, fire, instanceId, now(), claimTtlDays);
            } catch (RuntimeException e) {
                log.atError().setCause(e).addKeyValue("event", "scheduled_run_error").addKeyValue("fire_time", fireTime)
                        .log("Scheduled run of tenant {} at {} failed: the fire could not be claimed", tenantId, fireTime);
                metrics.scheduledRunSkipped("error");
                return new FireResult(tenantId, fire, Outcome.ERROR, null);
            }
            if (!claimed) {
                log.atDebug().addKeyValue("fire_time", fireTime)
                        .log("Fire {} of tenant {} is claimed by another instance", fireTime, tenantId);
                return new FireResult(tenantId, fire, null, null);
            }
            Span span = tracer.nextSpan().name("relay.scheduler.fire").tag("relay.tenant_id", tenantId)
                    .tag("relay.correlation_id", correlationId).tag("relay.scheduler.fire_time", fireTime).start();
            try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
                FireResult result = createRun(tenantId, fire, fireTime, correlationId, logScope);
                span.tag("relay.scheduler.outcome", result.outcome().name());
                if (result.outcome() == Outcome.FAILED_ENQUEUE) span.tag("relay.error_code", "QUEUE_UNAVAILABLE");
                if (result.runId() != null) span.tag("relay.run_id", result.runId());
                try {
                    if (!claims.recordOutcome(claimKey, instanceId, result.outcome(), result.runId())) {
                        log.warn("Outcome {} of claim {} not recorded: the claim changed", result.outcome(), claimKey);
                    }
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("error", e.toString())
                            .log("Outcome {} of claim {} not recorded", result.outcome(), claimKey);
                }
                return result;
            } finally {
                span.end();
            }
        }
    }

    private FireResult createRun(String tenantId, Instant fire, String fireTime, String correlationId,
                                 LogContext.Scope logScope) {
        RuntimeException lastError = null;
        for (int attempt = 0; attempt <= RETRY_PAUSES.size(); attempt++) {
            if (attempt > 0 && !pause(RETRY_PAUSES.get(attempt - 1))) break;
            try {
                // docs/CONTRACT.md#endpoints step 2: the tenant's latest version, read consistently
                TenantVersion latest = tenants.latest(tenantId)
                        .orElseThrow(() -> new IllegalStateException("tenant " + tenantId + " has no configuration"));
                RunCreator.Result result = creator.create(new RunCreator.Request(tenantId, latest.configVersion(),
                        PRINCIPAL, PRINCIPAL, correlationId), now());
                if (result instanceof RunCreator.Created created) {
                    String runId = created.run().get("run_id").s();
                    logScope.runId(runId);
                    log.atInfo().addKeyValue("event", "scheduled_run_created").addKeyValue("tenant_id", tenantId)
                            .addKeyValue("fire_time", fireTime).addKeyValue("run_id", runId)
                            .addKeyValue("correlation_id", correlationId)
                            .log("Scheduled run {} created for tenant {} (fire {})", runId, tenantId, fireTime);
                    return new FireResult(tenantId, fire, Outcome.CREATED, runId);
                }
                if (result instanceof RunCreator.AlreadyRunning running) {
                    log.atInfo().addKeyValue("event", "scheduled_run_skipped").addKeyValue("tenant_id", tenantId)
                            .addKeyValue("fire_time", fireTime).addKeyValue("active_run_id", running.activeRunId())
                            .addKeyValue("reason", "tenant_active")
                            .log("Scheduled run of tenant {} at {} skipped: run {} is active", tenantId, fireTime,
                                    running.activeRunId());
                    metrics.scheduledRunSkipped("tenant_active");
                    return new FireResult(tenantId, fire, Outcome.SKIPPED_ACTIVE, null);
                }
                if (result instanceof RunCreator.Paused paused) {
                    // an operator's pause (docs/RUNBOOK.md): the fire is claimed, so one instance counts it
                    log.atInfo().addKeyValue("event", "scheduled_run_skipped").addKeyValue("tenant_id", tenantId)
                            .addKeyValue("fire_time", fireTime).addKeyValue("reason", "paused")
                            .addKeyValue("pause_scope", paused.pause().scope())
                            .log("Scheduled run of tenant {} at {} skipped: run creation is paused ({})", tenantId,
                                    fireTime, paused.pause().reason());
                    metrics.scheduledRunSkipped("paused");
                    return new FireResult(tenantId, fire, Outcome.SKIPPED_PAUSED, null);
                }
                if (result instanceof RunCreator.QueueUnavailable unavailable) {
                    logScope.runId(unavailable.runId());
                    log.atWarn().addKeyValue("event", "scheduled_run_failed").addKeyValue("tenant_id", tenantId)
                            .addKeyValue("fire_time", fireTime).addKeyValue("run_id", unavailable.runId())
                            .addKeyValue("error_code", "QUEUE_UNAVAILABLE")
                            .log("Scheduled run {} of tenant {} failed: job queue unavailable", unavailable.runId(), tenantId);
                    return new FireResult(tenantId, fire, Outcome.FAILED_ENQUEUE, unavailable.runId());
                }
                lastError = new IllegalStateException("run creation kept conflicting");
            } catch (RuntimeException e) {
                lastError = e;
            }
        }
        log.atError().setCause(lastError).addKeyValue("event", "scheduled_run_error").addKeyValue("tenant_id", tenantId)
                .addKeyValue("fire_time", fireTime)
                .log("Scheduled run of tenant {} at {} failed after {} tries", tenantId, fireTime, RETRY_PAUSES.size() + 1);
        metrics.scheduledRunSkipped("error");
        return new FireResult(tenantId, fire, Outcome.ERROR, null);
    }

    /**
     * An operator fires a tenant's schedule by hand (docs/SCHEDULER.md "Firing a schedule by hand"):
     * the run its next fire would create — latest version, {@code created_by = scheduler}, the same
     * lock and pause rules — but with the operator as {@code requested_by} and the request's
     * correlation id. No claim is written: claims are keyed by cron fire times, and this is not one,
     * so the schedule's own fires are neither moved nor consumed.
     */
    public RunCreator.Result fireByHand(ScheduledTenant tenant, String requestedBy, String correlationId) {
        RunCreator.Result result = creator.create(new RunCreator.Request(tenant.tenantId(), tenant.configVersion(),
                PRINCIPAL, requestedBy, correlationId), now());
        String outcome = result instanceof RunCreator.Created ? "created"
                : result instanceof RunCreator.AlreadyRunning ? "tenant_active"
                : result instanceof RunCreator.Paused ? "paused"
                : result instanceof RunCreator.QueueUnavailable ? "queue_unavailable" : "busy";
        log.atInfo().addKeyValue("event", "schedule_fired_by_hand").addKeyValue("tenant_id", tenant.tenantId())
                .addKeyValue("requested_by", requestedBy).addKeyValue("outcome", outcome)
                .addKeyValue("run_id", result instanceof RunCreator.Created c ? c.run().get("run_id").s() : null)
                .addKeyValue("correlation_id", correlationId)
                .log("Schedule of tenant {} fired by hand by {}: {}", tenant.tenantId(), requestedBy, outcome);
        return result;
    }

    private boolean pause(Duration d) {
        try {
            sleeper.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
