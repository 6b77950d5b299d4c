package com.relay.worker;

import com.relay.aws.ProvisionedResources;
import com.relay.config.RelaySettings;
import org.springframework.stereotype.Component;

/**
 * The worker route's endpoint options, read by {@code routes/run-worker.camel.yaml} as
 * {@code {{bean:workerEndpoint.<name>}}}: the validated settings (docs/CONTRACT.md#worker-and-engine-settings) and the provisioned
 * queue URL, so the route file holds no queue URL or number of its own.
 */
@Component("workerEndpoint")
public class WorkerEndpoint {

    private final RelaySettings settings;
    private final ProvisionedResources resources;

    public WorkerEndpoint(RelaySettings settings, ProvisionedResources resources) {
        this.settings = settings;
        this.resources = resources;
    }

    public boolean enabled() { return settings.roles().worker(); }

    public String queueUrl() { return resources.jobsQueueUrl(); }

    public String queueName() { return settings.resources().jobsQueueName(); }

    public int maxConcurrency() { return settings.worker().maxConcurrency(); }

    public int receiveWaitSeconds() { return settings.worker().receiveWaitSeconds(); }

    public int visibilityTimeoutSeconds() { return settings.worker().visibilityTimeoutSeconds(); }

    public long heartbeatIntervalMillis() { return settings.worker().heartbeatIntervalSeconds() * 1000L; }
}
