package com.relay.aws;

import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Actuator health "aws": part of the readiness group, so a pod without S3/SQS/DynamoDB is not ready. */
@Component("aws")
public class AwsReadinessIndicator implements HealthIndicator {

    private final DependencyProbe probe;

    public AwsReadinessIndicator(DependencyProbe probe) {
        this.probe = probe;
    }

    @Override
    public Health health() {
        Map<String, String> checks = probe.probe();
        return (DependencyProbe.allOk(checks) ? Health.up() : Health.down()).withDetails(checks).build();
    }
}
