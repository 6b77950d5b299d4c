package com.relay;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A route file that does not parse stops start-up, and the error names the file. */
class BrokenRouteFileIT {

    @TempDir Path routes;

    @Test
    void brokenYamlRouteStopsStartupWithAClearMessage() throws Exception {
        Files.writeString(routes.resolve("broken.camel.yaml"), """
                - route:
                    id: broken
                    from:
                      uri: direct:x
                      steps:
                        - noSuchEip: {}
                """);
        assertThatThrownBy(() -> new SpringApplicationBuilder(RelayApplication.class).properties(Map.of(
                "ROUTES_DIR", routes.toString(), "RELAY_EMBEDDED_PERSISTENT", "false",
                "RELAY_EMBEDDED_SQS_PORT", "0", "RELAY_EMBEDDED_DYNAMODB_PORT", "0", "RELAY_EMBEDDED_S3_PORT", "0",
                "SERVER_PORT", "0", "MANAGEMENT_PORT", "0")).run().close())
                .rootCause()
                .hasMessageContaining("broken.camel.yaml")
                .hasMessageContaining("noSuchEip");
    }
}
