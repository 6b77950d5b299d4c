package com.relay.worker;

import com.relay.RelayApplication;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.MDC;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.TestConfiguration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The service as {@code ./mvnw spring-boot:test-run} starts it, plus kill points for
 * {@link ChaosKillIT}: {@code RELAY_CHAOS_POINTS=tenantA=NORMALIZE;tenantB=WRITE_OUTPUTS;…}. When a
 * tenant's run reaches its point, the calling thread prints {@code CHAOS_POINT_REACHED tenant=…} on
 * stdout and blocks for good, so the test kills the JVM (SIGKILL) exactly there. Each point is a
 * real request of the run over the wire; nothing in the service knows about them.
 */
public final class ChaosChild {

    public static final String MARKER = "CHAOS_POINT_REACHED";

    /** Where a run is held: each one is inside a stage, after some of its work is durable. */
    public enum Point {
        /** FETCH_INPUTS: the config snapshot is written, the vendors are not yet listed or copied */
        FETCH_INPUTS,
        /** NORMALIZE: a vendor feed's GetObject answered, its rows not yet parsed */
        NORMALIZE,
        /** MERGE_PRICE: the stage is written, the merge has not started */
        MERGE_PRICE,
        /** WRITE_OUTPUTS: merged_inventory.csv is in S3, run_summary.json is not */
        WRITE_OUTPUTS,
        /** COMPLETE: every artifact written, the terminal transaction not sent */
        BEFORE_TERMINAL,
        /** COMPLETE: the run is terminal and the lock released, the job message not yet deleted */
        AFTER_TERMINAL
    }

    private ChaosChild() {}

    public static void main(String[] args) {
        try {
            new SpringApplicationBuilder(RelayApplication.class, Points.class).run(args);
        } catch (Throwable t) {
            System.err.println("Relay failed to start: " + t);
            System.exit(1);
        }
    }

    @TestConfiguration(proxyBeanMethods = false) // not picked up by the component scan of other tests
    public static class Points {
        @Bean
        public ExecutionInterceptor chaosKillPoints() {
            return new KillPoints(parse(System.getenv("RELAY_CHAOS_POINTS")));
        }
    }

    static Map<String, Point> parse(String spec) {
        Map<String, Point> points = new HashMap<>();
        if (spec == null || spec.isBlank()) return points;
        for (String entry : spec.split(";")) {
            String[] kv = entry.split("=", 2);
            points.put(kv[0].trim(), Point.valueOf(kv[1].trim()));
        }
        return points;
    }

    static final class KillPoints implements ExecutionInterceptor {
        private final Map<String, Point> points;
        private final Set<String> reached = ConcurrentHashMap.newKeySet();

        KillPoints(Map<String, Point> points) {
            this.points = Map.copyOf(points);
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            check(context.request(), true);
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            check(context.request(), false);
        }

        private void check(SdkRequest request, boolean before) {
            for (Map.Entry<String, Point> e : points.entrySet()) {
                if (matches(e.getKey(), e.getValue(), request, before)) hold(e.getKey(), e.getValue());
            }
        }

        private static boolean matches(String tenant, Point point, SdkRequest request, boolean before) {
            String mdcTenant = MDC.get("tenant_id");
            return switch (point) {
                case FETCH_INPUTS -> !before && request instanceof PutObjectRequest p
                        && p.key().endsWith("/tenants/" + tenant + "/reports/config_snapshot.json");
                case NORMALIZE -> !before && request instanceof GetObjectRequest g
                        && g.key().startsWith("tenants/" + tenant + "/inbound/");
                case MERGE_PRICE -> !before && request instanceof UpdateItemRequest u && tenant.equals(mdcTenant)
                        && AttributeValue.fromS("MERGE_PRICE").equals(u.expressionAttributeValues().get(":stage"));
                case WRITE_OUTPUTS -> !before && request instanceof PutObjectRequest p
                        && p.key().endsWith("/tenants/" + tenant + "/outputs/merged_inventory.csv");
                case BEFORE_TERMINAL -> before && isTerminalWrite(request) && tenant.equals(mdcTenant);
                case AFTER_TERMINAL -> !before && isTerminalWrite(request) && tenant.equals(mdcTenant);
            };
        }

        /** The worker's terminal transaction (run FAILED/SUCCEEDED + lock release), not the API's run creation. */
        private static boolean isTerminalWrite(SdkRequest request) {
            return request instanceof TransactWriteItemsRequest t && !t.transactItems().isEmpty()
                    && t.transactItems().get(0).update() != null
                    && t.transactItems().get(0).update().updateExpression().contains("finished_at");
        }

        private void hold(String tenant, Point point) {
            if (reached.add(tenant)) {
                System.out.println(MARKER + " tenant=" + tenant + " point=" + point);
                System.out.flush();
            }
            while (true) { // until SIGKILL: no shutdown hook, no hand-back, nothing more of this attempt
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ignored) {
                    // a graceful stop must not release the attempt either
                }
            }
        }
    }
}
