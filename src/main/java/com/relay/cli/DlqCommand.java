package com.relay.cli;

import com.relay.aws.AwsClientFactory;
import com.relay.aws.CommandClients;
import com.relay.aws.ProvisionedResources;
import com.relay.config.InvalidSettingsException;
import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.metrics.RelayMetrics;
import com.relay.notify.NotificationEnqueuer;
import com.relay.notify.NotificationRepository;
import com.relay.notify.NotifyMetrics;
import com.relay.notify.PinnedConfigs;
import com.relay.notify.RunNotifications;
import com.relay.runs.RunCreationPauses;
import com.relay.runs.RunCreator;
import com.relay.runs.RunRepository;
import com.relay.tenants.TenantRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import com.relay.observability.MessageTracing;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.function.Function;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * {@code relay dlq peek | redrive | purge}: operator tooling for the jobs and notifications
 * dead-letter queues (docs/OPERATIONS.md "DLQ tooling"). Plain Java like {@code relay provision}:
 * no Spring context; the same settings, modes and endpoints as the service.
 * Exit codes: 0 done, 1 an endpoint call failed, 2 usage or settings error, 3 nothing matched.
 */
public final class DlqCommand {

    static final int OK = 0;
    static final int ENDPOINT_FAILURE = 1;
    static final int USAGE_ERROR = 2;
    static final int NOTHING_MATCHED = 3;

    static final String USAGE = """
            usage: relay dlq peek    [--queue jobs|notifications] [--max N] [--json]
                   relay dlq redrive (--run-id ID | --all) [--json]
                   relay dlq redrive --queue notifications (--notification-id ID | --all) [--json]
                   relay dlq purge   [--queue jobs|notifications] --older-than DURATION [--yes] [--json]

              peek     shows up to N (default 10) messages of the DLQ: message id, sent time, receive
                       count, run id / notification id, tenant id; for jobs also the run's status and
                       error_code. The messages are made visible again at once (visibility 0), so
                       peeking changes nothing but their receive count.
              redrive  jobs: for each selected job whose run is FAILED, creates a NEW run for the same
                       tenant with its latest configuration (as POST /v1/runs does; created_by=api,
                       requested_by=operator) and deletes the DLQ message. A job whose run or tenant
                       is still active is reported and left in the DLQ.
                       notifications: moves the messages back to the notifications queue unchanged.
              purge    deletes the messages sent more than DURATION ago (7d, 12h, 30m, 45s). Without
                       --yes it only lists what it would delete.

              --queue defaults to jobs. --json prints one JSON object per message.
              Settings come from the service's environment (RELAY_MODE, SQS_DLQ_URL, ...); in embedded
              mode the emulators of a running service on RELAY_EMBEDDED_*_PORT, or AWS_ENDPOINT_URL_SQS,
              AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_S3 when set.
            exit codes: 0 done, 1 an endpoint call failed, 2 usage or settings error, 3 nothing matched""";

    private DlqCommand() {}

