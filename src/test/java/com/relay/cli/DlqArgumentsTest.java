package com.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Argument and duration parsing of {@code relay dlq}; nothing here talks to an endpoint. */
class DlqArgumentsTest {

    private static final String RUN = "3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f";

    @Test
    void peekDefaultsToTheJobsDlqAndTenMessages() {
        DlqArguments a = DlqArguments.parse(new String[] {"peek"});
        assertThat(a.action()).isEqualTo(DlqArguments.Action.PEEK);
        assertThat(a.queue()).isEqualTo(DlqArguments.Queue.JOBS);
        assertThat(a.max()).isEqualTo(10);
        assertThat(a.json()).isFalse();
    }

    @Test
    void peekTakesQueueMaxAndJson() {
        DlqArguments a = DlqArguments.parse(new String[] {"peek", "--queue", "notifications", "--max", "3", "--json"});
        assertThat(a.queue()).isEqualTo(DlqArguments.Queue.NOTIFICATIONS);
        assertThat(a.max()).isEqualTo(3);
        assertThat(a.json()).isTrue();
    }

    @Test
    void redriveNeedsExactlyOneSelector() {
        assertThat(DlqArguments.parse(new String[] {"redrive", "--run-id", RUN}).runId()).isEqualTo(RUN);
        assertThat(DlqArguments.parse(new String[] {"redrive", "--all"}).all()).isTrue();
        assertThat(DlqArguments.parse(new String[] {"redrive", "--queue", "notifications", "--notification-id", RUN})
                .notificationId()).isEqualTo(RUN);
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"redrive"}))
                .hasMessage("redrive needs exactly one of --run-id ID or --all");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"redrive", "--all", "--run-id", RUN}))
                .hasMessage("redrive needs exactly one of --run-id ID or --all");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"redrive", "--notification-id", RUN}))
                .hasMessage("the jobs DLQ is selected by --run-id");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"redrive", "--queue", "notifications", "--run-id", RUN}))
                .hasMessage("the notifications DLQ is selected by --notification-id");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"redrive", "--run-id", "run-1"}))
                .hasMessage("--run-id must be a UUID; got 'run-1'");
    }

    @Test
    void purgeNeedsADurationAndDeletesOnlyWithYes() {
        DlqArguments dry = DlqArguments.parse(new String[] {"purge", "--older-than", "7d"});
        assertThat(dry.olderThan()).isEqualTo(Duration.ofDays(7));
        assertThat(dry.yes()).isFalse();
        assertThat(DlqArguments.parse(new String[] {"purge", "--older-than", "12h", "--yes"}).yes()).isTrue();
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"purge", "--yes"}))
                .hasMessage("purge needs --older-than DURATION");
    }

    @Test
    void optionsOfAnotherSubCommandAreRejected() {
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"peek", "--yes"}))
                .hasMessage("--older-than and --yes belong to purge");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"peek", "--all"}))
                .hasMessage("--run-id, --notification-id and --all belong to redrive");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"purge", "--older-than", "1d", "--max", "2"}))
                .hasMessage("--max belongs to peek");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {})).hasMessageContaining("missing sub-command");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"list"})).hasMessageContaining("unknown sub-command 'list'");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"peek", "--queue", "runs"}))
                .hasMessage("--queue must be jobs or notifications; got 'runs'");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"peek", "--max", "0"}))
                .hasMessage("--max must be an integer from 1 to 10000; got '0'");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"peek", "--max"})).hasMessage("--max needs a value");
        assertThatThrownBy(() -> DlqArguments.parse(new String[] {"peek", "--verbose"}))
                .hasMessage("unknown argument '--verbose'");
    }

    @Test
    void durationsAreANumberAndOneUnit() {
        assertThat(DlqDuration.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(DlqDuration.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(DlqDuration.parse("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(DlqDuration.parse("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(DlqDuration.parse("0s")).isEqualTo(Duration.ZERO);
        for (String bad : new String[] {"", "7", "d", "7w", "-1d", "1.5h", "7 d", "1d2h", "P7D"}) {
            assertThatThrownBy(() -> DlqDuration.parse(bad)).as(bad)
                    .hasMessageStartingWith("--older-than must be a number and a unit d, h, m or s");
        }
    }

    @Test
    void usageErrorsExitTwoBeforeAnyEndpointIsContacted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DlqCommand.run(new String[] {"purge", "--older-than", "soon"}, print(out), print(err), Map.<String, String>of()::get);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--older-than must be").contains("usage: relay dlq");
        assertThat(out.size()).isZero();
    }

    @Test
    void embeddedModeWithRandomPortsAndNoEndpointIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("RELAY_EMBEDDED_SQS_PORT", "0");
        int exit = DlqCommand.run(new String[] {"peek"}, print(new ByteArrayOutputStream()), print(err), env::get);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("RELAY_EMBEDDED_SQS_PORT is 0").contains("AWS_ENDPOINT_URL_SQS");
    }

    @Test
    void helpExplainsThatPeekingOnlyChangesTheReceiveCount() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(DlqCommand.run(new String[] {"peek", "--help"}, print(out), print(new ByteArrayOutputStream()),
                Map.<String, String>of()::get)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("changes nothing but their receive count")
                .contains("exit codes: 0 done, 1 an endpoint call failed, 2 usage or settings error, 3 nothing matched");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
