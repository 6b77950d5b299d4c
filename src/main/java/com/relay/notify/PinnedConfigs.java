package com.relay.notify;

import com.relay.config.RelaySettings;
import com.relay.tenants.TenantRepository;
import com.relay.tenants.config.TenantConfig;
import com.relay.tenants.config.TenantConfigParser;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Loads a run's pinned configuration version for the notification decision (docs/CONTRACT.md#attempt-outcomes-retry-and-poison step 3):
 * null when it cannot be loaded (missing, unparseable, or the read failed), which means
 * {@code notification_status NONE}.
 */
@Component("pinnedConfigs")
public class PinnedConfigs {

    private static final Logger log = LoggerFactory.getLogger(PinnedConfigs.class);

    private final TenantRepository tenants;
    private final TenantConfigParser parser = new TenantConfigParser();
    private final TenantConfigParser.Context context;

    public PinnedConfigs(TenantRepository tenants, RelaySettings settings) {
        this.tenants = tenants;
        this.context = TenantConfigParser.Context.service(settings);
    }

    public TenantConfig load(String tenantId, long configVersion) {
        try {
            return tenants.version(tenantId, configVersion)
                    .map(v -> v.configJson() == null ? null
                            : parser.parse(v.configJson().getBytes(StandardCharsets.UTF_8), TenantConfigParser.Format.JSON, context)
                                    .validConfig().orElse(null))
                    .orElse(null);
        } catch (RuntimeException e) {
            log.warn("pinned config {} v{} not loaded: {}", tenantId, configVersion, e.getClass().getSimpleName());
            return null;
        }
    }

    /** The tenant's latest configuration (manual messages, docs/CONTRACT.md#sending-a-manual-message), or null. */
    public TenantConfig latest(String tenantId) {
        return tenants.latest(tenantId)
                .map(v -> v.configJson() == null ? null
                        : parser.parse(v.configJson().getBytes(StandardCharsets.UTF_8), TenantConfigParser.Format.JSON, context)
                                .validConfig().orElse(null))
                .orElse(null);
    }
}
