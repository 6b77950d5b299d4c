package com.relay.aws;

import com.relay.config.InvalidSettingsException;
import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code relay provision [--dry-run] [--prefix P] [--environment E] [--sns-topic-arn ARN]
 * [--critical-topic-arn ARN] [--warning-topic-arn ARN] [--info-topic-arn ARN] [--<threshold> N]...
 * [--tenant-id ID]... [--skip-alarms]} (docs/CONTRACT.md#provisioning; alarms, tiers, thresholds and the dashboard: issue 18). Plain Java: no Spring context, so it starts fast
 * and can run from an init script. Exit codes: 0 done, 1 an endpoint call failed, 2 usage, 3 conflict.
 */
public final class ProvisionCommand {

    static final String USAGE = "usage: relay provision [--dry-run] [--prefix relay-inventory] [--environment <name>]"
            + " [--sns-topic-arn <arn>] [--critical-topic-arn <arn>] [--warning-topic-arn <arn>] [--info-topic-arn <arn>]"
            + " [--consecutive-failure-threshold 3] [--queue-backlog-threshold 5] [--worker-error-threshold 5]"
            + " [--notification-failure-threshold 3] [--run-duration-p99-seconds 900] [--api-5xx-threshold 5]"
            + " [--oldest-job-age-seconds 300] [--notifications-backlog-threshold 100]"
            + " [--tenant-id <id>]... [--skip-alarms]";

    /** An SNS topic ARN (any partition); checked before any call so a typo is a usage error, not a half-provisioned run. */
    private static final String TOPIC_ARN = "^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$";

    private ProvisionCommand() {}

    record Options(boolean dryRun, String prefix, String environment, AlarmProvisioner.Topics topics,
                   AlarmProvisioner.Thresholds thresholds, List<String> tenantIds, boolean skipAlarms) {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System::getenv);
    }

    /** The command with its environment given (the service's variables, docs/CONTRACT.md#environment-variables). */
    public static int run(String[] args, PrintStream out, PrintStream err, java.util.function.Function<String, String> env) {
        Options options;
        try {
            options = parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        RelaySettings settings;
        try {
            settings = RelaySettings.load(env);
        } catch (InvalidSettingsException e) {
            err.println(e.getMessage());
            return 2;
        }
        AwsClientFactory factory;
        try {
            factory = CommandClients.forCommand(settings, env);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        try (var sqs = factory.sqs(); var ddb = factory.dynamoDb(); var s3 = factory.s3()) {
            Provisioner.Result result = new Provisioner(sqs, ddb, s3, settings, options.dryRun())
                    .run(line -> out.println(line.render(options.dryRun())));
            alarms(factory, settings, options, out);
            return result.hasConflict() ? 3 : 0;
        } catch (SdkException e) {
            err.println("provisioning failed: " + e.getMessage());
            if (settings.mode() == RelayMode.EMBEDDED) {
                err.println("(embedded mode provisions the emulators of a running service: start it with"
                        + " './mvnw spring-boot:test-run'; it also provisions itself at start-up)");
            }
            return 1;
        }
    }

    /** docs/CONTRACT.md#alarms alarms; none in embedded mode (no CloudWatch there) or with --skip-alarms. */
    private static void alarms(AwsClientFactory factory, RelaySettings settings, Options options, PrintStream out) {
        String reason = options.skipAlarms() ? "--skip-alarms"
                : settings.mode() == RelayMode.EMBEDDED ? "no CloudWatch in embedded mode" : null;
        if (reason != null) {
            out.println("CloudWatch alarms " + options.prefix() + "-" + options.environment() + "-*: skipped (" + reason + ")");
            return;
        }
        RelaySettings.Resources r = settings.resources();
        AlarmProvisioner.Target target = new AlarmProvisioner.Target(options.prefix(), options.environment(),
                settings.metrics().cloudWatchNamespace(), options.topics(), options.thresholds(), options.tenantIds(),
                r.jobsQueueName(), r.jobsDlqName(), r.notificationsQueueName(), r.notificationsDlqName());
        try (var cloudWatch = factory.cloudWatch()) {
            new AlarmProvisioner(cloudWatch, options.dryRun()).run(target, line -> out.println(line.render(options.dryRun())));
            new DashboardProvisioner(cloudWatch, options.dryRun()).run(DashboardProvisioner.Target.of(target,
                    List.of(r.tenantsTable(), r.runsTable(), r.notificationsTable())),
                    line -> out.println(line.render(options.dryRun())));
        }
        if (options.topics().none()) {
            out.println("warning: the alarms have no actions (no --sns-topic-arn or --<severity>-topic-arn):"
                    + " they change state but notify nobody");
        } else {
            for (AlarmProvisioner.Severity s : AlarmProvisioner.Severity.values()) {
                if (options.topics().of(s) == null) {
                    out.println("warning: the " + s.name().toLowerCase(java.util.Locale.ROOT) + " alarms have no actions (no --"
                            + s.name().toLowerCase(java.util.Locale.ROOT) + "-topic-arn or --sns-topic-arn)");
                }
            }
        }
    }

    static Options parse(String[] args) {
        return parse(args, System::getenv);
    }

    static Options parse(String[] args, java.util.function.Function<String, String> env) {
        boolean dryRun = false;
        boolean skipAlarms = false;
        String prefix = "relay-inventory";
        String environment = env.apply("ENVIRONMENT") == null || env.apply("ENVIRONMENT").isBlank()
                ? "unknown" : env.apply("ENVIRONMENT").trim();
        String sns = null;
        String critical = null;
        String warning = null;
        String info = null;
        AlarmProvisioner.Thresholds d = AlarmProvisioner.Thresholds.DEFAULTS;
        int consecutive = d.consecutiveFailures();
        int backlog = d.queueBacklog();
        int workerErrors = d.workerErrors();
        int notificationFailures = d.notificationFailures();
        double p99 = d.runDurationP99Seconds();
        int api5xx = d.api5xx();
        int oldestAge = d.oldestJobAgeSeconds();
        int notificationsBacklog = d.notificationsBacklog();
        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--dry-run" -> dryRun = true;
                case "--skip-alarms" -> skipAlarms = true;
                case "--prefix" -> prefix = value(args, ++i, a);
                case "--environment" -> environment = value(args, ++i, a);
                case "--sns-topic-arn" -> sns = topic(args, ++i, a);
                case "--critical-topic-arn" -> critical = topic(args, ++i, a);
                case "--warning-topic-arn" -> warning = topic(args, ++i, a);
                case "--info-topic-arn" -> info = topic(args, ++i, a);
                case "--consecutive-failure-threshold" -> consecutive = count(args, ++i, a, 1, 1000);
                case "--queue-backlog-threshold" -> backlog = count(args, ++i, a, 0, 1_000_000);
                case "--worker-error-threshold" -> workerErrors = count(args, ++i, a, 1, 1_000_000);
                case "--notification-failure-threshold" -> notificationFailures = count(args, ++i, a, 1, 1_000_000);
                case "--run-duration-p99-seconds" -> p99 = count(args, ++i, a, 1, 86_400);
                case "--api-5xx-threshold" -> api5xx = count(args, ++i, a, 1, 1_000_000);
                case "--oldest-job-age-seconds" -> oldestAge = count(args, ++i, a, 60, 1_209_600);
                case "--notifications-backlog-threshold" -> notificationsBacklog = count(args, ++i, a, 0, 1_000_000);
                case "--tenant-id" -> {
                    String id = value(args, ++i, a);
                    if (!id.matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")) {
                        throw new IllegalArgumentException("--tenant-id must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
                    }
                    tenants.add(id);
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        AlarmProvisioner.Topics topics = new AlarmProvisioner.Topics(critical != null ? critical : sns,
                warning != null ? warning : sns, info != null ? info : sns);
        AlarmProvisioner.Thresholds thresholds = new AlarmProvisioner.Thresholds(consecutive, backlog, workerErrors,
                notificationFailures, p99, api5xx, oldestAge, notificationsBacklog);
        return new Options(dryRun, prefix, environment, topics, thresholds, List.copyOf(tenants), skipAlarms);
    }

    private static String topic(String[] args, int i, String flag) {
        String arn = value(args, i, flag);
        if (!arn.matches(TOPIC_ARN)) {
            throw new IllegalArgumentException(flag + " must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got '"
                    + arn + "'");
        }
        return arn;
    }

    private static int count(String[] args, int i, String flag, int min, int max) {
        String v = value(args, i, flag);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number from " + min + " to " + max + " (got '" + v + "')");
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }
}
