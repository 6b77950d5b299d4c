package com.relay.tenants.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads one YAML document into a {@link DocumentNode} tree (docs/CONTRACT.md#format-and-value-types): YAML 1.2 core schema (only
 * {@code true}/{@code false} in their core spellings are booleans, {@code yes}/{@code on} are
 * strings), a single document, duplicate keys and custom tags are syntax errors.
 *
 * <p>Built on snakeyaml-engine's event stream rather than its constructor, because the constructor
 * would turn {@code 0.20} into a double; here every scalar keeps its text and the core-schema
 * resolution is done below. The tree is built iteratively (deep nesting costs no stack) and alias
 * expansion is bounded (no "billion laughs").
 */
final class YamlDocumentReader {

    /** Expanded node count above which a document is refused (a real configuration has a few hundred). */
    static final int MAX_EXPANDED_NODES = 100_000;

    private static final String TAG_PREFIX = "tag:yaml.org,2002:";

    // YAML 1.2.2 §10.3.2 core schema tag resolution.
    private static final Pattern CORE_NULL = Pattern.compile("null|Null|NULL|~|");
    private static final Pattern CORE_BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
    private static final Pattern CORE_INT_DECIMAL = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern CORE_INT_OCTAL = Pattern.compile("0o[0-7]+");
    private static final Pattern CORE_INT_HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern CORE_FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern CORE_INF_NAN = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

    private static final LoadSettings SETTINGS = LoadSettings.builder()
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setUseMarks(true)
            .setLabel("tenant configuration")
            .build();

    private YamlDocumentReader() {}

    /** @return the document's root node, or null for a stream without any document */
    static DocumentNode read(String text) throws DocumentSyntaxException {
        try {
            return new Builder().build(new Parse(SETTINGS).parseString(text));
        } catch (MarkedYamlEngineException e) {
            throw new DocumentSyntaxException(e.getProblem() + at(e.getProblemMark()));
        } catch (YamlEngineException e) {
            throw new DocumentSyntaxException(String.valueOf(e.getMessage()));
        }
    }

    private static String at(Optional<Mark> mark) {
        return mark.map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
    }

    private static final class Builder {
        private final Deque<Container> open = new ArrayDeque<>();
        private final Map<Anchor, Sized> anchors = new HashMap<>();
        private long expandedNodes;
        private int documents;
        private DocumentNode root;

        DocumentNode build(Iterable<Event> events) throws DocumentSyntaxException {
            for (Event event : events) {
                switch (event.getEventId()) {
                    case DocumentStart -> {
                        if (++documents > 1) {
                            throw new DocumentSyntaxException("expected a single YAML document" + at(event.getStartMark()));
                        }
                    }
                    case MappingStart, SequenceStart -> openCollection((CollectionStartEvent) event);
                    case MappingEnd, SequenceEnd -> {
                        Container done = open.pop();
                        complete(done.build(), done.size, done.anchor, event);
                    }
                    case Scalar -> {
                        ScalarEvent scalar = (ScalarEvent) event;
                        count(1, event);
                        complete(resolveScalar(scalar), 1, scalar.getAnchor(), event);
                    }
                    case Alias -> {
                        Anchor alias = ((AliasEvent) event).getAlias();
                        Sized target = anchors.get(alias);
                        if (target == null) {
                            throw new DocumentSyntaxException("found undefined or recursive alias *" + alias.getValue() + at(event.getStartMark()));
                        }
                        count(target.size, event);
                        complete(target.node, target.size, Optional.empty(), event);
                    }
                    default -> { /* stream start/end, document end, comments */ }
                }
            }
            return root;
        }

        private void openCollection(CollectionStartEvent event) throws DocumentSyntaxException {
            boolean mapping = event.getEventId() == Event.ID.MappingStart;
            Optional<String> tag = event.getTag();
            String expected = TAG_PREFIX + (mapping ? "map" : "seq");
            if (tag.isPresent() && !tag.get().equals("!") && !tag.get().equals(expected)) {
                throw new DocumentSyntaxException("tag " + tag.get() + " is not allowed" + at(event.getStartMark()));
            }
            Container parent = open.peek();
            if (parent != null && parent.mapping && parent.pendingKey == null) {
                throw new DocumentSyntaxException("mapping keys must be scalars" + at(event.getStartMark()));
            }
            count(1, event);
            open.push(new Container(mapping, event.getAnchor()));
        }

        private void count(long nodes, Event event) throws DocumentSyntaxException {
            expandedNodes += nodes;
            if (expandedNodes > MAX_EXPANDED_NODES) {
                throw new DocumentSyntaxException("document too large (more than " + MAX_EXPANDED_NODES
                        + " nodes after alias expansion)" + at(event.getStartMark()));
            }
        }

