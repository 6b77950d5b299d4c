package com.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The median of docs/CONTRACT.md#publishing-diff-delta-and-guard: the lower median, exact to 1 bp, in fixed memory. */
class BasisPointHistogramTest {

    @Test
    void empty_has_no_median() {
        assertThat(new BasisPointHistogram().medianBasisPoints()).isEqualTo(-1);
    }

    @Test
    void the_lower_median_equals_a_sort() {
        Random random = new Random(21);
        for (int n = 1; n < 200; n++) {
            BasisPointHistogram h = new BasisPointHistogram();
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(3) == 0 ? random.nextInt(20) : random.nextInt(120_000);
                h.add(values[i]);
            }
            Arrays.sort(values);
            long expected = values[(n + 1) / 2 - 1];
            assertThat(h.medianBasisPoints()).as("n=" + n).isEqualTo(Math.min(expected, BasisPointHistogram.MAX_BASIS_POINTS + 1L));
        }
    }

    @Test
    void above_the_range_says_so() {
        BasisPointHistogram h = new BasisPointHistogram();
        h.add(5);
        h.add(200_000);
        h.add(Long.MAX_VALUE);
        assertThat(h.medianBasisPoints()).isEqualTo(BasisPointHistogram.MAX_BASIS_POINTS + 1L);
        assertThat(h.count()).isEqualTo(3);
    }
}
