package com.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.metrics.ServiceLevelObjectives.Slo;
import com.relay.metrics.ServiceLevelObjectives.Tier;
import com.relay.metrics.ServiceLevelObjectives.Urgency;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docs/dashboards/relay-slo-rules.yml against the service and {@link ServiceLevelObjectives}: every
 * recording rule reads only metrics, labels and histogram buckets the service exposes on
 * {@code /actuator/prometheus}; every alert reads only recording rules of the file; each SLO tier
 * has exactly one alert, with the threshold (burn rate × error budget), windows and severity of
 * the Java definitions, which the CloudWatch alarms use too.
 */
class SloRulesTest {

    private static final Path RULES = Path.of("docs/dashboards/relay-slo-rules.yml");

    /** One rule of the file: a recording rule ({@code record}) or an alert. */
    private record Rule(String record, String alert, String expr, Map<String, Object> labels, Map<String, Object> annotations) {}

    private static List<Rule> rules() throws IOException {
        Map<?, ?> doc = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(RULES));
        List<Rule> rules = new ArrayList<>();
        for (Object group : (List<?>) doc.get("groups")) {
            for (Object o : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> r = (Map<?, ?>) o;
                rules.add(new Rule((String) r.get("record"), (String) r.get("alert"), (String) r.get("expr"),
                        stringKeys(r.get("labels")), stringKeys(r.get("annotations"))));
            }
        }
        return rules;
    }

    private static Map<String, Object> stringKeys(Object map) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (map != null) ((Map<?, ?>) map).forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    private static Set<String> recorded(List<Rule> rules) {
        Set<String> names = new HashSet<>();
        rules.stream().filter(r -> r.record() != null).forEach(r -> assertThat(names.add(r.record())).as(r.record()).isTrue());
        return names;
    }

    @Test
    void recordingRulesReadOnlyWhatTheServiceExposes() throws IOException {
        DashboardsAndQueriesTest.Scrape scrape = DashboardsAndQueriesTest.scrape();
        List<Rule> rules = rules();
        Set<String> recorded = recorded(rules);
        // a recording rule may read the service's metrics and other recording rules
        DashboardsAndQueriesTest.Scrape readable = new DashboardsAndQueriesTest.Scrape(
                union(scrape.names(), recorded), scrape.labels());
        List<String> problems = new ArrayList<>();
        for (Rule r : rules) {
            if (r.record() != null) DashboardsAndQueriesTest.checkPromql("record " + r.record(), r.expr(), readable, problems);
        }
        assertThat(recorded).hasSizeGreaterThan(40);
        assertThat(problems).isEmpty();
    }

    /** Every {@code <histogram>_bucket{…le="x"…}} of the rules is a bucket the service exposes. */
    @Test
    void theSloThresholdsAreBucketBoundsOfTheExposedHistograms() throws IOException {
        String scrape = DashboardsAndQueriesTest.scrapeText();
        Set<String> exposed = new HashSet<>();
        Matcher line = Pattern.compile("(?m)^(\\w+_bucket)\\{[^}]*le=\"([^\"]+)\"").matcher(scrape);
        while (line.find()) exposed.add(line.group(1) + " le=" + line.group(2));
        Set<String> used = new HashSet<>();
        Matcher inRules = Pattern.compile("(\\w+_bucket)\\{[^}]*le=\"([^\"]+)\"").matcher(Files.readString(RULES));
        while (inRules.find()) used.add(inRules.group(1) + " le=" + inRules.group(2));
        assertThat(used).containsExactlyInAnyOrder("APIResponseTime_seconds_bucket le=0.5",
                "APIResponseTime_seconds_bucket le=1.0", "RunStartLatency_seconds_bucket le=10.0");
        assertThat(exposed).containsAll(used);
    }

    @Test
    void everyAlertReadsRecordingRulesOfTheFile() throws IOException {
        List<Rule> rules = rules();
        Set<String> recorded = recorded(rules);
        String runbook = Files.readString(Path.of("docs/RUNBOOK.md"));
        for (Rule r : rules.stream().filter(r -> r.alert() != null).toList()) {
            Set<String> names = DashboardsAndQueriesTest.promqlNamesAndLabels(r.expr()).get(0);
            assertThat(names).as(r.alert()).isNotEmpty();
            assertThat(recorded).as(r.alert() + " reads only recording rules").containsAll(names);
            String link = (String) r.annotations().get("runbook");
            assertThat(runbook).as(link).contains("### " + link.substring(link.indexOf('#') + 1));
        }
    }

    @Test
    void eachSloTierHasOneAlertWithTheThresholdOfTheJavaDefinitions() throws IOException {
        Map<String, Rule> alerts = new LinkedHashMap<>();
        rules().stream().filter(r -> r.alert() != null).forEach(r -> alerts.put(r.alert(), r));
        Set<String> expected = new HashSet<>();
        for (Slo slo : ServiceLevelObjectives.ALL) {
            String sli = "slo:" + slo.name().replace('-', '_') + ":error_ratio_rate";
            for (Tier tier : slo.tiers()) {
                String name = "RelaySlo" + camel(slo.name()) + "Burn" + tier.name();
                expected.add(name);
                Rule alert = alerts.get(name);
                assertThat(alert).as(name).isNotNull();
                String threshold = slo.errorRatioThreshold(tier).toPlainString();
                assertThat(alert.expr()).as(name).isEqualTo(sli + window(tier.longWindow()) + " > " + threshold + " and "
                        + sli + window(tier.shortWindow()) + " > " + threshold);
                assertThat(alert.labels()).as(name).containsEntry("severity",
                        slo.urgency(tier) == Urgency.PAGE ? "critical" : "warning").containsEntry("slo", slo.name());
            }
            // the budget left over the SLO's whole window is recorded too
            assertThat(recorded(rules())).contains(sli + window(slo.window()),
                    "slo:" + slo.name().replace('-', '_') + ":error_budget_remaining");
        }
        assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void budgetsAndBurnRatesFollowTheWorkbook() {
        Slo availability = ServiceLevelObjectives.API_AVAILABILITY;
        assertThat(availability.budget()).isEqualByComparingTo("0.001");
        assertThat(availability.tiers()).extracting(t -> availability.burnRate(t).toPlainString()).containsExactly("14.4", "6", "3");
        assertThat(availability.tiers()).extracting(t -> availability.errorRatioThreshold(t).toPlainString())
                .containsExactly("0.0144", "0.006", "0.003");
        // 99.9 % of 30 days: 43.2 minutes of errors (docs/OBSERVABILITY.md)
        assertThat(availability.budget().multiply(BigDecimal.valueOf(availability.window().toMinutes())))
                .isEqualByComparingTo("43.2");
        Slo notifications = ServiceLevelObjectives.NOTIFICATION_DELIVERY;
        // 7 days: 2 % in 1 h is 3.36x, 5 % in 6 h 1.4x; 10 % in 1 day (0.7x) would fire within budget
        assertThat(notifications.tiers()).extracting(Tier::name).containsExactly("1h", "6h");
        assertThat(notifications.tiers()).extracting(t -> notifications.errorRatioThreshold(t).toPlainString())
                .containsExactly("0.0336", "0.014");
        assertThat(notifications.tiers()).allSatisfy(t -> assertThat(notifications.urgency(t)).isEqualTo(Urgency.TICKET));
        assertThat(ServiceLevelObjectives.RUN_SUCCESS.errorRatioThreshold(ServiceLevelObjectives.TIERS.get(0)))
                .isEqualByComparingTo("0.072");
    }

    private static String camel(String dashed) {
        StringBuilder b = new StringBuilder();
        for (String part : dashed.split("-")) b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        return b.toString();
    }

    /** 5 minutes → {@code 5m}, 6 hours → {@code 6h}, 30 days → {@code 30d} (PromQL durations). */
    private static String window(Duration d) {
        if (d.toMinutes() < 60) return d.toMinutes() + "m";
        if (d.toHours() < 24) return d.toHours() + "h";
        return d.toDays() + "d";
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
