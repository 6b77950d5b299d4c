package com.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-step values behind CloudWatch's percentiles: bounded whatever is recorded, each value at most 1 % off. */
class StepValuesTest {

    @Test
    void bucketsAreWithinOnePercentAndTheirNumberIsBounded() {
        StepValues values = new StepValues(1);
        double v = 1e-6;
        long recorded = 0;
        while (v < 1e12) {
            values.recordDouble(v);
            if (v >= StepValues.MIN_VALUE && v <= StepValues.MAX_VALUE) {
                assertThat(Math.abs(StepValues.bucket(v) - v) / v).as("bucket of " + v).isLessThanOrEqualTo(0.01);
            }
            v *= 1.003;
            recorded++;
        }
        values.recordDouble(0);
        StepValues.Drained d = values.drain();
        assertThat(d.count()).isEqualTo(recorded + 1);
        assertThat(d.counts().size()).isLessThanOrEqualTo(StepValues.MAX_BUCKETS + 1);
        assertThat(d.counts()).containsKey(0.0);
        assertThat(values.drain().count()).isZero();
    }

    @Test
    void timersRecordNanosecondsAsMilliseconds() {
        StepValues values = new StepValues(1e-6);
        values.recordLong(250_000_000L);
        StepValues.Drained d = values.drain();
        assertThat(d.sum()).isEqualTo(250.0);
        assertThat(d.counts().keySet().iterator().next()).isBetween(247.5, 252.5);
    }
}
