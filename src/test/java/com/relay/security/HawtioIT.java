package com.relay.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * The Hawtio console and Jolokia on the management port (docs/HAWTIO.md): closed without the
 * console admin's credentials, open with them; the other actuator endpoints stay open.
 */
// tests switch metrics export (and so /actuator/prometheus) off unless asked to keep it
@AutoConfigureObservability(tracing = false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0",
        "HAWTIO_USERNAME=console-admin", "HAWTIO_PASSWORD=" + HawtioIT.PASSWORD})
class HawtioIT {

    static final String PASSWORD = "s3cret-for-hawtio-it";
    @LocalManagementPort int managementPort;
    @LocalServerPort int serverPort;
    @Autowired ApplicationContext context;
    final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder management(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static final String ADMIN = basic("console-admin", PASSWORD);

    @Test
    void consoleAndJolokiaRefuseAnonymousAndWrongPasswords() {
        for (String path : List.of("/actuator/hawtio", "/actuator/hawtio/", "/actuator/hawtio/jolokia/version",
                "/actuator/jolokia", "/actuator/jolokia/version")) {
            HttpResponse<String> anonymous = send(management(path).GET());
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Basic realm=\"hawtio\"");
            HttpResponse<String> wrong = send(management(path).header("Authorization", basic("console-admin", "nope")).GET());
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
        }
    }

    @Test
    void consoleOpensWithTheAdminCredentials() {
        HttpResponse<String> page = send(management("/actuator/hawtio/").header("Authorization", ADMIN).GET());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("hawtio");
        HttpResponse<String> version = send(management("/actuator/jolokia/version").header("Authorization", ADMIN).GET());
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).contains("\"agent\"").contains("\"status\":200");
    }

    @Test
    void jolokiaWritesNeedTheCsrfTokenHawtioSends() {
        String read = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}";
        HttpResponse<String> withoutToken = send(management("/actuator/jolokia").header("Authorization", ADMIN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(read)));
        assertThat(withoutToken.statusCode()).isEqualTo(403);

        HttpResponse<String> first = send(management("/actuator/jolokia/version").header("Authorization", ADMIN).GET());
        String xsrf = first.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
                .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';'))).findFirst().orElseThrow();
        HttpResponse<String> withToken = send(management("/actuator/jolokia").header("Authorization", ADMIN)
                .header("Cookie", "XSRF-TOKEN=" + xsrf).header("X-XSRF-TOKEN", xsrf)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(read)));
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).contains("\"status\":200");
    }

    @Test
    void camelRoutesAreVisibleThroughJolokiaByRouteId() {
        HttpResponse<String> routes = send(management("/actuator/jolokia/search/org.apache.camel:type=routes,*")
                .header("Authorization", ADMIN).GET());
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(routes.body()).contains("name=\\\"api-get-tenant\\\"");
    }

    @Test
    void operationalEndpointsStayOpen() {
        assertThat(send(management("/actuator/prometheus").GET()).statusCode()).isEqualTo(200);
        assertThat(send(management("/actuator/info").GET()).statusCode()).isEqualTo(200);
        assertThat(send(management("/actuator/metrics").GET()).statusCode()).isEqualTo(200);
        assertThat(send(management("/actuator/health").GET()).statusCode()).isIn(200, 503);
    }

    @Test
    void theApiPortServesNoConsoleAndSpringSecurityAddsNoDefaultUser() {
        HttpResponse<String> onApiPort = send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + serverPort + "/actuator/hawtio/")).header("Authorization", ADMIN).GET());
        assertThat(onApiPort.statusCode()).isEqualTo(404);
        assertThat(onApiPort.body()).contains("\"NOT_FOUND\"");
        assertThat(context.getBeansOfType(UserDetailsService.class)).containsOnlyKeys("consoleUserDetailsService");
        // the management server keeps Spring Security's strict firewall (the API's paths are exempt)
        assertThat(send(management("/actuator/hawtio/a%2Fb").header("Authorization", ADMIN).GET()).statusCode())
                .isEqualTo(400);
        // API requests skip Spring Security; the wrapper is what both servers' filter registration finds
        assertThat(context.getBean("springSecurityFilterChain")).isInstanceOf(ApiRequestsSkipSecurityFilter.class);
    }
}
