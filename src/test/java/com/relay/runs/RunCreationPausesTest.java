package com.relay.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The pause item's reading, the cache time, and the conditional writes (docs/RUNBOOK.md "Pausing run creation"). */
class RunCreationPausesTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    static AttributeValue pause(String reason) {
        return AttributeValue.fromM(Map.of("reason", AttributeValue.fromS(reason), "paused_by", AttributeValue.fromS("key:ops"),
                "paused_at", AttributeValue.fromS("2026-12-06T09:00:00.000Z")));
    }

    final DynamoDbClient dynamoDb = mock(DynamoDbClient.class);
    final MovableClock clock = new MovableClock();
    final RunCreationPauses pauses = new RunCreationPauses(dynamoDb, "runs", Duration.ofSeconds(5), clock);

    @SuppressWarnings("unchecked")
    private void itemIs(Map<String, AttributeValue> item) {
        when(dynamoDb.getItem(any(Consumer.class))).thenReturn(GetItemResponse.builder().item(item).build());
    }

    @Test
    void theGlobalPauseWinsOverATenantsAndOthersAreNotPaused() {
        RunCreationPauses.Snapshot s = RunCreationPauses.parse(Map.of("run_id", AttributeValue.fromS(RunCreationPauses.ITEM_KEY),
                "global_pause", pause("migration"), "tenants", AttributeValue.fromM(Map.of("acme", pause("feed")))));
        assertThat(s.pausing("acme").map(RunCreationPauses.Pause::reason)).contains("migration");
        assertThat(s.pausing("acme").map(RunCreationPauses.Pause::scope)).contains("global");
        RunCreationPauses.Snapshot tenantOnly = RunCreationPauses.parse(Map.of("tenants", AttributeValue.fromM(Map.of("acme", pause("feed")))));
        assertThat(tenantOnly.pausing("acme").map(RunCreationPauses.Pause::tenantId)).contains("acme");
        assertThat(tenantOnly.pausing("acme").map(RunCreationPauses.Pause::pausedBy)).contains("key:ops");
        assertThat(tenantOnly.pausing("other")).isEmpty();
        assertThat(RunCreationPauses.parse(null).pausing("acme")).isEmpty();
        assertThat(RunCreationPauses.parse(Map.of()).pausing("acme")).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aReadIsReusedForTheCacheTimeThenReadAgain() {
        itemIs(Map.of("tenants", AttributeValue.fromM(Map.of("acme", pause("feed")))));
        assertThat(pauses.pausing("acme")).isPresent();
        clock.now = clock.now.plusMillis(4_999);
        assertThat(pauses.pausing("acme")).isPresent();
        assertThat(pauses.pausing("other")).isEmpty();
        verify(dynamoDb, times(1)).getItem(any(Consumer.class));

        itemIs(Map.of("tenants", AttributeValue.fromM(Map.of())));
        clock.now = clock.now.plusMillis(1);
        assertThat(pauses.pausing("acme")).isEmpty(); // a resume elsewhere is seen after 5 s
        verify(dynamoDb, times(2)).getItem(any(Consumer.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aChangeOnThisInstanceIsSeenAtOnce() {
        itemIs(Map.of());
        assertThat(pauses.pausing("acme")).isEmpty();
        itemIs(Map.of("tenants", AttributeValue.fromM(Map.of("acme", pause("feed")))));
        assertThat(pauses.pauseTenant("acme", "feed", "key:ops")).isEqualTo(RunCreationPauses.SetOutcome.SET);
        assertThat(pauses.pausing("acme")).isPresent(); // no wait for the cache time
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTenantPauseIsOneConditionalUpdateBoundedByTheLimit() {
        ArgumentCaptor<Consumer<UpdateItemRequest.Builder>> update = ArgumentCaptor.forClass(Consumer.class);
        assertThat(pauses.pauseTenant("acme", "feed", "key:ops")).isEqualTo(RunCreationPauses.SetOutcome.SET);
        verify(dynamoDb).updateItem(update.capture());
        UpdateItemRequest.Builder b = UpdateItemRequest.builder();
        update.getValue().accept(b);
        UpdateItemRequest r = b.build();
        assertThat(r.conditionExpression()).isEqualTo("attribute_exists(tenants) AND (attribute_exists(tenants.#t) OR size(tenants) < :max)");
        assertThat(r.expressionAttributeNames()).containsEntry("#t", "acme");
        assertThat(r.expressionAttributeValues().get(":max").n()).isEqualTo("500");
        assertThat(r.expressionAttributeValues().get(":p").m().get("paused_by").s()).isEqualTo("key:ops");

        when(dynamoDb.updateItem(any(Consumer.class))).thenThrow(ConditionalCheckFailedException.builder().build());
        assertThat(pauses.pauseTenant("acme", "feed", "key:ops")).isEqualTo(RunCreationPauses.SetOutcome.LIMIT_REACHED);
        assertThat(pauses.resumeTenant("acme")).isFalse(); // nothing to lift: 404 at the API
        assertThat(pauses.resumeAll()).isFalse();
    }
}
