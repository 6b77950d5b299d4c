package com.relay.deploy;

import com.relay.aws.AlarmProvisioner;
import com.relay.config.RelaySettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The CDK app's inputs (its {@code --context} keys, docs/INFRA.md#deploying-with-cdk), checked all
 * at once, and what follows from them: the service's environment variables, and through
 * {@link RelaySettings#load} the very names and queue settings {@code relay provision} would use
 * with that environment, so the template and the provisioner can never disagree.
 */
public record DeploySettings(Stage stage, String namePrefix, String alarmPrefix, String artifactBucket,
                             String certificateArn, String imageRepository, String imageTag, List<String> tenantIds,
                             int wafRateLimit, String jwtIssuerUri, String jwtAudience) {

    /** Spring's graceful web-server phase (30 s) plus the Camel context's stop, after the worker's own deadline. */
    public static final int STOP_MARGIN_SECONDS = 60;
    /** The longest stop timeout ECS Fargate accepts. */
    public static final int FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;
    public static final String DEFAULT_ALARM_PREFIX = "relay-inventory";
    public static final String DEFAULT_IMAGE_REPOSITORY = "relay-inventory";
    public static final int DEFAULT_WAF_RATE_LIMIT = 2000;

    private static final String CERTIFICATE_ARN = "^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]{1,128}$";
    private static final String NAME = "^[a-z0-9][a-z0-9-]{0,39}$";
    private static final String BUCKET = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
    private static final String REPOSITORY = "^[a-z0-9][a-z0-9._/-]{0,255}$";
    private static final String TAG = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";
    private static final String TENANT = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

    /** Reads and checks every context key; one exception lists every problem. */
    public static DeploySettings fromContext(Function<String, String> context) {
        List<String> problems = new ArrayList<>();
        Stage stage = null;
        try {
            stage = Stage.of(context.apply("stage"));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String stageId = stage == null ? "dev" : stage.id();
        String namePrefix = text(context, "namePrefix", "relay-inventory-" + stageId);
        check(problems, "namePrefix", namePrefix, NAME);
        String alarmPrefix = text(context, "alarmPrefix", DEFAULT_ALARM_PREFIX);
        check(problems, "alarmPrefix", alarmPrefix, NAME);
        String bucket = text(context, "artifactBucket", namePrefix + "-artifacts");
        check(problems, "artifactBucket", bucket, BUCKET);
        String certificate = text(context, "certificateArn", null);
        if (certificate == null) {
            problems.add("context 'certificateArn' is required (the ACM certificate of the HTTPS listener):"
                    + " --context certificateArn=arn:aws:acm:<region>:<account>:certificate/<id>");
        } else {
            check(problems, "certificateArn", certificate, CERTIFICATE_ARN);
        }
        String repository = text(context, "imageRepository", DEFAULT_IMAGE_REPOSITORY);
        check(problems, "imageRepository", repository, REPOSITORY);
        String tag = text(context, "imageTag", null);
        if (tag == null) {
            problems.add("context 'imageTag' is required (the image tag to run; the previous tag rolls back):"
                    + " --context imageTag=<tag>");
        } else {
            check(problems, "imageTag", tag, TAG);
        }
        List<String> tenants = new ArrayList<>();
        String tenantList = text(context, "tenantIds", null);
        if (tenantList != null) {
            for (String t : tenantList.split(",")) {
                if (t.isBlank()) continue;
                check(problems, "tenantIds", t.trim(), TENANT);
                tenants.add(t.trim());
            }
        }
        int rate = DEFAULT_WAF_RATE_LIMIT;
        String rateText = text(context, "wafRateLimit", null);
        if (rateText != null) {
            try {
                rate = Integer.parseInt(rateText);
                if (rate < 100 || rate > 2_000_000_000) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                problems.add("context 'wafRateLimit' must be a whole number from 100 to 2000000000 (requests per"
                        + " client IP in 5 minutes), got '" + rateText + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid CDK context:\n  - " + String.join("\n  - ", problems));
        }
        return new DeploySettings(stage, namePrefix, alarmPrefix, bucket, certificate, repository, tag,
                List.copyOf(tenants), rate, text(context, "jwtIssuerUri", null), text(context, "jwtAudience", null));
    }

    public String tenantsTable() { return namePrefix + "-tenants"; }

    public String runsTable() { return namePrefix + "-runs"; }

    public String notificationsTable() { return namePrefix + "-notifications"; }

    public String circuitBreakerTable() { return namePrefix + "-circuit-breakers"; }

    public String jobsQueue() { return namePrefix + "-jobs"; }

    public String notificationsQueue() { return namePrefix + "-notifications"; }

    /**
     * The variables every Relay task gets (the role switches are added per service). Queue URLs are
     * built from region and account (CDK tokens in the stack), as SQS itself writes them.
     */
    public Map<String, String> serviceEnvironment(String region, String account) {
        return serviceEnvironment(region, account, "amazonaws.com");
    }

    /** The same with the partition's URL suffix ({@code amazonaws.com.cn} in China). */
    public Map<String, String> serviceEnvironment(String region, String account, String urlSuffix) {
        String sqs = "https://sqs." + region + "." + urlSuffix + "/" + account + "/";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RELAY_MODE", "aws");
        env.put("ENVIRONMENT", stage.id());
        env.put("PROVISION_ON_STARTUP", "false");
        env.put("ARTIFACT_BUCKET", artifactBucket);
        env.put("TENANTS_TABLE", tenantsTable());
        env.put("RUNS_TABLE", runsTable());
        env.put("NOTIFICATIONS_TABLE", notificationsTable());
        env.put("CIRCUIT_BREAKER_TABLE", circuitBreakerTable());
        env.put("SQS_QUEUE_URL", sqs + jobsQueue());
        env.put("SQS_DLQ_URL", sqs + jobsQueue() + "-dlq");
        env.put("NOTIFICATIONS_QUEUE_URL", sqs + notificationsQueue());
        env.put("NOTIFICATIONS_DLQ_URL", sqs + notificationsQueue() + "-dlq");
        env.put("CLOUDWATCH_METRICS_ENABLED", "true");
        env.put("LOG_FORMAT", "json");
        env.put("SERVER_PORT", "8080");
        env.put("MANAGEMENT_PORT", "8081");
        if (jwtIssuerUri != null) env.put("JWT_ISSUER_URI", jwtIssuerUri);
        if (jwtAudience != null) env.put("JWT_AUDIENCE", jwtAudience);
        return env;
    }

    /** What the service (and {@code relay provision}) reads from that environment. */
    public RelaySettings relaySettings(String region, String account) {
        return relaySettings(region, account, "amazonaws.com");
    }

    public RelaySettings relaySettings(String region, String account, String urlSuffix) {
        Map<String, String> env = serviceEnvironment(region, account, urlSuffix);
        return RelaySettings.load(env::get);
    }

    /** {@code relay provision}'s alarm target for this stage: {@code --prefix alarmPrefix --environment <stage>}. */
    public AlarmProvisioner.Target alarmTarget(RelaySettings settings, AlarmProvisioner.Topics topics) {
        RelaySettings.Resources r = settings.resources();
        return new AlarmProvisioner.Target(alarmPrefix, settings.environment(), settings.metrics().cloudWatchNamespace(),
                topics, AlarmProvisioner.Thresholds.DEFAULTS, tenantIds, r.jobsQueueName(), r.jobsDlqName(),
                r.notificationsQueueName(), r.notificationsDlqName());
    }

    /**
     * The container stop timeout: longer than the worker's graceful-shutdown deadline (docs/WORKER.md#shutdown)
     * by {@link #STOP_MARGIN_SECONDS}, so ECS never kills an attempt the worker would still hand back.
     */
    public static int stopTimeoutSeconds(RelaySettings settings) {
        int shutdown = settings.worker().shutdownTimeoutSeconds();
        int stop = shutdown + STOP_MARGIN_SECONDS;
        if (stop > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("WORKER_SHUTDOWN_TIMEOUT_SECONDS is " + shutdown + " s: ECS Fargate stops a task"
                    + " after at most " + FARGATE_MAX_STOP_TIMEOUT_SECONDS + " s, so it must be at most "
                    + (FARGATE_MAX_STOP_TIMEOUT_SECONDS - STOP_MARGIN_SECONDS) + " s");
        }
        return stop;
    }

    private static String text(Function<String, String> context, String key, String fallback) {
        String v = context.apply(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static void check(List<String> problems, String key, String value, String pattern) {
        if (!value.matches(pattern)) {
            problems.add("context '" + key + "' must match " + pattern + " (got '" + value + "')");
        }
    }
}
