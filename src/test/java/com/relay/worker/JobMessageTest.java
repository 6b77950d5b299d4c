package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rule 1 of docs/CONTRACT.md#receiving-a-job: what a job body must hold (docs/CONTRACT.md#job-message). */
class JobMessageTest {

    @Test
    void theSpecBodyParses() {
        JobMessage.Parsed p = JobMessage.parse("{\"run_id\": \"3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f\", \"tenant_id\": \"acme_parts\","
                + " \"config_version\": 3, \"correlation_id\": \"5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10\"}");
        assertThat(p.ok()).isTrue();
        assertThat(p.job()).isEqualTo(new JobMessage("3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f", "acme_parts", 3,
                "5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "", "[]", "\"x\"", "{}", "null",
            "{\"run_id\": \"3F9C2A4E-5D7B-4C1A-9E8F-0A1B2C3D4E5F\", \"tenant_id\": \"a\", \"config_version\": 1}",
            "{\"run_id\": \"3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f\", \"tenant_id\": \"../x\", \"config_version\": 1}",
            "{\"run_id\": \"3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f\", \"tenant_id\": \"a\", \"config_version\": 0}",
            "{\"run_id\": \"3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f\", \"tenant_id\": \"a\", \"config_version\": 1.5}",
            "{\"run_id\": \"3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f\", \"tenant_id\": \"a\", \"config_version\": \"1\"}",
            "{\"run_id\": \"3f9c2a4e-5d7b-4c1a-9e8f-0a1b2c3d4e5f\", \"tenant_id\": \"a\"}"})
    void anythingElseIsABadMessageWithAReason(String body) {
        JobMessage.Parsed p = JobMessage.parse(body);
        assertThat(p.ok()).isFalse();
        assertThat(p.badReason()).isNotBlank();
    }
}
