package com.relay.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.stereotype.Component;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * Spring Security's {@link StrictHttpFirewall} would answer a bare 400 for API paths such as
 * {@code /v1/tenants/a%2Fb} or {@code …/inbound/..}, before any Relay code runs; docs/CONTRACT.md#api-conventions wants the
 * resource's 404/422 in the API's error shape, and the API checks its path ids itself. So API paths
 * on the API server pass unchanged; everything else — the whole management server with the
 * console — keeps the strict firewall.
 */
@Component
public class ApiPathFirewall implements HttpFirewall {

    private static final String MANAGEMENT_SERVER = "management";
    private final StrictHttpFirewall strict = new StrictHttpFirewall();

    @Override
    public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
        if (isApiRequest(request)) return new FirewalledRequest(request) {
            @Override
            public void reset() { }
        };
        return strict.getFirewalledRequest(request);
    }

    @Override
    public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
        return strict.getFirewalledResponse(response);
    }

    static boolean isApiRequest(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (uri == null || !(uri.equals("/v1") || uri.startsWith("/v1/"))) return false;
        WebApplicationContext context = WebApplicationContextUtils.getWebApplicationContext(request.getServletContext());
        return !WebServerApplicationContext.hasServerNamespace(context, MANAGEMENT_SERVER);
    }
}
