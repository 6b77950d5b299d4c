package com.relay.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.stereotype.Component;

/**
 * {@code GET /v1/openapi.json}: the checked-in OpenAPI 3.1 document {@code openapi/relay-api.json}
 * (camel-openapi-java is not a dependency). {@code OpenApiDocumentTest} fails when a REST DSL
 * path or verb in {@code routes/api.camel.yaml} is missing from it.
 */
@Component("openApiResource")
public class OpenApiResource {

    public static final String RESOURCE = "/openapi/relay-api.json";
    private final JsonNode document;

    public OpenApiResource() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            document = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ApiResponse document() {
        return ApiResponse.ok(document);
    }
}
