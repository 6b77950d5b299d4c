package com.relay.tenants.config;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Encoding-name normalisation of docs/CONTRACT.md#decoding, shared by validation (docs/CONTRACT.md#validation) and the engine's decoder:
 * empty → {@code utf-8}; otherwise trim (docs/CONTRACT.md#conventions whitespace), lower-case, {@code _} → {@code -},
 * then exactly the names below. {@code latin1}, {@code cp1252}, {@code ascii}, {@code utf-8-sig},
 * {@code utf-16le} and everything else are unsupported.
 */
public final class EncodingNames {

    /** The {@code encoding} validation message (docs/CONTRACT.md#validation). */
    public static final String ALLOWED_NAMES_MESSAGE =
            "must be one of: utf-8, utf8, latin-1, iso-8859-1, iso8859-1, windows-1252, utf-16";

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private static final Map<String, Charset> BY_NORMALISED_NAME = Map.of(
            "utf-8", StandardCharsets.UTF_8,
            "utf8", StandardCharsets.UTF_8,
            "latin-1", StandardCharsets.ISO_8859_1,
            "iso-8859-1", StandardCharsets.ISO_8859_1,
            "iso8859-1", StandardCharsets.ISO_8859_1,
            "windows-1252", WINDOWS_1252,
            "utf-16", StandardCharsets.UTF_16);

    private EncodingNames() {}

    /**
     * @return UTF-8, ISO-8859-1, windows-1252 or UTF-16 for a supported name as written in a
     *         configuration (e.g. {@code " UTF_8 "}); empty for an unsupported one or null
     */
    public static Optional<Charset> resolve(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_NORMALISED_NAME.get(normalise(name)));
    }

    public static boolean isSupported(String name) {
        return resolve(name).isPresent();
    }

    /** The docs/CONTRACT.md#decoding normal form: empty → {@code utf-8}, else trimmed, lower-cased, {@code _} → {@code -}. */
    static String normalise(String name) {
        if (name.isEmpty()) {
            return "utf-8";
        }
        return SpecWhitespace.trim(name).toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
