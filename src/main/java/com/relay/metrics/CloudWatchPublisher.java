package com.relay.metrics;

import com.relay.metrics.CloudWatchCatalogue.Kind;
import io.micrometer.core.instrument.AbstractMeter;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.step.StepDistributionSummary;
import io.micrometer.core.instrument.step.StepMeterRegistry;
import io.micrometer.core.instrument.step.StepRegistryConfig;
import io.micrometer.core.instrument.step.StepTimer;
import io.micrometer.core.instrument.util.NamedThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * Sends the operator meters to CloudWatch with exactly the catalogue's names, units and
 * dimensions ({@link CloudWatchCatalogue}). Micrometer's own CloudWatch registry cannot: it adds a
 * statistic suffix to every name ({@code RunFailed.count}, {@code RunDurationSeconds.avg}) and
 * sends timers as avg/max/sum series that give no percentile, so no alarm on the names of RI §6.3
 * could fire. Here every step:
 * <ul>
 *   <li>a counter is one datum holding the step's sum (0 in a quiet step);</li>
 *   <li>{@code RunSucceeded}/{@code RunFailed} send each run as a value 1 or 0, so Sum = runs of
 *       that outcome and Average = the rate;</li>
 *   <li>timers and distribution summaries send Values/Counts ({@link StepValues}), so CloudWatch
 *       computes p95/p99; timers in milliseconds;</li>
 *   <li>gauges their value.</li>
 * </ul>
 * A failed PutMetricData is one WARN ({@code metrics_publish_failed}) until a publish succeeds
 * again; processing never notices.
 */
public final class CloudWatchPublisher extends StepMeterRegistry {

    private static final Logger log = LoggerFactory.getLogger(CloudWatchPublisher.class);

    /** PutMetricData takes 1,000 datums and 1 MB; a datum with 150 values is a few KB. */
    static final int DATUMS_PER_REQUEST = 150;
    /** The most Values one datum may carry. */
    static final int VALUES_PER_DATUM = 150;

    private final String namespace;
    private final CloudWatchClient client;
    private final long stepMillis;
    private volatile boolean failing;

    public CloudWatchPublisher(String namespace, Duration step, List<String> extraMeterPrefixes,
                               int maxValuesPerDimension, Clock clock, CloudWatchClient client) {
        super(config(step), clock);
        this.namespace = namespace;
        this.client = client;
        this.stepMillis = step.toMillis();
        config().meterFilter(new OperatorMeterFilter(extraMeterPrefixes, maxValuesPerDimension));
    }

    private static StepRegistryConfig config(Duration step) {
        return new StepRegistryConfig() {
            @Override
            public String prefix() {
                return "relay.cloudwatch";
            }

            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public Duration step() {
                return step;
            }
        };
    }

    /** Starts the publishing thread (one PutMetricData round per step). */
    public CloudWatchPublisher startPublishing() {
        start(new NamedThreadFactory("cloudwatch-metrics-publisher"));
        return this;
    }

    /** Publishes the last (partial) step, then closes the client: the publisher owns it. */
    @Override
    public void close() {
        try {
            super.close();
        } finally {
            client.close();
        }
    }

    @Override
    protected TimeUnit getBaseTimeUnit() {
        return TimeUnit.MILLISECONDS;
    }

