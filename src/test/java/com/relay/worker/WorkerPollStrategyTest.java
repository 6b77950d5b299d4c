package com.relay.worker;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import com.relay.config.RelaySettings;
import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat counts receive calls, not jobs (docs/CONTRACT.md#worker-loop-and-shutdown): the
 * jobs consumer's poll strategy counts each poll, empty or not, so worker-run's exchanges are the
 * jobs alone (no empty exchange travels through it).
 */
class WorkerPollStrategyTest {

    private final WorkerMetrics metrics = mock(WorkerMetrics.class);
    private final WorkerPollStrategy strategy = new WorkerPollStrategy(metrics,
            RelaySettings.load(Map.of("WORKER_RECEIVE_ERROR_BACKOFF_SECONDS", "0")::get));

    @Test
    void everyReceiveCountsOneHeartbeatWithOrWithoutAMessage() {
        strategy.commit(mock(Consumer.class), mock(Endpoint.class), 0);
        strategy.commit(mock(Consumer.class), mock(Endpoint.class), 1);

        verify(metrics, org.mockito.Mockito.times(2)).heartbeat();
        verifyNoMoreInteractions(metrics);
    }

    @Test
    void aFailedReceiveCountsAnErrorAndAHeartbeat() {
        strategy.rollback(mock(Consumer.class), mock(Endpoint.class), 0, new IllegalStateException("receive failed"));

        verify(metrics).error("queue_receive_error");
        verify(metrics).heartbeat();
        verifyNoMoreInteractions(metrics);
    }
}
