package com.relay.tenants.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON text into a {@link DocumentNode} tree with Jackson's streaming parser, so that every
 * number keeps its literal text (exact decimals with their scale, integer vs fraction/exponent,
 * docs/CONTRACT.md#format-and-value-types) instead of going through doubles. Iterative, so nesting depth costs no stack; Jackson's
 * own limits (nesting depth, number length) apply and count as malformed JSON.
 */
final class JsonDocumentReader {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            // A key given twice is ambiguous: reject it as a syntax error, as YAML does (docs/CONTRACT.md#format-and-value-types).
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonDocumentReader() {}

    static DocumentNode read(String text) throws DocumentSyntaxException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            DocumentNode root = readValue(parser);
            if (root == null) {
                throw new DocumentSyntaxException("empty document");
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new DocumentSyntaxException("unexpected content after the JSON value" + at(parser.currentTokenLocation()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new DocumentSyntaxException(e.getOriginalMessage() + at(e.getLocation()));
        } catch (IOException e) {
            throw new DocumentSyntaxException(String.valueOf(e.getMessage()));
        }
    }

    /** One value starting at the next token, or null at end of input. */
    private static DocumentNode readValue(JsonParser parser) throws IOException, DocumentSyntaxException {
        Deque<Container> open = new ArrayDeque<>();
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
            DocumentNode completed;
            switch (token) {
                case START_OBJECT -> { open.push(new Container(true)); continue; }
                case START_ARRAY -> { open.push(new Container(false)); continue; }
                case FIELD_NAME -> { open.peek().pendingKey = parser.currentName(); continue; }
                case END_OBJECT, END_ARRAY -> completed = open.pop().build();
                case VALUE_STRING -> completed = new DocumentNode.Text(parser.getText(), quote(parser.getText()));
                case VALUE_NUMBER_INT -> completed = new DocumentNode.Number(Decimals.parse(parser.getText()), true, parser.getText());
                case VALUE_NUMBER_FLOAT -> completed = new DocumentNode.Number(Decimals.parse(parser.getText()), false, parser.getText());
                case VALUE_TRUE -> completed = new DocumentNode.Bool(true, "true");
                case VALUE_FALSE -> completed = new DocumentNode.Bool(false, "false");
                case VALUE_NULL -> completed = new DocumentNode.Null("null");
                default -> throw new DocumentSyntaxException("unexpected token " + token + at(parser.currentTokenLocation()));
            }
            if (open.isEmpty()) {
                return completed;
            }
            open.peek().add(completed);
        }
        if (!open.isEmpty()) {
            throw new DocumentSyntaxException("unexpected end of input");
        }
        return null;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static final class Container {
        final boolean object;
        final Map<String, DocumentNode> entries = new LinkedHashMap<>();
        final List<DocumentNode> items = new ArrayList<>();
        String pendingKey;

        Container(boolean object) { this.object = object; }

        void add(DocumentNode value) {
            if (object) {
                entries.put(pendingKey, value);
                pendingKey = null;
            } else {
                items.add(value);
            }
        }

        DocumentNode build() {
            return object ? new DocumentNode.Mapping(entries) : new DocumentNode.Sequence(items);
        }
    }
}
