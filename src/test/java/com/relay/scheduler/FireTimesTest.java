package com.relay.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#which-tenants-fire and the fire-time vectors of docs/CONTRACT.md#scheduler-vectors. */
class FireTimesTest {

    static final String DAILY_6 = "0 0 6 * * ?";
    static final ZoneId LA = ZoneId.of("America/Los_Angeles");

    private static List<Instant> fires(String cron, String zone, String tick) {
        return FireTimes.inWindow(cron, ZoneId.of(zone), Instant.parse(tick));
    }

    @Test
    void s1_0600_pacific_standard_time_fires_at_1400z() {
        assertThat(fires(DAILY_6, "America/Los_Angeles", "2026-11-22T14:00:00Z"))
                .containsExactly(Instant.parse("2026-11-22T14:00:00Z"));
        assertThat(ScheduleClaims.key("acme_parts", Instant.parse("2026-11-22T14:00:00Z")))
                .isEqualTo("schedule#acme_parts#2026-11-22T14:00:00Z");
    }

    @Test
    void s2_the_ticks_before_and_after_fire_nothing() {
        assertThat(fires(DAILY_6, "America/Los_Angeles", "2026-11-22T13:59:00Z")).isEmpty();
        assertThat(fires(DAILY_6, "America/Los_Angeles", "2026-11-22T14:01:00Z")).isEmpty();
    }

    @Test
    void s3_daylight_time_moves_the_fire_to_1300z() {
        assertThat(fires(DAILY_6, "America/Los_Angeles", "2026-07-01T13:00:00Z"))
                .containsExactly(Instant.parse("2026-07-01T13:00:00Z"));
        assertThat(fires(DAILY_6, "America/Los_Angeles", "2026-07-01T14:00:00Z")).isEmpty();
    }

    @Test
    void s4_kolkata_fires_at_0030z() {
        assertThat(fires(DAILY_6, "Asia/Kolkata", "2026-11-22T00:30:00Z"))
                .containsExactly(Instant.parse("2026-11-22T00:30:00Z"));
        assertThat(fires(DAILY_6, "Asia/Kolkata", "2026-11-22T00:29:00Z")).isEmpty();
    }

    @Test
    void s8_s9_the_window_is_the_scheduled_minute_so_late_ticks_keep_it_and_missed_ticks_are_not_replayed() {
        // S8: the tick scheduled for 14:00:00Z is evaluated with T = 14:00:00Z whenever it runs
        assertThat(fires(DAILY_6, "America/Los_Angeles", "2026-11-22T14:00:00Z")).hasSize(1);
        // S9: the first tick after an outage (14:03) looks at (14:02, 14:03] only
        assertThat(fires(DAILY_6, "America/Los_Angeles", "2026-11-22T14:03:00Z")).isEmpty();
    }

    @Test
    void the_window_is_open_at_its_start_and_closed_at_its_end() {
        String every15 = "0 */15 * * * ?";
        assertThat(fires(every15, "UTC", "2026-11-22T10:15:00Z")).containsExactly(Instant.parse("2026-11-22T10:15:00Z"));
        assertThat(fires(every15, "UTC", "2026-11-22T10:16:00Z")).isEmpty(); // 10:15 is exactly T − 60 s
        assertThat(fires(every15, "UTC", "2026-11-22T10:15:59Z")).containsExactly(Instant.parse("2026-11-22T10:15:00Z"));
    }

    @Test
    void daylight_saving_gap_and_overlap_follow_quartz() {
        // 2026-03-08 02:30 does not exist in Los Angeles; 2026-11-01 01:30 happens twice.
        // Whatever Quartz decides, each fire lands in exactly one tick window.
        int gapFires = 0;
        Instant t = Instant.parse("2026-03-08T08:00:00Z");
        for (int i = 0; i < 6 * 60; i++, t = t.plusSeconds(60)) gapFires += fires("0 30 2 * * ?", "America/Los_Angeles", t.toString()).size();
        assertThat(gapFires).isLessThanOrEqualTo(1);
        int overlapFires = 0;
        t = Instant.parse("2026-11-01T07:00:00Z");
        for (int i = 0; i < 4 * 60; i++, t = t.plusSeconds(60)) overlapFires += fires("0 30 1 * * ?", "America/Los_Angeles", t.toString()).size();
        assertThat(overlapFires).isBetween(1, 2);
    }

    @Test
    void an_unparseable_stored_expression_is_reported() {
        assertThatThrownBy(() -> fires("not a cron", "UTC", "2026-11-22T14:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid cron expression");
    }

    @Test
    void claim_ttl_is_the_fire_plus_the_configured_days() {
        Instant f = Instant.parse("2026-11-22T14:00:00Z");
        assertThat(ScheduleClaims.ttl(f, 7)).isEqualTo(f.getEpochSecond() + 7 * 86_400L);
    }
}
