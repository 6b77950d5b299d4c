package com.relay.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What reaches the CloudWatch registry: the catalogue's meters with exactly their dimensions
 * ({@code APIRequestCount}'s {@code StatusCode} folded into {@code StatusClass}), plus the meters
 * whose names start with an opted-in prefix. A dimension that would take more than
 * {@code maxValuesPerDimension} distinct values drops the new series (one WARN per metric and
 * dimension), so a bad tag can never multiply the custom-metric bill.
 */
final class OperatorMeterFilter implements MeterFilter {

    private static final Logger log = LoggerFactory.getLogger(OperatorMeterFilter.class);

    private final List<String> extraPrefixes;
    private final int maxValuesPerDimension;
    private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    OperatorMeterFilter(List<String> extraPrefixes, int maxValuesPerDimension) {
        this.extraPrefixes = List.copyOf(extraPrefixes);
        this.maxValuesPerDimension = maxValuesPerDimension;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        Optional<CloudWatchCatalogue.Metric> metric = CloudWatchCatalogue.find(id.getName());
        if (metric.isEmpty()) return id;
        List<String> dims = metric.get().dimensions();
        List<Tag> kept = new ArrayList<>();
        for (Tag t : id.getTagsAsIterable()) {
            if (dims.contains(t.getKey())) kept.add(t);
        }
        if (dims.contains(CloudWatchCatalogue.STATUS_CLASS)) {
            String code = id.getTag("StatusCode");
            kept.add(Tag.of(CloudWatchCatalogue.STATUS_CLASS, CloudWatchCatalogue.statusClass(code)));
        }
        return id.replaceTags(Tags.of(kept));
    }

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        boolean operator = CloudWatchCatalogue.find(id.getName()).isPresent()
                || extraPrefixes.stream().anyMatch(p -> id.getName().startsWith(p));
        if (!operator) return MeterFilterReply.DENY;
        for (Tag t : id.getTagsAsIterable()) {
            if (t.getKey().equals(CloudWatchCatalogue.ENVIRONMENT)) continue;
            String key = id.getName() + " " + t.getKey();
            Set<String> values = seen.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
            if (values.contains(t.getValue())) continue;
            synchronized (values) {
                if (values.size() >= maxValuesPerDimension) {
                    if (warned.add(key)) {
                        log.atWarn().addKeyValue("event", "metrics_dimension_limit").addKeyValue("metric", id.getName())
                                .addKeyValue("dimension", t.getKey()).addKeyValue("limit", maxValuesPerDimension)
                                .log("CloudWatch metric {} has {} distinct {} values (CLOUDWATCH_METRICS_MAX_DIMENSION_VALUES);"
                                        + " new values are not sent to CloudWatch (Prometheus still has them)",
                                        id.getName(), maxValuesPerDimension, t.getKey());
                    }
                    return MeterFilterReply.DENY;
                }
                values.add(t.getValue());
            }
        }
        return MeterFilterReply.NEUTRAL;
    }
}
