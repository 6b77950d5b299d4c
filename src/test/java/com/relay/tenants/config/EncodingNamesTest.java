package com.relay.tenants.config;

import static com.relay.tenants.config.ConfigFixtures.API;
import static com.relay.tenants.config.ConfigFixtures.minimalWith;
import static com.relay.tenants.config.ConfigFixtures.parseJson;
import static com.relay.tenants.config.ConfigFixtures.problem;
import static com.relay.tenants.config.ConfigFixtures.problemsOf;
import static com.relay.tenants.config.ConfigFixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/CONTRACT.md#decoding encoding-name normalisation and its use in validation (docs/CONTRACT.md#validation). */
class EncodingNamesTest {

    static Stream<Arguments> acceptedNames() {
        Charset windows1252 = Charset.forName("windows-1252");
        return Stream.of(
                Arguments.of("", StandardCharsets.UTF_8),
                Arguments.of("utf-8", StandardCharsets.UTF_8),
                Arguments.of("UTF-8", StandardCharsets.UTF_8),
                Arguments.of(" utf8 ", StandardCharsets.UTF_8),
                Arguments.of("UTF_8", StandardCharsets.UTF_8),
                Arguments.of("\u00a0utf-8\t", StandardCharsets.UTF_8),
                Arguments.of("latin-1", StandardCharsets.ISO_8859_1),
                Arguments.of("latin_1", StandardCharsets.ISO_8859_1),
                Arguments.of("ISO-8859-1", StandardCharsets.ISO_8859_1),
                Arguments.of("ISO8859-1", StandardCharsets.ISO_8859_1),
                Arguments.of("iso_8859_1", StandardCharsets.ISO_8859_1),
                Arguments.of("windows-1252", windows1252),
                Arguments.of("Windows_1252", windows1252),
                Arguments.of("utf-16", StandardCharsets.UTF_16),
                Arguments.of("UTF_16", StandardCharsets.UTF_16));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("acceptedNames")
    void accepted_names_resolve(String name, Charset expected) {
        assertThat(EncodingNames.resolve(name)).contains(expected);
        assertThat(parseJson(minimalWith(set("vendors[0].parser.encoding", ConfigFixtures.text(
                com.fasterxml.jackson.databind.node.TextNode.valueOf(name)))), API).isValid()).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"latin1", "cp1252", "ascii", "utf-8-sig", "utf-16le", "utf-16be", "utf-32", "us-ascii", " ", "utf 8", "UTF-8 BOM"})
    void rejected_names(String name) {
        assertThat(EncodingNames.resolve(name)).isEmpty();
        assertThat(problemsOf(parseJson(minimalWith(set("vendors[0].parser.encoding", ConfigFixtures.text(
                com.fasterxml.jackson.databind.node.TextNode.valueOf(name)))), API)))
                .containsExactly(problem("vendors[0].parser.encoding", EncodingNames.ALLOWED_NAMES_MESSAGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"utf-8", "UTF_8", " Latin-1"})
    void the_configuration_keeps_the_name_as_written(String name) {
        TenantConfig config = ConfigFixtures.configOf(parseJson(minimalWith(set("vendors[0].parser.encoding", ConfigFixtures.text(
                com.fasterxml.jackson.databind.node.TextNode.valueOf(name)))), API));

        assertThat(config.vendors().get(0).parser().encoding()).isEqualTo(name);
    }

    @org.junit.jupiter.api.Test
    void null_is_unsupported() {
        assertThat(EncodingNames.resolve(null)).isEmpty();
    }
}
