package com.relay.config;

import com.relay.aws.ProvisionedResources;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * The one way settings reach routes/*.camel.yaml: each value a route needs is a Camel property
 * {@code relay.<area>.<name>}, filled here from the validated {@link RelaySettings} and the
 * provisioned queue URLs (known only after provisioning: an emulator's port, LocalStack, AWS), so a
 * route file holds no number, queue or role switch of its own (docs/ROUTES.md "Settings in routes").
 */
@Component
public class RouteProperties implements CamelContextConfiguration {

    private final RelaySettings settings;
    private final ProvisionedResources resources;

    public RouteProperties(RelaySettings settings, ProvisionedResources resources) {
        this.settings = settings;
        this.resources = resources;
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

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        var properties = camelContext.getPropertiesComponent();
        of(settings, resources).forEach(properties::addInitialProperty);
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        // nothing: the properties are needed before the routes are built
    }
}
