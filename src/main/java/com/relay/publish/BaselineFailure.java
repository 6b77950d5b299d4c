package com.relay.publish;

import com.relay.engine.EngineFailure;
import java.io.IOException;

/**
 * The published feed cannot be read as a baseline (docs/CONTRACT.md#publishing-diff-delta-and-guard): carries the
 * {@code PUBLISHED_FEED_INVALID} failure through the merge's {@link com.relay.engine.RecordConsumer}, whose
 * methods may only throw {@link IOException}. The engine turns it into a FAILED run.
 */
public final class BaselineFailure extends IOException {
    private final transient EngineFailure failure;

    BaselineFailure(EngineFailure failure) {
        super(failure.getMessage(), null);
        this.failure = failure;
    }

    public EngineFailure failure() {
        return failure;
    }
}
