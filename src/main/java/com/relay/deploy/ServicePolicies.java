package com.relay.deploy;

import com.relay.config.RelaySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.sqs.Queue;

/**
 * The service policy of docs/INFRA.md#iam split by role, each action kept only where a class the
 * role runs calls it (the "Called by" table there). Every role answers the readiness probe
 * ({@code DependencyProbe}: DescribeTable, GetQueueAttributes, HeadBucket) and publishes metrics.
 * The API service also runs the scheduler. Queue URLs are all set, so no role needs GetQueueUrl.
 */
final class ServicePolicies {

    private final Stack stack;
    private final RelaySettings settings;
    private final Table tenants;
    private final Table runs;
    private final Table notifications;
    private final Table breakers;
    private final Queue jobs;
    private final Queue notificationsQueue;
    private final Bucket bucket;

    ServicePolicies(Stack stack, RelaySettings settings, Table tenants, Table runs, Table notifications, Table breakers,
                    Queue jobs, Queue notificationsQueue, Bucket bucket) {
        this.stack = stack;
        this.settings = settings;
        this.tenants = tenants;
        this.runs = runs;
        this.notifications = notifications;
        this.breakers = breakers;
        this.jobs = jobs;
        this.notificationsQueue = notificationsQueue;
        this.bucket = bucket;
    }

    /** API (runs, tenants, uploads, keys, manual notifications) and scheduler (claims, run creation). */
    List<PolicyStatement> api() {
        List<PolicyStatement> s = common();
        s.add(allow("SendJobsAndNotifications", List.of("sqs:SendMessage"),
                List.of(jobs.getQueueArn(), notificationsQueue.getQueueArn())));
        // Query of tenant_directory-tenant_id-index (scheduler) needs the index ARN; Scan: the directory backfill
        s.add(allow("TenantsTable", List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan"),
                withIndexes(tenants)));
        s.add(allow("RunsTable", List.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"), withIndexes(runs)));
        s.add(allow("NotificationsTable", List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:Query"), withIndexes(notifications)));
        // the operator controls: GET /v1/admin/circuit-breakers (Scan) and …/reset (conditional UpdateItem)
        s.add(allow("CircuitBreakerTable", List.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Scan"),
                List.of(breakers.getTableArn())));
        // uploads to tenants/<t>/…, presigned artifact URLs, errors.json of a QUEUE_UNAVAILABLE run
        s.add(allow("InboundAreasAndRunArtifacts", List.of("s3:GetObject", "s3:PutObject"),
                List.of(bucket.arnForObjects("tenants/*"), bucket.arnForObjects("*/tenants/*"))));
        return s;
    }

    /** Worker: receives jobs, reads pinned configs and inputs, writes artifacts, the run and its notification. */
    List<PolicyStatement> worker() {
        List<PolicyStatement> s = common();
        s.add(allow("ReceiveJobs", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"),
                List.of(jobs.getQueueArn())));
        s.add(allow("SendNotifications", List.of("sqs:SendMessage"), List.of(notificationsQueue.getQueueArn())));
        s.add(allow("TenantsTable", List.of("dynamodb:GetItem"), List.of(tenants.getTableArn())));
        // attempt updates; the terminal transaction deletes the tenant lock and Puts the published-feed pointer
        s.add(allow("RunsTable", List.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "dynamodb:PutItem"), List.of(runs.getTableArn())));
        // the terminal transaction's notification Put; NotificationEnqueuer's created → queued
        s.add(allow("NotificationsTable", List.of("dynamodb:PutItem", "dynamodb:UpdateItem"),
                List.of(notifications.getTableArn())));
        s.add(allow("ReadInbound", List.of("s3:GetObject"), List.of(bucket.arnForObjects("tenants/*"))));
        s.add(allow("WriteRunArtifacts", List.of("s3:PutObject"), List.of(bucket.arnForObjects("*/tenants/*"))));
        // safe publishing (docs/CONTRACT.md#the-published-feed): the published run's feed state is the next run's
        // baseline; the stable copy tenants/<t>/published/… is a server-side copy from the run folder
        s.add(allow("ReadPublishedRuns", List.of("s3:GetObject"), List.of(bucket.arnForObjects("*/tenants/*"))));
        s.add(allow("WriteStablePublishedCopy", List.of("s3:PutObject"),
                List.of(bucket.arnForObjects("tenants/*/published/*"))));
        // vendor source credentials (docs/CONFIG_SPEC.md "Vendor sources"): only the sources area, never ntfy's
        s.add(allow("VendorSourceSecrets", List.of("ssm:GetParameter", "secretsmanager:GetSecretValue"), List.of(
                stack.formatArn(ArnComponents.builder().service("ssm").resource("parameter")
                        .resourceName("relay/sources/*").build()),
                stack.formatArn(ArnComponents.builder().service("secretsmanager").resource("secret")
                        .resourceName("relay/sources/*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build()))));
        return s;
    }

    /** Notifier: delivers and sweeps notifications, shares breakers, reads ntfy tokens. */
    List<PolicyStatement> notifier() {
        List<PolicyStatement> s = common();
        s.add(allow("NotificationsQueue", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility", "sqs:SendMessage"), List.of(notificationsQueue.getQueueArn())));
        // the sweeper queries status-created_at-index
        s.add(allow("NotificationsTable", List.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"),
                withIndexes(notifications)));
        // a delivery's final update sets the run's notification_status in the same transaction
        s.add(allow("RunsTable", List.of("dynamodb:UpdateItem"), List.of(runs.getTableArn())));
        s.add(allow("CircuitBreakerTable", List.of("dynamodb:GetItem", "dynamodb:PutItem"),
                List.of(breakers.getTableArn())));
        s.add(allow("NtfyTokens", List.of("ssm:GetParameter", "secretsmanager:GetSecretValue"), List.of(
                stack.formatArn(ArnComponents.builder().service("ssm").resource("parameter")
                        .resourceName("relay/ntfy/*").build()),
                stack.formatArn(ArnComponents.builder().service("secretsmanager").resource("secret")
                        .resourceName("relay/ntfy/*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build()))));
        return s;
    }

    /** Readiness probe and metrics, the same in every role. */
    private List<PolicyStatement> common() {
        List<PolicyStatement> s = new ArrayList<>();
        s.add(allow("ReadinessProbeTables", List.of("dynamodb:DescribeTable"),
                List.of(tenants.getTableArn(), runs.getTableArn(), notifications.getTableArn())));
        s.add(allow("ReadinessProbeQueues", List.of("sqs:GetQueueAttributes"),
                List.of(jobs.getQueueArn(), notificationsQueue.getQueueArn())));
        // HeadBucket (probe) and ListObjectsV2 (inputs); also makes HeadObject of a missing key a 404
        s.add(allow("BucketListAndHead", List.of("s3:ListBucket"), List.of(bucket.getBucketArn())));
        // PutMetricData has no resource-level permission: "*" limited to the namespace
        s.add(PolicyStatement.Builder.create().sid("MetricsInRelayNamespace").effect(Effect.ALLOW)
                .actions(List.of("cloudwatch:PutMetricData")).resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", settings.metrics().cloudWatchNamespace())))
                .build());
        return s;
    }

    private static List<String> withIndexes(Table table) {
        return List.of(table.getTableArn(), table.getTableArn() + "/index/*");
    }

    private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }
}
