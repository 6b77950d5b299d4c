package com.relay.engine;

import java.io.IOException;

/**
 * Receives the output of {@link VendorFeedParser} in row order while the file streams (RI §3.7):
 * nothing is buffered by the parser, so the sink decides what is kept (e.g. spilled and sorted).
 */
public interface RowSink {

    /** A valid record (SKU map already applied). */
    void accept(InventoryRecord record) throws IOException;

    /** A row error or the vendor-level {@code missing columns} entry (RI §3.4, §3.5). */
    void error(RowError error) throws IOException;
}
