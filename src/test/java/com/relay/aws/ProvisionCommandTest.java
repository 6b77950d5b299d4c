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
                "prod", "--sns-topic-arn", "arn:aws:sns:us-east-1:1:ops", "--tenant-id", "acme", "--tenant-id", "beta",
                "--skip-alarms"});
        assertThat(o).isEqualTo(new ProvisionCommand.Options(true, "relay", "prod", "arn:aws:sns:us-east-1:1:ops",
                List.of("acme", "beta"), true));
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
