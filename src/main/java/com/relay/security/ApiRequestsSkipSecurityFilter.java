package com.relay.security;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * Wraps Spring Security's {@code springSecurityFilterChain} so that API requests on the API server
 * skip it. For them it would do nothing: their chain is the empty {@code passThrough} one and
 * {@link ApiPathFirewall} lets them through unchanged. But Spring MVC's
 * {@code HandlerMappingIntrospector} cache filter, which Spring Security puts in front of its
 * chain, looks the request's handler up a first time (Spring MVC then does it again), about 3 % of
 * a {@code GET /v1/runs/{id}} under load. Every other request, including everything on the
 * management server with the console, goes through Spring Security as before.
 */
final class ApiRequestsSkipSecurityFilter implements Filter {

    private final Filter security;

    ApiRequestsSkipSecurityFilter(Filter security) {
        this.security = security;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && ApiPathFirewall.isApiRequest(http)) {
            chain.doFilter(request, response);
        } else {
            security.doFilter(request, response, chain);
        }
    }
}
