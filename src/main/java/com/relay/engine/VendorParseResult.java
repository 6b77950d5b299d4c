package com.relay.engine;

/**
 * Counts of one vendor's parse (docs/CONTRACT.md#orchestration-streaming-and-memory): {@code vendor_record_counts[id] = validRecords};
 * {@code total_rows += validRecords + errorEntries}.
 *
 * @param validRecords records delivered to {@link RowSink#accept}
 * @param errorEntries entries delivered to {@link RowSink#error} (row errors and vendor-level)
 */
public record VendorParseResult(long validRecords, long errorEntries) {

    public long totalRows() { return validRecords + errorEntries; }
}
