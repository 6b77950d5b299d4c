package com.relay.engine;

import java.io.IOException;

/** Receives records one at a time (merged output, sorted normalized rows, spill-run merging). */
@FunctionalInterface
public interface RecordConsumer {
    void accept(InventoryRecord record) throws IOException;
}
