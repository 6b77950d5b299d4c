package com.relay.worker;

import com.relay.config.RelaySettings;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Camel settings that follow the worker's: the context waits for the worker's own shutdown. */
@Configuration(proxyBeanMethods = false)
public class WorkerConfiguration {

    @Bean
    CamelContextConfiguration workerShutdownTimeout(RelaySettings settings) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                // WorkerShutdown hands running attempts back after WORKER_SHUTDOWN_TIMEOUT_SECONDS;
                // Camel's own deadline must not cut that short.
                context.getShutdownStrategy().setTimeout(settings.worker().shutdownTimeoutSeconds() + 30L);
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
                // nothing
            }
        };
    }
}
