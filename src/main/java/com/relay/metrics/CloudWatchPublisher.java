package com.relay.metrics;

import com.relay.metrics.CloudWatchCatalogue.Kind;
import io.micrometer.core.instrument.AbstractMeter;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.cumulative.CumulativeDistributionSummary;
import io.micrometer.core.instrument.cumulative.CumulativeFunctionCounter;
import io.micrometer.core.instrument.cumulative.CumulativeFunctionTimer;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.internal.DefaultGauge;
import io.micrometer.core.instrument.internal.DefaultLongTaskTimer;
import io.micrometer.core.instrument.internal.DefaultMeter;
import io.micrometer.core.instrument.push.PushMeterRegistry;
import io.micrometer.core.instrument.push.PushRegistryConfig;
import io.micrometer.core.instrument.util.NamedThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
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
 * sends timers as avg/max/sum series that give no percentile, so no alarm on the names of docs/CONTRACT.md#alarms
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
 *
 * <p>It is a child of Spring Boot's composite registry and keeps every meter under its own id,
 * cumulative like Prometheus's: the composite answers a reader from whichever child comes first, so
 * a filtered (no-op) or step-valued meter here would make {@code counter.count()} depend on whether
 * CloudWatch publishing is on. What is sent is decided at publish time: the catalogue's meters
 * shaped to its dimension sets, the meters of an opted-in prefix as they are, nothing else. A
 * dimension that would take more than {@code maxValuesPerDimension} distinct values stops getting
 * new series (one WARN per metric and dimension), so a bad tag cannot multiply the custom-metric bill.
 */
public final class CloudWatchPublisher extends PushMeterRegistry {

    private static final Logger log = LoggerFactory.getLogger(CloudWatchPublisher.class);

    /** PutMetricData takes 1,000 datums and 1 MB; a datum with 150 values is a few KB. */
    static final int DATUMS_PER_REQUEST = 150;
    /** The most Values one datum may carry. */
    static final int VALUES_PER_DATUM = 150;

    private final String namespace;
    private final CloudWatchClient client;
    private final Duration step;
    private final List<String> extraPrefixes;
    private final int maxValuesPerDimension;
    private final Map<String, Set<String>> dimensionValues = new HashMap<>();
    private final Set<String> dimensionWarned = new HashSet<>();
    private final Map<Meter.Id, Double> functionCounterTotals = new HashMap<>();
    private volatile boolean failing;

    public CloudWatchPublisher(String namespace, Duration step, List<String> extraMeterPrefixes,
                               int maxValuesPerDimension, Clock clock, CloudWatchClient client) {
        super(config(step), clock);
        this.namespace = namespace;
        this.client = client;
        this.step = step;
        this.extraPrefixes = List.copyOf(extraMeterPrefixes);
        this.maxValuesPerDimension = maxValuesPerDimension;
    }

