package com.relay.metrics;

import io.micrometer.core.instrument.distribution.Histogram;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values one meter recorded since the last publish, as CloudWatch's {@code Values}/{@code Counts}
 * (from which CloudWatch computes percentiles; a statistic set could not give p99). Memory is
 * bounded whatever the traffic: a value is kept as its bucket, a power of {@value #GROWTH} (at most
 * 1 % off), clamped to [{@value #MIN_VALUE}, {@value #MAX_VALUE}], so one step holds at most
 * {@link #MAX_BUCKETS} distinct values plus 0.
 */
public final class StepValues implements Histogram {

    static final double GROWTH = 1.02;
    static final double MIN_VALUE = 1e-3;
    static final double MAX_VALUE = 1e9;
    private static final double LOG_GROWTH = Math.log(GROWTH);
    static final int MAX_BUCKETS = (int) Math.ceil(Math.log(MAX_VALUE / MIN_VALUE) / LOG_GROWTH) + 1;

    /** What {@link #recordLong} gets is multiplied by this (timers: nanoseconds → milliseconds). */
    private final double longScale;

    private TreeMap<Double, Long> counts = new TreeMap<>();
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    /** One step's data: values ascending with their counts. */
    public record Drained(long count, double sum, double min, double max, Map<Double, Long> counts) {
        static final Drained EMPTY = new Drained(0, 0, 0, 0, Map.of());

        /** The union of two steps' data (for rollups over dropped dimensions). */
        public Drained plus(Drained o) {
            if (o.count == 0) return this;
            if (count == 0) return o;
            TreeMap<Double, Long> merged = new TreeMap<>(counts);
            o.counts.forEach((v, c) -> merged.merge(v, c, Long::sum));
            return new Drained(count + o.count, sum + o.sum, Math.min(min, o.min), Math.max(max, o.max), merged);
        }
    }

    public StepValues(double longScale) {
        this.longScale = longScale;
    }

    /** The bucket a value is kept as: 0 for zero and negatives, else a power of {@value #GROWTH}. */
    static double bucket(double value) {
        if (!(value > 0)) return 0;
        double v = Math.min(Math.max(value, MIN_VALUE), MAX_VALUE);
        return Math.pow(GROWTH, Math.round(Math.log(v) / LOG_GROWTH));
    }

    @Override
    public void recordLong(long value) {
        recordDouble(value * longScale);
    }

    @Override
    public synchronized void recordDouble(double value) {
        if (Double.isNaN(value)) return;
        counts.merge(bucket(value), 1L, Long::sum);
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    /** This step's values; the next step starts empty. */
    public synchronized Drained drain() {
        if (count == 0) return Drained.EMPTY;
        Drained d = new Drained(count, sum, min, max, counts);
        counts = new TreeMap<>();
        count = 0;
        sum = 0;
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
        return d;
    }

    /** Micrometer's own statistics come from the step meter; this histogram publishes no buckets there. */
    @Override
    public HistogramSnapshot takeSnapshot(long count, double total, double max) {
        return HistogramSnapshot.empty(count, total, max);
    }
}
