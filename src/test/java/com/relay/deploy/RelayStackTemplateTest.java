package com.relay.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.relay.aws.AlarmProvisioner;
import com.relay.aws.DashboardProvisioner;
import com.relay.aws.Provisioner;
import com.relay.config.RelaySettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * Synthesizes the CDK app once per stage (jsii starts node: slow, so once for the whole class) and
 * checks the template against what {@code relay provision} creates for the same environment and
 * against the rules of docs/INFRA.md#deploying-with-cdk. Node is required: without it the class
 * fails with a message saying so, it never skips.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayStackTemplateTest {

    static final String CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The only actions AWS offers no resource-level permission for that the stack grants on "*". */
    private static final Set<String> STAR_RESOURCE_ACTIONS = Set.of("cloudwatch:PutMetricData", "ecr:GetAuthorizationToken");

    private final Map<Stage, Synthesized> stacks = new EnumMap<>(Stage.class);

    record Synthesized(DeploySettings deploy, RelayStack stack, JsonNode template) {
        JsonNode resources() { return template.path("Resources"); }

        List<Map.Entry<String, JsonNode>> ofType(String type) {
            List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
            resources().fields().forEachRemaining(e -> {
                if (type.equals(e.getValue().path("Type").asText())) out.add(e);
            });
            return out;
        }

        JsonNode one(String type, String property, String value) {
            return ofType(type).stream().map(Map.Entry::getValue)
                    .filter(r -> value.equals(r.path("Properties").path(property).asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + type + " with " + property + " = " + value));
        }

        String logicalId(String type, String property, String value) {
            return ofType(type).stream().filter(e -> value.equals(e.getValue().path("Properties").path(property).asText()))
                    .map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type + " with " + property + " = " + value));
        }
    }

    @BeforeAll
    void synthesizeEveryStage() {
        requireNode();
        for (Stage stage : Stage.values()) {
            DeploySettings deploy = DeploySettings.fromContext(Map.of("stage", stage.id(), "certificateArn", CERTIFICATE,
                    "imageTag", "1.4.2", "tenantIds", "acme_parts")::get);
            App app = new App();
            RelayStack stack = new RelayStack(app, "Relay-" + stage.id(), StackProps.builder().build(), deploy);
            JsonNode template = JSON.valueToTree(Template.fromStack(stack).toJSON());
            stacks.put(stage, new Synthesized(deploy, stack, template));
        }
    }

    /** jsii runs the CDK's JavaScript in node; a missing node must fail the build, not skip the test. */
    private static void requireNode() {
        String hint = "the CDK template test needs node (20 or newer) on the PATH: jsii runs aws-cdk-lib's JavaScript in it"
                + " (docs/INFRA.md#deploying-with-cdk)";
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0 || !version.matches("v\\d+\\..*")) fail(hint + "; 'node --version' said: " + version);
            int major = Integer.parseInt(version.substring(1, version.indexOf('.')));
            if (major < 20) fail(hint + "; found " + version);
        } catch (IOException e) {
            fail(hint + "; 'node' could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(hint);
        }
    }

    /** What the service and relay provision read from the stage's environment (region and account fixed). */
    private static RelaySettings provisionSettings(DeploySettings deploy) {
        Map<String, String> env = deploy.serviceEnvironment("eu-west-1", "123456789012");
        return RelaySettings.load(env::get);
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void tablesAreProvisionsTablesWithRecoveryAndEncryption(Stage stage) {
        Synthesized s = stacks.get(stage);
        List<Provisioner.TableSpec> specs = Provisioner.TableSpec.all(provisionSettings(s.deploy()));
        assertThat(s.ofType("AWS::DynamoDB::Table")).hasSize(specs.size());
        for (Provisioner.TableSpec spec : specs) {
            JsonNode t = s.one("AWS::DynamoDB::Table", "TableName", spec.name());
            JsonNode p = t.path("Properties");
            assertThat(p.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
            assertThat(keys(p.path("KeySchema"))).isEqualTo(keys(spec.keys()));
            Map<String, String> indexes = new TreeMap<>();
            p.path("GlobalSecondaryIndexes").forEach(i -> {
                indexes.put(i.path("IndexName").asText(), keys(i.path("KeySchema")));
                assertThat(i.path("Projection").path("ProjectionType").asText()).isEqualTo("ALL");
            });
            Map<String, String> wanted = new TreeMap<>();
            spec.indexes().forEach(i -> wanted.put(i.name(), keys(i.keys())));
            assertThat(indexes).as(spec.name()).isEqualTo(wanted);
            Map<String, String> types = new TreeMap<>();
            p.path("AttributeDefinitions").forEach(a -> types.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
            Map<String, String> wantedTypes = new TreeMap<>();
            spec.attributes().forEach((k, v) -> wantedTypes.put(k, v.toString()));
            assertThat(types).isEqualTo(wantedTypes);
            if (spec.ttlAttribute() == null) {
                assertThat(p.has("TimeToLiveSpecification")).isFalse();
            } else {
                assertThat(p.path("TimeToLiveSpecification").path("AttributeName").asText()).isEqualTo(spec.ttlAttribute());
                assertThat(p.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
            }
            assertThat(t.path("DeletionPolicy").asText()).isEqualTo("Retain");
            assertThat(t.path("UpdateReplacePolicy").asText()).isEqualTo("Retain");
            assertThat(p.path("DeletionProtectionEnabled").asBoolean()).isEqualTo(stage == Stage.PROD);
        }
        // every table, not only the specs found above
        s.ofType("AWS::DynamoDB::Table").forEach(e -> {
            JsonNode p = e.getValue().path("Properties");
            assertThat(p.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean())
                    .as("PITR of " + e.getKey()).isTrue();
            assertThat(p.path("SSESpecification").path("SSEEnabled").asBoolean()).as("SSE of " + e.getKey()).isTrue();
        });
    }

    private static String keys(JsonNode schema) {
        List<String> k = new ArrayList<>();
        schema.forEach(e -> k.add(e.path("AttributeName").asText() + " " + e.path("KeyType").asText()));
        return k.toString();
    }

    private static String keys(List<KeySchemaElement> schema) {
        return schema.stream().map(e -> e.attributeName() + " " + e.keyTypeAsString()).toList().toString();
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void queuesHaveProvisionsAttributesAndRedrive(Stage stage) {
        Synthesized s = stacks.get(stage);
        RelaySettings settings = provisionSettings(s.deploy());
        RelaySettings.Resources r = settings.resources();
        assertThat(s.ofType("AWS::SQS::Queue")).hasSize(4);
        queue(s, r.jobsQueueName(), r.jobsDlqName(), settings.worker().visibilityTimeoutSeconds(), settings.worker().poisonMaxReceives());
        queue(s, r.notificationsQueueName(), r.notificationsDlqName(), settings.notifier().visibilityTimeoutSeconds(),
                settings.notifier().maxReceives());
        assertThat(settings.worker().poisonMaxReceives()).isEqualTo(3);
        assertThat(settings.notifier().maxReceives()).isEqualTo(5);
    }

    private static void queue(Synthesized s, String name, String dlqName, int visibility, int maxReceives) {
        JsonNode q = s.one("AWS::SQS::Queue", "QueueName", name).path("Properties");
        assertThat(q.path("VisibilityTimeout").asInt()).isEqualTo(visibility);
        assertThat(q.path("MessageRetentionPeriod").asInt()).isEqualTo(Provisioner.RETENTION_SECONDS);
        assertThat(q.path("ReceiveMessageWaitTimeSeconds").asInt()).isEqualTo(Provisioner.RECEIVE_WAIT_SECONDS);
        assertThat(q.path("RedrivePolicy").path("maxReceiveCount").asInt()).isEqualTo(maxReceives);
        String dlqId = s.logicalId("AWS::SQS::Queue", "QueueName", dlqName);
        assertThat(q.path("RedrivePolicy").path("deadLetterTargetArn").path("Fn::GetAtt").get(0).asText()).isEqualTo(dlqId);
        JsonNode dlq = s.resources().path(dlqId).path("Properties");
        assertThat(dlq.path("MessageRetentionPeriod").asInt()).isEqualTo(Provisioner.RETENTION_SECONDS);
        assertThat(dlq.has("RedrivePolicy")).isFalse();
        for (JsonNode p : List.of(q, dlq)) assertThat(p.path("SqsManagedSseEnabled").asBoolean()).isTrue();
        for (String id : List.of(dlqId, s.logicalId("AWS::SQS::Queue", "QueueName", name))) {
            assertThat(s.resources().path(id).path("DeletionPolicy").asText()).as(id).isEqualTo("Retain");
        }
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void bucketIsEncryptedVersionedPrivateAndTlsOnly(Stage stage) {
        Synthesized s = stacks.get(stage);
        String name = provisionSettings(s.deploy()).resources().artifactBucket();
        JsonNode bucket = s.one("AWS::S3::Bucket", "BucketName", name);
        JsonNode p = bucket.path("Properties");
        assertThat(p.path("BucketEncryption").path("ServerSideEncryptionConfiguration").get(0)
                .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText()).isIn("AES256", "aws:kms");
        assertThat(p.path("VersioningConfiguration").path("Status").asText()).isEqualTo("Enabled");
        JsonNode block = p.path("PublicAccessBlockConfiguration");
        for (String f : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertThat(block.path(f).asBoolean()).as(f).isTrue();
        }
        assertThat(bucket.path("DeletionPolicy").asText()).isEqualTo("Retain");
        String id = s.logicalId("AWS::S3::Bucket", "BucketName", name);
        JsonNode policy = s.ofType("AWS::S3::BucketPolicy").get(0).getValue().path("Properties");
        assertThat(policy.path("Bucket").path("Ref").asText()).isEqualTo(id);
        assertThat(policy.path("PolicyDocument").path("Statement").toString())
                .contains("\"Effect\":\"Deny\"").contains("\"aws:SecureTransport\":\"false\"");
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void logGroupsKeepTheStagesRetention(Stage stage) {
        Synthesized s = stacks.get(stage);
        int days = switch (stage) { case DEV -> 7; case STAGING -> 14; case PROD -> 30; };
        List<Map.Entry<String, JsonNode>> groups = s.ofType("AWS::Logs::LogGroup");
        assertThat(groups).hasSize(3);
        groups.forEach(g -> assertThat(g.getValue().path("Properties").path("RetentionInDays").asInt()).isEqualTo(days));
        groups.forEach(g -> assertThat(g.getValue().path("DeletionPolicy").asText()).isEqualTo("Retain"));
        // and every container logs into one of them
        s.ofType("AWS::ECS::TaskDefinition").forEach(t -> t.getValue().path("Properties").path("ContainerDefinitions")
                .forEach(c -> assertThat(c.path("LogConfiguration").path("Options").path("awslogs-group").path("Ref").asText())
                        .isIn(groups.stream().map(Map.Entry::getKey).toList())));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void containersOutliveTheWorkersShutdownAndPointAtTheseResources(Stage stage) {
        Synthesized s = stacks.get(stage);
        RelaySettings settings = provisionSettings(s.deploy());
        int shutdown = settings.worker().shutdownTimeoutSeconds();
        List<Map.Entry<String, JsonNode>> tasks = s.ofType("AWS::ECS::TaskDefinition");
        assertThat(tasks).hasSize(3);
        Map<String, Map<String, String>> rolesByFamily = new TreeMap<>();
        for (Map.Entry<String, JsonNode> t : tasks) {
            JsonNode c = t.getValue().path("Properties").path("ContainerDefinitions").get(0);
            assertThat(c.path("StopTimeout").asInt()).as("stop timeout of " + t.getKey()).isGreaterThan(shutdown);
            Map<String, String> env = new HashMap<>();
            c.path("Environment").forEach(e -> env.put(e.path("Name").asText(), e.path("Value").isTextual()
                    ? e.path("Value").asText() : e.path("Value").toString()));
            assertThat(env).containsEntry("RELAY_MODE", "aws").containsEntry("ENVIRONMENT", stage.id())
                    .containsEntry("CLOUDWATCH_METRICS_ENABLED", "true")
                    .containsEntry("TENANTS_TABLE", settings.resources().tenantsTable())
                    .containsEntry("RUNS_TABLE", settings.resources().runsTable())
                    .containsEntry("NOTIFICATIONS_TABLE", settings.resources().notificationsTable())
                    .containsEntry("CIRCUIT_BREAKER_TABLE", settings.resources().circuitBreakerTable())
                    .containsEntry("ARTIFACT_BUCKET", settings.resources().artifactBucket());
            assertThat(env.get("SQS_QUEUE_URL")).endsWith("/" + settings.resources().jobsQueueName() + "\"]]}");
            assertThat(env.get("NOTIFICATIONS_DLQ_URL")).endsWith("/" + settings.resources().notificationsDlqName() + "\"]]}");
            Map<String, String> roles = new TreeMap<>();
            for (String role : List.of("API_ENABLED", "WORKER_ENABLED", "NOTIFIER_ENABLED", "SCHEDULER_ENABLED")) {
                roles.put(role, env.get(role));
            }
            rolesByFamily.put(t.getValue().path("Properties").path("Family").asText(), roles);
        }
        String p = s.deploy().namePrefix();
        assertThat(rolesByFamily).isEqualTo(Map.of(
                p + "-api", Map.of("API_ENABLED", "true", "WORKER_ENABLED", "false", "NOTIFIER_ENABLED", "false", "SCHEDULER_ENABLED", "true"),
                p + "-worker", Map.of("API_ENABLED", "false", "WORKER_ENABLED", "true", "NOTIFIER_ENABLED", "false", "SCHEDULER_ENABLED", "false"),
                p + "-notifier", Map.of("API_ENABLED", "false", "WORKER_ENABLED", "false", "NOTIFIER_ENABLED", "true", "SCHEDULER_ENABLED", "false")));
        List<Map.Entry<String, JsonNode>> services = s.ofType("AWS::ECS::Service");
        assertThat(services).hasSize(3);
        services.forEach(svc -> {
            JsonNode d = svc.getValue().path("Properties").path("DeploymentConfiguration");
            assertThat(d.path("DeploymentCircuitBreaker").path("Enable").asBoolean()).isTrue();
            assertThat(d.path("DeploymentCircuitBreaker").path("Rollback").asBoolean()).isTrue();
            assertThat(d.path("MinimumHealthyPercent").asInt()).isEqualTo(100);
            assertThat(d.path("MaximumPercent").asInt()).isEqualTo(200);
            assertThat(svc.getValue().path("Properties").path("LaunchType").asText()).isEqualTo("FARGATE");
        });
        // a fired api-5xx / worker-crash-loop alarm rolls the deployment back
        Map<String, String> rollbackAlarms = new TreeMap<>();
        services.forEach(svc -> {
            JsonNode alarms = svc.getValue().path("Properties").path("DeploymentConfiguration").path("Alarms");
            if (alarms.path("Enable").asBoolean()) {
                assertThat(alarms.path("Rollback").asBoolean()).isTrue();
                rollbackAlarms.put(svc.getValue().path("Properties").path("ServiceName").asText(), alarms.path("AlarmNames").toString());
            }
        });
        String a = "relay-inventory-" + stage.id() + "-";
        assertThat(rollbackAlarms).isEqualTo(Map.of(p + "-api", "[\"" + a + "api-5xx\"]", p + "-worker", "[\"" + a + "worker-crash-loop\"]"));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void loadBalancerServesHttpsOnlyBehindAWafRateRule(Stage stage) {
        Synthesized s = stacks.get(stage);
        JsonNode https = s.one("AWS::ElasticLoadBalancingV2::Listener", "Protocol", "HTTPS").path("Properties");
        assertThat(https.path("Port").asInt()).isEqualTo(443);
        assertThat(https.path("Certificates").get(0).path("CertificateArn").asText()).isEqualTo(CERTIFICATE);
        assertThat(https.path("DefaultActions").get(0).path("Type").asText()).isEqualTo("forward");
        JsonNode http = s.one("AWS::ElasticLoadBalancingV2::Listener", "Protocol", "HTTP").path("Properties");
        assertThat(http.path("DefaultActions").get(0).path("Type").asText()).isEqualTo("redirect");
        assertThat(http.path("DefaultActions").get(0).path("RedirectConfig").path("Protocol").asText()).isEqualTo("HTTPS");
        JsonNode group = s.ofType("AWS::ElasticLoadBalancingV2::TargetGroup").get(0).getValue().path("Properties");
        assertThat(group.path("Port").asInt()).isEqualTo(RelayStack.API_PORT);
        assertThat(group.path("HealthCheckPath").asText()).isEqualTo("/v1/health");

        List<Map.Entry<String, JsonNode>> acls = s.ofType("AWS::WAFv2::WebACL");
        assertThat(acls).hasSize(1);
        JsonNode acl = acls.get(0).getValue().path("Properties");
        assertThat(acl.path("Scope").asText()).isEqualTo("REGIONAL");
        JsonNode rule = acl.path("Rules").get(0);
        assertThat(rule.path("Action").has("Block")).isTrue();
        JsonNode rate = rule.path("Statement").path("RateBasedStatement");
        assertThat(rate.path("Limit").asInt()).isEqualTo(DeploySettings.DEFAULT_WAF_RATE_LIMIT);
        assertThat(rate.path("AggregateKeyType").asText()).isEqualTo("IP");
        JsonNode association = s.ofType("AWS::WAFv2::WebACLAssociation").get(0).getValue().path("Properties");
        assertThat(association.path("WebACLArn").path("Fn::GetAtt").get(0).asText()).isEqualTo(acls.get(0).getKey());
        String alb = s.ofType("AWS::ElasticLoadBalancingV2::LoadBalancer").get(0).getKey();
        assertThat(association.path("ResourceArn").path("Ref").asText()).isEqualTo(alb);
    }

    /** Walks every policy document of the template: no "*" action, and "*" resources only where AWS requires them. */
    @ParameterizedTest
    @EnumSource(Stage.class)
    void noWildcardActionOrResourceWhereAwsDoesNotRequireOne(Stage stage) {
        Synthesized s = stacks.get(stage);
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(s.template(), statements);
        assertThat(statements).hasSizeGreaterThan(20);
        int starResources = 0;
        for (JsonNode st : statements) {
            List<String> actions = strings(st.path("Action"));
            List<String> resources = strings(st.path("Resource"));
            assertThat(st.has("NotAction") || st.has("NotResource")).as(st.toString()).isFalse();
            if (!"Allow".equals(st.path("Effect").asText())) continue; // deny statements (TLS only) may be broad
            for (String a : actions) {
                assertThat(a).as("action in " + st).isNotEqualTo("*").doesNotEndWith(":*");
            }
            if (resources.contains("*")) {
                starResources++;
                assertThat(STAR_RESOURCE_ACTIONS).as("'*' resource in " + st).containsAll(actions);
                if (actions.contains("cloudwatch:PutMetricData")) {
                    assertThat(st.path("Condition").path("StringEquals").path("cloudwatch:namespace").asText())
                            .isEqualTo("RelayInventory");
                }
            }
        }
        assertThat(starResources).as("PutMetricData per task role, GetAuthorizationToken per execution role").isEqualTo(6);
    }

    private static void collectStatements(JsonNode node, List<JsonNode> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("Statement")) e.getValue().forEach(out::add);
                else collectStatements(e.getValue(), out);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectStatements(n, out));
        }
    }

    private static List<String> strings(JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value.isMissingNode()) return out;
        if (value.isArray()) value.forEach(v -> out.add(v.isTextual() ? v.asText() : v.toString()));
        else out.add(value.isTextual() ? value.asText() : value.toString());
        return out;
    }

    /** The split of docs/INFRA.md's service policy: what each task role may do, exactly. */
    @Test
    void eachTaskRoleHasOnlyItsRolesActions() {
        Synthesized s = stacks.get(Stage.DEV);
        Map<String, Set<String>> byRole = new TreeMap<>();
        s.ofType("AWS::IAM::Role").forEach(e -> {
            JsonNode p = e.getValue().path("Properties");
            if (!p.has("RoleName")) return; // the execution roles CDK makes (ECR pull, log writes)
            Set<String> actions = new TreeSet<>();
            p.path("Policies").forEach(pol -> pol.path("PolicyDocument").path("Statement")
                    .forEach(st -> actions.addAll(strings(st.path("Action")))));
            byRole.put(p.path("RoleName").asText(), actions);
        });
        Set<String> common = Set.of("dynamodb:DescribeTable", "sqs:GetQueueAttributes", "s3:ListBucket", "cloudwatch:PutMetricData");
        assertThat(byRole.get("relay-inventory-dev-api")).isEqualTo(with(common, "sqs:SendMessage", "dynamodb:GetItem",
                "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
                "dynamodb:Scan", "s3:GetObject", "s3:PutObject"));
        assertThat(byRole.get("relay-inventory-dev-worker")).isEqualTo(with(common, "sqs:ReceiveMessage", "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility", "sqs:SendMessage", "dynamodb:GetItem", "dynamodb:BatchGetItem",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "s3:GetObject", "s3:PutObject",
                "ssm:GetParameter", "secretsmanager:GetSecretValue"));
        assertThat(byRole.get("relay-inventory-dev-notifier")).isEqualTo(with(common, "sqs:ReceiveMessage",
                "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:SendMessage", "dynamodb:GetItem",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "ssm:GetParameter",
                "secretsmanager:GetSecretValue"));
        assertThat(byRole).hasSize(3);
    }

    /** A math alarm's metric, from the template: namespace, name, dimensions, period, stat. */
    private static String metricStat(JsonNode stat) {
        if (stat.isMissingNode()) return null;
        Map<String, String> dims = new TreeMap<>();
        stat.path("Metric").path("Dimensions").forEach(d -> dims.put(d.path("Name").asText(), d.path("Value").asText()));
        return stat.path("Metric").path("Namespace").asText() + "/" + stat.path("Metric").path("MetricName").asText()
                + dims + "/" + stat.path("Period").asInt() + "/" + stat.path("Stat").asText();
    }

    /** The same from the request relay provision puts. */
    private static String metricStat(software.amazon.awssdk.services.cloudwatch.model.MetricStat stat) {
        if (stat == null) return null;
        Map<String, String> dims = new TreeMap<>();
        stat.metric().dimensions().forEach(d -> dims.put(d.name(), d.value()));
        return stat.metric().namespace() + "/" + stat.metric().metricName() + dims + "/" + stat.period() + "/" + stat.stat();
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> s = new TreeSet<>(base);
        s.addAll(List.of(more));
        return s;
    }

    /** Every alarm relay provision puts, field by field, each on its severity's topic; nothing else. */
    @ParameterizedTest
    @EnumSource(Stage.class)
    void alarmsAreRelayProvisionsAlarms(Stage stage) {
        Synthesized s = stacks.get(stage);
        RelaySettings settings = provisionSettings(s.deploy());
        // relay provision --prefix relay-inventory --environment <stage> --tenant-id acme_parts, markers for the topics
        RelaySettings.Resources r = settings.resources();
        AlarmProvisioner.Target target = new AlarmProvisioner.Target("relay-inventory", stage.id(),
                settings.metrics().cloudWatchNamespace(), new AlarmProvisioner.Topics("CRITICAL", "WARNING", "INFO"),
                AlarmProvisioner.Thresholds.DEFAULTS, List.of("acme_parts"), r.jobsQueueName(), r.jobsDlqName(),
                r.notificationsQueueName(), r.notificationsDlqName());
        Map<String, String> topicIds = Map.of(
                "CRITICAL", s.logicalId("AWS::SNS::Topic", "TopicName", "relay-inventory-" + stage.id() + "-critical"),
                "WARNING", s.logicalId("AWS::SNS::Topic", "TopicName", "relay-inventory-" + stage.id() + "-warning"),
                "INFO", s.logicalId("AWS::SNS::Topic", "TopicName", "relay-inventory-" + stage.id() + "-info"));
        List<PutMetricAlarmRequest> wanted = AlarmProvisioner.desired(target);
        assertThat(wanted).hasSizeGreaterThanOrEqualTo(14);
        assertThat(s.ofType("AWS::CloudWatch::Alarm")).hasSize(wanted.size());
        for (PutMetricAlarmRequest w : wanted) {
            JsonNode a = s.one("AWS::CloudWatch::Alarm", "AlarmName", w.alarmName()).path("Properties");
            assertThat(a.path("AlarmDescription").asText()).isEqualTo(w.alarmDescription());
            assertThat(text(a, "Namespace")).isEqualTo(w.namespace());
            assertThat(text(a, "MetricName")).isEqualTo(w.metricName());
            assertThat(text(a, "Statistic")).isEqualTo(w.statisticAsString());
            assertThat(text(a, "ExtendedStatistic")).isEqualTo(w.extendedStatistic());
            assertThat(a.has("Period") ? a.path("Period").asInt() : null).isEqualTo(w.period());
            assertThat(a.path("EvaluationPeriods").asInt()).isEqualTo(w.evaluationPeriods());
            assertThat(a.path("DatapointsToAlarm").asInt()).isEqualTo(w.datapointsToAlarm());
            assertThat(a.path("Threshold").asDouble()).isEqualTo(w.threshold());
            assertThat(a.path("ComparisonOperator").asText()).isEqualTo(w.comparisonOperatorAsString());
            assertThat(a.path("TreatMissingData").asText()).isEqualTo(w.treatMissingData());
            Map<String, String> dims = new TreeMap<>();
            a.path("Dimensions").forEach(d -> dims.put(d.path("Name").asText(), d.path("Value").asText()));
            Map<String, String> wantedDims = new TreeMap<>();
            w.dimensions().forEach((Dimension d) -> wantedDims.put(d.name(), d.value()));
            assertThat(dims).as(w.alarmName()).isEqualTo(wantedDims);
            List<String> queries = new ArrayList<>();
            a.path("Metrics").forEach(q -> queries.add(q.path("Id").asText() + "|" + text(q, "Expression") + "|"
                    + (q.has("Period") ? q.path("Period").asInt() : null) + "|" + q.path("ReturnData").asBoolean()
                    + "|" + metricStat(q.path("MetricStat"))));
            List<String> wantedQueries = new ArrayList<>();
            w.metrics().forEach(q -> wantedQueries.add(q.id() + "|" + q.expression() + "|" + q.period() + "|"
                    + q.returnData() + "|" + metricStat(q.metricStat())));
            assertThat(queries).as(w.alarmName()).isEqualTo(wantedQueries);
            String topic = topicIds.get(w.alarmActions().get(0));
            assertThat(a.path("AlarmActions").toString()).isEqualTo("[{\"Ref\":\"" + topic + "\"}]");
            assertThat(a.path("OKActions").toString()).isEqualTo("[{\"Ref\":\"" + topic + "\"}]");
            assertThat(a.path("ActionsEnabled").asBoolean()).isTrue();
        }
        // the target the stack itself used is the one relay provision builds from the same environment
        assertThat(s.stack().alarmTarget().prefix()).isEqualTo(target.prefix());
        assertThat(s.stack().alarmTarget().environment()).isEqualTo(target.environment());
        // each severity topic lets CloudWatch publish
        assertThat(s.ofType("AWS::SNS::TopicPolicy")).hasSize(3).allSatisfy(p ->
                assertThat(p.getValue().path("Properties").path("PolicyDocument").toString())
                        .contains("cloudwatch.amazonaws.com").contains("sns:Publish"));
    }

    private static String text(JsonNode n, String field) {
        return n.has(field) ? n.path(field).asText() : null;
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void dashboardIsRelayProvisionsDashboard(Stage stage) throws IOException {
        Synthesized s = stacks.get(stage);
        RelaySettings settings = provisionSettings(s.deploy());
        RelaySettings.Resources r = settings.resources();
        AlarmProvisioner.Target alarms = new AlarmProvisioner.Target("relay-inventory", stage.id(),
                settings.metrics().cloudWatchNamespace(), new AlarmProvisioner.Topics(null, null, null),
                AlarmProvisioner.Thresholds.DEFAULTS, List.of(), r.jobsQueueName(), r.jobsDlqName(),
                r.notificationsQueueName(), r.notificationsDlqName());
        DashboardProvisioner.Target target = DashboardProvisioner.Target.of(alarms,
                List.of(r.tenantsTable(), r.runsTable(), r.notificationsTable()));
        List<Map.Entry<String, JsonNode>> dashboards = s.ofType("AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        JsonNode p = dashboards.get(0).getValue().path("Properties");
        assertThat(p.path("DashboardName").asText()).isEqualTo(target.name()).isEqualTo("relay-inventory-" + stage.id() + "-overview");
        // the body is a Fn::Join around the region: put a known region in and compare whole documents
        StringBuilder body = new StringBuilder();
        p.path("DashboardBody").path("Fn::Join").get(1).forEach(part -> {
            if (part.isTextual()) body.append(part.asText());
            else if ("AWS::Region".equals(part.path("Ref").asText())) body.append("eu-west-1");
            else throw new AssertionError("unexpected token in the dashboard body: " + part);
        });
        ObjectNode wanted = DashboardProvisioner.body(target, "eu-west-1");
        assertThat(JSON.readTree(body.toString())).isEqualTo(wanted);
    }
}