    private static PushRegistryConfig config(Duration step) {
        return new PushRegistryConfig() {
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

    /** Publishes what the last (partial) step recorded, then closes the client: the publisher owns it. */
    @Override
    public void close() {
        try {
            super.close();
        } finally {
            client.close();
        }
    }

    private boolean published(Meter.Id id) {
        return CloudWatchCatalogue.find(id.getName()).isPresent()
                || extraPrefixes.stream().anyMatch(p -> id.getName().startsWith(p));
    }

    @Override
    protected TimeUnit getBaseTimeUnit() {
        return TimeUnit.MILLISECONDS;
    }

    @Override
    protected DistributionStatisticConfig defaultHistogramConfig() {
        return DistributionStatisticConfig.builder().expiry(step).build().merge(DistributionStatisticConfig.DEFAULT);
    }

    @Override
    protected <T> Gauge newGauge(Meter.Id id, T obj, ToDoubleFunction<T> valueFunction) {
        return new DefaultGauge<>(id, obj, valueFunction);
    }

    @Override
    protected Counter newCounter(Meter.Id id) {
        Optional<CloudWatchCatalogue.Metric> m = CloudWatchCatalogue.find(id.getName());
        if (m.isPresent() && m.get().kind() == Kind.PER_EVENT) return new ValuesCounter(id);
        return new DeltaCounter(id);
    }

    @Override
    protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
        if (!published(id)) return new CumulativeTimer(id, clock, config, pauseDetector, getBaseTimeUnit(), false);
        return new ValuesTimer(id, clock, config, pauseDetector, getBaseTimeUnit(), new StepValues(1e-6));
    }

    @Override
    protected DistributionSummary newDistributionSummary(Meter.Id id, DistributionStatisticConfig config, double scale) {
        if (!published(id)) return new CumulativeDistributionSummary(id, clock, config, scale, false);
        return new ValuesSummary(id, clock, config, scale, new StepValues(1));
    }

    @Override
    protected LongTaskTimer newLongTaskTimer(Meter.Id id, DistributionStatisticConfig config) {
        return new DefaultLongTaskTimer(id, clock, getBaseTimeUnit(), config, false);
    }

    @Override
    protected <T> FunctionTimer newFunctionTimer(Meter.Id id, T obj, ToLongFunction<T> countFunction,
                                                 ToDoubleFunction<T> totalTimeFunction, TimeUnit unit) {
        return new CumulativeFunctionTimer<>(id, obj, countFunction, totalTimeFunction, unit, getBaseTimeUnit());
    }

    @Override
    protected <T> FunctionCounter newFunctionCounter(Meter.Id id, T obj, ToDoubleFunction<T> countFunction) {
        return new CumulativeFunctionCounter<>(id, obj, countFunction);
    }

    @Override
    protected Meter newMeter(Meter.Id id, Meter.Type type, Iterable<Measurement> measurements) {
        return new DefaultMeter(id, type, measurements);
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

    /** A CloudWatch series: name, unit and dimension set. */
    private record Series(String name, StandardUnit unit, Map<String, String> dimensions) {}

    /** One series' data of this step: a sum (counters), values (distributions) or a gauge's value. */
    private static final class Data {
        Double sum;
        StepValues.Drained values = StepValues.Drained.EMPTY;
        Double gauge;
    }

    /** This step's datums (drains the distributions and counters); one caller at a time (the publishing thread). */
    synchronized List<MetricDatum> collect() {
        Instant at = Instant.ofEpochMilli(clock.wallTime());
        Map<Series, Data> series = new LinkedHashMap<>();
        for (Meter meter : getMeters()) {
            if (!published(meter.getId())) continue;
            Optional<CloudWatchCatalogue.Metric> catalogued = CloudWatchCatalogue.find(meter.getId().getName());
            String name = meter.getId().getName();
            Map<String, String> dims = catalogued.map(m -> shape(meter.getId(), m)).orElseGet(() -> tags(meter.getId()));
            List<Map<String, String>> targets = new ArrayList<>();
            targets.add(dims);
            if (CloudWatchCatalogue.rollsUp(meter.getId().getTag("Endpoint"))) {
                catalogued.ifPresent(m -> m.rollups().forEach(r -> targets.add(keep(dims, r))));
            }
            StandardUnit unit = catalogued.map(CloudWatchCatalogue.Metric::unit).orElse(null);
            if (meter instanceof ValuesTimer t) {
                StepValues.Drained d = t.values.drain();
                targets.forEach(x -> data(series, name, StandardUnit.MILLISECONDS, x).values = data(series, name,
                        StandardUnit.MILLISECONDS, x).values.plus(d));
            } else if (meter instanceof ValuesSummary s) {
                StandardUnit u = unit == null ? StandardUnit.NONE : unit;
                StepValues.Drained d = s.values.drain();
                targets.forEach(x -> data(series, name, u, x).values = data(series, name, u, x).values.plus(d));
            } else if (meter instanceof ValuesCounter c) {
                StandardUnit u = unit == null ? StandardUnit.COUNT : unit;
                StepValues.Drained d = c.values.drain();
                targets.forEach(x -> data(series, name, u, x).values = data(series, name, u, x).values.plus(d));
            } else if (meter instanceof DeltaCounter c) {
                double v = c.drainDelta();
                StandardUnit u = unit == null ? StandardUnit.COUNT : unit;
                targets.forEach(x -> {
                    Data target = data(series, name, u, x);
                    target.sum = (target.sum == null ? 0 : target.sum) + v;
                });
            } else if (meter instanceof FunctionCounter c) {
                double now = c.count();
                Double before = functionCounterTotals.put(meter.getId(), now);
                if (before != null && Double.isFinite(now)) data(series, name, StandardUnit.COUNT, dims).sum = Math.max(0, now - before);
            } else if (meter instanceof TimeGauge g) {
                double v = g.value(TimeUnit.MILLISECONDS);
                if (Double.isFinite(v)) data(series, name, StandardUnit.MILLISECONDS, dims).gauge = v;
            } else if (meter instanceof Gauge g) {
                double v = g.value();
                if (Double.isFinite(v)) data(series, name, unit == null ? StandardUnit.NONE : unit, dims).gauge = v;
            }
            // FunctionTimer, LongTaskTimer and custom meters carry no distribution CloudWatch could
            // aggregate correctly; they stay on Prometheus.
        }
        List<MetricDatum> out = new ArrayList<>();
        series.forEach((s, d) -> {
            if (d.sum == null && d.gauge == null && d.values.count() == 0) return;
            if (!withinDimensionLimit(s)) return;
            List<Dimension> dims = s.dimensions().entrySet().stream()
                    .map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList();
            if (d.sum != null) out.add(single(s.name(), dims, s.unit(), d.sum, at));
            else if (d.gauge != null) out.add(single(s.name(), dims, s.unit(), d.gauge, at));
            else values(out, s.name(), dims, s.unit(), d.values, at);
        });
        return out;
    }

    private static Data data(Map<Series, Data> series, String name, StandardUnit unit, Map<String, String> dims) {
        return series.computeIfAbsent(new Series(name, unit, dims), k -> new Data());
    }

    /** A catalogue meter's CloudWatch dimensions: its dimension set only, StatusCode folded into StatusClass. */
    static Map<String, String> shape(Meter.Id id, CloudWatchCatalogue.Metric metric) {
        Map<String, String> dims = new TreeMap<>();
        for (String key : metric.dimensions()) {
            String value = key.equals(CloudWatchCatalogue.STATUS_CLASS)
                    ? CloudWatchCatalogue.statusClass(id.getTag("StatusCode")) : id.getTag(key);
            if (value != null && !value.isEmpty()) dims.put(key, truncate(value));
        }
        return dims;
    }

    /** An opted-in meter's tags as they are (CloudWatch takes 30 dimensions, values of 1-1024 characters). */
    private static Map<String, String> tags(Meter.Id id) {
        Map<String, String> dims = new TreeMap<>();
        for (Tag t : id.getTagsAsIterable()) {
            if (!t.getValue().isEmpty() && dims.size() < 30) dims.put(t.getKey(), truncate(t.getValue()));
        }
        return dims;
    }

    private static String truncate(String v) {
        return v.length() > 1024 ? v.substring(0, 1024) : v;
    }

    private static Map<String, String> keep(Map<String, String> dims, List<String> names) {
        Map<String, String> kept = new TreeMap<>(dims);
        kept.keySet().retainAll(names);
        return kept;
    }

    /** Whether every dimension value of the series is one of the first {@code maxValuesPerDimension} seen. */
    private boolean withinDimensionLimit(Series s) {
        for (Map.Entry<String, String> e : s.dimensions().entrySet()) {
            if (e.getKey().equals(CloudWatchCatalogue.ENVIRONMENT)) continue;
            String key = s.name() + " " + e.getKey();
            Set<String> values = dimensionValues.computeIfAbsent(key, k -> new HashSet<>());
            if (values.contains(e.getValue())) continue;
            if (values.size() >= maxValuesPerDimension) {
                if (dimensionWarned.add(key)) {
                    log.atWarn().addKeyValue("event", "metrics_dimension_limit").addKeyValue("metric", s.name())
                            .addKeyValue("dimension", e.getKey()).addKeyValue("limit", maxValuesPerDimension)
                            .log("CloudWatch metric {} reached {} distinct {} values (CLOUDWATCH_METRICS_MAX_DIMENSION_VALUES);"
                                    + " series with new values are not sent to CloudWatch (Prometheus has them)",
                                    s.name(), maxValuesPerDimension, e.getKey());
                }
                return false;
            }
            values.add(e.getValue());
        }
        return true;
    }

    private static MetricDatum single(String name, List<Dimension> dims, StandardUnit unit, double value, Instant at) {
        return MetricDatum.builder().metricName(name).dimensions(dims).unit(unit).value(cloudWatchSafe(value))
                .timestamp(at).build();
    }

    /** One datum per {@value #VALUES_PER_DATUM} distinct values; CloudWatch merges datums of one series. */
    private static void values(List<MetricDatum> out, String name, List<Dimension> dims, StandardUnit unit,
                               StepValues.Drained d, Instant at) {
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

    /** A cumulative timer that also keeps its step's values for CloudWatch's percentiles. */
    static final class ValuesTimer extends CumulativeTimer {
        final StepValues values;

        ValuesTimer(Meter.Id id, Clock clock, DistributionStatisticConfig config, PauseDetector pause, TimeUnit base,
                    StepValues values) {
            super(id, clock, config, pause, base, values);
            this.values = values;
        }
    }

    /** A cumulative distribution summary that also keeps its step's values. */
    static final class ValuesSummary extends CumulativeDistributionSummary {
        final StepValues values;

        ValuesSummary(Meter.Id id, Clock clock, DistributionStatisticConfig config, double scale, StepValues values) {
            super(id, clock, config, scale, values);
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
