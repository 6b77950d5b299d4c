package com.relay.aws;

import com.relay.logging.LogEvents;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.aws2.sqs.Sqs2Consumer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * First step of every shutdown (docs/WORKER.md "Shutdown"): the SQS consumers of all routes
 * (jobs and notifications) stop receiving, and their long polls under way end at once instead of
 * after up to 20 s. Exchanges already running are not touched: the worker's graceful shutdown and
 * Camel's wait for them follow. Runs in the lifecycle phase before {@code WorkerShutdown}'s, which
 * itself comes before the Camel context stops.
 */
@Component
public class QueueConsumersShutdown implements SmartLifecycle {

    /** Stopped before {@code WorkerShutdown} (Integer.MAX_VALUE - 2048) and Camel (- 2049). */
    static final int PHASE = Integer.MAX_VALUE - 2047;
    /** A consumer whose poll was ended leaves it within milliseconds; this only bounds a surprise. */
    private static final long SETTLE_MILLIS = 5_000;
    /** How long a consumer busy with an exchange may delay the next shutdown step. */
    private static final long BUSY_GRACE_MILLIS = 1_000;
    private static final Logger log = LoggerFactory.getLogger(QueueConsumersShutdown.class);

    private final SqsLongPolls longPolls;
    private final ObjectProvider<CamelContext> camel;
    private volatile boolean running;

    /** The Camel context is looked up at stop time: asking for it at creation would build it too early. */
    public QueueConsumersShutdown(SqsLongPolls longPolls, ObjectProvider<CamelContext> camel) {
        this.longPolls = longPolls;
        this.camel = camel;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void start() {
        longPolls.resume();
        running = true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void stop() {
        running = false;
        List<Sqs2Consumer> consumers = new ArrayList<>();
        List<String> routes = new ArrayList<>();
        CamelContext context = camel.getIfAvailable();
        if (context != null) {
            for (Route route : context.getRoutes()) {
                // a route that never started (its role is off) has a consumer that never polled
                if (route.getConsumer() instanceof Sqs2Consumer consumer && consumer.isStarted()) {
                    try {
                        // no new poll from here on (a suspended consumer's scheduler skips its runs)
                        ServiceHelper.suspendService(consumer);
                    } catch (RuntimeException e) {
                        log.warn("queue consumer of route {} not suspended: {}", route.getRouteId(), e.toString());
                    }
                    consumers.add(consumer);
                    routes.add(route.getRouteId());
                }
            }
        }
        // the polls under way (and any that slipped in after the suspension) end now, empty
        int ended = longPolls.end();
        // Camel counts a consumer inside a poll as a pending exchange and, when it finds one, looks
        // again only a second later: wait the few milliseconds the threads need to leave their ended
        // polls (the worker's idle poll still hands an empty exchange to its route). A consumer busy
        // with a real exchange (a job, a delivery) is waited for at most BUSY_GRACE_MILLIS here: the
        // worker's shutdown and Camel's graceful wait take care of it.
        long start = System.nanoTime();
        while (sleep(10)) {
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000L;
            boolean includeBusy = elapsedMillis < BUSY_GRACE_MILLIS;
            if (elapsedMillis >= SETTLE_MILLIS || !anyPolling(context, consumers, routes, includeBusy)) break;
        }
        LogEvents.info(log, "queue_receive_stopped", "routes", String.join(",", routes), "long_polls_ended", ended,
                "receiving", longPolls.receiving());
    }

    /** A consumer inside a poll; unless {@code includeBusy}, only one with no exchange of its route in flight. */
    private static boolean anyPolling(CamelContext context, List<Sqs2Consumer> consumers, List<String> routes,
                                      boolean includeBusy) {
        for (int i = 0; i < consumers.size(); i++) {
            if (consumers.get(i).isPolling()
                    && (includeBusy || context.getInflightRepository().size(routes.get(i)) == 0)) return true;
        }
        return false;
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
