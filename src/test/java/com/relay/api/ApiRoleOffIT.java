package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code API_ENABLED=false} (docs/CONTRACT.md#components, docs/CONTRACT.md#environment-variables: a process without the API role, e.g. a worker fleet): no
 * API route starts, every {@code /v1} path answers 404 in the error shape, and orchestration still
 * has readiness on the management port.
 */
@TestPropertySource(properties = {"API_ENABLED=false", "SCHEDULER_ENABLED=false"})
class ApiRoleOffIT extends ApiTestSupport {

    @Autowired CamelContext camel;
    @LocalManagementPort int managementPort;

    @Test
    void noApiRouteRunsAndEveryApiPathAnswers404() throws Exception {
        List<Route> api = camel.getRoutes().stream()
                .filter(r -> r.getRouteId().startsWith("api-") || r.getRouteId().equals("get-health")).toList();
        assertThat(api).as("the API's routes exist (Hawtio lists them)").hasSizeGreaterThanOrEqualTo(18);
        for (Route r : api) {
            assertThat(camel.getRouteController().getRouteStatus(r.getRouteId()).isStarted()).as(r.getRouteId()).isFalse();
        }
        assertThat(camel.getRouteController().getRouteStatus("notification-deliver").isStarted())
                .as("the other roles are unaffected").isTrue();

        for (String path : List.of("/v1/health", "/v1/openapi.json", "/v1/runs", "/v1/tenants/acme")) {
            Reply r = send(request(path).header("X-API-Key", DEV).GET());
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.code()).as(path).isEqualTo("NOT_FOUND");
            assertThat(r.header("X-Correlation-Id")).as(path).isNotBlank();
        }
        Reply post = send(request("/v1/runs").header("X-API-Key", DEV).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant_id\":\"acme\"}")));
        assertThat(post.status()).isEqualTo(404);

        Reply ready = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/health/readiness")).GET());
        assertThat(ready.status()).isEqualTo(200);
    }
}
