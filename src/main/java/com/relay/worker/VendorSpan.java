package com.relay.worker;

import com.relay.engine.EngineFailure;
import com.relay.engine.run.StageListener;
import com.relay.observability.MessageTracing;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/**
 * One vendor's fetch or parse as the span {@code relay.vendor.fetch}/{@code relay.vendor.parse}
 * (docs/OBSERVABILITY.md "Tracing"): in scope on the thread doing the work, so its S3 calls and
 * log lines belong to it; an engine failure is recorded by its error code only.
 */
final class VendorSpan implements StageListener.VendorWork {

    private final Span span;
    private final Tracer.SpanInScope scope;

    VendorSpan(Tracer tracer, Span span) {
        this.span = span;
        this.scope = tracer.withSpan(span);
    }

    @Override
    public void rows(long rows) {
        span.tag("relay.rows", rows);
    }

    @Override
    public void bytes(long bytes) {
        span.tag("relay.bytes", bytes);
    }

    @Override
    public void failed(Throwable cause) {
        if (cause instanceof EngineFailure f) {
            span.tag("relay.error_code", f.errorCode()).error(new MessageTracing.RecordedError("run failed: " + f.errorCode()));
        } else {
            span.error(MessageTracing.bounded(cause));
        }
    }

    @Override
    public void close() {
        scope.close();
        span.end();
    }
}
