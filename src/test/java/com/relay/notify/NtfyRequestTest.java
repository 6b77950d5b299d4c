package com.relay.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.runs.RunCompletion;
import com.relay.tenants.config.TenantConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** docs/CONTRACT.md#ntfy-request-vectors: exact headers, body, title and tags; and the record builder (docs/CONTRACT.md#notifications-table, docs/CONTRACT.md#the-ntfy-request). */
class NtfyRequestTest {

    private static final Instant NOW = Instant.parse("2026-11-22T14:00:09.118Z");
    private static final String UA = "relay-inventory/1.2.3";
    private final NotificationRecords records = new NotificationRecords("prod", 90);

    private static RunCompletion failed() {
        return new RunCompletion("3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "acme_parts", 3, "FAILED", "MERGE_PRICE", "scheduler",
                "2026-11-22T14:00:00.412Z", "2026-11-22T14:00:09.118Z", 8113L, 1250, "MERGE_PRICE", "validation_errors",
                "validation errors", "5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10");
    }

    private static RunCompletion succeeded() {
        return new RunCompletion("3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "acme_parts", 3, "SUCCEEDED", "COMPLETE", "scheduler",
                "2026-11-22T14:00:00.412Z", "2026-11-22T14:00:09.118Z", 8113L, 1250, null, null, null,
                "5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10");
    }

    private static TenantConfig.Ntfy section2() {
        return new TenantConfig.Ntfy(true, "https://ntfy.example.com", "acme-parts-relay", "ssm:/relay/ntfy/acme_parts/publisher",
                List.of("SUCCEEDED", "FAILED"), Map.of("SUCCEEDED", 3, "FAILED", 4), "https://console.example.com/runs/{run_id}");
    }

    @Test
    void runFailed() {
        Map<String, AttributeValue> r = records.runCompletion(section2(), failed(), NOW, "7d0c6b8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e");
        NtfyRequest req = NtfyRequest.from(r, "tk_example0000000000000000000000", UA);
        assertThat(req.uri().toString()).isEqualTo("https://ntfy.example.com/acme-parts-relay");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Content-Type", "text/plain; charset=utf-8");
        expected.put("User-Agent", UA);
        expected.put("Title", "[prod] Relay run FAILED: acme_parts (validation_errors)");
        expected.put("Priority", "4");
        expected.put("Tags", "x,relay,prod");
        expected.put("Click", "https://console.example.com/runs/3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f");
        expected.put("Authorization", "Bearer tk_example0000000000000000000000");
        assertThat(req.headers()).containsExactlyEntriesOf(expected);
        assertThat(req.body()).isEqualTo("""
                Run FAILED for tenant acme_parts
                run_id: 3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f
                status: FAILED
                stage: MERGE_PRICE
                config_version: 3
                created_by: scheduler
                requested_at: 2026-11-22T14:00:00.412Z
                finished_at: 2026-11-22T14:00:09.118Z
                duration_ms: 8113
                rows_processed: 1250
                failed_stage: MERGE_PRICE
                error_code: validation_errors
                error_message: validation errors
                correlation_id: 5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10""");
        assertThat(req.toString()).doesNotContain("tk_example");
    }

    @Test
    void runSucceededWithoutPriorityClickOrToken() {
        TenantConfig.Ntfy plain = new TenantConfig.Ntfy(true, "https://ntfy.example.com", "acme-parts-relay", null,
                List.of("SUCCEEDED", "FAILED"), Map.of(), null);
        Map<String, AttributeValue> r = records.runCompletion(plain, succeeded(), NOW, NotificationRecords.newId());
        NtfyRequest req = NtfyRequest.from(r, null, UA);
        assertThat(req.headers()).containsExactly(Map.entry("Content-Type", "text/plain; charset=utf-8"), Map.entry("User-Agent", UA),
                Map.entry("Title", "[prod] Relay run SUCCEEDED: acme_parts"), Map.entry("Priority", "3"),
                Map.entry("Tags", "white_check_mark,relay,prod"));
        assertThat(req.body().split("\n")).containsExactly("Run SUCCEEDED for tenant acme_parts",
                "run_id: 3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "status: SUCCEEDED", "stage: COMPLETE", "config_version: 3",
                "created_by: scheduler", "requested_at: 2026-11-22T14:00:00.412Z", "finished_at: 2026-11-22T14:00:09.118Z",
                "duration_ms: 8113", "rows_processed: 1250", "correlation_id: 5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10");
    }

