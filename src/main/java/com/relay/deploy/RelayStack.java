package com.relay.deploy;

import com.relay.aws.AlarmProvisioner;
import com.relay.aws.DashboardProvisioner;
import com.relay.aws.Provisioner;
import com.relay.config.RelaySettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.cloudwatch.CfnDashboard;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecs.AlarmBehavior;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.DeploymentAlarmConfig;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.amazon.awscdk.services.wafv2.CfnWebACLAssociation;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.constructs.Construct;

/**
 * Relay in AWS for one stage (docs/INFRA.md#deploying-with-cdk). Names, keys, indexes, TTLs, queue
 * attributes and redrive come from the same code {@code relay provision} runs
 * ({@code Provisioner.TableSpec}, {@code RelaySettings}); alarms from {@code AlarmProvisioner.desired}
 * and the dashboard from {@code DashboardProvisioner.body}. The IAM policies are those of
 * docs/INFRA.md#iam, split by role: the API service (API and scheduler), the worker and the notifier
 * run as three ECS Fargate services of one image with their own task roles.
 */
public final class RelayStack extends Stack {

    static final int API_PORT = 8080;

    private final RelaySettings settings;
    private final AlarmProvisioner.Target alarmTarget;

    public RelayStack(Construct scope, String id, StackProps props, DeploySettings deploy) {
        super(scope, id, props);
        Stage stage = deploy.stage();
        String region = getRegion();
        String account = getAccount();
        this.settings = deploy.relaySettings(region, account, getUrlSuffix());
        RelaySettings.Resources r = settings.resources();
        int stopTimeout = DeploySettings.stopTimeoutSeconds(settings);

        // ---- data: tables, queues, bucket (kept when the stack or a resource is removed)
        Map<String, Table> tables = new LinkedHashMap<>();
        for (Provisioner.TableSpec spec : Provisioner.TableSpec.all(settings)) {
            tables.put(spec.name(), table(spec, stage));
        }
        Table tenants = tables.get(r.tenantsTable());
        Table runs = tables.get(r.runsTable());
        Table notifications = tables.get(r.notificationsTable());
        Table breakers = tables.get(r.circuitBreakerTable());

        Queue jobsDlq = dlq("JobsDlq", r.jobsDlqName());
        Queue jobs = queue("JobsQueue", r.jobsQueueName(), settings.worker().visibilityTimeoutSeconds(), jobsDlq,
                settings.worker().poisonMaxReceives());
        Queue notificationsDlq = dlq("NotificationsDlq", r.notificationsDlqName());
        Queue notificationsQueue = queue("NotificationsQueue", r.notificationsQueueName(),
                settings.notifier().visibilityTimeoutSeconds(), notificationsDlq, settings.notifier().maxReceives());

        Bucket bucket = Bucket.Builder.create(this, "ArtifactBucket").bucketName(r.artifactBucket())
                .encryption(BucketEncryption.S3_MANAGED).versioned(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL).enforceSsl(true)
                .removalPolicy(RemovalPolicy.RETAIN).build();

        // ---- alarms: the severity topics, relay provision's alarms and dashboard
        Topic critical = topic("CriticalTopic", deploy.alarmPrefix() + "-" + stage.id() + "-critical");
        Topic warning = topic("WarningTopic", deploy.alarmPrefix() + "-" + stage.id() + "-warning");
        Topic info = topic("InfoTopic", deploy.alarmPrefix() + "-" + stage.id() + "-info");
        this.alarmTarget = deploy.alarmTarget(settings,
                new AlarmProvisioner.Topics(critical.getTopicArn(), warning.getTopicArn(), info.getTopicArn()));
        Map<String, CfnAlarm> alarms = new LinkedHashMap<>();
        AlarmTemplates.define(this, AlarmProvisioner.desired(alarmTarget)).forEach(a -> alarms.put(a.getAlarmName(), a));
        DashboardProvisioner.Target dashboard = DashboardProvisioner.Target.of(alarmTarget,
                List.of(r.tenantsTable(), r.runsTable(), r.notificationsTable()));
        CfnDashboard.Builder.create(this, "Dashboard").dashboardName(dashboard.name())
                .dashboardBody(DashboardProvisioner.body(dashboard, region).toString()).build();

        // ---- least-privilege task roles (docs/INFRA.md#iam, split by role)
        ServicePolicies policies = new ServicePolicies(this, settings, tenants, runs, notifications, breakers,
                jobs, notificationsQueue, bucket);
        Role apiRole = taskRole("ApiTaskRole", deploy.namePrefix() + "-api", policies.api());
        Role workerRole = taskRole("WorkerTaskRole", deploy.namePrefix() + "-worker", policies.worker());
        Role notifierRole = taskRole("NotifierTaskRole", deploy.namePrefix() + "-notifier", policies.notifier());

        // ---- network and services
        Vpc vpc = Vpc.Builder.create(this, "Vpc").maxAzs(2).natGateways(stage.natGateways).build();
        Cluster cluster = Cluster.Builder.create(this, "Cluster").vpc(vpc).clusterName(deploy.namePrefix()).build();
        ContainerImage image = ContainerImage.fromEcrRepository(
                Repository.fromRepositoryName(this, "ImageRepository", deploy.imageRepository()), deploy.imageTag());
        Map<String, String> environment = deploy.serviceEnvironment(region, account, getUrlSuffix());

        // a deployment rolls back when its service's alarm fires while it runs (docs/INFRA.md#blue-green-deploy-and-rollback)
        FargateService api = service(cluster, "Api", deploy, stage, apiRole, image, stopTimeout,
                roles(environment, true, false, false, true), stage.apiTasks, true, rollbackAlarm(alarms, "api-5xx"));
        service(cluster, "Worker", deploy, stage, workerRole, image, stopTimeout,
                roles(environment, false, true, false, false), stage.workerTasks, false,
                rollbackAlarm(alarms, "worker-crash-loop"));
        service(cluster, "Notifier", deploy, stage, notifierRole, image, stopTimeout,
                roles(environment, false, false, true, false), stage.notifierTasks, false, null);

        ApplicationLoadBalancer alb = ApplicationLoadBalancer.Builder.create(this, "LoadBalancer").vpc(vpc)
                .internetFacing(true).build();
        ApplicationListener https = alb.addListener("Https", BaseApplicationListenerProps.builder()
                .port(443).protocol(ApplicationProtocol.HTTPS).sslPolicy(SslPolicy.RECOMMENDED_TLS)
                .certificates(List.of(ListenerCertificate.fromArn(deploy.certificateArn()))).open(true).build());
        https.addTargets("Api", AddApplicationTargetsProps.builder().port(API_PORT).protocol(ApplicationProtocol.HTTP)
                .targets(List.of(api)).deregistrationDelay(Duration.seconds(30))
                .healthCheck(HealthCheck.builder().path("/v1/health").healthyHttpCodes("200").build()).build());
        alb.addRedirect(); // port 80 answers with a redirect to 443, never with the API

        CfnWebACL acl = CfnWebACL.Builder.create(this, "WebAcl").name(deploy.namePrefix() + "-api").scope("REGIONAL")
                .defaultAction(CfnWebACL.DefaultActionProperty.builder()
                        .allow(CfnWebACL.AllowActionProperty.builder().build()).build())
                .visibilityConfig(visibility(deploy.namePrefix() + "-api"))
                .rules(List.of(CfnWebACL.RuleProperty.builder().name("rate-limit-per-ip").priority(0)
                        .action(CfnWebACL.RuleActionProperty.builder()
                                .block(CfnWebACL.BlockActionProperty.builder().build()).build())
                        .statement(CfnWebACL.StatementProperty.builder()
                                .rateBasedStatement(CfnWebACL.RateBasedStatementProperty.builder()
                                        .limit(deploy.wafRateLimit()).evaluationWindowSec(300).aggregateKeyType("IP").build())
                                .build())
                        .visibilityConfig(visibility(deploy.namePrefix() + "-rate-limit-per-ip")).build()))
                .build();
        CfnWebACLAssociation.Builder.create(this, "WebAclAssociation").resourceArn(alb.getLoadBalancerArn())
                .webAclArn(acl.getAttrArn()).build();

        CfnOutput.Builder.create(this, "ApiUrl").value("https://" + alb.getLoadBalancerDnsName())
                .description("point the certificate's DNS name (CNAME/alias) here").build();
        CfnOutput.Builder.create(this, "ClusterName").value(cluster.getClusterName()).build();
    }

