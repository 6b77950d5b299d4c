package com.relay.notify;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A stalled ntfy answer is reported as a timeout every time (the JDK client races its own teardown). */
class JdkNtfyClientTest {

    @Test
    void aStallPastTheDeadlineIsAlwaysATimeout() throws Exception {
        JdkNtfyClient client = new JdkNtfyClient(Duration.ofSeconds(2), Duration.ofMillis(150));
        for (int i = 0; i < 15; i++) {
            try (FakeNtfyServer ntfy = new FakeNtfyServer().then(FakeNtfyServer.Answer.stall(1000))) {
                AttemptResult r = client.send(new NtfyRequest(URI.create(ntfy.url() + "/topic"), Map.of(), "x"));
                assertThat(r.describe()).as("attempt %d", i).startsWith("HttpTimeoutException");
            }
        }
    }

    @Test
    void aPromptAnswerIsNotATimeout() throws Exception {
        JdkNtfyClient client = new JdkNtfyClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
        try (FakeNtfyServer ntfy = new FakeNtfyServer().then(FakeNtfyServer.Answer.ok("m-1"))) {
            AttemptResult r = client.send(new NtfyRequest(URI.create(ntfy.url() + "/topic"), Map.of(), "x"));
            assertThat(r.describe()).doesNotContain("Timeout");
        }
    }
}
