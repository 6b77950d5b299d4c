package com.relay.engine;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Encoding-name resolver for vendor feeds and SKU maps (docs/CONTRACT.md#decoding table). Package-private: the
 * configuration validator owns the user-facing rule; the engine only needs the mapping.
 */
enum FeedCharsets {
    UTF_8(StandardCharsets.UTF_8, "UTF-8"),
    ISO_8859_1(StandardCharsets.ISO_8859_1, "ISO-8859-1"),
    WINDOWS_1252(Charset.forName("windows-1252"), "windows-1252"),
    /** Byte order comes from the mandatory BOM (docs/CONTRACT.md#decoding); see {@link FeedDecoder}. */
    UTF_16(StandardCharsets.UTF_16, "UTF-16");

    private final Charset charset;
    private final String messageName;

    FeedCharsets(Charset charset, String messageName) {
        this.charset = charset;
        this.messageName = messageName;
    }

    Charset charset() { return charset; }

    /** The {@code <CHARSET>} text of the DECODE_ERROR message (docs/CONTRACT.md#decoding). */
    String messageName() { return messageName; }

    /**
     * docs/CONTRACT.md#decoding: empty → utf-8; otherwise trim (docs/CONTRACT.md#conventions whitespace), lower-case, {@code _} → {@code -},
     * then look up.
     *
     * @throws IllegalArgumentException for a name validation (docs/CONTRACT.md#validation) would have rejected
     */
    static FeedCharsets resolve(String name) {
        if (name == null || name.isEmpty()) return UTF_8;
        String n = Whitespace.trim(name).toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "utf-8", "utf8" -> UTF_8;
            case "latin-1", "iso-8859-1", "iso8859-1" -> ISO_8859_1;
            case "windows-1252" -> WINDOWS_1252;
            case "utf-16" -> UTF_16;
            default -> throw new IllegalArgumentException("unsupported encoding: " + name);
        };
    }
}