    @Override
    protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
        return new ValuesTimer(id, clock, config, pauseDetector, getBaseTimeUnit(), stepMillis);
    }

    @Override
    protected DistributionSummary newDistributionSummary(Meter.Id id, DistributionStatisticConfig config, double scale) {
        return new ValuesSummary(id, clock, config, scale, stepMillis);
    }

    @Override
    protected Counter newCounter(Meter.Id id) {
        Optional<CloudWatchCatalogue.Metric> m = CloudWatchCatalogue.find(id.getName());
        if (m.isPresent() && m.get().kind() == Kind.PER_EVENT) return new ValuesCounter(id);
        return new DeltaCounter(id);
    }

    @Override
    protected void publish() {
        List<MetricDatum> data = collect();
        try {
            for (int i = 0; i < data.size(); i += DATUMS_PER_REQUEST) {
                List<MetricDatum> batch = data.subList(i, Math.min(data.size(), i + DATUMS_PER_REQUEST));
                client.putMetricData(b -> b.namespace(namespace).metricData(batch));
            }
            if (failing) {
                failing = false;
                log.atInfo().addKeyValue("event", "metrics_publish_recovered")
                        .log("CloudWatch accepts metrics again (namespace {})", namespace);
            }
        } catch (SdkException e) {
            if (!failing) {
                failing = true;
                log.atWarn().addKeyValue("event", "metrics_publish_failed").addKeyValue("namespace", namespace)
                        .addKeyValue("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                        .log("CloudWatch PutMetricData failed; metrics of this and later steps are dropped until it works"
                                + " again (logged once; if the endpoint cannot read gzip bodies, set"
                                + " CLOUDWATCH_REQUEST_COMPRESSION=off)");
            } else {
                log.debug("CloudWatch PutMetricData still failing: {}", e.getMessage());
            }
        }
    }

    /** This step's datums (drains the distributions): catalogue metrics by their rules, opt-in meters as they are. */
    List<MetricDatum> collect() {
        Instant at = Instant.ofEpochMilli(clock.wallTime());
        List<MetricDatum> out = new ArrayList<>();
        Map<String, Map<List<Dimension>, StepValues.Drained>> rollupValues = new LinkedHashMap<>();
        Map<String, Map<List<Dimension>, Double>> rollupSums = new LinkedHashMap<>();
        for (Meter meter : getMeters()) {
            Optional<CloudWatchCatalogue.Metric> catalogued = CloudWatchCatalogue.find(meter.getId().getName());
            String name = meter.getId().getName();
            List<Dimension> dims = dimensions(meter.getId().getTagsAsIterable());
            StandardUnit unit = catalogued.map(CloudWatchCatalogue.Metric::unit).orElse(null);
            List<List<String>> rollups = catalogued.map(CloudWatchCatalogue.Metric::rollups).orElse(List.of());
            if (meter instanceof ValuesTimer t) {
                StepValues.Drained d = t.values.drain();
                values(out, name, dims, StandardUnit.MILLISECONDS, d, at);
                rollups.forEach(r -> rollupValues.computeIfAbsent(name + "|" + StandardUnit.MILLISECONDS, k -> new LinkedHashMap<>())
                        .merge(keep(dims, r), d, StepValues.Drained::plus));
            } else if (meter instanceof ValuesSummary s) {
                StandardUnit u = unit == null ? StandardUnit.NONE : unit;
                StepValues.Drained d = s.values.drain();
                values(out, name, dims, u, d, at);
                rollups.forEach(r -> rollupValues.computeIfAbsent(name + "|" + u, k -> new LinkedHashMap<>())
                        .merge(keep(dims, r), d, StepValues.Drained::plus));
            } else if (meter instanceof ValuesCounter c) {
                values(out, name, dims, unit == null ? StandardUnit.COUNT : unit, c.values.drain(), at);
            } else if (meter instanceof DeltaCounter c) {
                double v = c.drainDelta();
                out.add(single(name, dims, unit == null ? StandardUnit.COUNT : unit, v, at));
                rollups.forEach(r -> rollupSums.computeIfAbsent(name, k -> new LinkedHashMap<>()).merge(keep(dims, r), v, Double::sum));
            } else if (meter instanceof FunctionCounter c) {
                out.add(single(name, dims, StandardUnit.COUNT, c.count(), at));
            } else if (meter instanceof TimeGauge g) {
                double v = g.value(TimeUnit.MILLISECONDS);
                if (Double.isFinite(v)) out.add(single(name, dims, StandardUnit.MILLISECONDS, v, at));
            } else if (meter instanceof Gauge g) {
                double v = g.value();
                if (Double.isFinite(v)) out.add(single(name, dims, unit == null ? StandardUnit.NONE : unit, v, at));
            }
            // FunctionTimer, LongTaskTimer and custom meters carry no data CloudWatch could aggregate
            // correctly (no distribution); they stay on Prometheus.
        }
        rollupValues.forEach((key, byDims) -> {
            String name = key.substring(0, key.indexOf('|'));
            StandardUnit u = StandardUnit.fromValue(key.substring(key.indexOf('|') + 1));
            byDims.forEach((dims, d) -> values(out, name, dims, u, d, at));
        });
        rollupSums.forEach((name, byDims) -> byDims.forEach((dims, v) -> out.add(single(name, dims, StandardUnit.COUNT, v, at))));
        return out;
    }

    private static List<Dimension> dimensions(Iterable<Tag> tags) {
        List<Dimension> dims = new ArrayList<>();
        for (Tag t : tags) {
            // CloudWatch rejects an empty dimension value and takes at most 30 dimensions
            if (t.getValue().isEmpty() || dims.size() == 30) continue;
            dims.add(Dimension.builder().name(t.getKey()).value(t.getValue().length() > 1024
                    ? t.getValue().substring(0, 1024) : t.getValue()).build());
        }
        return List.copyOf(dims);
    }

    private static List<Dimension> keep(List<Dimension> dims, List<String> names) {
        return dims.stream().filter(d -> names.contains(d.name())).toList();
    }

    private static MetricDatum single(String name, List<Dimension> dims, StandardUnit unit, double value, Instant at) {
        return MetricDatum.builder().metricName(name).dimensions(dims).unit(unit).value(cloudWatchSafe(value))
                .timestamp(at).build();
    }

    /** One datum per {@value #VALUES_PER_DATUM} distinct values; CloudWatch merges datums of one series. */
    private static void values(List<MetricDatum> out, String name, List<Dimension> dims, StandardUnit unit,
                               StepValues.Drained d, Instant at) {
        if (d.count() == 0) return;
        List<Double> values = new ArrayList<>(VALUES_PER_DATUM);
        List<Double> counts = new ArrayList<>(VALUES_PER_DATUM);
        for (Map.Entry<Double, Long> e : new TreeMap<>(d.counts()).entrySet()) {
            values.add(cloudWatchSafe(e.getKey()));
            counts.add((double) e.getValue());
            if (values.size() == VALUES_PER_DATUM) {
                out.add(MetricDatum.builder().metricName(name).dimensions(dims).unit(unit).values(List.copyOf(values))
                        .counts(List.copyOf(counts)).timestamp(at).build());
                values.clear();
                counts.clear();
            }
        }
        if (!values.isEmpty()) {
            out.add(MetricDatum.builder().metricName(name).dimensions(dims).unit(unit).values(values).counts(counts)
                    .timestamp(at).build());
        }
    }

    /** CloudWatch rejects magnitudes below 8.5e-109 (other than 0) and above 1.17e108. */
    private static double cloudWatchSafe(double v) {
        if (Math.abs(v) < 1e-100) return 0;
        return Math.max(-1e100, Math.min(1e100, v));
    }

    /** A timer that also keeps its step's values for CloudWatch's percentiles. */
    static final class ValuesTimer extends StepTimer {
        final StepValues values;

        ValuesTimer(Meter.Id id, Clock clock, DistributionStatisticConfig config, PauseDetector pause, TimeUnit base,
                    long stepMillis) {
            this(id, clock, config, pause, base, stepMillis, new StepValues(1e-6));
        }

        private ValuesTimer(Meter.Id id, Clock clock, DistributionStatisticConfig config, PauseDetector pause,
                            TimeUnit base, long stepMillis, StepValues values) {
            super(id, clock, config, pause, base, stepMillis, values);
            this.values = values;
        }
    }

    /** A distribution summary that also keeps its step's values. */
    static final class ValuesSummary extends StepDistributionSummary {
        final StepValues values;

        ValuesSummary(Meter.Id id, Clock clock, DistributionStatisticConfig config, double scale, long stepMillis) {
            this(id, clock, config, scale, stepMillis, new StepValues(1));
        }

        private ValuesSummary(Meter.Id id, Clock clock, DistributionStatisticConfig config, double scale,
                              long stepMillis, StepValues values) {
            super(id, clock, config, scale, stepMillis, values);
            this.values = values;
        }
    }

    /**
     * A counter that sends its step's increase but whose {@link #count()} is the total since start,
     * like Prometheus's: a composite registry reads whichever child comes first, and a step count
     * there would make a reader's answer depend on whether CloudWatch publishing is on.
     */
    static final class DeltaCounter extends AbstractMeter implements Counter {
        private final java.util.concurrent.atomic.DoubleAdder total = new java.util.concurrent.atomic.DoubleAdder();
        private double published;

        DeltaCounter(Meter.Id id) {
            super(id);
        }

        @Override
        public void increment(double amount) {
            total.add(amount);
        }

        @Override
        public double count() {
            return total.sum();
        }

        /** The increase since the previous call. */
        synchronized double drainDelta() {
            double now = total.sum();
            double delta = now - published;
            published = now;
            return delta;
        }

        @Override
        public Iterable<Measurement> measure() {
            return List.of(new Measurement(this::count, Statistic.COUNT));
        }
    }

    /** A counter whose every increment is one value (a run's 1 or 0). */
    static final class ValuesCounter extends AbstractMeter implements Counter {
        final StepValues values = new StepValues(1);
        private final java.util.concurrent.atomic.DoubleAdder total = new java.util.concurrent.atomic.DoubleAdder();

        ValuesCounter(Meter.Id id) {
            super(id);
        }

        @Override
        public void increment(double amount) {
            values.recordDouble(amount);
            total.add(amount);
        }

        /** The total since start (what a composite registry's reader expects); publishing drains {@link #values}. */
        @Override
        public double count() {
            return total.sum();
        }

        @Override
        public Iterable<Measurement> measure() {
            return List.of(new Measurement(this::count, Statistic.COUNT));
        }
    }
}
