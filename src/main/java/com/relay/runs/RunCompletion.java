package com.relay.runs;

/**
 * A run's terminal outcome as the terminal write records it (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): what a run-completion
 * notification is built from (docs/CONTRACT.md#the-ntfy-request). Timestamps are TS text; {@code durationMs}
 * is null when the run never started; the failure fields are null on success.
 */
public record RunCompletion(String runId, String tenantId, long configVersion, String status, String stage,
                            String createdBy, String requestedAt, String finishedAt, Long durationMs,
                            long rowsProcessed, String failedStage, String errorCode, String errorMessage,
                            String correlationId) {

    public boolean succeeded() { return "SUCCEEDED".equals(status); }
}
