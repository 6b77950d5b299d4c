package com.relay.observability;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.apache.camel.CamelContext;
import org.apache.camel.observation.MicrometerObservationTracer;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Camel's own spans (camel-observation): one per route and endpoint exchange, on the same
 * ObservationRegistry and tracer as the rest of the application, so they nest under the API's
 * server span and the scheduler's tick, and a consumer route reading a message whose headers
 * carry {@code traceparent} continues that trace.
 *
 * <p>Wired here rather than by {@code camel-observation-starter}'s auto-configuration, which steps
 * aside whenever Spring Boot's actuator observation auto-configuration is on the classpath (as it
 * is here) and is otherwise only reachable through its {@code @CamelObservation} import.
 */
@Configuration(proxyBeanMethods = false)
public class CamelTracingConfiguration {

    @Bean
    public CamelContextConfiguration relayCamelObservation(ObservationRegistry registry, ObjectProvider<Tracer> tracer) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                MicrometerObservationTracer camelTracer = new MicrometerObservationTracer();
                camelTracer.setObservationRegistry(registry);
                tracer.ifAvailable(camelTracer::setTracer);
                // S3 steps get no Camel span: the AWS SDK's own client span (AwsSdkTracing) is the
                // record of the call, a child of the vendor or stage span the worker has in scope
                camelTracer.setExcludePatterns("aws2-s3*");
                camelTracer.init(camelContext);
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing: tracing is in place before the routes start
            }
        };
    }
}
