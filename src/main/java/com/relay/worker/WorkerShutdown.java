package com.relay.worker;

import com.relay.config.RelaySettings;
import com.relay.logging.LogEvents;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Graceful shutdown of the worker (docs/CONTRACT.md#worker-loop-and-shutdown): stop receiving at once, give running attempts
 * {@code WORKER_SHUTDOWN_TIMEOUT_SECONDS} to finish, then hand the rest back (last_error
 * {@code worker shutdown}, lease released, message visible at once) so another worker completes
 * them. Runs as a Spring lifecycle phase just before the Camel context stops (Camel's phase is
 * {@code Integer.MAX_VALUE - 2049}), while the AWS clients are still open.
 */
@Component("workerShutdown")
public class WorkerShutdown implements SmartLifecycle {

    static final String ROUTE_ID = "worker-run";
    private static final Logger log = LoggerFactory.getLogger(WorkerShutdown.class);

    private final AttemptLeases worker;
    private final ObjectProvider<CamelContext> camel;
    private final long timeoutMillis;
    private volatile boolean running;

    /** The Camel context is looked up at stop time: asking for it at creation would build it too early. */
    public WorkerShutdown(AttemptLeases worker, ObjectProvider<CamelContext> camel, RelaySettings settings) {
        this.worker = worker;
        this.camel = camel;
        this.timeoutMillis = settings.worker().shutdownTimeoutSeconds() * 1000L;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void stop() {
        running = false;
        CamelContext context = camel.getIfAvailable();
        Route route = context == null ? null : context.getRoute(ROUTE_ID);
        if (route != null && route.getConsumer() != null) {
            try {
                // no new receive from here on; a long poll already under way may still deliver one
                ServiceHelper.suspendService(route.getConsumer());
            } catch (RuntimeException e) {
                log.warn("worker_shutdown could not suspend the jobs consumer: {}", e.toString());
            }
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
        LogEvents.info(log, "worker_shutdown", "finished", Math.max(0, running - released), "released", released);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
