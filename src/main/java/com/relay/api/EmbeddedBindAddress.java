package com.relay.api;

import com.relay.config.RelayMode;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * In embedded mode the API and management ports listen on loopback only (issue 17 #15): the
 * embedded mode accepts public development credentials (relay-dev-key, the Hawtio development
 * password), so it must not answer other hosts. {@code SERVER_ADDRESS} / {@code MANAGEMENT_SERVER_ADDRESS}
 * (Spring Boot's own settings) override it, e.g. {@code 0.0.0.0}; the other modes keep Spring Boot's
 * default of every interface, as a container needs.
 */
public class EmbeddedBindAddress implements EnvironmentPostProcessor {

    static final String LOOPBACK = "127.0.0.1";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String mode = environment.getProperty("RELAY_MODE");
        // an invalid RELAY_MODE gets loopback here; RelaySettings then refuses to start and names it
        if (mode != null && RelayMode.parse(mode).filter(m -> m != RelayMode.EMBEDDED).isPresent()) return;
        // the lowest precedence: SERVER_ADDRESS, MANAGEMENT_SERVER_ADDRESS or any property source wins
        environment.getPropertySources().addLast(new MapPropertySource("relayEmbeddedBindAddress",
                Map.of("server.address", LOOPBACK, "management.server.address", LOOPBACK)));
    }
}