        private void complete(DocumentNode node, long size, Optional<Anchor> anchor, Event event) throws DocumentSyntaxException {
            anchor.ifPresent(a -> anchors.put(a, new Sized(node, size)));
            Container parent = open.peek();
            if (parent == null) {
                root = node;
            } else {
                parent.add(node, size, event);
            }
        }
    }

    private static DocumentNode resolveScalar(ScalarEvent event) throws DocumentSyntaxException {
        String value = event.getValue();
        Optional<String> tag = event.getTag().filter(t -> !t.equals("!"));
        if (tag.isEmpty()) {
            // A quoted or block scalar, or one tagged with the non-specific "!", is a string.
            return event.isPlain() && event.getTag().isEmpty() ? resolvePlain(value) : new DocumentNode.Text(value, JsonDocumentReader.quote(value));
        }
        String explicit = tag.get();
        DocumentNode resolved = explicit.equals(TAG_PREFIX + "str") ? new DocumentNode.Text(value, JsonDocumentReader.quote(value)) : resolvePlain(value);
        boolean matches = switch (explicit.startsWith(TAG_PREFIX) ? explicit.substring(TAG_PREFIX.length()) : "") {
            case "str" -> true;
            case "null" -> resolved instanceof DocumentNode.Null;
            case "bool" -> resolved instanceof DocumentNode.Bool;
            case "int" -> resolved instanceof DocumentNode.Number n && n.integral();
            case "float" -> resolved instanceof DocumentNode.Number || resolved instanceof DocumentNode.NonFinite;
            default -> throw new DocumentSyntaxException("tag " + explicit + " is not allowed" + at(event.getStartMark()));
        };
        if (!matches) {
            throw new DocumentSyntaxException("invalid value for tag " + explicit + at(event.getStartMark()));
        }
        if (explicit.equals(TAG_PREFIX + "float") && resolved instanceof DocumentNode.Number n && n.integral()) {
            return new DocumentNode.Number(n.value(), false, n.asWritten());
        }
        return resolved;
    }

    private static DocumentNode resolvePlain(String value) {
        if (CORE_NULL.matcher(value).matches()) {
            return new DocumentNode.Null(value);
        }
        if (CORE_BOOL.matcher(value).matches()) {
            return new DocumentNode.Bool(value.equalsIgnoreCase("true"), value);
        }
        if (CORE_INT_DECIMAL.matcher(value).matches()) {
            return new DocumentNode.Number(Decimals.parse(value), true, value);
        }
        if (CORE_INT_OCTAL.matcher(value).matches()) {
            return new DocumentNode.Number(radix(value.substring(2), 8), true, value);
        }
        if (CORE_INT_HEX.matcher(value).matches()) {
            return new DocumentNode.Number(radix(value.substring(2), 16), true, value);
        }
        if (CORE_FLOAT.matcher(value).matches()) {
            return new DocumentNode.Number(Decimals.parse(value), false, value);
        }
        if (CORE_INF_NAN.matcher(value).matches()) {
            return new DocumentNode.NonFinite(value);
        }
        return new DocumentNode.Text(value, value);
    }

    private static BigDecimal radix(String digits, int radix) {
        if (digits.length() > Decimals.MAX_DIGITS_AND_SCALE) {
            return null;
        }
        return new BigDecimal(new BigInteger(digits, radix));
    }

    private record Sized(DocumentNode node, long size) {}

    private static final class Container {
        final boolean mapping;
        final Optional<Anchor> anchor;
        final Map<String, DocumentNode> entries = new LinkedHashMap<>();
        final List<DocumentNode> items = new ArrayList<>();
        String pendingKey;
        long size = 1;

        Container(boolean mapping, Optional<Anchor> anchor) {
            this.mapping = mapping;
            this.anchor = anchor;
        }

        void add(DocumentNode node, long nodeSize, Event event) throws DocumentSyntaxException {
            size += nodeSize;
            if (!mapping) {
                items.add(node);
            } else if (pendingKey == null) {
                String key = keyText(node, event);
                if (entries.containsKey(key)) {
                    throw new DocumentSyntaxException("found duplicate key " + key + at(event.getStartMark()));
                }
                pendingKey = key;
            } else {
                entries.put(pendingKey, node);
                pendingKey = null;
            }
        }

        private static String keyText(DocumentNode key, Event event) throws DocumentSyntaxException {
            if (key instanceof DocumentNode.Text t) {
                return t.value();
            }
            if (key instanceof DocumentNode.Mapping || key instanceof DocumentNode.Sequence) {
                throw new DocumentSyntaxException("mapping keys must be scalars" + at(event.getStartMark()));
            }
            return key.asWritten();
        }

        DocumentNode build() {
            return mapping ? new DocumentNode.Mapping(entries) : new DocumentNode.Sequence(items);
        }
    }
}
