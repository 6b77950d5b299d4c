package com.relay.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** The console guard's rules (issue 17 #8); HawtioIT checks them over HTTP. */
class ConsoleRequestGuardTest {

    private static MockHttpServletRequest get(String uri) {
        MockHttpServletRequest r = new MockHttpServletRequest("GET", uri);
        r.setServerName("localhost");
        r.setServerPort(8081);
        return r;
    }

    @Test
    void onlyReadTypesPassOverGet() {
        for (String ok : new String[] {"/actuator/jolokia", "/actuator/jolokia/", "/actuator/jolokia/version",
                "/actuator/jolokia/read/java.lang:type=Memory/HeapMemoryUsage", "/actuator/jolokia/list",
                "/actuator/jolokia/search/org.apache.camel:*", "/actuator/hawtio/", "/actuator/hawtio/index.html"}) {
            assertThat(ConsoleRequestGuard.readOnlyJolokia(get(ok))).as(ok).isTrue();
        }
        for (String bad : new String[] {"/actuator/jolokia/exec/java.lang:type=Memory/gc", "/actuator/jolokia/Exec/x/y",
                "/actuator/jolokia/ex%65c/x/y", "/actuator/jolokia//exec/x/y", "/actuator/jolokia/write/a/b/c",
                "/actuator/hawtio/jolokia/exec/x/y", "/actuator/jolokia/notification/x"}) {
            assertThat(ConsoleRequestGuard.readOnlyJolokia(get(bad))).as(bad).isFalse();
        }
        MockHttpServletRequest viaParameter = get("/actuator/jolokia/");
        viaParameter.setParameter("p", "/exec/java.lang:type=Memory/gc");
        assertThat(ConsoleRequestGuard.readOnlyJolokia(viaParameter)).isFalse();
    }

    @Test
    void onlyTheRequestsOwnOriginIsSameOrigin() {
        MockHttpServletRequest r = get("/actuator/jolokia");
        assertThat(ConsoleRequestGuard.sameOrigin("http://localhost:8081", r)).isTrue();
        assertThat(ConsoleRequestGuard.sameOrigin("HTTP://LOCALHOST:8081", r)).isTrue();
        assertThat(ConsoleRequestGuard.sameOrigin("http://localhost:8080", r)).isFalse();
        assertThat(ConsoleRequestGuard.sameOrigin("https://localhost:8081", r)).isFalse();
        assertThat(ConsoleRequestGuard.sameOrigin("http://evil.example", r)).isFalse();
        assertThat(ConsoleRequestGuard.sameOrigin("null", r)).isFalse();
        assertThat(ConsoleRequestGuard.sameOrigin("http://localhost:8081.evil.example", r)).isFalse();
    }
}
