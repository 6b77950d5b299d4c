package com.relay.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The trace context across the queues (docs/OBSERVABILITY.md "Tracing"): a producer writes the
 * current span's W3C context into the message attributes {@code traceparent}/{@code tracestate};
 * a consumer starts its span as a child of the context it finds there. Without tracing (the
 * plain-Java commands, unit tests) every method is a no-op.
 */
@Component("messageTracing")
public class MessageTracing {

    private static final MessageTracing NONE = new MessageTracing(Tracer.NOOP, Propagator.NOOP);

    private final Tracer tracer;
    private final Propagator propagator;

    @Autowired
    public MessageTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    public MessageTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** No tracing at all: spans are no-ops and no attribute is added. */
    public static MessageTracing none() {
        return NONE;
    }

    public Tracer tracer() {
        return tracer;
    }

    /**
     * Starts the consumer span {@code name} whose parent is the context in the message attributes
     * ({@code attribute} answers an attribute's String value or null); without {@code traceparent}
     * the current span, if any, is the parent.
     */
    public Span startConsumer(String name, Function<String, String> attribute) {
        return propagator.extract(attribute, (carrier, key) -> carrier.apply(key))
                .name(name).kind(Span.Kind.CONSUMER).start();
    }

    /** Adds the current span's {@code traceparent} (and {@code tracestate}) to {@code attributes}; nothing without a span. */
    public void injectCurrent(Map<String, MessageAttributeValue> attributes) {
        Span current = tracer.currentSpan();
        if (current != null) inject(current, attributes);
    }

    /** Adds {@code span}'s {@code traceparent} (and {@code tracestate} when there is one) to {@code attributes}. */
    public void inject(Span span, Map<String, MessageAttributeValue> attributes) {
        propagator.inject(span.context(), attributes, (carrier, key, value) -> {
            if (carrier != null && value != null && !value.isEmpty()) {
                carrier.put(key, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
            }
        });
    }

    /**
     * What a span may say about a failure: the exception's class and at most
     * {@value #MAX_ERROR_CHARS} characters of its message on one line, without a stack trace, so a
     * span never carries an unbounded value.
     */
    public static Throwable bounded(Throwable e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("[\\r\\n]+", " ");
        if (message.length() > MAX_ERROR_CHARS) message = message.substring(0, MAX_ERROR_CHARS) + "…";
        return new RecordedError(e.getClass().getName() + message);
    }

    static final int MAX_ERROR_CHARS = 200;

    /** The error recorded on a span (no stack trace: only what {@link #bounded} kept). */
    public static final class RecordedError extends RuntimeException {
        public RecordedError(String message) {
            super(message, null, false, false);
        }
    }
}
