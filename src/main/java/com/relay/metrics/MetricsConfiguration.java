package com.relay.metrics;

import com.relay.config.RelaySettings;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.autoconfigure.metrics.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** RI §6.1: every meter carries the tag {@code Environment} = {@code ENVIRONMENT}. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    public MeterRegistryCustomizer<MeterRegistry> relayEnvironmentTag(RelaySettings settings) {
        return registry -> registry.config().commonTags("Environment", settings.environment());
    }
}
