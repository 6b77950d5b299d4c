package com.relay.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The service level objectives of docs/OBSERVABILITY.md ("SLOs") and their burn-rate alerts, in the
 * style of the Google SRE workbook: an alert fires when the long window AND its short window both
 * burn the error budget at least {@code burnRate} times as fast as the SLO allows. Prometheus
 * evaluates both windows (docs/dashboards/relay-slo-rules.yml); a CloudWatch alarm evaluates the
 * long window as one period ({@code AlarmProvisioner}). {@code SloDefinitionsTest} checks both
 * against these numbers, so the objectives live here once.
 *
 * <p>The objectives are product commitments, not deployment knobs: they are not options of
 * {@code relay provision}, so the alarms, the Prometheus rules and the documented budgets always agree.
 */
public final class ServiceLevelObjectives {

    /** Who is told when an alert fires: a page (critical SNS topic) or a ticket (warning topic). */
    public enum Urgency { PAGE, TICKET }

    /**
     * One burn-rate alert: {@code budgetSpent} of the SLO window's error budget spent within
     * {@code longWindow} (and still burning over {@code shortWindow}).
     */
    public record Tier(String name, BigDecimal budgetSpent, Duration longWindow, Duration shortWindow, Urgency urgency) {}

    /** The SRE workbook's tiers (2 % of the budget in 1 h, 5 % in 6 h page; 10 % in 1 day tickets). */
    public static final List<Tier> TIERS = List.of(
            new Tier("1h", new BigDecimal("0.02"), Duration.ofHours(1), Duration.ofMinutes(5), Urgency.PAGE),
            new Tier("6h", new BigDecimal("0.05"), Duration.ofHours(6), Duration.ofMinutes(30), Urgency.PAGE),
            new Tier("1d", new BigDecimal("0.10"), Duration.ofDays(1), Duration.ofHours(2), Urgency.TICKET));

    /**
     * One objective: {@code objective} of the events in {@code window} must be good. {@code pages}
     * false makes every tier a ticket (a side channel nobody is woken for).
     */
    public record Slo(String name, String title, BigDecimal objective, Duration window, boolean pages) {

        /** The fraction of events that may be bad: 1 − objective (99.9 % → 0.001). */
        public BigDecimal budget() {
            return BigDecimal.ONE.subtract(objective);
        }

        /**
         * How many times faster than allowed the budget burns when a tier fires:
         * {@code budgetSpent × window / longWindow} (30 days: 14.4, 6, 3).
         */
        public BigDecimal burnRate(Tier tier) {
            return tier.budgetSpent().multiply(BigDecimal.valueOf(window.toMinutes()))
                    .divide(BigDecimal.valueOf(tier.longWindow().toMinutes()), MathContext.DECIMAL64).stripTrailingZeros();
        }

        /** The bad-event ratio at which a tier fires: burn rate × budget (99.9 %, 14.4× → 0.0144). */
        public BigDecimal errorRatioThreshold(Tier tier) {
            return burnRate(tier).multiply(budget()).stripTrailingZeros();
        }

        /**
         * The tiers of this SLO: those whose burn rate is above 1 (a slower burn would still end the
         * window within budget, so alerting on it is noise).
         */
        public List<Tier> tiers() {
            return TIERS.stream().filter(t -> burnRate(t).compareTo(BigDecimal.ONE) > 0).toList();
        }

        public Urgency urgency(Tier tier) {
            return pages ? tier.urgency() : Urgency.TICKET;
        }

        /** The alarm suffix of a tier: {@code slo-<name>-burn-<tier>}. */
        public String alarmSuffix(Tier tier) {
            return "slo-" + name + "-burn-" + tier.name();
        }
    }

    /** API responses that are not 5xx (health checks excluded). */
    public static final Slo API_AVAILABILITY = new Slo("api-availability", "API availability",
            new BigDecimal("0.999"), Duration.ofDays(30), true);
    /** API responses written within {@link #API_LATENCY_P95_THRESHOLD} (p95 < 500 ms). */
    public static final Slo API_LATENCY_P95 = new Slo("api-latency-p95", "API latency p95 < 500 ms",
            new BigDecimal("0.95"), Duration.ofDays(30), true);
    /** API responses written within {@link #API_LATENCY_P99_THRESHOLD} (p99 < 1 s). */
    public static final Slo API_LATENCY_P99 = new Slo("api-latency-p99", "API latency p99 < 1 s",
            new BigDecimal("0.99"), Duration.ofDays(30), true);
    /** Runs that end SUCCEEDED. */
    public static final Slo RUN_SUCCESS = new Slo("run-success", "Run success rate",
            new BigDecimal("0.995"), Duration.ofDays(30), true);
    /** Runs whose first attempt starts within {@link #RUN_START_THRESHOLD} of the request (p95 < 10 s). */
    public static final Slo RUN_START_LATENCY = new Slo("run-start-latency", "Run start latency p95 < 10 s",
            new BigDecimal("0.95"), Duration.ofDays(30), true);
    /** Notifications delivered among those that ended (sent or failed). */
    public static final Slo NOTIFICATION_DELIVERY = new Slo("notification-delivery", "Notification delivery success",
            new BigDecimal("0.99"), Duration.ofDays(7), false);

    public static final List<Slo> ALL = List.of(API_AVAILABILITY, API_LATENCY_P95, API_LATENCY_P99, RUN_SUCCESS,
            RUN_START_LATENCY, NOTIFICATION_DELIVERY);

    public static final Duration API_LATENCY_P95_THRESHOLD = Duration.ofMillis(500);
    public static final Duration API_LATENCY_P99_THRESHOLD = Duration.ofSeconds(1);
    public static final Duration RUN_START_THRESHOLD = Duration.ofSeconds(10);

    /**
     * The endpoint no API SLI counts: the load balancer's probe, a steady stream of cheap 200s that
     * would dilute every error and slow response (CloudWatch's {@code Environment} rollups of the API
     * meters leave it out too).
     */
    public static final String HEALTH_ENDPOINT = "GET /v1/health";

    private ServiceLevelObjectives() {}

    /** The SLO and tier an alarm suffix names, if it is an SLO alarm. */
    public static Optional<Slo> ofAlarmSuffix(String suffix) {
        return ALL.stream().filter(s -> suffix.startsWith("slo-" + s.name() + "-burn-")).findFirst();
    }

    /** The tier an SLO alarm suffix names. */
    public static Optional<Tier> tierOfAlarmSuffix(String suffix) {
        return ofAlarmSuffix(suffix).flatMap(s -> s.tiers().stream().filter(t -> suffix.equals(s.alarmSuffix(t))).findFirst());
    }
}
