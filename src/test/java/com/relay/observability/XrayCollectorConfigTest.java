package com.relay.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.relay.config.RelaySettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Keeps {@code docs/tracing/otel-collector-xray.yaml} a working collector configuration for
 * Relay's traces: an OTLP receiver on the port of Relay's default {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * (and gRPC on 4317), a traces pipeline from it through the batch processor to the awsxray
 * exporter, every component the pipeline names defined, and X-Ray annotations only on attributes
 * Relay's code really sets.
 */
class XrayCollectorConfigTest {

    private static final Path CONFIG = Path.of("docs/tracing/otel-collector-xray.yaml");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        assertThat(o).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Object o, String what) {
        assertThat(o).as(what).isInstanceOf(List.class);
        return (List<String>) o;
    }

    private static Map<String, Object> config() throws IOException {
        String text = Files.readString(CONFIG, StandardCharsets.UTF_8);
        return map(new Load(LoadSettings.builder().build()).loadFromString(text), "the document");
    }

    @Test
    void theOtlpReceiverListensWhereRelayExportsByDefault() throws IOException {
        Map<String, Object> protocols = map(map(map(config().get("receivers"), "receivers").get("otlp"), "otlp")
                .get("protocols"), "otlp protocols");
        URI relayDefault = RelaySettings.load(name -> null).observability().otlpEndpoint();
        assertThat(map(protocols.get("http"), "http").get("endpoint").toString()).endsWith(":" + relayDefault.getPort());
        assertThat(map(protocols.get("grpc"), "grpc").get("endpoint").toString()).endsWith(":4317");
    }

    @Test
    void theTracesPipelineGoesFromOtlpThroughBatchToXray() throws IOException {
        Map<String, Object> config = config();
        Map<String, Object> traces = map(map(map(config.get("service"), "service").get("pipelines"), "pipelines")
                .get("traces"), "traces pipeline");
        assertThat(list(traces.get("receivers"), "receivers")).containsExactly("otlp");
        assertThat(list(traces.get("processors"), "processors")).contains("batch").last().isEqualTo("batch");
        assertThat(list(traces.get("exporters"), "exporters")).containsExactly("awsxray");
        // every component the pipeline names is defined
        for (String kind : List.of("receivers", "processors", "exporters")) {
            assertThat(map(config.get(kind), kind).keySet()).as(kind).containsAll(list(traces.get(kind), kind));
        }
        Map<String, Object> xray = map(map(config.get("exporters"), "exporters").get("awsxray"), "awsxray");
        assertThat(xray.get("region")).isEqualTo("${env:AWS_REGION}");
    }

    @Test
    void theIndexedAttributesAreOnesRelaySets() throws IOException {
        Map<String, Object> xray = map(map(config().get("exporters"), "exporters").get("awsxray"), "awsxray");
        List<String> indexed = list(xray.get("indexed_attributes"), "indexed_attributes");
        assertThat(indexed).isNotEmpty();
        String sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
        for (String attribute : indexed) {
            assertThat(sources).as(attribute + " is set on a span").contains("tag(\"" + attribute + "\"");
        }
    }

    @Test
    void theHeaderNamesRelaysSettingsAndTheIamActions() throws IOException {
        String text = Files.readString(CONFIG, StandardCharsets.UTF_8);
        assertThat(text).contains("OTEL_TRACES_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_ENDPOINT=",
                "xray:PutTraceSegments", "xray:PutTelemetryRecords");
        String doc = Files.readString(Path.of("docs/OBSERVABILITY.md"), StandardCharsets.UTF_8);
        assertThat(doc).contains("docs/tracing/otel-collector-xray.yaml", "xray:PutTraceSegments", "xray:PutTelemetryRecords");
    }
}
