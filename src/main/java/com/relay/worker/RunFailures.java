package com.relay.worker;

import static com.relay.aws.DynamoItems.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import com.relay.engine.ErrorEntries;
import com.relay.engine.run.EngineRun;
import com.relay.logging.LogEvents;
import com.relay.notify.PinnedConfigs;
import com.relay.notify.RunNotifications;
import com.relay.runs.RunCompletion;
import com.relay.tenants.config.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A run ended FAILED by someone other than a live attempt: the poison rule (docs/CONTRACT.md#receiving-a-job rule 6, code
 * {@code POISON_JOB}) and an operator's abandon of a run whose job message is gone
 * ({@code JOB_LOST}). Both write {@code reports/errors.json}, then one transaction: the run FAILED
 * at its furthest stage, the tenant lock released and the notification record, on the condition
 * that the run is QUEUED or RUNNING with no live lease, so a working attempt is never overruled.
 */
@Component("runFailures")
public class RunFailures {

    private static final Logger log = LoggerFactory.getLogger(RunFailures.class);

    private final RunAttemptStore store;
    private final S3Client s3;
    private final String bucket;
    private final WorkerMetrics metrics;
    private final RunNotifications notifications;
    private final PinnedConfigs pinnedConfigs;
    private final ObjectMapper mapper = EngineRun.reportMapper();

    public RunFailures(RunAttemptStore store, S3Client s3, ProvisionedResources resources, WorkerMetrics metrics,
                       RunNotifications notifications, PinnedConfigs pinnedConfigs) {
        this.store = store;
        this.s3 = s3;
        this.bucket = resources.artifactBucket();
        this.metrics = metrics;
        this.notifications = notifications;
        this.pinnedConfigs = pinnedConfigs;
    }

    /**
     * Fails {@code run} (its current item) with {@code code}; false when the condition failed (the
     * run is terminal, or an attempt holds a live lease) and nothing was written but errors.json.
     */
    public boolean failWithoutLiveAttempt(String runId, String tenantId, long configVersion, Map<String, AttributeValue> run,
                                          String code, String message, Instant now) {
        String errorsKey = ErrorEntries.key(runId, tenantId);
        putErrors(errorsKey, ErrorEntries.failure(code, message, null));
        String stage = text(run, "stage") == null ? "QUEUE" : text(run, "stage");
        String startedAt = text(run, "started_at");
        Long duration = startedAt == null ? null : Duration.between(Instant.parse(startedAt), now).toMillis();
        RunCompletion completion = new RunCompletion(runId, tenantId, configVersion, "FAILED", stage,
                text(run, "created_by"), text(run, "requested_at"), Timestamps.format(now), duration, 0, stage,
                code, message, text(run, "correlation_id"));
        TenantConfig pinned = pinnedConfigs.load(tenantId, configVersion);
        Map<String, AttributeValue> record = pinned == null ? null
                : notifications.recordFor(pinned, completion, now).orElse(null);
        RunAttemptStore.Outcome outcome = store.terminalWithoutLiveAttempt(new RunAttemptStore.Terminal(runId,
                tenantId, "FAILED", Timestamps.format(now), duration, 0, null, true, stage, code,
                message, errorsKey, record, notifications.table(),
                Map.of("publish_status", AttributeValue.fromS(RunPublishing.NOT_PUBLISHED)), null, null), now);
        if (outcome != RunAttemptStore.Outcome.COMMITTED) return false;
        metrics.runEnded(tenantId, false, duration, 0);
        LogEvents.warn(log, "run_failed", "error_code", code, "failed_stage", stage, "error_message", message,
                "duration_ms", duration);
        if (record != null) {
            try {
                notifications.enqueue(record);
            } catch (RuntimeException e) {
                LogEvents.warn(log, "notification_enqueue_failed", "error", e.getClass().getSimpleName());
            }
        }
        return true;
    }

    void putErrors(String key, Map<String, Object> entry) {
        try {
            byte[] json = mapper.writeValueAsBytes(List.of(entry));
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
