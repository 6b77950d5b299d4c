package com.relay.notify;

import com.relay.aws.ProvisionedResources;
import com.relay.config.RelaySettings;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * Hands the values routes/notifications.camel.yaml needs to Camel's property placeholders. The
 * queue URL is only known after provisioning (an emulator's port, LocalStack, AWS), so it cannot
 * be a static property; every other value comes from the validated {@link RelaySettings}.
 */
@Component
public class NotifierRouteProperties implements CamelContextConfiguration {

    private final RelaySettings settings;
    private final ProvisionedResources resources;

    public NotifierRouteProperties(RelaySettings settings, ProvisionedResources resources) {
        this.settings = settings;
        this.resources = resources;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        var p = camelContext.getPropertiesComponent();
        String url = resources.notificationsQueueUrl();
        p.addInitialProperty("relay.notify.enabled", Boolean.toString(settings.roles().notifier()));
        p.addInitialProperty("relay.notify.queue-url", url);
        p.addInitialProperty("relay.notify.queue-name", url.substring(url.lastIndexOf('/') + 1));
        p.addInitialProperty("relay.notify.concurrency", Integer.toString(settings.notifier().maxConcurrency()));
        p.addInitialProperty("relay.notify.sweep-interval-ms", Long.toString(settings.notifier().sweepIntervalSeconds() * 1000L));
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        // nothing
    }
}
