package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.API_AWS;
import static com.relay.tenants.config.ConfigFixtures.CLI;
import static com.relay.tenants.config.ConfigFixtures.configOf;
import static com.relay.tenants.config.ConfigFixtures.minimalWith;
import static com.relay.tenants.config.ConfigFixtures.parseJson;
import static com.relay.tenants.config.ConfigFixtures.parseYaml;
import static com.relay.tenants.config.ConfigFixtures.problem;
import static com.relay.tenants.config.ConfigFixtures.problemsOf;
import static com.relay.tenants.config.ConfigFixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import com.relay.tenants.config.TenantConfigParser.Context;
import com.relay.tenants.config.TenantConfigParser.RunMode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/CONTRACT.md#notification-and-schedule-configuration: the {@code notifications} and {@code schedule} sections and their messages (docs/CONTRACT.md#notification-validation-messages). */
class NotificationsConfigTest {

    static final String URL = "must be an absolute https URL without user info, query or fragment";
    static final String TOPIC = "must match ^[A-Za-z0-9_-]{1,64}$";
    static final String TOKEN = "must be ssm:/relay/ntfy/acme/…, secretsmanager:relay/ntfy/acme/… or env:RELAY_SECRET_ACME_…";
    static final String ENV_NAME = "must name a variable RELAY_SECRET_ACME_<NAME> (<NAME>: A-Z, 0-9 and single '_')";
    static final String ENV_LEGACY = "env:RELAY_NTFY_TOKEN_… is no longer read: name the variable RELAY_SECRET_ACME_<NAME> and reference env:RELAY_SECRET_ACME_<NAME>";
    static final String ENV_MODE = "env: references are only allowed in embedded and localstack modes";
    static final String ON = "must be a non-empty list of SUCCEEDED, FAILED, HELD without duplicates";
    static final String PRIORITY = "must be 1-5 or one of min, low, default, high, max, urgent";
    static final String CLICK = "must be an absolute http(s) URL; allowed placeholders {run_id}, {tenant_id}";
    static final String CRON_FIELDS = "must be a Quartz cron expression with 6 or 7 fields";
    static final String CRON_SECONDS = "seconds field must be 0";

    static final String P = "notifications.ntfy.";

    /** docs/CONTRACT.md#notification-and-schedule-configuration example, for tenant acme. */
    static final String EXAMPLE_YAML = """
            notifications:
              ntfy:
                enabled: true
                url: https://ntfy.example.com
                topic: acme-parts-relay
                token_secret_ref: ssm:/relay/ntfy/acme/publisher
                on: [SUCCEEDED, FAILED]
                priority: {SUCCEEDED: default, FAILED: high}
                click_url: https://console.example.com/runs/{run_id}
            schedule:
              cron: "0 0 6 * * ?"
              enabled: true
            """;

    private static ValidationResult withNtfy(String field, String jsonValue, Context context) {
        return parseJson(minimalWith(set("notifications", "{\"ntfy\": {\"topic\": \"acme-relay\"}}"), set(P + field, jsonValue)), context);
    }

    private static String quoted(String s) {
        return ConfigFixtures.text(TextNode.valueOf(s));
    }

    @Test
    void the_documented_example_is_valid_and_normalised() {
        TenantConfig config = configOf(parseYaml(TenantConfigParserTest.EXAMPLE_S3_YAML.replace("test_tenant", "acme") + EXAMPLE_YAML, API));

        TenantConfig.Ntfy ntfy = config.notifications().ntfy();
        assertThat(ntfy).isEqualTo(new TenantConfig.Ntfy(true, "https://ntfy.example.com", "acme-parts-relay",
                "ssm:/relay/ntfy/acme/publisher", List.of("SUCCEEDED", "FAILED"), Map.of("SUCCEEDED", 3, "FAILED", 4),
                "https://console.example.com/runs/{run_id}"));
        assertThat(config.schedule()).isEqualTo(new TenantConfig.Schedule("0 0 6 * * ?", true));

        var json = ConfigFixtures.json(TenantConfigJson.toJson(config));
        assertThat(json.get("notifications")).isEqualTo(ConfigFixtures.json("""
                {"ntfy": {"enabled": true, "url": "https://ntfy.example.com", "topic": "acme-parts-relay",
                          "token_secret_ref": "ssm:/relay/ntfy/acme/publisher", "on": ["SUCCEEDED", "FAILED"],
                          "priority": {"SUCCEEDED": 3, "FAILED": 4},
                          "click_url": "https://console.example.com/runs/{run_id}"}}
                """));
        assertThat(json.get("schedule")).isEqualTo(ConfigFixtures.json("{\"cron\": \"0 0 6 * * ?\", \"enabled\": true}"));
    }

