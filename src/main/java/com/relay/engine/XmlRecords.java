package com.relay.engine;

import com.fasterxml.aalto.UncheckedStreamException;
import com.fasterxml.aalto.stax.InputFactoryImpl;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * An xml feed (docs/ENGINE.md#vendor-file-formats): {@code record_path} ({@code /feed/item}) names the record
 * elements by local name from the root; a column_map value names a child element of the record
 * (its text, descendants' text included) or an attribute of the record ({@code @sku}). StAX reads
 * one event at a time and only the text of configured children is kept, up to one char past the
 * cell limit. The parser is Aalto's byte parser, named here rather than found on the class path: it
 * parses the benchmark's xml in about two thirds of Woodstox's time (docs/PERFORMANCE.md#xml-with-aalto).
 * Every feed reaches it as checked UTF-8 bytes ({@link Utf8CheckedInput}), so one parser words
 * every error and its position whatever the encoding.
 *
 * <p>Hostile documents: a DOCTYPE fails the vendor before anything in it is used (no DTD, no
 * entity expansion, no external entity, so neither XXE nor "billion laughs": Aalto reports the
 * DOCTYPE before reading its internal subset, and refuses any entity reference it would have to
 * expand); elements nested deeper than {@value #MAX_DEPTH} fail it too. Broken XML fails with
 * {@code XML_PARSE_ERROR} and its line and column (in chars, as the text shows them).
 */
final class XmlRecords extends KeyedRecords {
    static final String ERROR_CODE = "XML_PARSE_ERROR";
    static final int MAX_DEPTH = 200;
    /** Aalto appends the location to its message; the failure names it as (line, column) instead. */
    private static final Pattern LOCATION_SUFFIX = Pattern.compile("(?s)^(.*?)\\s*\\n at \\[row,col[^]]*]: \\[\\d+,\\d+]\\s*$");
    /** Aalto's wording for an entity it would have to expand (none is declared: a DOCTYPE is refused). */
    private static final Pattern UNDECLARED_ENTITY = Pattern.compile(
            "General entity reference \\(&(.*);\\) encountered in entity expanding mode: operation not \\(yet\\) implemented");

    private final XMLStreamReader reader;
    /** The bytes Aalto reads, for the char column of the byte column it reports. */
    private final Utf8CheckedInput bytes;
    private XmlFeedStart start;
    private XmlTextBudget budget;
    private final String recordPath;
    private final String[] segments;
    /** Configured {@code @name}s without the {@code @}: attribute local name → value position. */
    private final Map<String, Integer> attributes = new HashMap<>();
    /** The text of the configured child being read, up to {@link #VALUE_KEEP} chars. */
    private char[] text = new char[256];
    private int textLength;
    /** True while the text read of the child so far is already its value in the store (one text event). */
    private boolean textIsValue;
    /**
     * The record's n-th child name and its field (-1: not configured), as last seen: children come
     * in the same order in every record, and Aalto gives a name as the same String each time, so an
     * identity match skips the map (about a fifth of the record reader's time on the benchmark's xml).
     */
    private final String[] childNames = new String[32];
    private final int[] childFields = new int[32];
    private int depth;
    private int matched;
    private boolean rootSeen;

    /**
     * Opens an xml feed in the vendor's encoding: UTF-8 (the default) goes to Aalto as its own bytes
     * through {@link Utf8CheckedInput}; every other encoding is decoded by {@link FeedDecoder} and
     * encoded again as UTF-8 ({@link CharSourceUtf8Input}). Either way the configured encoding is
     * the one used, never the XML declaration's ({@link XmlFeedStart}).
     */
    static XmlRecords open(java.io.InputStream feed, String encoding, String recordPath, List<String> names,
                           Set<String> required, String vendorId) throws EngineFailure {
        if (FeedCharsets.resolve(encoding) == FeedCharsets.UTF_8) {
            return new XmlRecords(new Utf8CheckedInput(feed, vendorId, false), recordPath, names, required, vendorId);
        }
        return new XmlRecords(FeedDecoder.open(feed, encoding, vendorId, false), recordPath, names, required, vendorId);
    }

    /** The char path: any encoding, decoded by {@code source}, reaches the parser as UTF-8 again. */
    XmlRecords(CharSource source, String recordPath, List<String> names, Set<String> required, String vendorId)
            throws EngineFailure {
        this(new Utf8CheckedInput(new CharSourceUtf8Input(source), vendorId, false), recordPath, names, required, vendorId);
    }

    private XmlRecords(Utf8CheckedInput bytes, String recordPath, List<String> names, Set<String> required,
                       String vendorId) throws EngineFailure {
        super(names, required, vendorId);
        this.recordPath = recordPath;
        this.segments = recordPath.substring(1).split("/");
        for (String name : names) {
            if (name.startsWith("@")) attributes.put(name.substring(1), index.get(name));
        }
        this.bytes = bytes;
        XMLInputFactory factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        try {
            this.start = XmlFeedStart.guard(bytes);
            this.budget = new XmlTextBudget(start.stream, vendorId);
            this.reader = factory.createXMLStreamReader(budget, "UTF-8");
        } catch (XMLStreamException e) {
            throw failure(e);
        } catch (XmlFeedStart.Refused r) {
            throw failure(r.getMessage(), r.line, r.column);
        } catch (IOException e) {
            EngineFailure decode = CharSourceReader.decodeFailure(e);
            throw decode != null ? decode : failure(e.getMessage() == null ? "unreadable feed" : e.getMessage(), -1, -1);
        }
    }

    @Override
    protected boolean readRecord() throws IOException, EngineFailure {
        try {
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD) throw doctype();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    enter();
                    String name = reader.getLocalName();
                    if (depth == 1) {
                        rootSeen = true;
                        if (!name.equals(segments[0])) {
                            throw failure("record_path " + recordPath + " does not match the root element <"
                                    + RowError.clip(name) + ">", reader.getLocation());
                        }
                    }
                    if (matched == depth - 1 && depth <= segments.length && name.equals(segments[depth - 1])) matched = depth;
                    if (matched == segments.length && depth == segments.length) {
                        readFields();
                        matched--;
                        depth--;
                        return true;
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    if (matched == depth) matched--;
                    depth--;
                }
            }
            if (!rootSeen) throw failure("the file has no root element", null);
            return false;
        } catch (XMLStreamException e) {
            throw failure(e);
        } catch (UncheckedStreamException e) {
            throw failure(e);
        }
    }

    /** At the START_ELEMENT of a record: its configured attributes, then the text of its configured children. */
    private void readFields() throws XMLStreamException, EngineFailure {
        for (int i = 0, n = reader.getAttributeCount(); i < n; i++) {
            if (recordingNames()) sawName("@" + reader.getAttributeLocalName(i));
            Integer position = attributes.get(reader.getAttributeLocalName(i));
            if (position != null) setValue(position, reader.getAttributeValue(i));
        }
        int level = 0;
        int field = -1;
        int child = 0;
        while (true) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> {
                    enter();
                    level++;
                    if (level == 1) {
                        String name = reader.getLocalName();
                        sawName(name);
                        field = fieldOf(name, child++);
                        textLength = 0;
                        textIsValue = false;
                    }
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (field >= 0 && textLength < VALUE_KEEP) {
                        // Aalto reads a text when asked for it; a CDATA section's is bounded while it does
                        if (event == XMLStreamConstants.CDATA) budget.readingCdata(true);
                        int n = Math.min(reader.getTextLength(), VALUE_KEEP - textLength);
                        budget.readingCdata(false);
                        if (textLength == 0 && !textIsValue) {
                            // the usual value, one text event: straight into the value store
                            setValue(field, reader.getTextCharacters(), reader.getTextStart(), n);
                            textIsValue = true;
                        } else {
                            if (textIsValue) {
                                // a value in pieces (CDATA, a comment, a child): gathered in text from here on
                                if (textLength > text.length) text = new char[Math.min(VALUE_KEEP, Math.max(2 * text.length, textLength))];
                                valueInto(field, text);
                                textIsValue = false;
                            }
                            if (textLength + n > text.length) {
                                text = java.util.Arrays.copyOf(text, Math.min(VALUE_KEEP, Math.max(2 * text.length, textLength + n)));
                            }
                            System.arraycopy(reader.getTextCharacters(), reader.getTextStart(), text, textLength, n);
                        }
                        textLength += n;
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (level == 0) return;
                    depth--;
                    if (level == 1 && field >= 0) {
                        if (!textIsValue) setValue(field, text, 0, textLength);
                        // a huge value is not kept past its element
                        if (text.length > 64 * 1024) text = new char[256];
                        field = -1;
                    }
                    level--;
                }
                case XMLStreamConstants.DTD -> throw doctype();
                case XMLStreamConstants.END_DOCUMENT -> {
                    return;
                }
                default -> {
                    // comments, processing instructions
                }
            }
        }
    }

    private int fieldOf(String name, int child) {
        if (child < childNames.length && childNames[child] == name) return childFields[child];
        Integer position = index.get(name);
        int field = position == null ? -1 : position;
        if (child < childNames.length) {
            childNames[child] = name;
            childFields[child] = field;
        }
        return field;
    }

    private void enter() throws EngineFailure {
        if (++depth > MAX_DEPTH) {
            throw failure("elements nested deeper than " + MAX_DEPTH + " levels", reader.getLocation());
        }
    }

    @Override
    protected void finish() throws IOException, EngineFailure {
        try {
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD) throw doctype();
                if (event == XMLStreamConstants.START_ELEMENT) enter();
                if (event == XMLStreamConstants.END_ELEMENT) depth--;
            }
        } catch (XMLStreamException e) {
            throw failure(e);
        } catch (UncheckedStreamException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } catch (XMLStreamException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private EngineFailure doctype() {
        return failure("the document has a DOCTYPE declaration: DTDs and entities are not allowed in vendor feeds",
                reader.getLocation());
    }

    /** Aalto parses a text lazily: its error comes from the text accessor, unchecked. */
    private EngineFailure failure(UncheckedStreamException e) {
        return e.getCause() instanceof XMLStreamException x ? failure(x) : failure(String.valueOf(e.getMessage()), null);
    }

    private EngineFailure failure(XMLStreamException e) {
        EngineFailure decode = CharSourceReader.decodeFailure(e);
        if (decode != null) return decode;
        String message = e.getMessage() == null ? "malformed XML" : e.getMessage();
        Matcher m = LOCATION_SUFFIX.matcher(message);
        if (m.matches()) message = m.group(1).trim();
        Matcher entity = UNDECLARED_ENTITY.matcher(message);
        if (entity.matches()) message = "undeclared entity &" + entity.group(1) + "; (vendor feeds may not declare entities)";
        return failure(message, e.getLocation());
    }

    /** Aalto reports a byte column; the failure gives the char column, as the text shows it. */
    private EngineFailure failure(String what, Location where) {
        if (where == null || where.getLineNumber() < 0) return failure(what, -1, -1);
        long offset = where.getCharacterOffset();
        int byteColumn = start == null ? where.getColumnNumber() : start.byteColumn(where.getLineNumber(), where.getColumnNumber(), offset);
        return failure(what, start == null ? where.getLineNumber() : start.line(where.getLineNumber(), offset),
                bytes.charColumn(offset, byteColumn));
    }

    private EngineFailure failure(String what, int line, int column) {
        String at = line < 0 ? "" : " (line " + line + ", column " + column + ")";
        return new EngineFailure(ERROR_CODE, "NORMALIZE", "xml parse error for vendor " + vendorId + ": "
                + RowError.clip(what) + at, vendorId);
    }
}
