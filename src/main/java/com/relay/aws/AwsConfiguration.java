package com.relay.aws;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.config.RelayStartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * One bean per AWS client, built from {@link RelaySettings}. Camel's aws2 components autowire
 * these (a single bean of each type), so route URIs carry no endpoints or credentials.
 */
@Configuration(proxyBeanMethods = false)
public class AwsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AwsConfiguration.class);

    @Bean
    public RelaySettings relaySettings(Environment environment) {
        return RelaySettings.load(environment::getProperty);
    }

    @Bean(destroyMethod = "close")
    public AwsRuntime awsRuntime(RelaySettings settings) {
        return AwsRuntime.start(settings);
    }

    /** The clients of this context: the runtime's factory plus any SDK interceptor beans. */
    private static AwsClientFactory clients(AwsRuntime aws, ObjectProvider<ExecutionInterceptor> interceptors) {
        return aws.clients().withInterceptors(interceptors.orderedStream().toList());
    }

    /** The SQS client's HTTP client: {@link QueueConsumersShutdown} ends its long polls at shutdown. */
    @Bean(destroyMethod = "close")
    public SqsLongPolls sqsLongPolls() {
        return new SqsLongPolls(AwsClientFactory.httpClient());
    }

    @Bean(destroyMethod = "close")
    public SqsClient sqsClient(AwsRuntime aws, ObjectProvider<ExecutionInterceptor> interceptors, SqsLongPolls longPolls) {
        return clients(aws, interceptors).sqs(longPolls);
    }

    @Bean(destroyMethod = "close")
    public S3Client s3Client(AwsRuntime aws, ObjectProvider<ExecutionInterceptor> interceptors) {
        return clients(aws, interceptors).s3();
    }

    @Bean(destroyMethod = "close")
    public S3Presigner s3Presigner(AwsRuntime aws) { return aws.clients().s3Presigner(); }

    @Bean(destroyMethod = "close")
    public DynamoDbClient dynamoDbClient(AwsRuntime aws, ObjectProvider<ExecutionInterceptor> interceptors) {
        return clients(aws, interceptors).dynamoDb();
    }

    @Bean(destroyMethod = "close")
    public CloudWatchClient cloudWatchClient(AwsRuntime aws) { return aws.clients().cloudWatch(); }

    /**
     * Provisions at start-up when asked (always in embedded mode, docs/CONTRACT.md#provisioning) — a conflict stops
     * start-up — otherwise looks the queues up, so a missing queue fails fast with a hint.
     */
    @Bean
    public ProvisionedResources provisionedResources(RelaySettings settings, SqsClient sqs, DynamoDbClient dynamoDb,
                                                     S3Client s3) {
        if (settings.provisionOnStartup()) {
            Provisioner.Result result = new Provisioner(sqs, dynamoDb, s3, settings, false)
                    .run(line -> log.info("provision {}", line.render(false)));
            if (result.hasConflict()) {
                throw new RelayStartupException("provisioning found conflicts: " + result.lines().stream()
                        .filter(l -> l.outcome() == ProvisionLine.Outcome.CONFLICT)
                        .map(l -> l.render(false)).toList(),
                        "Relay never changes an existing table's keys: point the *_TABLE variables elsewhere or fix the table.");
            }
            return result.resources();
        }
        RelaySettings.Resources r = settings.resources();
        return new ProvisionedResources(r.artifactBucket(), r.tenantsTable(), r.runsTable(), r.notificationsTable(),
                url(sqs, r.jobsQueueUrl(), r.jobsQueueName(), settings), url(sqs, r.jobsDlqUrl(), r.jobsDlqName(), settings),
                url(sqs, r.notificationsQueueUrl(), r.notificationsQueueName(), settings),
                url(sqs, r.notificationsDlqUrl(), r.notificationsDlqName(), settings));
    }

    private static String url(SqsClient sqs, String configured, String name, RelaySettings settings) {
        if (configured != null) return configured;
        try {
            return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            throw new RelayStartupException("queue " + name + " does not exist in " + settings.mode().wireName() + " mode",
                    "Run 'java -jar relay.jar provision'" + (settings.mode() == RelayMode.LOCALSTACK
                    ? " or set PROVISION_ON_STARTUP=true" : "") + ".");
        }
    }
}
