package com.relay.aws;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.config.RelayStartupException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the AWS SDK v2 clients for a mode: the same code for the service (Spring beans) and the
 * plain-Java commands, so they can never disagree about endpoints or credentials.
 */
public final class AwsClientFactory {

    /** LocalStack accepts any key pair; these are its documented defaults. */
    private static final AwsCredentialsProvider LOCALSTACK_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    /**
     * The timer of every SDK client's attempt timeouts. The SDK's own (five threads per client)
     * keeps a cancelled timeout queued until it would have fired: at 35 s that is ~19,000 dead
     * tasks at 600 calls a second and 60,000+ at full speed, and every call sifts through the
     * heap under the queue's one lock. Here a cancelled timeout leaves the queue at once. Daemon, one thread for
     * the process: a timeout only interrupts the calling thread. The SDK never shuts down an
     * executor it was given.
     */
    private static final ScheduledExecutorService SDK_TIMEOUTS = sdkTimeouts();

    private final RelaySettings settings;
    private final AwsEndpoints endpoints;
    private final AwsCredentialsProvider credentials;
    private final List<ExecutionInterceptor> interceptors;

    public AwsClientFactory(RelaySettings settings, AwsEndpoints endpoints, AwsCredentialsProvider credentials) {
        this(settings, endpoints, credentials, List.of());
    }

    private AwsClientFactory(RelaySettings settings, AwsEndpoints endpoints, AwsCredentialsProvider credentials,
                             List<ExecutionInterceptor> interceptors) {
        this.settings = settings;
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.interceptors = List.copyOf(interceptors);
    }

    /**
     * The same factory with SDK execution interceptors on every client (the service passes the
     * context's {@link ExecutionInterceptor} beans: tracing, and fault injection in tests).
     */
    public AwsClientFactory withInterceptors(List<ExecutionInterceptor> extra) {
        return extra.isEmpty() ? this : new AwsClientFactory(settings, endpoints, credentials, extra);
    }

    /** Factory for localstack/aws modes (embedded needs the running emulators' endpoints). */
    public static AwsClientFactory forRemote(RelaySettings settings) {
        if (settings.mode() == RelayMode.EMBEDDED) {
            throw new IllegalStateException("embedded mode needs the emulators' endpoints");
        }
        URI override = settings.endpointOverride();
        AwsEndpoints endpoints = override == null ? AwsEndpoints.sdkDefaults() : AwsEndpoints.all(override);
        URI cloudWatch = settings.metrics().cloudWatchEndpoint();
        if (cloudWatch != null) {
            endpoints = new AwsEndpoints(endpoints.sqs(), endpoints.s3(), endpoints.dynamoDb(), cloudWatch);
        }
        AwsCredentialsProvider creds = settings.mode() == RelayMode.LOCALSTACK
                ? LOCALSTACK_CREDENTIALS : DefaultCredentialsProvider.builder().build();
        return new AwsClientFactory(settings, endpoints, creds);
    }

    /**
     * Finds the embedded emulators on the classpath. They are test-scoped on purpose, so the
     * production jar answers with instructions instead of a ClassNotFoundException.
     */
    public static EmbeddedAws.Launcher embeddedLauncher() {
        return ServiceLoader.load(EmbeddedAws.Launcher.class).findFirst().orElseThrow(() -> new RelayStartupException(
                "RELAY_MODE=embedded needs the embedded AWS emulators, which are not in this artifact.",
                "Start the embedded default from a checkout with './mvnw spring-boot:test-run', "
                        + "or set RELAY_MODE=localstack or RELAY_MODE=aws."));
    }

    public AwsEndpoints endpoints() { return endpoints; }

    public SqsClient sqs() {
        return configure(SqsClient.builder(), endpoints.sqs(), true).build();
    }

    /**
     * The service's SQS client, over {@code longPolls} so that shutdown can end its long polls at
     * once. The SDK does not close an HTTP client it is given: the owner of {@code longPolls} does.
     */
    public SqsClient sqs(SqsLongPolls longPolls) {
        return configure(SqsClient.builder(), endpoints.sqs(), true).httpClientBuilder(null).httpClient(longPolls).build();
    }

