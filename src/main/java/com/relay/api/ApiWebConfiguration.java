package com.relay.api;

import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.catalina.core.StandardHost;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcRegistrations;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/** How the API's HTTP requests reach the Camel REST routes. */
@Configuration(proxyBeanMethods = false)
public class ApiWebConfiguration {

    /**
     * Tomcat would reject an encoded slash ({@code %2F}) in a path with a bare 400 before any Relay
     * code runs; passing it through lets the id checks answer in the API's own terms (docs/CONTRACT.md#api-conventions).
     */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> relayEncodedSlash() {
        return factory -> factory.addConnectorCustomizers(c -> c.setEncodedSolidusHandling("passthrough"));
    }

    /** Tomcat's own 4xx/5xx answers in the API's error shape, not an HTML page ({@link ApiErrorReportValve}). */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> relayErrorReportValve() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) host.setErrorReportValveClass(ApiErrorReportValve.class.getName());
        });
    }

    /**
     * platform-http's default engine hands every exchange to Spring's task executor (8 threads,
     * unbounded queue) and answers through an asynchronous servlet request. The routes block on
     * DynamoDB, S3 and SQS anyway, so that hop buys nothing and costs a thread switch per request,
     * queues requests behind the 8 threads, and puts each request under the container's async
     * timeout (30 s by default): an inbound upload slower than that was cut off. Here the exchange
     * runs on the request's own Tomcat thread (Tomcat's pool bounds concurrency) and the response
     * is complete before the handler returns. The bean name is the one platform-http looks up.
     */
    @Bean(name = PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME)
    public PlatformHttpEngine springBootPlatformHttpEngine(Environment environment) {
        return new SpringBootPlatformHttpEngine(environment.getProperty("server.port", Integer.class, 8080), Runnable::run);
    }

    /**
     * With the exchange complete on return, no second (asynchronous) dispatch either, and no
     * validation-group scan for handlers that validate nothing ({@link ApiHandlerAdapter}).
     */
    @Bean
    public WebMvcRegistrations relayHandlerAdapter() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerAdapter getRequestMappingHandlerAdapter() {
                return new ApiHandlerAdapter();
            }
        };
    }
}
