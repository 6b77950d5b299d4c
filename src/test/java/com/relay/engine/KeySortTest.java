package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeySortTest {

    @Test
    void stableAndEqualToAReferenceSortForManySizes() {
        Random random = new Random(5);
        for (int n : new int[] {0, 1, 2, 31, 32, 33, 64, 1000, 4097, 50_000}) {
            long[] k1 = new long[n];
            long[] k2 = new long[n];
            int[] tie = new int[n];
            for (int i = 0; i < n; i++) {
                k1[i] = random.nextInt(8) - 4L; // negative values: unsigned order puts them last
                k2[i] = random.nextInt(4);
                tie[i] = random.nextInt(3);
            }
            int[] order = KeySort.order(k1, k2, n, (a, b) -> Integer.compare(tie[a], tie[b]));
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) expected.add(i);
            expected.sort(Comparator.<Integer>comparingLong(i -> k1[i] ^ Long.MIN_VALUE)
                    .thenComparingLong(i -> k2[i] ^ Long.MIN_VALUE).thenComparingInt(i -> tie[i]));
            List<Integer> actual = new ArrayList<>();
            for (int i : order) actual.add(i);
            assertThat(actual).as("n=%d", n).isEqualTo(expected);
        }
    }
}
