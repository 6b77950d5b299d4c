package com.relay.worker;

import static com.relay.aws.DynamoItems.text;

import com.relay.api.ApiException;
import com.relay.api.ApiRequest;
import com.relay.api.ApiResponse;
import com.relay.api.Ids;
import com.relay.api.RunsApi;
import com.relay.api.Timestamps;
import com.relay.runs.RunRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code POST /v1/runs/{run_id}/abandon} (admin): ends a run whose job message is gone — moved to
 * the DLQ by a redrive limit other than WORKER_POISON_MAX_RECEIVES, expired after the queue's
 * retention, or purged — so its tenant lock does not stay held for ever (issue 17 #12). No worker
 * will ever receive that message, and SQS cannot be asked whether a message exists, so an operator
 * decides, after checking the queue and the DLQ (docs/RUNBOOK.md "A tenant stays locked").
 *
 * <p>The write is {@link RunFailures}' conditional transaction: the run must be QUEUED or RUNNING
 * with no live lease, so an attempt that is working is never overruled; if the message turns up
 * later, the worker finds the run terminal and deletes it.
 */
@Component("runAbandonment")
public class RunAbandonment {

    public static final String CODE = "JOB_LOST";

    private final RunRepository runs;
    private final RunFailures failures;
    private final Clock clock;

    public RunAbandonment(RunRepository runs, RunFailures failures, ObjectProvider<Clock> clock) {
        this.runs = runs;
        this.failures = failures;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    public ApiResponse abandon(ApiRequest request) {
        request.query(Set.of());
        if (!request.principal().admin()) throw ApiException.forbidden();
        String runId = request.path("run_id");
        if (!Ids.isRunId(runId)) throw ApiException.runNotFound(runId);
        Map<String, AttributeValue> run = runs.get(runId).orElseThrow(() -> ApiException.runNotFound(runId));
        if (run.get("tenant_id") == null || !"RUN".equals(text(run, "item_type"))) throw ApiException.runNotFound(runId);
        Instant now = Timestamps.now(clock);
        String status = text(run, "status");
        if (!"QUEUED".equals(status) && !"RUNNING".equals(status)) {
            throw notAbandonable(runId, "the run has already ended (" + status + ")");
        }
        if (ReceiveDecision.leaseLive(run, now)) {
            throw notAbandonable(runId, "an attempt holds the run until " + text(run, "lease_expires_at")
                    + "; abandon only a run no worker is working on");
        }
        String message = "abandoned by " + request.principal().id() + ": the job message was lost (DLQ, expired or purged)";
        long configVersion = Long.parseLong(run.get("config_version").n());
        if (!failures.failWithoutLiveAttempt(runId, text(run, "tenant_id"), configVersion, run, CODE, message, now)) {
            throw notAbandonable(runId, "the run changed while it was being abandoned; read it again");
        }
        return ApiResponse.ok(RunsApi.status(runs.get(runId).orElseThrow()));
    }

    private static ApiException notAbandonable(String runId, String why) {
        return new ApiException(409, "RUN_NOT_ABANDONABLE", "run " + runId + " cannot be abandoned: " + why);
    }
}