    /** What the service and {@code relay provision} read from the stage's environment. */
    public RelaySettings relaySettings() {
        return settings;
    }

    /** The {@code relay provision} alarm target the alarms and the dashboard were built from. */
    public AlarmProvisioner.Target alarmTarget() {
        return alarmTarget;
    }

    private Table table(Provisioner.TableSpec spec, Stage stage) {
        Table.Builder b = Table.Builder.create(this, "Table-" + spec.name()).tableName(spec.name())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .partitionKey(attribute(spec, spec.keys(), KeyType.HASH))
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .deletionProtection(stage.tableDeletionProtection)
                .removalPolicy(RemovalPolicy.RETAIN);
        Attribute sort = attribute(spec, spec.keys(), KeyType.RANGE);
        if (sort != null) b.sortKey(sort);
        if (spec.ttlAttribute() != null) b.timeToLiveAttribute(spec.ttlAttribute());
        Table table = b.build();
        for (Provisioner.TableSpec.Index index : spec.indexes()) {
            GlobalSecondaryIndexProps.Builder gsi = GlobalSecondaryIndexProps.builder().indexName(index.name())
                    .partitionKey(attribute(spec, index.keys(), KeyType.HASH)).projectionType(ProjectionType.ALL);
            Attribute indexSort = attribute(spec, index.keys(), KeyType.RANGE);
            if (indexSort != null) gsi.sortKey(indexSort);
            table.addGlobalSecondaryIndex(gsi.build());
        }
        return table;
    }

