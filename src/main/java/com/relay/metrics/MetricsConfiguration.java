package com.relay.metrics;

import com.relay.aws.AwsRuntime;
import com.relay.config.RelaySettings;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.metrics.MeterRegistryCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * RI §6.1: every meter carries the tag {@code Environment} = {@code ENVIRONMENT}; Prometheus is
 * always on, and with {@code CLOUDWATCH_METRICS_ENABLED=true} the same meters are also published
 * to CloudWatch in {@code CLOUDWATCH_METRICS_NAMESPACE} every {@code CLOUDWATCH_METRICS_STEP_SECONDS}
 * (Spring Boot combines the two registries). Failed publishes are logged by the registry and never
 * touch processing.
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MetricsConfiguration.class);

    @Bean
    public MeterRegistryCustomizer<MeterRegistry> relayEnvironmentTag(RelaySettings settings) {
        return registry -> registry.config().commonTags("Environment", settings.environment());
    }

    @Bean
    @ConditionalOnExpression("'${CLOUDWATCH_METRICS_ENABLED:false}'.equalsIgnoreCase('true')")
    CloudWatchMeterRegistry cloudWatchMeterRegistry(RelaySettings settings, AwsRuntime aws) {
        RelaySettings.Metrics m = settings.metrics();
        CloudWatchConfig config = new CloudWatchConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String namespace() {
                return m.cloudWatchNamespace();
            }

            @Override
            public Duration step() {
                return Duration.ofSeconds(m.cloudWatchStepSeconds());
            }
        };
        log.info("metrics_publish CloudWatch namespace={} step_seconds={}", m.cloudWatchNamespace(), m.cloudWatchStepSeconds());
        return new CloudWatchMeterRegistry(config, Clock.SYSTEM, aws.clients().cloudWatchAsync());
    }
}
