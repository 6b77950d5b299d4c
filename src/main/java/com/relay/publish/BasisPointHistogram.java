package com.relay.publish;

/**
 * Counts of values in whole basis points (1 bp = 0.0001) from 0 to {@link #MAX_BASIS_POINTS}
 * (1000 %), plus one bin for anything above: the median of any number of values, exact to 1 bp,
 * in a fixed 400 KB (docs/CONTRACT.md#publishing-diff-delta-and-guard). The median is the lower one: the
 * ⌈n/2⌉-th smallest value.
 */
final class BasisPointHistogram {

    static final int MAX_BASIS_POINTS = 100_000;

    private final int[] counts = new int[MAX_BASIS_POINTS + 1];
    private long above;
    private long total;

    /** Adds a non-negative value in basis points. */
    void add(long basisPoints) {
        if (basisPoints < 0) throw new IllegalArgumentException("negative: " + basisPoints);
        total++;
        if (basisPoints > MAX_BASIS_POINTS) {
            above++;
        } else {
            counts[(int) basisPoints]++;
        }
    }

    long count() {
        return total;
    }

    /**
     * The median in basis points, or -1 with no values; {@code MAX_BASIS_POINTS + 1} when the
     * median lies above the range (then it is "more than 1000 %").
     */
    long medianBasisPoints() {
        if (total == 0) return -1;
        long rank = (total + 1) / 2;
        long seen = 0;
        for (int bp = 0; bp <= MAX_BASIS_POINTS; bp++) {
            seen += counts[bp];
            if (seen >= rank) return bp;
        }
        return MAX_BASIS_POINTS + 1L;
    }
}
