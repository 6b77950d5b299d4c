package com.relay.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import jakarta.servlet.Filter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.context.WebApplicationContext;

class ApiRequestsSkipSecurityFilterTest {

    private final List<String> secured = new ArrayList<>();
    private final Filter security = (request, response, chain) -> {
        secured.add(((jakarta.servlet.http.HttpServletRequest) request).getRequestURI());
        chain.doFilter(request, response);
    };
    private final ApiRequestsSkipSecurityFilter filter = new ApiRequestsSkipSecurityFilter(security);

    private static MockServletContext server(String namespace) {
        MockServletContext servletContext = new MockServletContext();
        WebApplicationContext context = mock(WebApplicationContext.class, withSettings().extraInterfaces(WebServerApplicationContext.class));
        when(((WebServerApplicationContext) context).getServerNamespace()).thenReturn(namespace);
        servletContext.setAttribute(WebApplicationContext.ROOT_WEB_APPLICATION_CONTEXT_ATTRIBUTE, context);
        return servletContext;
    }

    private MockFilterChain send(MockServletContext server, String uri) throws Exception {
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(new MockHttpServletRequest(server, "GET", uri), new MockHttpServletResponse(), chain);
        return chain;
    }

    @Test
    void apiRequestsOnTheApiServerSkipSpringSecurityButStillReachTheApi() throws Exception {
        MockFilterChain chain = send(server(null), "/v1/runs/r1");
        assertThat(chain.getRequest()).isNotNull();
        assertThat(secured).isEmpty();
    }

    @Test
    void everythingElseGoesThroughSpringSecurity() throws Exception {
        MockServletContext api = server(null);
        MockServletContext management = server("management");
        for (var request : List.of(new Object[] {api, "/actuator/health"}, new Object[] {api, "/v1x"},
                new Object[] {management, "/v1/runs/r1"}, new Object[] {management, "/actuator/hawtio/index.html"})) {
            MockFilterChain chain = send((MockServletContext) request[0], (String) request[1]);
            assertThat(chain.getRequest()).isNotNull();
        }
        assertThat(secured).containsExactly("/actuator/health", "/v1x", "/v1/runs/r1", "/actuator/hawtio/index.html");
    }
}
