package com.relay.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Every REST DSL path and verb of routes/api.camel.yaml appears in the served OpenAPI document, and nothing else. */
class OpenApiDocumentTest {

    @Test
    @SuppressWarnings("unchecked")
    void documentCoversEveryRestVerbOfTheRouteFile() throws Exception {
        List<Object> file = (List<Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("routes/api.camel.yaml")));
        List<String> dsl = new ArrayList<>();
        for (Object element : file) {
            Map<String, Object> m = (Map<String, Object>) element;
            if (!m.containsKey("rest")) continue;
            Map<String, Object> rest = (Map<String, Object>) m.get("rest");
            String base = (String) rest.get("path");
            for (String verb : List.of("get", "post", "put", "delete", "patch")) {
                for (Object op : (List<Object>) rest.getOrDefault(verb, List.of())) {
                    dsl.add(verb + " " + base + ((Map<String, Object>) op).get("path"));
                }
            }
        }
        JsonNode doc = new OpenApiResource().document().body() instanceof JsonNode n ? n : null;
        assertThat(doc).isNotNull();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        List<String> documented = new ArrayList<>();
        doc.get("paths").properties().forEach(p -> p.getValue().fieldNames()
                .forEachRemaining(v -> documented.add(v.toLowerCase(Locale.ROOT) + " " + p.getKey())));
        assertThat(dsl).hasSize(32);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(dsl);
    }
}
