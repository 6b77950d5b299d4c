package com.relay.worker;

import com.relay.config.RelaySettings;
import com.relay.logging.LogEvents;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The heartbeat of every receive call on the jobs queue (docs/CONTRACT.md#worker-loop-and-shutdown),
 * counted here so empty polls never travel through {@code worker-run}. A failed receive (docs/CONTRACT.md#worker-loop-and-shutdown): counted as {@code WorkerError{queue_receive_error}},
 * logged, and the next receive waits {@code WORKER_RECEIVE_ERROR_BACKOFF_SECONDS} instead of
 * looping at once (the earlier implementation's defect).
 */
@Component("workerPollStrategy")
public class WorkerPollStrategy implements PollingConsumerPollStrategy {

    private static final Logger log = LoggerFactory.getLogger(WorkerPollStrategy.class);

    private final WorkerMetrics metrics;
    private final long backoffMillis;

    public WorkerPollStrategy(WorkerMetrics metrics, RelaySettings settings) {
        this.metrics = metrics;
        this.backoffMillis = settings.worker().receiveErrorBackoffSeconds() * 1000L;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // every receive call counts, with or without a message: worker-run sees only the jobs
        metrics.heartbeat();
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        metrics.error("queue_receive_error");
        metrics.heartbeat();
        LogEvents.warn(log, "queue_receive_error", "error", AttemptErrors.describe(cause), "backoff_seconds", backoffMillis / 1000);
        try {
            Thread.sleep(backoffMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
