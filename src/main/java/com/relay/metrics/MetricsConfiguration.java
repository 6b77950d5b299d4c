package com.relay.metrics;

import com.relay.aws.AwsRuntime;
import com.relay.config.RelaySettings;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.metrics.MeterRegistryCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * docs/CONTRACT.md#run-metrics: every meter carries the tag {@code Environment} = {@code ENVIRONMENT}; Prometheus is
 * always on and has every meter. With {@code CLOUDWATCH_METRICS_ENABLED=true} the operator meters
 * of {@link CloudWatchCatalogue} are also sent to CloudWatch in {@code CLOUDWATCH_METRICS_NAMESPACE}
 * every {@code CLOUDWATCH_METRICS_STEP_SECONDS} by {@link CloudWatchPublisher} (Spring Boot adds it
 * to the composite registry). Failed publishes are logged once and never touch processing.
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MetricsConfiguration.class);

    @Bean
    public MeterRegistryCustomizer<MeterRegistry> relayEnvironmentTag(RelaySettings settings) {
        return registry -> registry.config().commonTags("Environment", settings.environment());
    }

    /** Closing flushes the last step, then closes the client. */
    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("'${CLOUDWATCH_METRICS_ENABLED:false}'.equalsIgnoreCase('true')")
    CloudWatchPublisher cloudWatchPublisher(RelaySettings settings, AwsRuntime aws) {
        RelaySettings.Metrics m = settings.metrics();
        CloudWatchClient client = aws.clients().cloudWatch();
        log.atInfo().addKeyValue("event", "metrics_publish_started").addKeyValue("namespace", m.cloudWatchNamespace())
                .addKeyValue("step_seconds", m.cloudWatchStepSeconds())
                .addKeyValue("request_compression", m.cloudWatchRequestCompression())
                .addKeyValue("extra_meters", String.join(",", m.cloudWatchExtraMeters()))
                .log("Publishing the operator metrics to CloudWatch namespace {} every {} s", m.cloudWatchNamespace(),
                        m.cloudWatchStepSeconds());
        return new CloudWatchPublisher(m.cloudWatchNamespace(), Duration.ofSeconds(m.cloudWatchStepSeconds()),
                m.cloudWatchExtraMeters(), m.cloudWatchMaxDimensionValues(), Clock.SYSTEM, client).startPublishing();
    }
}
