package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import com.relay.engine.run.RunResult;
import com.relay.publish.Publication;
import com.relay.publish.PublishedFeeds;
import com.relay.publish.VendorHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the terminal write records about publishing (docs/CONTRACT.md#the-published-feed), per engine decision. */
class RunPublishingTest {

    private static final String NOW = "2026-12-07T07:00:00.000Z";
    private final RunPublishing publishing = new RunPublishing(mock(PublishedFeeds.class), mock(VendorHeaders.class));

    private static RunAttempt attempt() {
        return new RunAttempt(new JobMessage(UUID.randomUUID().toString(), "acme", 4, null), "m", "r", 1, "attempt-1", 1,
                Instant.parse(NOW), "api", NOW, "c-1");
    }

    private static RunResult succeeded(String decision, List<String> reasons, boolean first) {
        Publication p = new Publication(decision, reasons, first, first ? null : "run-0", 11, 154, 10,
                Map.of("vendor_a", 10L), List.of());
        return new RunResult(RunResult.SUCCEEDED, "COMPLETE", null, null, null, null,
                Map.of("merged_inventory", "r/outputs/merged_inventory.csv", "feed_state", "r/outputs/feed_state.csv",
                        "delta", "r/outputs/delta.csv"), 11, 11, p);
    }

    private static PublishedFeeds.Pointer pointer(long version) {
        return new PublishedFeeds.Pointer("acme", "run-0", version, NOW, "api", "run", 3, "k/merged.csv", "k/state.csv",
                null, Map.of(), Map.of("vendor_a", 12L), null);
    }

    @Test
    void aFailedRunIsNotPublishedAndCarriesNoPointer() {
        RunResult failed = new RunResult(RunResult.FAILED, "NORMALIZE", "NORMALIZE", "validation_errors", "x", null,
                Map.of(), 0, 0);
        RunPublishing.Decision d = publishing.decide(attempt(), failed, NOW);
        assertThat(d.status()).isEqualTo("NOT_PUBLISHED");
        assertThat(d.pointer()).isNull();
        assertThat(d.runAttributes("api", NOW)).containsOnlyKeys("publish_status", "publish_reasons");
    }

    @Test
    void theFirstPublicationPutsVersionOneOverNothing() {
        RunAttempt a = attempt();
        RunPublishing.Decision d = publishing.decide(a, succeeded(Publication.PUBLISH, List.of(), true), NOW);
        assertThat(d.status()).isEqualTo("PUBLISHED");
        assertThat(d.expectedVersion()).isZero();
        assertThat(d.pointer().version()).isEqualTo(1);
        assertThat(d.pointer().runId()).isEqualTo(a.runId());
        assertThat(d.pointer().previousRunId()).isNull();
        assertThat(d.pointer().stateKey()).isEqualTo("r/outputs/feed_state.csv");
        assertThat(d.pointer().stats()).containsEntry("sku_count", 11L).containsEntry("total_quantity", 154L)
                .containsEntry("in_stock_count", 10L);
        assertThat(d.runAttributes("api", NOW)).containsKeys("published_at", "published_by", "publish_action",
                "first_publication", "feed_stats", "vendor_rows");
    }

    @Test
    void aLaterPublicationIsConditionedOnTheVersionMergePriceRead() {
        RunAttempt a = attempt();
        a.published = pointer(7);
        RunPublishing.Decision d = publishing.decide(a, succeeded(Publication.PUBLISH, List.of(), false), NOW);
        assertThat(d.expectedVersion()).isEqualTo(7);
        assertThat(d.pointer().version()).isEqualTo(8);
        assertThat(d.pointer().previousRunId()).isEqualTo("run-0");
    }

    @Test
    void heldAndDryRunsLeaveThePointerAlone() {
        RunAttempt a = attempt();
        a.published = pointer(2);
        RunPublishing.Decision held = publishing.decide(a, succeeded(Publication.HELD, List.of("SKU count fell"), false), NOW);
        assertThat(held.status()).isEqualTo("HELD");
        assertThat(held.reasons()).containsExactly("SKU count fell");
        assertThat(held.pointer()).isNull();
        assertThat(held.runAttributes("api", NOW)).doesNotContainKeys("published_at", "published_by");
        RunPublishing.Decision dry = publishing.decide(a, succeeded(Publication.DRY_RUN, List.of(), false), NOW);
        assertThat(dry.status()).isEqualTo("DRY_RUN");
        assertThat(dry.pointer()).isNull();
    }

    @Test
    void aRunWhoseBaselineIsGoneIsHeldNeverPublishedBlind() {
        RunAttempt a = attempt();
        a.published = pointer(2);
        a.baselineMissing = true;
        RunPublishing.Decision d = publishing.decide(a, succeeded(Publication.PUBLISH, List.of(), true), NOW);
        assertThat(d.status()).isEqualTo("HELD");
        assertThat(d.pointer()).isNull();
        assertThat(d.reasons()).singleElement().asString().contains("could not be read").contains("k/state.csv");
    }

    @Test
    void aPointerThatMovedTurnsThePublicationIntoAHold() {
        RunAttempt a = attempt();
        a.published = pointer(2);
        RunPublishing.Decision d = publishing.decide(a, succeeded(Publication.PUBLISH, List.of(), false), NOW);
        RunPublishing.Decision raced = publishing.heldByRace(d, a);
        assertThat(raced.status()).isEqualTo("HELD");
        assertThat(raced.pointer()).isNull();
        assertThat(raced.reasons()).singleElement().asString().contains("changed while this run was running")
                .contains("run-0");
    }

    @Test
    void aSuccessfulRunWithoutADecisionIsAProgrammingError() {
        RunResult bare = new RunResult(RunResult.SUCCEEDED, "COMPLETE", null, null, null, null, Map.of(), 0, 0);
        assertThatThrownBy(() -> publishing.decide(attempt(), bare, NOW)).isInstanceOf(IllegalStateException.class);
    }
}
