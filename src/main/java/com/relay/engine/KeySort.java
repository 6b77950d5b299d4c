package com.relay.engine;

/**
 * A stable sort of positions {@code 0..n-1} by two unsigned 64-bit prefix keys, then a tie-break
 * (see {@link CodePointOrder#prefixKey}). Sorting primitive key arrays instead of objects keeps
 * almost every comparison inside two contiguous arrays, which on large inputs is several times
 * faster than sorting the objects themselves (each object comparison is a cache miss).
 */
final class KeySort {

    /** Compares the items at two positions whose keys are equal. */
    interface Tie {
        int compare(int a, int b);
    }

    private static final int INSERTION_RUN = 32;

    private KeySort() {}

    /** Returns the positions in sorted order; equal items keep their original order. */
    static int[] order(long[] key1, long[] key2, int n, Tie tie) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        if (n < 2) return a;
        for (int lo = 0; lo < n; lo += INSERTION_RUN) {
            insertionSort(a, lo, Math.min(lo + INSERTION_RUN, n), key1, key2, tie);
        }
        int[] b = new int[n];
        for (int width = INSERTION_RUN; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                if (mid >= hi || compare(a[mid - 1], a[mid], key1, key2, tie) <= 0) {
                    System.arraycopy(a, lo, b, lo, hi - lo); // already in order
                } else {
                    merge(a, b, lo, mid, hi, key1, key2, tie);
                }
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    private static void insertionSort(int[] a, int lo, int hi, long[] k1, long[] k2, Tie tie) {
        for (int i = lo + 1; i < hi; i++) {
            int x = a[i];
            int j = i - 1;
            while (j >= lo && compare(a[j], x, k1, k2, tie) > 0) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    private static void merge(int[] src, int[] dst, int lo, int mid, int hi, long[] k1, long[] k2, Tie tie) {
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            // take from the left on ties: stable
            if (i < mid && (j >= hi || compare(src[i], src[j], k1, k2, tie) <= 0)) {
                dst[k] = src[i++];
            } else {
                dst[k] = src[j++];
            }
        }
    }

    private static int compare(int x, int y, long[] k1, long[] k2, Tie tie) {
        int c = Long.compareUnsigned(k1[x], k1[y]);
        if (c != 0) return c;
        c = Long.compareUnsigned(k2[x], k2[y]);
        if (c != 0) return c;
        return tie.compare(x, y);
    }
}
