package com.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.aws.RecordingCloudWatch;
import com.relay.aws.RecordingCloudWatch.Datum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The booted service with {@code CLOUDWATCH_METRICS_ENABLED=true} (embedded mode, worker on, a
 * 1-second step) against a recording CloudWatch endpoint: what arrives is the catalogue's names in
 * the configured namespace with the Environment dimension — the heartbeat among them — and none of
 * the JVM, HTTP or Camel meters the same registry has on Prometheus.
 */
@SpringBootTest(properties = {
        "RELAY_EMBEDDED_PERSISTENT=false", "RELAY_EMBEDDED_SQS_PORT=0", "RELAY_EMBEDDED_DYNAMODB_PORT=0",
        "RELAY_EMBEDDED_S3_PORT=0", "MANAGEMENT_PORT=0", "SCHEDULER_ENABLED=false",
        "WORKER_ENABLED=true", "WORKER_RECEIVE_WAIT_SECONDS=1", "WORKER_HEARTBEAT_INTERVAL_SECONDS=1",
        "ENVIRONMENT=cwtest", "CLOUDWATCH_METRICS_ENABLED=true", "CLOUDWATCH_METRICS_STEP_SECONDS=1",
        "CLOUDWATCH_METRICS_NAMESPACE=RelayContract"})
class ServiceSendsOperatorMetricsIT {

    private static final RecordingCloudWatch CLOUDWATCH = start();

    private static RecordingCloudWatch start() {
        try {
            return new RecordingCloudWatch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void cloudWatchEndpoint(DynamicPropertyRegistry registry) {
        registry.add("AWS_ENDPOINT_URL_CLOUDWATCH", () -> CLOUDWATCH.endpoint().toString());
    }

    @AfterAll
    static void stop() {
        CLOUDWATCH.close();
    }

    @Autowired CloudWatchPublisher publisher;

    @Test
    void theRunningServiceSendsTheHeartbeatUnderItsNameAndNoJvmOrHttpMeters() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L; // a wait for the first steps, not a timing assertion
        while (System.nanoTime() < deadline && CLOUDWATCH.datums().stream().noneMatch(d -> d.name().equals("WorkerHeartbeat")
                && d.value() != null && d.value() > 0)) {
            Thread.sleep(200);
        }
        List<Datum> data = CLOUDWATCH.datums();
        assertThat(data).anyMatch(d -> d.name().equals("WorkerHeartbeat") && d.dimensions().equals(Map.of("Environment", "cwtest"))
                && d.value() != null && d.value() > 0 && d.unit().equals("Count"));
        assertThat(data).allSatisfy(d -> {
            assertThat(d.namespace()).isEqualTo("RelayContract");
            assertThat(CloudWatchCatalogue.find(d.name())).as(d.name()).isPresent();
            assertThat(d.dimensions()).containsEntry("Environment", "cwtest");
        });
        assertThat(CLOUDWATCH.requests()).allSatisfy(r -> assertThat(r.operation()).isEqualTo("PutMetricData"));
        // every meter is still on the composite (Prometheus), cumulative
        assertThat(publisher.getMeters()).anyMatch(m -> m.getId().getName().startsWith("jvm."));
    }
}
