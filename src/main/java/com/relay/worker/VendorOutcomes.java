package com.relay.worker;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The aggregation of FETCH_INPUTS' and NORMALIZE's per-vendor splits: each vendor's exchange ends
 * with a {@link VendorOutcome} body, and the split's result is the list of them, so the step after
 * the split sees which vendors finished (the engine holds the data itself: the records went to the
 * merge while each vendor was read). A vendor exchange that failed is not collected: the split
 * stops on it and the route's error handler takes the attempt.
 */
@Component("vendorOutcomes")
public class VendorOutcomes implements AggregationStrategy {

    /** What one vendor's exchange did: its id and how many bytes (fetch) or rows (parse). */
    public record VendorOutcome(String vendorId, String operation, long amount) { }

    @Override
    public Exchange aggregate(Exchange collected, Exchange vendor) {
        Exchange into = collected == null ? vendor : collected;
        @SuppressWarnings("unchecked")
        List<VendorOutcome> outcomes = collected == null ? null : collected.getMessage().getBody(List.class);
        List<VendorOutcome> next = outcomes == null ? new ArrayList<>() : new ArrayList<>(outcomes);
        Object body = vendor.getMessage().getBody();
        if (vendor.getException() == null && body instanceof VendorOutcome outcome) next.add(outcome);
        into.getMessage().setBody(next);
        return into;
    }

    /** The outcomes of a split's result body (none when the body is something else). */
    @SuppressWarnings("unchecked")
    static List<VendorOutcome> of(Object body) {
        if (body instanceof List<?> list && list.stream().allMatch(VendorOutcome.class::isInstance)) {
            return (List<VendorOutcome>) list;
        }
        return List.of();
    }
}
