package com.relay.runs;

/**
 * A run's terminal outcome as the terminal write records it (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): what a run-completion
 * notification is built from (docs/CONTRACT.md#the-ntfy-request). Timestamps are TS text; {@code durationMs}
 * is null when the run never started; the failure fields are null on success.
 */
public record RunCompletion(String runId, String tenantId, long configVersion, String status, String stage,
                            String createdBy, String requestedAt, String finishedAt, Long durationMs,
                            long rowsProcessed, String failedStage, String errorCode, String errorMessage,
                            String correlationId, String publishStatus, java.util.List<String> publishReasons) {

    /** A run that never got to publishing (failed before or outside the worker's COMPLETE). */
    public RunCompletion(String runId, String tenantId, long configVersion, String status, String stage,
                         String createdBy, String requestedAt, String finishedAt, Long durationMs,
                         long rowsProcessed, String failedStage, String errorCode, String errorMessage,
                         String correlationId) {
        this(runId, tenantId, configVersion, status, stage, createdBy, requestedAt, finishedAt, durationMs, rowsProcessed,
                failedStage, errorCode, errorMessage, correlationId, null, java.util.List.of());
    }

    public boolean succeeded() { return "SUCCEEDED".equals(status); }

    /** A successful run the publish guard held (docs/CONTRACT.md#the-published-feed). */
    public boolean held() { return "HELD".equals(publishStatus); }
}
