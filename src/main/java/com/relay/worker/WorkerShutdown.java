package com.relay.worker;

import com.relay.config.RelaySettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Graceful shutdown of the worker (RI §4.8), run when the Camel context starts stopping (before
 * its routes are shut down): stop receiving at once, give running attempts
 * {@code WORKER_SHUTDOWN_TIMEOUT_SECONDS} to finish, then hand the rest back (last_error
 * {@code worker shutdown}, lease released, message visible at once) so another worker completes them.
 */
@Component("workerShutdown")
public class WorkerShutdown extends EventNotifierSupport {

    static final String ROUTE_ID = "worker-run";
    private static final Logger log = LoggerFactory.getLogger(WorkerShutdown.class);

    private final RunWorker worker;
    private final long timeoutMillis;

    public WorkerShutdown(RunWorker worker, RelaySettings settings) {
        this.worker = worker;
        this.timeoutMillis = settings.worker().shutdownTimeoutSeconds() * 1000L;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        CamelContext context = ((CamelEvent.CamelContextStoppingEvent) event).getContext();
        Route route = context.getRoute(ROUTE_ID);
        if (route == null || route.getConsumer() == null) return;
        try {
            ServiceHelper.suspendService(route.getConsumer());
        } catch (RuntimeException e) {
            log.warn("worker_shutdown could not suspend the jobs consumer: {}", e.toString());
        }
        int running = worker.activeAttempts();
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (worker.activeAttempts() > 0 && System.nanoTime() < deadline) {
            sleep(50);
        }
        int released = worker.handBackAll();
        // the handed-back attempts stop at their next safe point; give them a moment to leave
        long settle = System.nanoTime() + 5_000_000_000L;
        while (worker.activeAttempts() > 0 && System.nanoTime() < settle) {
            sleep(50);
        }
        log.info("worker_shutdown finished={} released={}", Math.max(0, running - released), released);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
