package com.relay.engine.run;

import com.relay.publish.Publication;
import java.util.Map;

/**
 * How a run ended. {@code artifacts} maps artifact names (docs/CONTRACT.md#artifacts: config_snapshot,
 * inbound_&lt;v&gt;, input_manifest, normalized_&lt;v&gt;, errors, merged_inventory, feed_state, delta, diff, run_summary) to keys,
 * in the order they were written.
 *
 * @param rowsProcessed total_rows (docs/CONTRACT.md#error-thresholds) when known, else 0
 * @param publication   what the run means for the published feed (docs/CONTRACT.md#publishing-diff-delta-and-guard);
 *                      null for a FAILED run
 */
public record RunResult(String status, String stage, String failedStage, String errorCode, String errorMessage,
                        String errorsArtifactKey, Map<String, String> artifacts, long rowsProcessed,
                        long recordCount, Publication publication) {

    /** A result without a publication decision (every FAILED run). */
    public RunResult(String status, String stage, String failedStage, String errorCode, String errorMessage,
                     String errorsArtifactKey, Map<String, String> artifacts, long rowsProcessed, long recordCount) {
        this(status, stage, failedStage, errorCode, errorMessage, errorsArtifactKey, artifacts, rowsProcessed, recordCount,
                null);
    }

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    public boolean succeeded() { return SUCCEEDED.equals(status); }
}
