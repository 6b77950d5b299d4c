package com.relay.tenants.config;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed configuration document before validation: one small, format-neutral tree for JSON
 * and YAML, so that both formats are validated by exactly the same code (docs/CONTRACT.md#format-and-value-types). Scalars keep
 * the text as written, which docs/CONTRACT.md#validation needs for {@code unsupported schema_version <n>}.
 */
sealed interface DocumentNode {

    /** A human-readable rendering of the value as written (used in messages). */
    String asWritten();

    record Text(String value, String asWritten) implements DocumentNode {}

    /**
     * A number literal. {@code value} is the exact decimal as written (scale kept), or null when
     * it cannot be held sensibly (e.g. an exponent of a billion digits' magnitude); {@code integral}
     * is true for an integer literal (no fraction, no exponent), docs/CONTRACT.md#format-and-value-types.
     */
    record Number(BigDecimal value, boolean integral, String asWritten) implements DocumentNode {}

    /** A YAML {@code .inf} / {@code .nan} float: a number, but never an acceptable one. */
    record NonFinite(String asWritten) implements DocumentNode {}

    record Bool(boolean value, String asWritten) implements DocumentNode {}

    record Null(String asWritten) implements DocumentNode {}

    /** Keys in document order. */
    record Mapping(Map<String, DocumentNode> entries) implements DocumentNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String asWritten() { return "{…}"; }
    }

    record Sequence(List<DocumentNode> items) implements DocumentNode {
        public Sequence {
            items = Collections.unmodifiableList(List.copyOf(items));
        }

        @Override
        public String asWritten() { return "[…]"; }
    }
}
