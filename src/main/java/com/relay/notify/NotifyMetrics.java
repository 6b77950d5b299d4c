package com.relay.notify;

import com.relay.config.RelaySettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The notifier's meters (docs/CONTRACT.md#notification-and-api-metrics), every one tagged {@code Environment}:
 * {@code NotificationsSent{Status}}, {@code NotificationDuration}, {@code CircuitBreakerState{Service}}
 * and {@code WorkerError{ErrorType=notification_*|circuit_store_error}}.
 */
@Component("notifyMetrics")
public class NotifyMetrics {

    private final MeterRegistry registry;
    private final String environment;
    private final Map<String, AtomicLong> breakerGauges = new ConcurrentHashMap<>();

    public NotifyMetrics(MeterRegistry registry, RelaySettings settings) {
        this.registry = registry;
        this.environment = settings.environment();
    }

    public void sent(String status) {
        Counter.builder("NotificationsSent").tag("Status", status).tag("Environment", environment)
                .register(registry).increment();
    }

    public void duration(Duration d) {
        Timer.builder("NotificationDuration").tag("Environment", environment).register(registry).record(d);
    }

    public void workerError(String errorType) {
        Counter.builder("WorkerError").tag("ErrorType", errorType).tag("Environment", environment)
                .register(registry).increment();
    }

    /** The state this process last read or wrote for {@code service}. */
    public void breakerState(String service, BreakerState.State state) {
        breakerGauges.computeIfAbsent(service, s -> {
            AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0.0));
            Gauge.builder("CircuitBreakerState", bits, b -> Double.longBitsToDouble(b.get()))
                    .tag("Service", s).tag("Environment", environment).register(registry);
            return bits;
        }).set(Double.doubleToLongBits(state.gauge()));
    }

    public double counter(String name, String tagKey, String tagValue) {
        Counter c = registry.find(name).tag(tagKey, tagValue).tag("Environment", environment).counter();
        return c == null ? 0 : c.count();
    }
}
