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

    /** The XSRF token of a fresh signed-in answer (cookie value). */
    private String xsrfToken() {
        HttpResponse<String> first = send(management("/actuator/jolokia/version").header("Authorization", ADMIN).GET());
        return first.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
                .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';'))).findFirst().orElseThrow();
    }

    private HttpResponse<String> postWithToken(String body, String origin) {
        String xsrf = xsrfToken();
        HttpRequest.Builder b = management("/actuator/jolokia").header("Authorization", ADMIN)
                .header("Cookie", "XSRF-TOKEN=" + xsrf).header("X-XSRF-TOKEN", xsrf)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) b.header("Origin", origin);
        return send(b);
    }

    /**
     * Issue 17 #8: Jolokia over GET only reads. exec and write by GET (any spelling, or through
     * ?p=) are refused even with the console credentials: CSRF does not cover GET, so a page on
     * another site could run them with the browser's cached Basic credentials.
     */
    @Test
    void jolokiaOverGetOnlyReads() {
        for (String path : List.of("/actuator/jolokia/exec/java.lang:type=Memory/gc",
                "/actuator/jolokia/EXEC/java.lang:type=Memory/gc",
                "/actuator/jolokia/ex%65c/java.lang:type=Memory/gc",
                "/actuator/jolokia/?p=/exec/java.lang:type=Memory/gc",
                "/actuator/jolokia/write/java.lang:type=Memory/Verbose/true",
                "/actuator/hawtio/jolokia/exec/java.lang:type=Memory/gc")) {
            HttpResponse<String> r = send(management(path).header("Authorization", ADMIN).GET());
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).doesNotContain("\"status\":200");
        }
        for (String path : List.of("/actuator/jolokia/read/java.lang:type=Runtime/Uptime",
                "/actuator/jolokia/list/java.lang", "/actuator/jolokia/search/java.lang:*", "/actuator/jolokia/version")) {
            HttpResponse<String> r = send(management(path).header("Authorization", ADMIN).GET());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).contains("\"status\":200");
        }
    }

    /** exec stays available to the console: by POST with the CSRF token, from the console's own origin. */
    @Test
    void execByPostWithTheCsrfTokenStillWorksForTheConsole() {
        HttpResponse<String> gc = postWithToken("{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}",
                "http://127.0.0.1:" + managementPort);
        assertThat(gc.statusCode()).isEqualTo(200);
        assertThat(gc.body()).contains("\"status\":200");
    }

    /**
     * Issue 17 #8: a foreign Origin gets 403 and no CORS headers (Jolokia used to answer
     * {@code Access-Control-Allow-Origin: <that origin>} with credentials allowed), for reads,
     * preflights and token-carrying POSTs alike.
     */
    @Test
    void foreignOriginsGetNoCredentialedCors() {
        String evil = "http://evil.example";
        List<HttpResponse<String>> answers = List.of(
                send(management("/actuator/jolokia/version").header("Authorization", ADMIN).header("Origin", evil).GET()),
                send(management("/actuator/jolokia").header("Authorization", ADMIN).header("Origin", evil)
                        .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody())),
                postWithToken("{\"type\":\"version\"}", evil),
                // same host, other port: another origin too
                send(management("/actuator/jolokia/version").header("Authorization", ADMIN)
                        .header("Origin", "http://127.0.0.1:" + serverPort).GET()));
        for (HttpResponse<String> r : answers) {
            assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri()).isIn(401, 403);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
            assertThat(r.body()).doesNotContain("\"agent\"");
        }
    }

    /** Issue 17 #8: the session and XSRF cookies are never sent on cross-site requests. */
    @Test
    void consoleCookiesAreSameSiteStrict() {
        HttpResponse<String> r = send(management("/actuator/jolokia/version").header("Authorization", ADMIN).GET());
        List<String> cookies = r.headers().allValues("Set-Cookie");
        assertThat(cookies).anySatisfy(c -> assertThat(c).startsWith("JSESSIONID="));
        assertThat(cookies).anySatisfy(c -> assertThat(c).startsWith("XSRF-TOKEN="));
        assertThat(cookies).allSatisfy(c -> assertThat(c).containsIgnoringCase("SameSite=Strict"));
    }

    /** The access policy (jolokia-access.xml) denies the diagnostic MBeans that write files or run commands. */
    @Test
    void accessPolicyDeniesDiagnosticOperations() {
        HttpResponse<String> dump = postWithToken("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                + "\"operation\":\"dumpHeap\",\"arguments\":[\"/tmp/relay-hawtio-it.hprof\",true]}", null);
        assertThat(dump.body()).contains("\"status\":403").doesNotContain("\"status\":200");
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/relay-hawtio-it.hprof"))).isFalse();
    }
}
