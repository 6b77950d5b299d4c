package com.relay.publish;

import java.nio.file.Path;
import java.util.Map;

/**
 * The published feed a run is compared with (docs/CONTRACT.md#publishing-diff-delta-and-guard).
 *
 * @param runId      the published run, or null when unknown ({@code relay local-run --published})
 * @param file       its {@code feed_state.csv}, or any merged file whose header names canonical columns
 * @param vendorRows each vendor's parsed rows in that run (valid records + row errors); empty = not checked
 */
public record PublishBaseline(String runId, Path file, Map<String, Long> vendorRows) {
    public PublishBaseline {
        if (file == null) throw new IllegalArgumentException("a baseline needs its file");
        vendorRows = vendorRows == null ? Map.of() : Map.copyOf(vendorRows);
    }
}
