package com.relay.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.relay.tenants.TenantRepository.TenantVersion;
import java.io.IOException;
import java.time.ZoneId;
import java.util.Optional;

/** A tenant whose latest configuration has {@code schedule.enabled: true} (docs/CONTRACT.md#the-schedule-section, docs/CONTRACT.md#which-tenants-fire). */
public record ScheduledTenant(String tenantId, long configVersion, String cron, ZoneId zone) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads {@code schedule} and {@code timezone} of a stored (validated, normalised) configuration;
     * empty when there is no schedule or it is disabled.
     *
     * @throws IllegalArgumentException when the stored text is not a readable configuration
     */
    public static Optional<ScheduledTenant> of(TenantVersion version) {
        if (version.configJson() == null) throw new IllegalArgumentException("the stored version has no config");
        JsonNode root;
        try {
            root = JSON.readTree(version.configJson());
        } catch (IOException e) {
            throw new IllegalArgumentException("the stored config is not JSON", e);
        }
        JsonNode schedule = root.path("schedule");
        if (!schedule.isObject() || !schedule.path("enabled").asBoolean(true)) return Optional.empty();
        String cron = schedule.path("cron").asText(null);
        String zone = root.path("timezone").asText(null);
        if (cron == null || zone == null) throw new IllegalArgumentException("schedule without cron or timezone");
        return Optional.of(new ScheduledTenant(version.tenantId(), version.configVersion(), cron, ZoneId.of(zone)));
    }
}
