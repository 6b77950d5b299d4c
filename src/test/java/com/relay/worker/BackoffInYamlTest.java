package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The backoff's base and cap are arguments of the error handler step (docs/ROUTES.md,
 * recipe 3), so they are no longer only validated settings: a number written there out of SQS's
 * range is an error that names the limit and the step, and a large base never overflows.
 */
class BackoffInYamlTest {

    @Test
    void aConstantBackoffIsBaseEqualToMax() {
        assertThat(AttemptErrors.backoffSeconds(5, 5, 1)).isEqualTo(5);
        assertThat(AttemptErrors.backoffSeconds(5, 5, 7)).isEqualTo(5);
    }

    @Test
    void aBaseAboveTheCapGivesTheCapAtEveryAttemptWithoutOverflow() {
        assertThat(AttemptErrors.backoffSeconds(1L << 40, 43_200, 1)).isEqualTo(43_200);
        assertThat(AttemptErrors.backoffSeconds(1L << 40, 43_200, 30)).isEqualTo(43_200);
    }

    @Test
    void numbersOutsideSqsVisibilityRangeAreRejectedWithTheLimitAndTheStep() {
        for (long[] bad : new long[][] {{-5, 5}, {5, -1}, {5, 43_201}}) {
            assertThatThrownBy(() -> AttemptErrors.backoffSeconds(bad[0], bad[1], 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0..43200")
                    .hasMessageContaining("worker-attempt-failed");
        }
    }
}
