package com.relay.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.tenants.TenantRepository.TenantVersion;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Which stored configurations are scheduled (docs/CONTRACT.md#the-schedule-section, docs/CONTRACT.md#scheduler-vectors S7). */
class ScheduledTenantTest {

    private static TenantVersion version(String json) {
        return new TenantVersion("acme_parts", 3, "2026-11-22T00:00:00.000Z", "key:ops", json);
    }

    @Test
    void an_enabled_schedule_is_read_with_the_tenant_timezone() {
        assertThat(ScheduledTenant.of(version("{\"timezone\": \"America/Los_Angeles\", \"schedule\": {\"cron\": \"0 0 6 * * ?\", \"enabled\": true}}")))
                .contains(new ScheduledTenant("acme_parts", 3, "0 0 6 * * ?", ZoneId.of("America/Los_Angeles")));
    }

    @Test
    void s7_disabled_or_absent_schedules_fire_nothing() {
        assertThat(ScheduledTenant.of(version("{\"timezone\": \"UTC\", \"schedule\": {\"cron\": \"0 0 6 * * ?\", \"enabled\": false}}"))).isEmpty();
        assertThat(ScheduledTenant.of(version("{\"timezone\": \"UTC\", \"schedule\": null}"))).isEmpty();
        assertThat(ScheduledTenant.of(version("{\"timezone\": \"UTC\"}"))).isEmpty();
    }

    @Test
    void an_unreadable_record_is_an_error_not_a_silent_skip() {
        assertThatThrownBy(() -> ScheduledTenant.of(version("not json"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScheduledTenant.of(version(null))).isInstanceOf(IllegalArgumentException.class);
    }
}
