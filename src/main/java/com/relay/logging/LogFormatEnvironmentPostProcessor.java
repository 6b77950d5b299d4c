package com.relay.logging;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Chooses the console line format before Spring Boot initialises logging: the JSON line of
 * docs/CONTRACT.md#structured-logging ({@link RelayJsonFormatter}) unless {@code LOG_FORMAT=text}, which keeps
 * Boot's plain console pattern for reading logs in a terminal. An invalid value also gets JSON
 * here; {@code RelaySettings} then refuses to start and names the problem.
 */
public class LogFormatEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String PROPERTY = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(PROPERTY)) return; // set explicitly: respect it
        String format = environment.getProperty("LOG_FORMAT", "json").trim().toLowerCase(Locale.ROOT);
        if (format.equals("text")) return;
        environment.getPropertySources().addLast(new MapPropertySource("relayLogFormat",
                Map.of(PROPERTY, RelayJsonFormatter.class.getName())));
    }
}