    @Test
    void poisonRunThatNeverStarted() {
        RunCompletion poison = new RunCompletion("3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "acme_parts", 3, "FAILED", "QUEUE",
                "api", "2026-11-22T14:00:00.412Z", "2026-11-22T14:10:00.000Z", null, 0, "QUEUE", "POISON_JOB",
                "Job moved to DLQ after repeated failures", "c-1");
        String body = NotificationRecords.runBody(poison);
        assertThat(body).doesNotContain("duration_ms").contains("rows_processed: 0\n")
                .contains("error_message: Job moved to DLQ after repeated failures\n").doesNotEndWith("\n");
    }

    @Test
    void manualMessage() {
        TenantConfig.Ntfy ntfy = section2();
        Map<String, AttributeValue> r = records.manual(ntfy, "acme_parts", "Vendor 2 feed delayed until 10:00", null, 4,
                List.of("warning"), null, "api", "key:dev", "ops-7", NOW, NotificationRecords.newId());
        NtfyRequest req = NtfyRequest.from(r, null, UA);
        assertThat(req.headers()).containsEntry("Title", "[prod] Relay message: acme_parts").containsEntry("Priority", "4")
                .containsEntry("Tags", "warning").doesNotContainKeys("Click", "Authorization");
        assertThat(req.body()).isEqualTo("Vendor 2 feed delayed until 10:00\n\ncorrelation_id: ops-7");
        assertThat(r.get("kind").s()).isEqualTo("manual");
        assertThat(r.get("message").s()).isEqualTo("Vendor 2 feed delayed until 10:00");
        assertThat(r.get("created_by").s()).isEqualTo("api");
        assertThat(r.get("requested_by").s()).isEqualTo("key:dev");
    }

    @Test
    void recordBuilderResolvesEverythingAtCreation() {
        Map<String, AttributeValue> r = records.runCompletion(section2(), failed(), NOW, "7d0c6b8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e");
        assertThat(r.get("status").s()).isEqualTo("created");
        assertThat(r.get("kind").s()).isEqualTo("run_completed");
        assertThat(r.get("created_by").s()).isEqualTo("system");
        assertThat(r.get("run_status").s()).isEqualTo("FAILED");
        assertThat(r.get("created_at").s()).isEqualTo("2026-11-22T14:00:09.118Z");
        assertThat(r.get("server_url").s()).isEqualTo("https://ntfy.example.com");
        assertThat(r.get("token_secret_ref").s()).isEqualTo("ssm:/relay/ntfy/acme_parts/publisher");
        assertThat(r.get("tags").l()).extracting(AttributeValue::s).containsExactly("x", "relay", "prod");
        assertThat(r.get("priority").n()).isEqualTo("4");
        assertThat(r.get("deliveries").n()).isEqualTo("0");
        assertThat(r.get("attempts").n()).isEqualTo("0");
        assertThat(r.get("deferrals").n()).isEqualTo("0");
        assertThat(Long.parseLong(r.get("ttl").n())).isEqualTo(NOW.getEpochSecond() + 90L * 86_400);
        assertThat(r).doesNotContainKeys("delivery_token", "lease_expires_at", "message");
    }

    @Test
    void subscriptionFollowsThePinnedConfiguration() {
        TenantConfig.Ntfy onlyFailed = new TenantConfig.Ntfy(true, "https://ntfy.sh", "t", null, List.of("FAILED"), Map.of(), null);
        TenantConfig.Ntfy disabled = new TenantConfig.Ntfy(false, "https://ntfy.sh", "t", null, List.of("FAILED"), Map.of(), null);
        assertThat(NotificationRecords.subscribes(config(onlyFailed), "SUCCEEDED")).isFalse(); // N1
        assertThat(NotificationRecords.subscribes(config(onlyFailed), "FAILED")).isTrue();
        assertThat(NotificationRecords.subscribes(config(disabled), "FAILED")).isFalse();
        assertThat(NotificationRecords.subscribes(null, "FAILED")).isFalse();
    }

