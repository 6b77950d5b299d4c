package com.relay.engine;

import java.io.IOException;

/**
 * Receives the output of {@link VendorFeedParser} in row order while the file streams (docs/CONTRACT.md#orchestration-streaming-and-memory):
 * nothing is buffered by the parser, so the sink decides what is kept (e.g. spilled and sorted).
 */
public interface RowSink {

    /** A valid record (SKU map already applied). */
    void accept(InventoryRecord record) throws IOException;

    /** A row error or the vendor-level {@code missing columns} entry (docs/CONTRACT.md#header-check-and-required-columns, docs/CONTRACT.md#row-parsing-and-row-errors). */
    void error(RowError error) throws IOException;

    /** The columns the file shows, once, before any row (docs/CONTRACT.md#vendor-drift). */
    default void header(VendorHeader header) throws IOException {}
}
