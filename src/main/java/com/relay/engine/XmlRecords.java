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
 * every error and its position whatever the encoding. The usual record shape is read before Aalto
 * by {@link XmlRecordBytes}, which hands the rest of the document to Aalto at the first record it
 * does not take; Aalto's positions are then shifted back to the document's
 * (docs/PERFORMANCE.md#xml-the-byte-reader-for-the-usual-shape).
 *
 * <p>Hostile documents: a DOCTYPE fails the vendor before anything in it is used (no DTD, no
 * entity expansion, no external entity, so neither XXE nor "billion laughs": Aalto reports the
 * DOCTYPE before reading its internal subset, and refuses any entity reference it would have to
 * expand); elements nested deeper than {@value #MAX_DEPTH} fail it too. Broken XML fails with
 * {@code XML_PARSE_ERROR} and its line and column (in chars, as the text shows them).
 */
final class XmlRecords extends KeyedRecords implements XmlRecordBytes.Sink {
    static final String ERROR_CODE = "XML_PARSE_ERROR";
    static final int MAX_DEPTH = 200;
    /** Aalto appends the location to its message; the failure names it as (line, column) instead. */
    private static final Pattern LOCATION_SUFFIX = Pattern.compile("(?s)^(.*?)\\s*\\n at \\[row,col[^]]*]: \\[\\d+,\\d+]\\s*$");
    /** Aalto's wording for an entity it would have to expand (none is declared: a DOCTYPE is refused). */
    private static final Pattern UNDECLARED_ENTITY = Pattern.compile(
            "General entity reference \\(&(.*);\\) encountered in entity expanding mode: operation not \\(yet\\) implemented");

    private final XMLInputFactory factory;
    /** Aalto's reader: from the start, or from where {@link #fast} handed over (null until then). */
    private XMLStreamReader reader;
    /** The byte reader of the usual record shape, while it reads (docs/PERFORMANCE.md#xml-the-byte-reader-for-the-usual-shape). */
    private XmlRecordBytes fast;
    /** After a handover at a record: the prefix Aalto read first, and the document's offset, line and line start it resumed at. */
    private boolean shifted;
    private int prefixLength;
    private long resumeOffset;
    private int resumeLine;
    private long resumeLineStart;
    /** The byte reader's child names as last seen (bytes, String): children come in the same order in every record. */
    private final byte[][] childBytes = new byte[32][];
    private final String[] childStrings = new String[32];
    /** Names of the first record's children, reported once the byte reader has read all of it. */
    private final List<String> firstNames = new java.util.ArrayList<>();
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
                           Set<String> required, String vendorId) throws IOException, EngineFailure {
        if (FeedCharsets.resolve(encoding) == FeedCharsets.UTF_8) {
            return new XmlRecords(new Utf8CheckedInput(feed, vendorId, false), recordPath, names, required, vendorId, true);
        }
        return new XmlRecords(FeedDecoder.open(feed, encoding, vendorId, false), recordPath, names, required, vendorId);
    }

    /** As {@link #open} for UTF-8, read by Aalto alone: the oracle the byte reader is tested against. */
    static XmlRecords openAaltoOnly(java.io.InputStream feed, String recordPath, List<String> names, Set<String> required,
                                    String vendorId) throws IOException, EngineFailure {
        return new XmlRecords(new Utf8CheckedInput(feed, vendorId, false), recordPath, names, required, vendorId, false);
    }

    /** The char path: any encoding, decoded by {@code source}, reaches the parser as UTF-8 again. */
    XmlRecords(CharSource source, String recordPath, List<String> names, Set<String> required, String vendorId)
            throws IOException, EngineFailure {
        this(new Utf8CheckedInput(new CharSourceUtf8Input(source), vendorId, false), recordPath, names, required, vendorId, true);
    }

    private XmlRecords(Utf8CheckedInput bytes, String recordPath, List<String> names, Set<String> required,
                       String vendorId, boolean byteReader) throws IOException, EngineFailure {
        super(names, required, vendorId);
        this.recordPath = recordPath;
        this.segments = recordPath.substring(1).split("/");
        for (String name : names) {
            if (name.startsWith("@")) attributes.put(name.substring(1), index.get(name));
        }
        this.bytes = bytes;
        XMLInputFactory factory = new InputFactoryImpl();
        this.factory = factory;
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        try {
            this.start = XmlFeedStart.guard(bytes);
            this.budget = new XmlTextBudget(start.stream, vendorId);
            if (byteReader && segments.length < MAX_DEPTH && attributes.isEmpty()) {
                fast = new XmlRecordBytes(budget, segments);
                if (!fast.start()) handOver();
            } else {
                this.reader = factory.createXMLStreamReader(budget, "UTF-8");
            }
        } catch (XMLStreamException e) {
            throw failure(e);
        } catch (XmlFeedStart.Refused r) {
            throw failure(r.getMessage(), r.line, r.column);
        } catch (IOException e) {
            EngineFailure decode = CharSourceReader.decodeFailure(e);
            if (decode != null) throw decode;
            throw e;
        }
    }

    @Override
    protected boolean readRecord() throws IOException, EngineFailure {
        try {
            if (fast != null) {
                if (readFast()) return true;
                handOver();
            }
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

    /** A record read by the byte reader; false when Aalto reads from here on. */
    private boolean readFast() throws IOException, EngineFailure {
        if (!firstNames.isEmpty()) firstNames.clear();
        try {
            if (!fast.next(this)) return false;
        } catch (IOException e) {
            EngineFailure decode = CharSourceReader.decodeFailure(e);
            if (decode != null) throw decode;
            throw e;
        }
        // an indexed loop: an iterator per record showed in the profile
        for (int i = 0; i < firstNames.size(); i++) sawName(firstNames.get(i));
        return true;
    }

    /** Aalto reads on from the byte reader's last record boundary (or the document's start), its positions shifted back. */
    private void handOver() throws XMLStreamException {
        XmlRecordBytes from = fast;
        fast = null;
        int open = from.openElements();
        prefixLength = from.prefixLength();
        resumeOffset = from.resumeOffset();
        resumeLine = from.resumeLine();
        resumeLineStart = from.resumeLineStart();
        reader = factory.createXMLStreamReader(from.handover(), "UTF-8");
        if (open == 0) return;
        shifted = true;
        for (int i = 0; i < open; i++) reader.next(); // the prefix's start tags: the path, open again
        depth = open;
        matched = open;
        rootSeen = true;
    }

    @Override
    public int field(byte[] b, int off, int len, int child) {
        String name;
        if (child < childBytes.length && childBytes[child] != null && java.util.Arrays.equals(childBytes[child], 0,
                childBytes[child].length, b, off, off + len)) {
            name = childStrings[child];
        } else {
            name = new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (child < childBytes.length) {
                childBytes[child] = java.util.Arrays.copyOfRange(b, off, off + len);
                childStrings[child] = name;
            }
        }
        if (recordingNames()) firstNames.add(name);
        return fieldOf(name, child);
    }

    @Override
    public void value(int field, char[] chars, int off, int len) {
        setValue(field, chars, off, len);
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
            if (fast != null) handOver();
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
            if (reader != null) reader.close();
        } catch (XMLStreamException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private EngineFailure doctype() {
        return failure("the document has a DOCTYPE declaration: DTDs and entities are not allowed in vendor feeds",
                reader.getLocation());
    }

    /**
     * The feed's stream failing under Aalto (a dropped connection, a disk error), which Aalto wraps
     * in its XMLStreamException: thrown as it is, as the byte reader and the csv and json readers
     * throw it, so the run retries it rather than blaming the vendor's file.
     */
    private static IOException readFailure(Throwable e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException io) return io;
        }
        return null;
    }

    /** Aalto parses a text lazily: its error comes from the text accessor, unchecked. */
    private EngineFailure failure(UncheckedStreamException e) throws IOException {
        return e.getCause() instanceof XMLStreamException x ? failure(x) : failure(String.valueOf(e.getMessage()), null);
    }

    private EngineFailure failure(XMLStreamException e) throws IOException {
        EngineFailure decode = CharSourceReader.decodeFailure(e);
        if (decode != null) return decode;
        IOException read = readFailure(e);
        if (read != null) throw read;
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
        int aaltoLine = where.getLineNumber();
        int aaltoColumn = where.getColumnNumber();
        if (shifted && offset >= prefixLength) {
            // where Aalto alone would have reported it: the prefix out, the document's bytes before the record in
            offset = offset - prefixLength + resumeOffset;
            if (aaltoLine == 1) {
                aaltoColumn = (int) (offset - resumeLineStart) + 1;
                aaltoLine = resumeLine;
            } else {
                aaltoLine = resumeLine + aaltoLine - 1;
            }
        }
        return failure(what, aaltoLine, aaltoColumn, offset);
    }

    private EngineFailure failure(String what, int aaltoLine, int aaltoColumn, long offset) {
        int byteColumn = start == null ? aaltoColumn : start.byteColumn(aaltoLine, aaltoColumn, offset);
        return failure(what, start == null ? aaltoLine : start.line(aaltoLine, offset), bytes.charColumn(offset, byteColumn));
    }

    private EngineFailure failure(String what, int line, int column) {
        String at = line < 0 ? "" : " (line " + line + ", column " + column + ")";
        return new EngineFailure(ERROR_CODE, "NORMALIZE", "xml parse error for vendor " + vendorId + ": "
                + RowError.clip(what) + at, vendorId);
    }
}
