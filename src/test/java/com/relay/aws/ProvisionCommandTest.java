package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProvisionCommandTest {

    @Test
    void parsesEveryOption() {
        ProvisionCommand.Options o = ProvisionCommand.parse(new String[] {"--dry-run", "--prefix", "relay", "--environment",
                "prod", "--sns-topic-arn", "arn:aws:sns:us-east-1:123456789012:ops", "--tenant-id", "acme", "--tenant-id", "beta",
                "--skip-alarms"});
        assertThat(o).isEqualTo(new ProvisionCommand.Options(true, "relay", "prod",
                AlarmProvisioner.Topics.all("arn:aws:sns:us-east-1:123456789012:ops"), AlarmProvisioner.Thresholds.DEFAULTS,
                List.of("acme", "beta"), true));
    }

    @Test
    void severityTopicsOverrideTheCommonTopicAndThresholdsAreOptions() {
        String ops = "arn:aws:sns:us-east-1:123456789012:ops";
        String pager = "arn:aws:sns:us-east-1:123456789012:pager";
        ProvisionCommand.Options o = ProvisionCommand.parse(new String[] {"--sns-topic-arn", ops, "--critical-topic-arn", pager,
                "--consecutive-failure-threshold", "5", "--queue-backlog-threshold", "10", "--worker-error-threshold", "7",
                "--notification-failure-threshold", "4", "--run-duration-p99-seconds", "1200", "--api-5xx-threshold", "20",
                "--oldest-job-age-seconds", "600", "--notifications-backlog-threshold", "50"});
        assertThat(o.topics()).isEqualTo(new AlarmProvisioner.Topics(pager, ops, ops));
        assertThat(o.thresholds()).isEqualTo(new AlarmProvisioner.Thresholds(5, 10, 7, 4, 1200, 20, 600, 50));
    }

    @Test
    void badTopicsAndThresholdsNameTheOptionAndTheLimit() {
        assertThatThrownBy(() -> ProvisionCommand.parse(new String[] {"--warning-topic-arn", "ops"}))
                .hasMessage("--warning-topic-arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got 'ops'");
        assertThatThrownBy(() -> ProvisionCommand.parse(new String[] {"--consecutive-failure-threshold", "0"}))
                .hasMessage("--consecutive-failure-threshold must be a whole number from 1 to 1000 (got '0')");
        assertThatThrownBy(() -> ProvisionCommand.parse(new String[] {"--oldest-job-age-seconds", "ten"}))
                .hasMessage("--oldest-job-age-seconds must be a whole number from 60 to 1209600 (got 'ten')");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThatThrownBy(() -> ProvisionCommand.parse(new String[] {"--tenant-id", "../x"}))
                .hasMessageContaining("--tenant-id must match");
        assertThatThrownBy(() -> ProvisionCommand.parse(new String[] {"--prefix"})).hasMessage("--prefix needs a value");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ProvisionCommand.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("unknown argument '--bogus'").contains("usage: relay provision");
    }

    @Test
    void linesRenderAsTheSpecSays() {
        assertThat(new ProvisionLine("SQS queue", "q", ProvisionLine.Outcome.CREATED, null).render(false)).isEqualTo("SQS queue q: created");
        assertThat(new ProvisionLine("SQS queue", "q", ProvisionLine.Outcome.CREATED, null).render(true)).isEqualTo("SQS queue q: would create");
        assertThat(new ProvisionLine("SQS queue", "q", ProvisionLine.Outcome.UPDATED, null).render(true)).isEqualTo("SQS queue q: would update");
        assertThat(new ProvisionLine("DynamoDB table", "t", ProvisionLine.Outcome.CONFLICT, "key schema differs").render(false))
                .isEqualTo("DynamoDB table t: conflict (key schema differs)");
        assertThat(new ProvisionLine("S3 bucket", "b", ProvisionLine.Outcome.UNCHANGED, null).render(true)).isEqualTo("S3 bucket b: unchanged");
    }

    @Test
    void redrivePoliciesCompareByValueNotFormatting() {
        String desired = Provisioner.redrivePolicy("arn:aws:sqs:us-east-1:0:dlq", 3);
        assertThat(Provisioner.sameRedrive("{\"maxReceiveCount\":\"3\", \"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:0:dlq\"}", desired)).isTrue();
        assertThat(Provisioner.sameRedrive("{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:0:dlq\",\"maxReceiveCount\":5}", desired)).isFalse();
        assertThat(Provisioner.sameRedrive(null, desired)).isFalse();
        assertThat(Provisioner.sameRedrive("not json", desired)).isFalse();
    }
}
