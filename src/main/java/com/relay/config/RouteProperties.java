package com.relay.config;

import com.relay.aws.ProvisionedResources;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.spi.PropertiesSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The one way settings reach routes/*.camel.yaml: each value a route needs is a Camel property
 * {@code relay.<area>.<name>}, served by this properties source from the validated
 * {@link RelaySettings} and the provisioned queue URLs (known only after provisioning: an
 * emulator's port, LocalStack, AWS), so a route file holds no number, queue or role switch of its
 * own (docs/ROUTES.md "Settings in routes"). A properties source, not initial properties set before
 * start: the REST DSL reads {@code relay.api.enabled} while the route files are loaded, before
 * any {@code CamelContextConfiguration} runs. Camel finds it in the registry (it is a bean).
 */
@Component
public class RouteProperties implements PropertiesSource {

    private final RelaySettings settings;
    private final ObjectProvider<ProvisionedResources> resources;
    private volatile Map<String, String> properties;

    /** Resources through a provider: Camel creates this source while it starts, before provisioning. */
    public RouteProperties(RelaySettings settings, ObjectProvider<ProvisionedResources> resources) {
        this.settings = settings;
        this.resources = resources;
    }

    @Override
    public String getName() {
        return "relay-settings";
    }

    @Override
    public String getProperty(String name) {
        if (!name.startsWith("relay.")) return null;
        Map<String, String> p = properties;
        if (p == null) properties = p = of(settings, resources.getObject());
        return p.get(name);
    }

    /** Every {@code relay.*} placeholder the route files may use, by name. */
    public static Map<String, String> of(RelaySettings settings, ProvisionedResources resources) {
        Map<String, String> p = new LinkedHashMap<>();
        RelaySettings.Roles roles = settings.roles();
        p.put("relay.api.enabled", Boolean.toString(roles.api()));

        RelaySettings.Worker worker = settings.worker();
        p.put("relay.worker.enabled", Boolean.toString(roles.worker()));
        p.put("relay.worker.queue-name", settings.resources().jobsQueueName());
        p.put("relay.worker.queue-url", resources.jobsQueueUrl());
        p.put("relay.worker.max-concurrency", Integer.toString(worker.maxConcurrency()));
        p.put("relay.worker.receive-wait-seconds", Integer.toString(worker.receiveWaitSeconds()));
        p.put("relay.worker.visibility-timeout-seconds", Integer.toString(worker.visibilityTimeoutSeconds()));
        p.put("relay.worker.heartbeat-interval-ms", Long.toString(worker.heartbeatIntervalSeconds() * 1000L));
        p.put("relay.worker.bucket", resources.artifactBucket());
        // the retry backoff's base and cap: arguments of the error handler step (routes/config/worker-errors.camel.yaml)
        p.put("relay.worker.retry-backoff-seconds", Long.toString(worker.retryBackoffSeconds()));
        p.put("relay.worker.retry-backoff-max-seconds", Long.toString(worker.retryBackoffMaxSeconds()));

        RelaySettings.Notify notifier = settings.notifier();
        String notifyUrl = resources.notificationsQueueUrl();
        p.put("relay.notify.enabled", Boolean.toString(roles.notifier()));
        p.put("relay.notify.queue-name", notifyUrl.substring(notifyUrl.lastIndexOf('/') + 1));
        p.put("relay.notify.queue-url", notifyUrl);
        p.put("relay.notify.max-concurrency", Integer.toString(notifier.maxConcurrency()));
        p.put("relay.notify.receive-wait-seconds", Integer.toString(notifier.receiveWaitSeconds()));
        p.put("relay.notify.sweep-interval-ms", Long.toString(notifier.sweepIntervalSeconds() * 1000L));

        p.put("relay.scheduler.enabled", Boolean.toString(roles.scheduler()));
        return p;
    }
}
