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
 * [--tenant-id ID]... [--skip-alarms]} (RI §6.4). Plain Java: no Spring context, so it starts fast
 * and can run from an init script. Exit codes: 0 done, 1 an endpoint call failed, 2 usage, 3 conflict.
 */
public final class ProvisionCommand {

    static final String USAGE = "usage: relay provision [--dry-run] [--prefix relay-inventory] [--environment <name>]"
            + " [--sns-topic-arn <arn>] [--tenant-id <id>]... [--skip-alarms]";

    private ProvisionCommand() {}

    record Options(boolean dryRun, String prefix, String environment, String snsTopicArn,
                   List<String> tenantIds, boolean skipAlarms) {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System::getenv);
    }

    /** The command with its environment given (the service's variables, RI §8). */
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

    /** RI §6.3 alarms; none in embedded mode (no CloudWatch there) or with --skip-alarms. */
    private static void alarms(AwsClientFactory factory, RelaySettings settings, Options options, PrintStream out) {
        String reason = options.skipAlarms() ? "--skip-alarms"
                : settings.mode() == RelayMode.EMBEDDED ? "no CloudWatch in embedded mode" : null;
        if (reason != null) {
            out.println("CloudWatch alarms " + options.prefix() + "-" + options.environment() + "-*: skipped (" + reason + ")");
            return;
        }
        RelaySettings.Resources r = settings.resources();
        AlarmProvisioner.Target target = new AlarmProvisioner.Target(options.prefix(), options.environment(),
                settings.metrics().cloudWatchNamespace(), options.snsTopicArn(), options.tenantIds(),
                r.jobsQueueName(), r.jobsDlqName(), r.notificationsDlqName());
        try (var cloudWatch = factory.cloudWatch()) {
            new AlarmProvisioner(cloudWatch, options.dryRun()).run(target, line -> out.println(line.render(options.dryRun())));
        }
        if (options.snsTopicArn() == null) {
            out.println("warning: the alarms have no actions (no --sns-topic-arn): they change state but notify nobody");
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
        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--dry-run" -> dryRun = true;
                case "--skip-alarms" -> skipAlarms = true;
                case "--prefix" -> prefix = value(args, ++i, a);
                case "--environment" -> environment = value(args, ++i, a);
                case "--sns-topic-arn" -> sns = value(args, ++i, a);
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
        return new Options(dryRun, prefix, environment, sns, List.copyOf(tenants), skipAlarms);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }
}
