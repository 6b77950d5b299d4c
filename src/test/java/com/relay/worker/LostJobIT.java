package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Issue 17 #12: a run whose job message is gone (here purged from the queue before any worker
 * received it; the same holds for a message expired or moved to the DLQ by another redrive limit)
 * keeps its tenant locked for ever. An admin ends it with {@code POST /v1/runs/{id}/abandon}:
 * FAILED {@code JOB_LOST}, errors.json, lock released in the same transaction; a run an attempt is
 * working on, or one already ended, cannot be abandoned.
 */
class LostJobIT extends WorkerTestSupport {

    private static final String FEED = "sku,quantity_available,price\nSKU1,10,5.00\n";

    @Test
    void aRunWhoseMessageIsGoneCanBeAbandonedAndTheTenantRunsAgain() {
        String tenant = tenantWith("lost", null, Vendor.of("vendor-a"));
        upload(tenant, "vendor-a", "feed.csv", FEED);
        faults.fail(r -> r instanceof ReceiveMessageRequest, -1, () -> SdkClientException.create("receives held by the test"));
        sleep(2500); // a long poll already under way (1 s) ends before the run is created
        String lost = startRun(tenant);
        sqs.purgeQueue(b -> b.queueUrl(resources.jobsQueueUrl()));
        faults.clear();

        Reply locked = post("/v1/runs", DEV, "{\"tenant_id\": \"" + tenant + "\"}");
        assertThat(locked.status()).isEqualTo(409);
        assertThat(locked.code()).isEqualTo("TENANT_ALREADY_RUNNING");
        sleep(3000); // workers poll again: nothing arrives, the run stays QUEUED
        assertThat(run(lost).get("status").asText()).isEqualTo("QUEUED");

        String tenantKey = post("/v1/tenants/" + tenant + "/api-keys", DEV, "{}").json().get("api_key").asText();
        Reply byTenant = post("/v1/runs/" + lost + "/abandon", tenantKey, "");
        assertThat(byTenant.status()).isEqualTo(403);

        Reply abandoned = post("/v1/runs/" + lost + "/abandon", DEV, "");
        assertThat(abandoned.status()).as(abandoned.raw().body()).isEqualTo(200);
        assertThat(abandoned.json().get("status").asText()).isEqualTo("FAILED");
        assertThat(abandoned.json().get("error_code").asText()).isEqualTo("JOB_LOST");
        assertThat(abandoned.json().get("failed_stage").asText()).isEqualTo("QUEUE");
        assertThat(abandoned.json().get("error_message").asText()).startsWith("abandoned by key:dev: the job message was lost");
        JsonNode errors = json(abandoned.json().get("errors_artifact_key").asText());
        assertThat(errors.get(0).get("error_code").asText()).isEqualTo("JOB_LOST");

        Reply again = post("/v1/runs/" + lost + "/abandon", DEV, "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("RUN_NOT_ABANDONABLE");
        assertThat(again.json().get("error").get("message").asText()).contains("has already ended (FAILED)");

        assertThat(awaitTerminal(startRun(tenant)).get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aRunAnAttemptIsWorkingOnCannotBeAbandoned() {
        String tenant = tenantWith("busy", null, Vendor.of("vendor-a"));
        upload(tenant, "vendor-a", "feed.csv", FEED);
        faults.pauseAfter(r -> r instanceof UpdateItemRequest u && u.expressionAttributeValues().containsKey(":stage")
                && "NORMALIZE".equals(u.expressionAttributeValues().get(":stage").s()), 4000);
        String busy = startRun(tenant);
        awaitRun(busy, r -> "NORMALIZE".equals(r.get("stage").asText(null)), Duration.ofSeconds(30));

        Reply refused = post("/v1/runs/" + busy + "/abandon", DEV, "");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("RUN_NOT_ABANDONABLE");
        assertThat(refused.json().get("error").get("message").asText()).contains("an attempt holds the run until");
        assertThat(awaitTerminal(busy).get("status").asText()).isEqualTo("SUCCEEDED");

        assertThat(post("/v1/runs/00000000-0000-4000-8000-000000000000/abandon", DEV, "").status()).isEqualTo(404);
    }
}
