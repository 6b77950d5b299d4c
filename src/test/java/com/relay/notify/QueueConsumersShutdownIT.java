package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.RelayApplication;
import com.relay.api.Json;
import com.relay.aws.ProvisionedResources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.aws2.sqs.Sqs2Consumer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Stopping the service while its queue consumers sit in SQS long polls (the production default of
 * 20 s) and one notification delivery is under way: the long polls end before Camel stops its
 * routes, so Camel's graceful shutdown waits only for real work, and that work is finished, not
 * dropped. Before, Camel found every idle consumer "polling" (one pending exchange each) and
 * waited for the poll to return, up to 20 s per context; in a test JVM every cached context did
 * so one after the other at exit, and Surefire killed the fork 30 s after System.exit.
 */
class QueueConsumersShutdownIT {

    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * Looks at the SQS routes the moment Camel begins to stop (before its graceful wait) and reads
     * the notification once Camel has stopped (the AWS clients and emulators close after Camel).
     */
    static class ShutdownProbe extends EventNotifierSupport {
        final Map<String, Boolean> idlePollWhenCamelStops = new ConcurrentHashMap<>();
        volatile String notificationStatusWhenCamelStopped;
        volatile Supplier<String> notificationStatus;
        private final CamelContext camel;

        ShutdownProbe(CamelContext camel) {
            this.camel = camel;
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                for (Route route : camel.getRoutes()) {
                    if (route.getConsumer() instanceof Sqs2Consumer consumer) {
                        // inside a poll with no exchange of its own: waiting in a receive
                        idlePollWhenCamelStops.put(route.getRouteId(),
                                consumer.isPolling() && camel.getInflightRepository().size(route.getRouteId()) == 0);
                    }
                }
            } else if (event instanceof CamelEvent.CamelContextStoppedEvent && notificationStatus != null) {
                notificationStatusWhenCamelStopped = notificationStatus.get();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Probe {
        static volatile ShutdownProbe probe;

        @Bean
        CamelContextConfiguration shutdownProbe() {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext context) {
                    probe = new ShutdownProbe(context);
                    context.getManagementStrategy().addEventNotifier(probe);
                }

                @Override
                public void afterApplicationStart(CamelContext context) {
                    // nothing
                }
            };
        }
    }

    @Test
    void longPollsEndAtShutdownAndTheDeliveryUnderWayIsCompleted() throws Exception {
        ShutdownProbe probe;
        try (FakeNtfyServer ntfy = new FakeNtfyServer().then(FakeNtfyServer.Answer.stall(3_000))) {
            ConfigurableApplicationContext app = start();
            try {
                probe = Probe.probe;
                CamelContext camel = app.getBean(CamelContext.class);
                DynamoDbClient dynamoDb = app.getBean(DynamoDbClient.class);
                String table = app.getBean(ProvisionedResources.class).notificationsTable();
                String port = app.getEnvironment().getProperty("local.server.port");
                String tenant = "stop-" + UUID.randomUUID().toString().substring(0, 8);
                HttpResponse<String> created = post(port, "/v1/tenants", NotifyTestSupport.config(tenant, ntfy.url(), "[\"FAILED\"]"));
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

                // the notifier delivers a manual message; ntfy takes 3 s to answer it
                HttpResponse<String> accepted = post(port, "/v1/notifications",
                        "{\"tenant_id\": \"" + tenant + "\", \"message\": \"stopping\"}");
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                String id = Json.tree(accepted.body()).get("notification_id").asText();
                probe.notificationStatus = () -> dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                        .key(Map.of("notification_id", AttributeValue.fromS(id)))).item().get("status").s();
                await(() -> ntfy.count() == 1, "the delivery to reach ntfy");
                Sqs2Consumer jobs = (Sqs2Consumer) camel.getRoute("worker-run").getConsumer();
                await(jobs::isPolling, "the jobs consumer to be in a long poll");
            } finally {
                app.close();
            }
        }

        assertThat(probe.idlePollWhenCamelStops).as("SQS consumers still waiting in a long poll when Camel began to stop")
                .containsOnlyKeys("worker-run", "notification-deliver")
                .doesNotContainValue(true);
        assertThat(probe.notificationStatusWhenCamelStopped).as("the delivery under way at shutdown finished")
                .isEqualTo("completed");
    }

    private static ConfigurableApplicationContext start() {
        Map<String, Object> props = new HashMap<>();
        props.put("RELAY_EMBEDDED_PERSISTENT", "false");
        props.put("RELAY_EMBEDDED_SQS_PORT", "0");
        props.put("RELAY_EMBEDDED_DYNAMODB_PORT", "0");
        props.put("RELAY_EMBEDDED_S3_PORT", "0");
        props.put("SERVER_PORT", "0");
        props.put("MANAGEMENT_PORT", "0");
        props.put("SCHEDULER_ENABLED", "false");
        props.put("WORKER_ENABLED", "true");
        props.put("NOTIFIER_ENABLED", "true");
        props.put("WORKER_MAX_CONCURRENCY", "1");
        props.put("NOTIFIER_MAX_CONCURRENCY", "1");
        // the production long polls: WORKER_RECEIVE_WAIT_SECONDS and the notifier's default, both 20 s
        props.put("WORKER_RECEIVE_WAIT_SECONDS", "20");
        return new SpringApplicationBuilder(RelayApplication.class, Probe.class).properties(props).run();
    }

    private HttpResponse<String> post(String port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", NotifyTestSupport.DEV).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
