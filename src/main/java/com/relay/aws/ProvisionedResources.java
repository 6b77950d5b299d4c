package com.relay.aws;

/**
 * Resource locations after provisioning (or look-up): what the routes and beans use. Queue URLs
 * come from SQS itself, so they are right for every mode (an emulator's port, LocalStack, AWS).
 */
public record ProvisionedResources(String artifactBucket, String tenantsTable, String runsTable,
                                   String notificationsTable, String jobsQueueUrl, String jobsDlqUrl,
                                   String notificationsQueueUrl, String notificationsDlqUrl) {}
