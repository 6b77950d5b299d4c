package com.relay.security;

import com.relay.config.RelaySettings;
import jakarta.servlet.Filter;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.AbstractSecurityWebApplicationInitializer;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

/**
 * Spring Security's filter chains. Spring Security is here for the management console only (and its
 * JOSE support decodes bearer tokens inside {@code Authenticator}): the API keeps its own
 * authentication and its one error shape (docs/CONTRACT.md#api-errors, docs/CONTRACT.md#authentication-and-authorization), so everything but Hawtio and Jolokia
 * passes through untouched — including health, prometheus, info and metrics.
 */
@Configuration(proxyBeanMethods = false)
public class WebSecurityConfiguration {

    public static final String CONSOLE_ROLE = "CONSOLE_ADMIN";

    /**
     * {@code /actuator/hawtio/**} and {@code /actuator/jolokia/**} on the management port: the console
     * admin over HTTP Basic (the browser's sign-in prompt; the session then keeps the login, so the
     * password is not re-hashed for every Jolokia call). CSRF stays on because a browser resends
     * Basic credentials cross-site; the token travels in the {@code XSRF-TOKEN} cookie that Hawtio
     * echoes as {@code X-XSRF-TOKEN}. Without a configured password nobody gets in.
     */
    @Bean
    @Order(1)
    public SecurityFilterChain consoleSecurity(HttpSecurity http, RelaySettings settings) throws Exception {
        boolean enabled = settings.console().enabled();
        // sent on every response (not deferred), so the console has the cookie before its first POST
        CsrfTokenRequestAttributeHandler eagerCsrfToken = new CsrfTokenRequestAttributeHandler();
        eagerCsrfToken.setCsrfRequestAttributeName(null);
        http.securityMatcher(EndpointRequest.to("hawtio", "jolokia"))
                .authorizeHttpRequests(requests -> {
                    if (enabled) requests.anyRequest().hasRole(CONSOLE_ROLE);
                    else requests.anyRequest().denyAll();
                })
                .httpBasic(basic -> basic.realmName("hawtio")
                        .securityContextRepository(new HttpSessionSecurityContextRepository()))
                .csrf(csrf -> csrf.csrfTokenRepository(strictCsrfCookie())
                        .csrfTokenRequestHandler(eagerCsrfToken))
                // after sign-in, so anonymous callers still get 401 and the browser's prompt
                .addFilterAfter(new ConsoleRequestGuard(), AuthorizationFilter.class);
        return http.build();
    }

    /** The XSRF-TOKEN cookie, never sent on cross-site requests (like the session cookie, application.yaml). */
    private static CookieCsrfTokenRepository strictCsrfCookie() {
        CookieCsrfTokenRepository repository = CookieCsrfTokenRepository.withHttpOnlyFalse();
        repository.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        return repository;
    }

    /**
     * Everything else (the API on SERVER_PORT, the open actuator endpoints): no Spring Security
     * filter at all — the API is authenticated by {@code ApiGate}/{@code Authenticator} with
     * credentials in headers, never cookies, and answers in its own error shape. An empty chain
     * (what {@code WebSecurity#ignoring} builds, without its start-up warning) instead of a
     * permit-all one: the dozen filters of an {@code HttpSecurity} chain were a large share of an
     * API request's CPU time under load (docs/PERFORMANCE.md). API requests on the API server skip
     * Spring Security altogether ({@link #apiRequestsSkipSecurity()}); everything else still passes
     * the firewall.
     */
    @Bean
    @Order(2)
    public SecurityFilterChain passThrough() {
        return new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE);
    }

    /** API requests skip Spring Security altogether ({@link ApiRequestsSkipSecurityFilter}). */
    @Bean
    public static BeanPostProcessor apiRequestsSkipSecurity() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (AbstractSecurityWebApplicationInitializer.DEFAULT_FILTER_NAME.equals(beanName) && bean instanceof Filter filter) {
                    return new ApiRequestsSkipSecurityFilter(filter);
                }
                return bean;
            }
        };
    }
}