    @Test
    void ntfy_defaults() {
        TenantConfig config = configOf(parseJson(minimalWith(set("notifications", "{\"ntfy\": {\"topic\": \"acme\"}}")), API));

        assertThat(config.notifications().ntfy()).isEqualTo(new TenantConfig.Ntfy(true, "https://ntfy.sh", "acme", null,
                List.of("SUCCEEDED", "FAILED"), Map.of("SUCCEEDED", 3, "FAILED", 4), null));
        assertThat(config.notifications().ntfy().priority().keySet()).containsExactly("SUCCEEDED", "FAILED");
    }

    static Stream<Arguments> ntfyProblems() {
        return Stream.of(
                // structure
                Arguments.of("ntfy missing", minimalWith(set("notifications", "{}")), API, List.of(problem("notifications.ntfy", "is required"))),
                Arguments.of("ntfy null", minimalWith(set("notifications", "{\"ntfy\": null}")), API, List.of(problem("notifications.ntfy", "is required"))),
                Arguments.of("notifications not an object", minimalWith(set("notifications", "true")), API,
                        List.of(problem("notifications", "must be an object"))),
                Arguments.of("unknown notifications key", minimalWith(set("notifications", "{\"ntfy\": {\"topic\": \"t\"}, \"email\": {}}")), API,
                        List.of(problem("notifications.email", "unknown field"))),
                Arguments.of("topic missing", minimalWith(set("notifications", "{\"ntfy\": {}}")), API, List.of(problem(P + "topic", "is required"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ntfyProblems")
    void structure_problems(String name, com.fasterxml.jackson.databind.node.ObjectNode config, Context context, List<ConfigProblem> expected) {
        assertThat(problemsOf(parseJson(config, context))).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> fieldTable() {
        return Stream.of(
                // url
                Arguments.of("url", quoted("https://ntfy.example.com/"), API, null),
                Arguments.of("url", quoted("https://example.com/ntfy"), API, null),
                Arguments.of("url", quoted("https://example.com:8443/ntfy/"), API, null),
                Arguments.of("url", quoted("http://localhost:8080"), API, null),
                Arguments.of("url", quoted("http://127.0.0.1:8080"), API, null),
                Arguments.of("url", quoted("http://[::1]:8080"), API, null),
                Arguments.of("url", quoted("http://ntfy.internal"), API, URL),
                Arguments.of("url", quoted("https://user:pw@ntfy.sh"), API, URL),
                Arguments.of("url", quoted("https://ntfy.sh?x=1"), API, URL),
                Arguments.of("url", quoted("https://ntfy.sh/#frag"), API, URL),
                Arguments.of("url", quoted("ntfy.sh"), API, URL),
                Arguments.of("url", quoted("/relative"), API, URL),
                Arguments.of("url", quoted("ftp://ntfy.sh"), API, URL),
                Arguments.of("url", quoted("https://"), API, URL),
                Arguments.of("url", quoted("https://exa mple.com"), API, URL),
                Arguments.of("url", quoted("https://ntfy.sh/" + "a".repeat(2040)), API, URL),
                Arguments.of("url", "5", API, "must be a string"),
                // topic
                Arguments.of("topic", quoted("a"), API, null),
                Arguments.of("topic", quoted("A_b-9".repeat(12) + "abcd"), API, null),
                Arguments.of("topic", quoted(""), API, TOPIC),
                Arguments.of("topic", quoted("a".repeat(65)), API, TOPIC),
                Arguments.of("topic", quoted("acme/relay"), API, TOPIC),
                Arguments.of("topic", quoted("acme.relay"), API, TOPIC),
                // token_secret_ref
                Arguments.of("token_secret_ref", "null", API, null),
                Arguments.of("token_secret_ref", quoted("ssm:/relay/ntfy/acme/publisher"), API_AWS, null),
                Arguments.of("token_secret_ref", quoted("ssm:/relay/ntfy/acme/team/publisher"), API_AWS, null),
                Arguments.of("token_secret_ref", quoted("secretsmanager:relay/ntfy/acme/publisher"), API_AWS, null),
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_ACME_NTFY"), API, null),
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_ACME_NTFY_2"), Context.api(RunMode.LOCALSTACK), null),
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_ACME_NTFY"), CLI, null),
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_ACME_NTFY"), API_AWS, ENV_MODE),
                // issue 17 #6: another tenant's variable, and today's names, with one message each
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_GLOBEX_NTFY"), API, ENV_NAME),
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_ACMEX_NTFY"), API, ENV_NAME),
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_ACME_"), API, ENV_NAME),
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_ACME__X"), API, ENV_NAME),
                Arguments.of("token_secret_ref", quoted("env:RELAY_SECRET_ACME_ntfy"), API, ENV_NAME),
                Arguments.of("token_secret_ref", quoted("env:RELAY_NTFY_TOKEN_GLOBEX"), API, ENV_LEGACY),
                Arguments.of("token_secret_ref", quoted("env:RELAY_NTFY_TOKEN_ACME"), API_AWS, ENV_LEGACY),
                Arguments.of("token_secret_ref", quoted("ssm:/relay/ntfy/beta/publisher"), API_AWS, TOKEN),
                Arguments.of("token_secret_ref", quoted("ssm:/relay/ntfy/acme/"), API_AWS, TOKEN),
                Arguments.of("token_secret_ref", quoted("ssm:/relay/ntfy/acme"), API_AWS, TOKEN),
                Arguments.of("token_secret_ref", quoted("ssm:/other/acme/publisher"), API_AWS, TOKEN),
                Arguments.of("token_secret_ref", quoted("secretsmanager:relay/ntfy/beta/x"), API_AWS, TOKEN),
                Arguments.of("token_secret_ref",
                        quoted("secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:relay/ntfy/acme/x"), API_AWS, TOKEN),
                Arguments.of("token_secret_ref", quoted("env:HOME"), API, ENV_NAME),
                Arguments.of("token_secret_ref", quoted("tk_abcdef0123456789"), API, TOKEN),
                // on
                Arguments.of("on", "[\"FAILED\"]", API, null),
                Arguments.of("on", "[\"FAILED\", \"SUCCEEDED\"]", API, null),
                Arguments.of("on", "[]", API, ON),
                Arguments.of("on", "[\"FAILED\", \"FAILED\"]", API, ON),
                Arguments.of("on", "[\"DONE\"]", API, ON),
                Arguments.of("on", "[\"failed\"]", API, ON),
                Arguments.of("on", "[1]", API, ON),
                Arguments.of("on", "\"FAILED\"", API, "must be a list"),
                // click_url
                Arguments.of("click_url", quoted("https://console.example.com/runs/{run_id}?tenant={tenant_id}"), API, null),
                Arguments.of("click_url", quoted("http://console.example.com/t/{tenant_id}/r/{run_id}#x"), API, null),
                Arguments.of("click_url", quoted("https://console.example.com/{job_id}"), API, CLICK),
                Arguments.of("click_url", quoted("https://console.example.com/{run_id"), API, CLICK),
                Arguments.of("click_url", quoted("https://console.example.com/run_id}"), API, CLICK),
                Arguments.of("click_url", quoted("/runs/{run_id}"), API, CLICK),
                Arguments.of("click_url", quoted("mailto:ops@example.com"), API, CLICK),
                Arguments.of("click_url", quoted("https://example.com/" + "a".repeat(2030)), API, CLICK));
    }

    @ParameterizedTest(name = "{0} = {1} ({2})")
    @MethodSource("fieldTable")
    void ntfy_field_rules(String field, String jsonValue, Context context, String message) {
        ValidationResult result = withNtfy(field, jsonValue, context);

        if (message == null) {
            assertThat(result.problems()).isEmpty();
        } else {
            assertThat(problemsOf(result)).containsExactly(problem(P + field, message));
        }
    }

    @Test
    void plain_http_to_any_host_needs_notify_allow_insecure_http() {
        Context insecure = API.withAllowInsecureHttp(true);

        assertThat(withNtfy("url", quoted("http://ntfy.internal/"), insecure).validConfig().orElseThrow()
                .notifications().ntfy().url()).isEqualTo("http://ntfy.internal");
    }

    @Test
    void trailing_slash_is_removed_from_the_url() {
        assertThat(withNtfy("url", quoted("https://example.com/ntfy/"), API).validConfig().orElseThrow()
                .notifications().ntfy().url()).isEqualTo("https://example.com/ntfy");
    }

    @Test
    void token_message_without_a_valid_tenant_id_shows_the_placeholder() {
        var config = minimalWith(set("tenant_id", "\"bad id\""),
                set("notifications", "{\"ntfy\": {\"topic\": \"t\", \"token_secret_ref\": \"plain-token\"}}"));

        assertThat(problemsOf(parseJson(config, API))).contains(problem(P + "token_secret_ref",
                "must be ssm:/relay/ntfy/<tenant_id>/…, secretsmanager:relay/ntfy/<tenant_id>/… or env:RELAY_SECRET_<TENANT_ID>_…"));
    }

    static Stream<Arguments> priorities() {
        return Stream.of(
                Arguments.of("{\"SUCCEEDED\": \"min\", \"FAILED\": \"urgent\"}", Map.of("SUCCEEDED", 1, "FAILED", 5)),
                Arguments.of("{\"SUCCEEDED\": \"low\", \"FAILED\": \"max\"}", Map.of("SUCCEEDED", 2, "FAILED", 5)),
                Arguments.of("{\"SUCCEEDED\": 1, \"FAILED\": 5}", Map.of("SUCCEEDED", 1, "FAILED", 5)),
                Arguments.of("{\"FAILED\": \"high\"}", Map.of("SUCCEEDED", 3, "FAILED", 4)),
                Arguments.of("{\"FAILED\": 2}", Map.of("SUCCEEDED", 3, "FAILED", 2)),
                Arguments.of("{}", Map.of("SUCCEEDED", 3, "FAILED", 4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("priorities")
    void priorities_are_normalised_to_integers(String priority, Map<String, Integer> expected) {
        TenantConfig config = withNtfy("priority", priority, API).validConfig().orElseThrow();

        assertThat(config.notifications().ntfy().priority()).isEqualTo(expected);
        assertThat(ConfigFixtures.json(TenantConfigJson.toJson(config)).at("/notifications/ntfy/priority/SUCCEEDED").isInt()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "6", "-1", "3.0", "\"3\"", "\"HIGH\"", "\"critical\"", "true", "null", "[3]"})
    void invalid_priority_values(String value) {
        assertThat(problemsOf(withNtfy("priority", "{\"SUCCEEDED\": " + value + "}", API)))
                .containsExactly(problem(P + "priority.SUCCEEDED", PRIORITY));
    }

    @Test
    void unknown_priority_key() {
        assertThat(problemsOf(withNtfy("priority", "{\"RUNNING\": 3, \"FAILED\": 9}", API))).containsExactly(
                problem(P + "priority.RUNNING", "unknown field"),
                problem(P + "priority.FAILED", PRIORITY));
    }

    @Test
    void unknown_ntfy_key_and_wrong_types() {
        assertThat(problemsOf(withNtfy("tags", "[\"x\"]", API))).containsExactly(problem(P + "tags", "unknown field"));
        assertThat(problemsOf(withNtfy("enabled", "\"yes\"", API))).containsExactly(problem(P + "enabled", "must be a boolean"));
        assertThat(problemsOf(withNtfy("priority", "[]", API))).containsExactly(problem(P + "priority", "must be an object"));
    }

    @Test
    void yaml_on_key_is_a_string_key() {
        // In YAML 1.1 the key `on` would be the boolean true; in the 1.2 core schema it is the string "on".
        String yaml = TenantConfigParserTest.EXAMPLE_S3_YAML + "notifications:\n  ntfy:\n    topic: t\n    on: [FAILED]\n";

        assertThat(configOf(parseYaml(yaml, API)).notifications().ntfy().on()).containsExactly("FAILED");
    }

    static Stream<Arguments> cronTable() {
        return Stream.of(
                Arguments.of("0 0 6 * * ?", null),
                Arguments.of("0 30 5 ? * MON-FRI", null),
                Arguments.of("0 0 */4 * * ?", null),
                Arguments.of("0 0 6 * * ? 2030", null),
                Arguments.of("0 */15 * * * ?", null),
                Arguments.of("0 0 12 L * ?", null),
                Arguments.of("*/30 * * * * ?", CRON_SECONDS),   // docs/CONTRACT.md#scheduler-vectors S11
                Arguments.of("30 0 6 * * ?", CRON_SECONDS),
                Arguments.of("00 0 6 * * ?", CRON_SECONDS),
                Arguments.of("0 6 * * *", CRON_FIELDS),
                Arguments.of("0 0 6 * * ? 2030 x", CRON_FIELDS),
                Arguments.of("", CRON_FIELDS),
                Arguments.of("@daily", CRON_FIELDS),
                Arguments.of("0 0 6 * * *", "invalid cron expression: "
                        + "Support for specifying both a day-of-week AND a day-of-month parameter is not implemented."),
                Arguments.of("0 0 6 ? * ?", "invalid cron expression: "
                        + "'?' can only be specified for Day-of-Month -OR- Day-of-Week."),
                Arguments.of("0 0 25 * * ?", "invalid cron expression: Hour values must be between 0 and 23"),
                Arguments.of("0 0 6 * * FOO", "invalid cron expression: Invalid Day-of-Week value: 'FOO'"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("cronTable")
    void cron_rules(String cron, String message) {
        ValidationResult result = parseJson(minimalWith(set("schedule", "{\"cron\": " + quoted(cron) + "}")), API);

        if (message == null) {
            assertThat(configOf(result).schedule()).isEqualTo(new TenantConfig.Schedule(cron, true));
        } else {
            assertThat(problemsOf(result)).containsExactly(problem("schedule.cron", message));
        }
    }

    @Test
    void schedule_structure() {
        assertThat(problemsOf(parseJson(minimalWith(set("schedule", "{\"enabled\": false}")), API)))
                .containsExactly(problem("schedule.cron", "is required"));
        assertThat(problemsOf(parseJson(minimalWith(set("schedule", "{\"cron\": \"0 0 6 * * ?\", \"tz\": \"UTC\"}")), API)))
                .containsExactly(problem("schedule.tz", "unknown field"));
        assertThat(problemsOf(parseJson(minimalWith(set("schedule", "\"0 0 6 * * ?\"")), API)))
                .containsExactly(problem("schedule", "must be an object"));
        assertThat(configOf(parseJson(minimalWith(set("schedule", "{\"cron\": \"0 0 6 * * ?\", \"enabled\": false}")), API)).schedule())
                .isEqualTo(new TenantConfig.Schedule("0 0 6 * * ?", false));
    }
}
