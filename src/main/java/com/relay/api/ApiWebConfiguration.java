package com.relay.api;

import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat would reject an encoded slash ({@code %2F}) in a path with a bare 400 before any Relay
 * code runs; passing it through lets the id checks answer in the API's own terms (RI §5.1).
 */
@Configuration(proxyBeanMethods = false)
public class ApiWebConfiguration {

    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> relayEncodedSlash() {
        return factory -> factory.addConnectorCustomizers(c -> c.setEncodedSolidusHandling("passthrough"));
    }
}