    private static Attribute attribute(Provisioner.TableSpec spec, List<KeySchemaElement> keys, KeyType type) {
        return keys.stream().filter(k -> k.keyType() == type).findFirst()
                .map(k -> Attribute.builder().name(k.attributeName())
                        .type(type(spec.attributes().get(k.attributeName()))).build())
                .orElse(null);
    }

    private static AttributeType type(ScalarAttributeType t) {
        return switch (t) {
            case S -> AttributeType.STRING;
            case N -> AttributeType.NUMBER;
            case B -> AttributeType.BINARY;
            default -> throw new IllegalStateException("key attribute type " + t);
        };
    }

    private Queue dlq(String id, String name) {
        return Queue.Builder.create(this, id).queueName(name)
                .retentionPeriod(Duration.seconds(Provisioner.RETENTION_SECONDS))
                .encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true).removalPolicy(RemovalPolicy.RETAIN).build();
    }

    private Queue queue(String id, String name, int visibilitySeconds, Queue dlq, int maxReceives) {
        return Queue.Builder.create(this, id).queueName(name)
                .visibilityTimeout(Duration.seconds(visibilitySeconds))
                .retentionPeriod(Duration.seconds(Provisioner.RETENTION_SECONDS))
                .receiveMessageWaitTime(Duration.seconds(Provisioner.RECEIVE_WAIT_SECONDS))
                .deadLetterQueue(DeadLetterQueue.builder().queue(dlq).maxReceiveCount(maxReceives).build())
                .encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true).removalPolicy(RemovalPolicy.RETAIN).build();
    }

    /** A severity topic CloudWatch may publish to (alarms of this account only). */
    private Topic topic(String id, String name) {
        Topic topic = Topic.Builder.create(this, id).topicName(name).enforceSsl(true).build();
        topic.addToResourcePolicy(PolicyStatement.Builder.create().sid("CloudWatchAlarms").effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("sns:Publish")).resources(List.of(topic.getTopicArn()))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", getAccount()))).build());
        return topic;
    }

    private Role taskRole(String id, String name, List<PolicyStatement> statements) {
        return Role.Builder.create(this, id).roleName(name)
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .inlinePolicies(Map.of(name, PolicyDocument.Builder.create().statements(statements).build()))
                .build();
    }

    private static Map<String, String> roles(Map<String, String> environment, boolean api, boolean worker,
                                             boolean notifier, boolean scheduler) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("API_ENABLED", Boolean.toString(api));
        env.put("WORKER_ENABLED", Boolean.toString(worker));
        env.put("NOTIFIER_ENABLED", Boolean.toString(notifier));
        env.put("SCHEDULER_ENABLED", Boolean.toString(scheduler));
        return env;
    }

    private FargateService service(Cluster cluster, String name, DeploySettings deploy, Stage stage, Role taskRole,
                                   ContainerImage image, int stopTimeout, Map<String, String> environment,
                                   int desiredCount, boolean serves, CfnAlarm rollbackAlarm) {
        String id = deploy.namePrefix() + "-" + name.toLowerCase(java.util.Locale.ROOT);
        LogGroup logs = LogGroup.Builder.create(this, name + "Logs").logGroupName("/ecs/" + id)
                .retention(retention(stage.logRetentionDays)).removalPolicy(RemovalPolicy.RETAIN).build();
        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, name + "Task").family(id)
                .cpu(stage.taskCpu).memoryLimitMiB(stage.taskMemoryMiB).taskRole(taskRole).build();
        ContainerDefinitionOptions.Builder container = ContainerDefinitionOptions.builder().image(image)
                .containerName("relay").environment(environment)
                .logging(LogDriver.awsLogs(software.amazon.awscdk.services.ecs.AwsLogDriverProps.builder()
                        .logGroup(logs).streamPrefix(name.toLowerCase(java.util.Locale.ROOT)).build()))
                // longer than WORKER_SHUTDOWN_TIMEOUT_SECONDS: SIGKILL never cuts the worker's hand-back short
                .stopTimeout(Duration.seconds(stopTimeout));
        if (serves) container.portMappings(List.of(PortMapping.builder().containerPort(API_PORT).build()));
        task.addContainer("relay", container.build());
        FargateService.Builder service = FargateService.Builder.create(this, name + "Service").cluster(cluster)
                .serviceName(id).taskDefinition(task).desiredCount(desiredCount)
                .minHealthyPercent(100).maxHealthyPercent(200)
                .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .assignPublicIp(false);
        if (rollbackAlarm != null) {
            service.deploymentAlarms(DeploymentAlarmConfig.builder().alarmNames(List.of(rollbackAlarm.getAlarmName()))
                    .behavior(AlarmBehavior.ROLLBACK_ON_ALARM).build());
        }
        FargateService built = service.build();
        if (rollbackAlarm != null) built.getNode().addDependency(rollbackAlarm);
        return built;
    }

    /** relay provision's alarm {@code <prefix>-<environment>-<suffix>}; its absence is a programming error. */
    private CfnAlarm rollbackAlarm(Map<String, CfnAlarm> alarms, String suffix) {
        String name = alarmTarget.prefix() + "-" + alarmTarget.environment() + "-" + suffix;
        CfnAlarm alarm = alarms.get(name);
        if (alarm == null) throw new IllegalStateException("AlarmProvisioner.desired has no alarm " + name);
        return alarm;
    }

    static RetentionDays retention(int days) {
        return switch (days) {
            case 7 -> RetentionDays.ONE_WEEK;
            case 14 -> RetentionDays.TWO_WEEKS;
            case 30 -> RetentionDays.ONE_MONTH;
            default -> throw new IllegalArgumentException("no CloudWatch Logs retention of " + days + " days");
        };
    }

    private static CfnWebACL.VisibilityConfigProperty visibility(String metric) {
        return CfnWebACL.VisibilityConfigProperty.builder().cloudWatchMetricsEnabled(true).metricName(metric)
                .sampledRequestsEnabled(true).build();
    }
}