    private static RunCompletion held() {
        return new RunCompletion("3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "acme_parts", 3, "SUCCEEDED", "COMPLETE", "scheduler",
                "2026-11-22T14:00:00.412Z", "2026-11-22T14:00:09.118Z", 8113L, 1250, null, null, null,
                "5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10", "HELD",
                List.of("SKU count fell 80.0 % (1000 → 200), above max_sku_drop_pct 20.0 %"));
    }

    /** docs/CONTRACT.md#the-published-feed: HELD is opt-in; a held run otherwise notifies as SUCCEEDED, saying it was held. */
    @Test
    void aHeldRunNotifiesAsHeldWhenSubscribedElseAsSucceededWithItsReasons() {
        TenantConfig.Ntfy withHeld = new TenantConfig.Ntfy(true, "https://ntfy.sh", "t", null,
                List.of("FAILED", "HELD"), Map.of("SUCCEEDED", 3, "FAILED", 4, "HELD", 5), null);
        TenantConfig.Ntfy successOnly = new TenantConfig.Ntfy(true, "https://ntfy.sh", "t", null,
                List.of("SUCCEEDED"), Map.of("SUCCEEDED", 2, "FAILED", 4), null);
        TenantConfig.Ntfy failedOnly = new TenantConfig.Ntfy(true, "https://ntfy.sh", "t", null,
                List.of("FAILED"), Map.of("SUCCEEDED", 3, "FAILED", 4), null);
        assertThat(NotificationRecords.outcome(config(withHeld), held())).isEqualTo("HELD");
        assertThat(NotificationRecords.outcome(config(successOnly), held())).isEqualTo("SUCCEEDED");
        assertThat(NotificationRecords.outcome(config(withHeld), succeeded())).isEqualTo("SUCCEEDED");
        assertThat(NotificationRecords.subscribes(config(failedOnly), NotificationRecords.outcome(config(failedOnly), held())))
                .isFalse();

        NtfyRequest req = NtfyRequest.from(records.runCompletion(withHeld, held(), NOW, NotificationRecords.newId()), null, UA);
        assertThat(req.headers()).containsEntry("Title", "[prod] Relay run HELD: acme_parts")
                .containsEntry("Priority", "5").containsEntry("Tags", "warning,relay,prod");
        assertThat(req.body()).startsWith("Run SUCCEEDED for tenant acme_parts\n").endsWith(
                "correlation_id: 5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10\npublish_status: HELD\n"
                        + "held_because: SKU count fell 80.0 % (1000 → 200), above max_sku_drop_pct 20.0 %");
        // subscribed to SUCCEEDED only: the default HELD priority (4), not SUCCEEDED's 2, since a hold needs a person
        NtfyRequest asSuccess = NtfyRequest.from(records.runCompletion(successOnly, held(), NOW, NotificationRecords.newId()),
                null, UA);
        assertThat(asSuccess.headers()).containsEntry("Title", "[prod] Relay run HELD: acme_parts").containsEntry("Priority", "4");
        // a run that was not held keeps its body exactly (docs/CONTRACT.md#ntfy-request-vectors)
        assertThat(NtfyRequest.from(records.runCompletion(withHeld, succeeded(), NOW, NotificationRecords.newId()), null, UA)
                .body()).doesNotContain("publish_status");
    }

    @Test
    void headerValuesArePrintableAscii() {
        assertThat(NotificationRecords.headerValue("Déjà vu\n")).isEqualTo("D?j? vu?");
        String longMessage = "x".repeat(600) + "\r\n";
        assertThat(NotificationRecords.shortMessage("a\nb\rc")).isEqualTo("a b c");
        assertThat(NotificationRecords.shortMessage(longMessage)).hasSize(500);
        assertThat(NotificationRecords.headerValue("[unknown env] x")).isEqualTo("[unknown env] x");
    }

    @Test
    void environmentTagOnlyWhenItIsATagName() {
        NotificationRecords odd = new NotificationRecords("pre prod", 90);
        Map<String, AttributeValue> r = odd.runCompletion(section2(), failed(), NOW, NotificationRecords.newId());
        assertThat(r.get("tags").l()).extracting(AttributeValue::s).containsExactly("x", "relay");
    }

    private static TenantConfig config(TenantConfig.Ntfy ntfy) {
        return new TenantConfig(1, "acme_parts", "UTC", "USD", List.of(), null, null, null, null,
                new TenantConfig.Notifications(ntfy), null);
    }
}