    /** The HTTP client every SDK client of this factory uses (one explicit one: several are on the classpath). */
    public static SdkHttpClient httpClient() {
        return httpClientBuilder().build();
    }

    private static ApacheHttpClient.Builder httpClientBuilder() {
        return ApacheHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                .maxConnections(64);
    }

    public S3Client s3() {
        S3ClientBuilder builder = configure(S3Client.builder(), endpoints.s3(), false)
                // emulators and LocalStack serve buckets by path, not by virtual host
                .forcePathStyle(endpoints.s3() != null);
        if (settings.mode() == RelayMode.EMBEDDED) {
            // The embedded emulator is in this process, over loopback: no network to guard against.
            // By default the SDK sends every upload aws-chunked with a CRC32 trailer and asks for
            // checksums on every download; on two cores shared with the emulator (which hashes every
            // upload itself) that is CPU the run needs. LocalStack and AWS keep the SDK defaults.
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    public S3Presigner s3Presigner() {
        S3Presigner.Builder b = S3Presigner.builder().credentialsProvider(credentials)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(endpoints.s3() != null).build());
        if (settings.region() != null) b.region(Region.of(settings.region()));
        if (endpoints.s3() != null) b.endpointOverride(endpoints.s3());
        return b.build();
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder(), endpoints.dynamoDb(), true).build();
    }

    /**
     * CloudWatch for the alarms, the dashboard and the metrics publisher. The SDK gzips a
     * PutMetricData body of 10 KB or more; LocalStack 4.9 cannot read such a body and answers
     * HTTP 500 to every one, so {@code CLOUDWATCH_REQUEST_COMPRESSION} ({@code auto}: off in
     * localstack mode) can turn compression off.
     */
    public CloudWatchClient cloudWatch() {
        // the embedded emulators have no CloudWatch: AWS_ENDPOINT_URL_CLOUDWATCH still names one there
        URI endpoint = endpoints.cloudWatch() != null ? endpoints.cloudWatch() : settings.metrics().cloudWatchEndpoint();
        CloudWatchClientBuilder builder = configure(CloudWatchClient.builder(), endpoint, true);
        if (!settings.metrics().cloudWatchRequestCompression()) {
            builder.overrideConfiguration(builder.overrideConfiguration().toBuilder()
                    .compressionConfiguration(c -> c.requestCompressionEnabled(false)).build());
        }
        return builder.build();
    }

    /** SSM Parameter Store (ntfy token references; localstack/aws modes only). */
    public software.amazon.awssdk.services.ssm.SsmClient ssm() {
        return configure(software.amazon.awssdk.services.ssm.SsmClient.builder(), settings.endpointOverride(), true).build();
    }

    /** Secrets Manager (ntfy token references; localstack/aws modes only). */
    public software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secretsManager() {
        return configure(software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder(),
                settings.endpointOverride(), true).build();
    }

    /** Timeouts waiting to fire: one per SDK call in flight (for tests and diagnostics). */
    static int pendingSdkTimeouts() {
        return ((ScheduledThreadPoolExecutor) SDK_TIMEOUTS).getQueue().size();
    }

    private static ScheduledExecutorService sdkTimeouts() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "sdk-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
            B configure(B builder, URI endpoint, boolean boundedAttempts) {
        builder.credentialsProvider(credentials)
                // one explicit HTTP client: several implementations are on the classpath
                .httpClientBuilder(httpClientBuilder());
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
        override.scheduledExecutorService(SDK_TIMEOUTS);
        interceptors.forEach(override::addExecutionInterceptor);
        if (boundedAttempts) {
            // longer than SQS's 20 s long poll; S3 is left unbounded: a 500 MB feed upload is slow
            override.apiCallAttemptTimeout(Duration.ofSeconds(35));
        }
        builder.overrideConfiguration(override.build());
        if (settings.region() != null) builder.region(Region.of(settings.region()));
        if (endpoint != null) builder.endpointOverride(endpoint);
        return builder;
    }
}
