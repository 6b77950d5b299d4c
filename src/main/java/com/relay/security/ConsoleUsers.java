package com.relay.security;

import com.relay.config.RelaySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The one login realm: the Hawtio console admin from {@code HAWTIO_USERNAME}/{@code HAWTIO_PASSWORD}.
 * Defining it also keeps Spring Boot from generating a default user and password.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleUsers {

    private static final Logger log = LoggerFactory.getLogger(ConsoleUsers.class);

    @Bean
    public PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    public UserDetailsService consoleUserDetailsService(RelaySettings settings, PasswordEncoder encoder) {
        RelaySettings.Console console = settings.console();
        if (!console.enabled()) {
            log.info("hawtio console locked: HAWTIO_PASSWORD is not set, /actuator/hawtio and /actuator/jolokia refuse every request");
            return new InMemoryUserDetailsManager();
        }
        if (console.developmentPassword()) {
            log.warn("HAWTIO_PASSWORD is not set: the hawtio console accepts user '{}' with the embedded development "
                    + "password (docs/HAWTIO.md); never use it outside development", console.username());
        }
        return new InMemoryUserDetailsManager(User.withUsername(console.username())
                .password(encoder.encode(console.password()))
                .roles(WebSecurityConfiguration.CONSOLE_ROLE)
                .build());
    }
}