    /** The command line entry ({@code RelayMain}): the process environment, log warnings to stderr only. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLogging.warningsToStandardError();
        return run(args, out, err, System::getenv);
    }

    /** The command with its environment given (the service's variables, docs/CONTRACT.md#environment-variables). */
    public static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.println(USAGE);
            return OK;
        }
        DlqArguments arguments;
        RelaySettings settings;
        AwsClientFactory factory;
        try {
            arguments = DlqArguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return USAGE_ERROR;
        }
        try {
            settings = RelaySettings.load(env);
            factory = CommandClients.forCommand(settings, env);
        } catch (InvalidSettingsException | IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE_ERROR;
        }
        try (SqsClient sqs = factory.sqs(); DynamoDbClient dynamoDb = factory.dynamoDb(); S3Client s3 = factory.s3()) {
            ProvisionedResources resources = resources(sqs, settings);
            return run(arguments, new DlqPrinter(out, arguments.json()), sqs, dynamoDb, s3, resources, settings);
        } catch (QueueDoesNotExistException e) {
            err.println("dlq " + name(arguments) + " failed: a queue does not exist (" + e.getMessage()
                    + "); run 'relay provision' first");
            return ENDPOINT_FAILURE;
        } catch (SdkException e) {
            err.println("dlq " + name(arguments) + " failed: " + e.getMessage());
            if (settings.mode() == RelayMode.EMBEDDED) {
                err.println("(embedded mode works on the emulators of a running service: start it with"
                        + " './mvnw spring-boot:test-run', or point AWS_ENDPOINT_URL_SQS/_DYNAMODB/_S3 at them)");
            }
            return ENDPOINT_FAILURE;
        }
    }

    private static int run(DlqArguments args, DlqPrinter printer, SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3,
                           ProvisionedResources resources, RelaySettings settings) {
        boolean jobs = args.queue() == DlqArguments.Queue.JOBS;
        DlqQueue dlq = new DlqQueue(sqs, jobs ? resources.jobsDlqUrl() : resources.notificationsDlqUrl());
        RunRepository runs = new RunRepository(dynamoDb, resources, settings);
        Clock clock = Clock.systemUTC();
        return switch (args.action()) {
            case PEEK -> new DlqPeek(dlq, runs, printer).run(args);
            case PURGE -> new DlqPurge(dlq, printer, clock).run(args);
            case REDRIVE -> jobs
                    ? new DlqRedrive(dlq, runs, new TenantRepository(dynamoDb, resources),
                            runCreator(runs, sqs, s3, dynamoDb, resources, settings), printer, clock).run(args)
                    : new DlqNotificationRedrive(dlq, sqs, resources.notificationsQueueUrl(), printer).run(args);
        };
    }

    /**
     * The service's RunCreator, built by hand: its only Spring types are the optional tracer,
     * propagator and clock, given here as empty providers (it then uses the no-op ones and the
     * system clock); metrics go to a throw-away registry (a one-shot command has nothing to export
     * them to). Its notification side is the real one: a run it fails still notifies (docs/CONTRACT.md#attempt-outcomes-retry-and-poison).
     */
    static RunCreator runCreator(RunRepository runs, SqsClient sqs, S3Client s3, DynamoDbClient dynamoDb,
                                 ProvisionedResources resources, RelaySettings settings) {
        StaticListableBeanFactory none = new StaticListableBeanFactory();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NotificationRepository notifications = new NotificationRepository(dynamoDb, resources);
        NotificationEnqueuer enqueuer = new NotificationEnqueuer(sqs, notifications, new NotifyMetrics(registry, settings),
                resources, none.getBeanProvider(java.time.Clock.class));
        return new RunCreator(runs, sqs, s3, resources, settings, new RelayMetrics(registry),
                MessageTracing.none(),
                new RunNotifications(settings, notifications, enqueuer),
                new PinnedConfigs(new TenantRepository(dynamoDb, resources), settings),
                // a one-shot command: no cache, the pause as it is now
                new RunCreationPauses(dynamoDb, resources.runsTable(), java.time.Duration.ZERO, java.time.Clock.systemUTC()));
    }

    /** Queue URLs as configured, else looked up by name (docs/CONTRACT.md#provisioning defaults), as the service does. */
    static ProvisionedResources resources(SqsClient sqs, RelaySettings settings) {
        RelaySettings.Resources r = settings.resources();
        return new ProvisionedResources(r.artifactBucket(), r.tenantsTable(), r.runsTable(), r.notificationsTable(),
                url(sqs, r.jobsQueueUrl(), r.jobsQueueName()), url(sqs, r.jobsDlqUrl(), r.jobsDlqName()),
                url(sqs, r.notificationsQueueUrl(), r.notificationsQueueName()),
                url(sqs, r.notificationsDlqUrl(), r.notificationsDlqName()));
    }

    private static String url(SqsClient sqs, String configured, String name) {
        if (configured != null) return configured;
        try {
            return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            throw (QueueDoesNotExistException) e.toBuilder().message("queue " + name + " not found").build();
        }
    }

    private static String name(DlqArguments args) {
        return args.action().name().toLowerCase(java.util.Locale.ROOT);
    }
}
