package com.relay.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A json feed (docs/ENGINE.md#vendor-file-formats): {@code records_path} ({@code $[*]}, {@code $.a.b[*]}) leads through
 * object members to one array whose elements are the records. Jackson's streaming parser reads one
 * token at a time; only the values of configured field paths ({@code price.amount}) are kept, every
 * other member is skipped without being buffered, so memory depends on neither the file nor a
 * record's size. Limits: nesting {@value #MAX_NESTING} levels, a string {@link CsvRecordReader#MAX_RECORD_LENGTH}
 * characters, a number {@value #MAX_NUMBER_LENGTH} characters; past one the vendor fails with
 * {@code JSON_PARSE_ERROR} naming it.
 *
 * <p>A record that is not an object, or a configured path holding an object or array, is a row
 * error; broken JSON (truncated, a syntax error, content after the document) fails the vendor with
 * its line and column: records can no longer be told apart.
 */
final class JsonRecords extends KeyedRecords {
    static final String ERROR_CODE = "JSON_PARSE_ERROR";
    static final int MAX_NESTING = 200;
    static final int MAX_NUMBER_LENGTH = 1000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxStringLength(CsvRecordReader.MAX_RECORD_LENGTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            // hostile feeds must not fill the JVM's string pool with member names
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            // the byte path is UTF-8 as configured, its BOM already removed: no guessing UTF-16/32 from zero bytes
            .disable(JsonFactory.Feature.CHARSET_DETECTION)
            .build();

    /** Jackson's "[Source: REDACTED (...); line: 1, column: 2]" says nothing to an operator but the position. */
    private static final java.util.regex.Pattern SOURCE_NOTE = java.util.regex.Pattern.compile("\\[Source: [^;\\]]*; ");

    private final JsonParser parser;
    /** The checked UTF-8 input of the byte path (for char columns), or null on the char path. */
    private final Utf8CheckedInput bytes;
    private final String recordsPath;
    private final List<String> segments = new ArrayList<>();
    /** The configured paths as a tree of member names, so a member is matched without building its path. */
    private final Member root = new Member(-1);
    private boolean located;

    /**
     * Opens a json feed in the vendor's encoding: UTF-8 (the default, and JSON's own by RFC 8259)
     * goes to Jackson's byte parser through {@link Utf8CheckedInput}; every other encoding is decoded
     * to chars by {@link FeedDecoder} first. Both give the same records and failures; a few syntax
     * errors are worded differently by Jackson's two parsers (docs/ENGINE.md#vendor-file-formats).
     */
    static JsonRecords open(java.io.InputStream feed, String encoding, String recordsPath, List<String> names,
                            Set<String> required, String vendorId) throws IOException {
        if (FeedCharsets.resolve(encoding) == FeedCharsets.UTF_8) {
            return new JsonRecords(new Utf8CheckedInput(feed, vendorId, false), recordsPath, names, required, vendorId);
        }
        return new JsonRecords(FeedDecoder.open(feed, encoding, vendorId, false), recordsPath, names, required, vendorId);
    }

    /** The char path: any encoding, decoded by {@code source}. */
    JsonRecords(CharSource source, String recordsPath, List<String> names, Set<String> required, String vendorId)
            throws IOException {
        this(recordsPath, names, required, vendorId, FACTORY.createParser(new CharSourceReader(source)), null);
    }

    /** The byte path: UTF-8 checked by {@code bytes}. */
    JsonRecords(Utf8CheckedInput bytes, String recordsPath, List<String> names, Set<String> required, String vendorId)
            throws IOException {
        this(recordsPath, names, required, vendorId, FACTORY.createParser(bytes), bytes);
    }

    private JsonRecords(String recordsPath, List<String> names, Set<String> required, String vendorId, JsonParser parser,
                        Utf8CheckedInput bytes) {
        super(names, required, vendorId);
        this.recordsPath = recordsPath;
        // "$[*]" or "$.a.b[*]" (checked by the configuration)
        String members = recordsPath.substring(1, recordsPath.length() - 3);
        if (!members.isEmpty()) segments.addAll(Arrays.asList(members.substring(1).split("\\.")));
        for (int i = 0; i < names.size(); i++) root.add(names.get(i), i);
        this.parser = parser;
        this.bytes = bytes;
    }

    @Override
    protected boolean readRecord() throws IOException, EngineFailure {
        try {
            if (!located) {
                located = true;
                locate();
            }
            JsonToken t = parser.nextToken();
            if (t == JsonToken.END_ARRAY) return false;
            if (t == JsonToken.START_OBJECT) {
                readObject(root, "");
            } else {
                problem = "record is " + describe(t) + ", not an object";
                if (t != null && t.isStructStart()) parser.skipChildren();
            }
            return true;
        } catch (IOException e) {
            throw translated(e);
        }
    }

    @Override
    protected void finish() throws IOException, EngineFailure {
        try {
            while (!parser.getParsingContext().inRoot()) {
                if (parser.nextToken() == null) break;
            }
            if (parser.nextToken() != null) {
                throw failure("unexpected content after the end of the JSON document", parser.currentTokenLocation());
            }
        } catch (IOException e) {
            throw translated(e);
        }
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /** Moves to the START_ARRAY of the records, or fails saying where the path stops matching. */
    private void locate() throws IOException, EngineFailure {
        JsonToken t = parser.nextToken();
        if (t == null) throw failure("the file is empty", null);
        StringBuilder at = new StringBuilder("$");
        for (String segment : segments) {
            if (t != JsonToken.START_OBJECT) {
                throw failure("records_path " + recordsPath + " does not match: " + at + " is " + describe(t)
                        + ", not an object", parser.currentTokenLocation());
            }
            boolean found = false;
            while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
                String name = parser.currentName();
                t = parser.nextToken();
                if (segment.equals(name)) {
                    found = true;
                    break;
                }
                parser.skipChildren();
            }
            if (!found) {
                throw failure("records_path " + recordsPath + " does not match: " + at + " has no member '"
                        + RowError.clip(segment) + "'", parser.currentTokenLocation());
            }
            at.append('.').append(segment);
        }
        if (t != JsonToken.START_ARRAY) {
            throw failure("records_path " + recordsPath + " does not match: " + at + " is " + describe(t)
                    + ", not an array", parser.currentTokenLocation());
        }
    }

    /**
     * Reads the members of the object at {@code at} ({@code path} its dotted path, built only when it
     * is needed: for the first record's names and for a row error).
     */
    private void readObject(Member at, String path) throws IOException {
        String name;
        // null at the END_OBJECT, or at the end of input inside a record (the next read reports it);
        // nextFieldName() is Jackson's fast path for a member name
        while ((name = parser.nextFieldName()) != null) {
            JsonToken v = parser.nextToken();
            if (recordingNames()) sawName(path.isEmpty() ? name : path + '.' + name);
            Member m = at.child(name);
            if (m != null && m.index >= 0) {
                if (v.isScalarValue()) {
                    if (v == JsonToken.VALUE_NULL) {
                        setValue(m.index, NO_CHARS, 0, 0);
                    } else {
                        setValue(m.index, parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                    }
                } else {
                    if (problem == null) {
                        problem = RowError.clip(path.isEmpty() ? name : path + '.' + name) + " is " + describe(v) + ", not a value";
                    }
                    parser.skipChildren();
                }
            } else if (v == JsonToken.START_OBJECT && m != null && m.children != null) {
                readObject(m, path.isEmpty() ? name : path + '.' + name);
            } else if (v.isStructStart()) {
                parser.skipChildren();
            }
        }
    }

    private static final char[] NO_CHARS = new char[0];

    /**
     * One member name of the configured paths: {@code price.amount} is member {@code amount} of
     * member {@code price}. Jackson hands out the same canonical String for a repeated member name,
     * so the child lookup hashes nothing new and compares by identity first.
     */
    private static final class Member {
        /** Member names cached per level: a record's names, and a bounded few of a hostile feed's. */
        private static final int SEEN = 16;

        /** The configured name's value position, or -1 when only a prefix of configured paths. */
        int index;
        java.util.Map<String, Member> children;
        private final String[] seenNames = new String[SEEN];
        private final Member[] seenMembers = new Member[SEEN];
        private int seenCount;

        Member(int index) {
            this.index = index;
        }

        /**
         * The member {@code name} leads to: paths are matched as dotted strings (docs/ENGINE.md#vendor-file-formats),
         * so a member name with a dot ({@code "price.amount": 1}) matches the configured path too.
         */
        Member child(String name) {
            if (children == null) return null;
            // Jackson hands out one canonical String per distinct member name: the names seen first
            // at this level are matched by identity, without hashing or comparing their chars
            for (int k = 0; k < seenCount; k++) {
                if (seenNames[k] == name) return seenMembers[k];
            }
            Member m = lookUp(name);
            if (seenCount < SEEN) {
                seenNames[seenCount] = name;
                seenMembers[seenCount++] = m;
            }
            return m;
        }

        private Member lookUp(String name) {
            Member m = children.get(name);
            if (m != null || name.indexOf('.') < 0) return m;
            m = this;
            for (String part : name.split("\\.", -1)) {
                m = m.children == null ? null : m.children.get(part);
                if (m == null) return null;
            }
            return m;
        }

        void add(String path, int position) {
            Member m = this;
            for (String part : path.split("\\.", -1)) {
                if (m.children == null) m.children = new java.util.HashMap<>();
                m = m.children.computeIfAbsent(part, p -> new Member(-1));
            }
            m.index = position;
        }
    }

    /** Jackson's byte parser on a non-ASCII character where JSON allows none: it names a byte of it. */
    private static final java.util.regex.Pattern BYTE_NAMED = java.util.regex.Pattern.compile(
            "^(?:Invalid UTF-8 (?:start|middle) byte 0x\\p{XDigit}+|Unexpected character \\('.' \\(code (?:12[89]|1[3-9]\\d|2[0-5]\\d)\\)\\))");

    /**
     * On the byte path, a message that names a byte of a valid UTF-8 character (the input is
     * checked, so it is never invalid UTF-8) names the character instead, as the char path would.
     */
    private String named(String message, JsonLocation where) {
        if (bytes == null || message == null || where == null || where.getByteOffset() < 0) return message;
        java.util.regex.Matcher m = BYTE_NAMED.matcher(message);
        if (!m.find()) return message;
        int cp = bytes.codePointBefore(where.getByteOffset());
        if (cp < 0) return message;
        // worded as Jackson's char parser describes a character
        String code = cp > 255 ? cp + " / 0x" + Integer.toHexString(cp) : String.valueOf(cp);
        return "Unexpected character ('" + new String(Character.toChars(cp)) + "' (code " + code + "))" + message.substring(m.end());
    }

    /** The column in chars, as the char path counts it: the byte parser counts bytes. */
    private int column(JsonLocation where) {
        if (bytes == null || where.getByteOffset() < 0) return where.getColumnNr();
        return bytes.charColumn(where.getByteOffset(), where.getColumnNr());
    }

    private static String describe(JsonToken t) {
        if (t == null) return "missing";
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    /** Jackson's limit and syntax errors, and a decoding error, as the vendor's failure; other I/O errors as they are. */
    private EngineFailure translated(IOException e) throws IOException {
        if (e instanceof StreamConstraintsException c) return failure("limit exceeded: " + c.getOriginalMessage(), c.getLocation());
        if (e instanceof JsonProcessingException p) return failure(named(p.getOriginalMessage(), p.getLocation()), p.getLocation());
        return decodeOr(e);
    }

    private EngineFailure decodeOr(IOException e) throws IOException {
        EngineFailure decode = CharSourceReader.decodeFailure(e);
        if (decode != null) return decode;
        throw e;
    }

    private EngineFailure failure(String what, JsonLocation where) {
        String at = where == null || where.getLineNr() < 0 ? ""
                : " (line " + where.getLineNr() + ", column " + column(where) + ")";
        return new EngineFailure(ERROR_CODE, "NORMALIZE", "json parse error for vendor " + vendorId + ": "
                + RowError.clip(SOURCE_NOTE.matcher(String.valueOf(what)).replaceAll("[")) + at, vendorId);
    }
}
