package com.relay.engine.run;

import java.util.Map;

/**
 * How a run ended. {@code artifacts} maps artifact names (docs/CONTRACT.md#artifacts: config_snapshot,
 * inbound_&lt;v&gt;, input_manifest, normalized_&lt;v&gt;, errors, merged_inventory, run_summary) to keys,
 * in the order they were written.
 *
 * @param rowsProcessed total_rows (docs/CONTRACT.md#error-thresholds) when known, else 0
 */
public record RunResult(String status, String stage, String failedStage, String errorCode, String errorMessage,
                        String errorsArtifactKey, Map<String, String> artifacts, long rowsProcessed,
                        long recordCount) {

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    public boolean succeeded() { return SUCCEEDED.equals(status); }

    // PLACEHOLDER-21: replaced by the publish-engine branch at merge
    public com.relay.publish.Publication publication() {
        return succeeded() ? new com.relay.publish.Publication(com.relay.publish.Publication.Decision.PUBLISH,
                java.util.List.of(), true, Map.of(), Map.of()) : null;
    }
}
