package com.relay.tenants.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed, strict access to document fields (docs/CONTRACT.md#format-and-value-types) that records every problem with its path and
 * the exact docs/CONTRACT.md#validation message. Getters return null when the value is absent-and-nullable or invalid
 * (a problem is then recorded); the caller only builds a configuration when no problem exists.
 */
final class FieldReader {

    /** How a field may be missing: REQUIRED, OPTIONAL (absent → default, null rejected), NULLABLE. */
    enum Presence { REQUIRED, OPTIONAL, NULLABLE }

    /** One list element and its path ({@code vendors[2]}). */
    record Element(DocumentNode node, String path) {}

    private final List<ConfigProblem> problems = new ArrayList<>();
    /** Every key path a rule asked for, present or not: the set of accepted fields (ConfigSpecDocTest). */
    private final Set<String> pathsRead = new java.util.LinkedHashSet<>();

    void problem(String path, String message) {
        problems.add(ConfigProblem.of(path, message));
    }

    List<ConfigProblem> problems() {
        return Collections.unmodifiableList(problems);
    }

    Set<String> pathsRead() {
        return Collections.unmodifiableSet(pathsRead);
    }

    Obj root(DocumentNode.Mapping mapping) {
        return new Obj(mapping.entries(), "");
    }

    String string(Obj o, String key, Presence presence, String defaultValue) {
        return typed(o, key, presence, defaultValue, FieldReader::asString, "must be a string");
    }

    Boolean bool(Obj o, String key, Presence presence, Boolean defaultValue) {
        return typed(o, key, presence, defaultValue, n -> n instanceof DocumentNode.Bool b ? b.value() : null, "must be a boolean");
    }

    /** An integer literal (no fraction or exponent) in the range of {@code long}. */
    Long integer(Obj o, String key, Presence presence, Long defaultValue) {
        return typed(o, key, presence, defaultValue, FieldReader::asLong, "must be an integer");
    }

    /** A number literal or a string in decimal syntax, kept exactly as written. */
    BigDecimal decimal(Obj o, String key, Presence presence, BigDecimal defaultValue) {
        return typed(o, key, presence, defaultValue, FieldReader::asDecimal, "must be a decimal number");
    }

    /** An object; an absent OPTIONAL object reads as an empty one, so all its defaults apply. */
    Obj object(Obj o, String key, Presence presence) {
        String path = o.child(key);
        Obj empty = presence == Presence.OPTIONAL ? new Obj(Map.of(), path) : null;
        return typed(o, key, presence, empty,
                n -> n instanceof DocumentNode.Mapping m ? new Obj(m.entries(), path) : null, "must be an object");
    }

    /** A list; an absent OPTIONAL list reads as empty. */
    List<Element> list(Obj o, String key, Presence presence) {
        String path = o.child(key);
        return typed(o, key, presence, List.of(), n -> n instanceof DocumentNode.Sequence s ? elements(s, path) : null, "must be a list");
    }

    Obj objectElement(Element element) {
        if (element.node() instanceof DocumentNode.Mapping m) {
            return new Obj(m.entries(), element.path());
        }
        problem(element.path(), "must be an object");
        return null;
    }

    String stringElement(Element element) {
        String value = asString(element.node());
        if (value == null) {
            problem(element.path(), "must be a string");
        }
        return value;
    }

    static List<Element> elements(DocumentNode.Sequence sequence, String path) {
        List<Element> elements = new ArrayList<>(sequence.items().size());
        for (int i = 0; i < sequence.items().size(); i++) {
            elements.add(new Element(sequence.items().get(i), path + "[" + i + "]"));
        }
        return elements;
    }

    static String asString(DocumentNode node) {
        return node instanceof DocumentNode.Text t ? t.value() : null;
    }

    static Long asLong(DocumentNode node) {
        if (node instanceof DocumentNode.Number n && n.integral() && n.value() != null) {
            try {
                return n.value().longValueExact();
            } catch (ArithmeticException outOfRange) {
                return null;
            }
        }
        return null;
    }

    static BigDecimal asDecimal(DocumentNode node) {
        if (node instanceof DocumentNode.Number n) {
            return n.value();
        }
        if (node instanceof DocumentNode.Text t) {
            return Decimals.parse(t.value());
        }
        return null;
    }

    private <T> T typed(Obj o, String key, Presence presence, T defaultValue, Function<DocumentNode, T> convert, String typeMessage) {
        DocumentNode node = o.take(key);
        String path = o.child(key);
        if (node == null) {
            if (presence == Presence.REQUIRED) {
                problem(path, "is required");
            }
            return presence == Presence.OPTIONAL ? defaultValue : null;
        }
        if (node instanceof DocumentNode.Null) {
            if (presence != Presence.NULLABLE) {
                problem(path, "is required");
            }
            return null;
        }
        T value = convert.apply(node);
        if (value == null) {
            problem(path, typeMessage);
        }
        return value;
    }

    /** An object being read: remembers which keys were read so that the rest are {@code unknown field}. */
    final class Obj {
        private final Map<String, DocumentNode> entries;
        private final String path;
        private final Set<String> known = new HashSet<>();

        Obj(Map<String, DocumentNode> entries, String path) {
            this.entries = entries;
            this.path = path;
        }

        /** Path of a key; an empty key is written {@code ""} so that no problem has an empty path. */
        String child(String key) {
            String segment = key.isEmpty() ? "\"\"" : key;
            return path.isEmpty() ? segment : path + "." + segment;
        }

        /** The value of a known key (null when absent). */
        DocumentNode take(String key) {
            known.add(key);
            pathsRead.add(child(key));
            return entries.get(key);
        }

        DocumentNode peek(String key) {
            return entries.get(key);
        }

        /** All entries of a free-form map, in document order; its keys are checked by the caller. */
        Map<String, DocumentNode> takeAll() {
            known.addAll(entries.keySet());
            entries.keySet().forEach(key -> pathsRead.add(child(key)));
            return new LinkedHashMap<>(entries);
        }

        /** Reports every key that no rule read, in document order (docs/CONTRACT.md#format-and-value-types: unknown keys are rejected). */
        void finish() {
            for (String key : entries.keySet()) {
                if (!known.contains(key)) {
                    problem(child(key), "unknown field");
                }
            }
        }
    }
}
