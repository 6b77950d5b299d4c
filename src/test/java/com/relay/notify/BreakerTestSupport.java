package com.relay.notify;

import com.relay.config.RelaySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Shared fixtures: the docs/CONTRACT.md#circuit-breaker-vectors parameters, a time origin and metrics on a simple registry. */
final class BreakerTestSupport {

    static final Instant ORIGIN = Instant.parse("2026-11-22T14:00:00Z");
    static final BreakerRules RULES = new BreakerRules(5, Duration.ofSeconds(60), Duration.ofSeconds(30), 2,
            Duration.ofMillis(10_000).plusSeconds(5));

    private BreakerTestSupport() {}

    static Instant at(double seconds) {
        return ORIGIN.plusMillis(Math.round(seconds * 1000));
    }

    static RelaySettings settings(Map<String, String> env) {
        return RelaySettings.load(env::get);
    }

    static NotifyMetrics metrics(SimpleMeterRegistry registry) {
        return new NotifyMetrics(registry, settings(Map.of("ENVIRONMENT", "test")));
    }
}
