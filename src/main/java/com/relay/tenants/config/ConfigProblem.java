package com.relay.tenants.config;

import java.util.Objects;

/**
 * One validation problem (docs/CONTRACT.md#validation): {@code path} uses dots for keys and {@code [i]} for list
 * indexes ({@code vendors[0].parser.column_map.sku}); the empty path denotes the document itself.
 * {@code code} is null except {@value #UNSUPPORTED_SCHEMA_VERSION}.
 */
public record ConfigProblem(String path, String message, String code) {

    public static final String UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version";

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    public static ConfigProblem of(String path, String message) {
        return new ConfigProblem(path, message, null);
    }

    /** The CLI's standard-error line for this problem (docs/CONTRACT.md#local-run-cli): {@code <path>: <message>}. */
    public String toCliLine() {
        return path + ": " + message;
    }
}
