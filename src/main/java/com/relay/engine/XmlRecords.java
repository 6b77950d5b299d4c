package com.relay.engine;

import com.ctc.wstx.stax.WstxInputFactory;

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
 * cell limit. The parser is Woodstox's, named here rather than found on the class path: it read the
 * benchmark's xml 7-11% faster than the JDK's (docs/PERFORMANCE.md#vendor-file-formats-issue-20), and
 * its DTD and entity switches are the ones the hostile-input tests exercise.
 *
 * <p>Hostile documents: a DOCTYPE fails the vendor before anything in it is used (no DTD, no
 * entity expansion, no external entity, so neither XXE nor "billion laughs"); elements nested
 * deeper than {@value #MAX_DEPTH} fail it too. Broken XML fails with {@code XML_PARSE_ERROR} and its
 * line and column.
 */
final class XmlRecords extends KeyedRecords {
    static final String ERROR_CODE = "XML_PARSE_ERROR";
    static final int MAX_DEPTH = 200;
    /** Woodstox appends the location to its message; the failure names it as (line, column) instead. */
    private static final Pattern LOCATION_SUFFIX = Pattern.compile("(?s)^(.*?)\\s*\\n at \\[row,col[^]]*]: \\[\\d+,\\d+]\\s*$");

    private final XMLStreamReader reader;
    private final String recordPath;
    private final String[] segments;
    /** Configured {@code @name}s without the {@code @}: attribute local name → value position. */
    private final Map<String, Integer> attributes = new HashMap<>();
    /** The text of the configured child being read, up to {@link #VALUE_KEEP} chars. */
    private char[] text = new char[256];
    private int textLength;
    private int depth;
    private int matched;
    private boolean rootSeen;

    /**
     * Opens an xml feed in the vendor's encoding: UTF-8 (the default) goes to Woodstox as bytes
     * through {@link Utf8CheckedInput}, decoded by Woodstox's own UTF-8 reader, which parses the
     * benchmark's xml about a quarter faster than over {@link FeedDecoder}'s chars
     * (docs/PERFORMANCE.md#vendor-file-formats-issue-20); every other encoding is decoded by
     * {@link FeedDecoder} first. Either way the configured encoding is the one used, never the XML
     * declaration's (Woodstox is given it explicitly).
     */
    static XmlRecords open(java.io.InputStream feed, String encoding, String recordPath, List<String> names,
                           Set<String> required, String vendorId) throws EngineFailure {
        if (FeedCharsets.resolve(encoding) == FeedCharsets.UTF_8) {
            return new XmlRecords(null, new Utf8CheckedInput(feed, vendorId, false), recordPath, names, required, vendorId);
        }
        return new XmlRecords(FeedDecoder.open(feed, encoding, vendorId, false), null, recordPath, names, required, vendorId);
    }

    /** The char path: any encoding, decoded by {@code source}. */
    XmlRecords(CharSource source, String recordPath, List<String> names, Set<String> required, String vendorId)
            throws EngineFailure {
        this(source, null, recordPath, names, required, vendorId);
    }

    private XmlRecords(CharSource source, Utf8CheckedInput bytes, String recordPath, List<String> names, Set<String> required,
                       String vendorId) throws EngineFailure {
        super(names, required, vendorId);
        this.recordPath = recordPath;
        this.segments = recordPath.substring(1).split("/");
        for (String name : names) {
            if (name.startsWith("@")) attributes.put(name.substring(1), index.get(name));
        }
        XMLInputFactory factory = new WstxInputFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        try {
            this.reader = bytes != null ? factory.createXMLStreamReader(bytes, "UTF-8")
                    : factory.createXMLStreamReader(new CharSourceReader(source));
        } catch (XMLStreamException e) {
            throw failure(e);
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
        while (true) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> {
                    enter();
                    level++;
                    if (level == 1) {
                        sawName(reader.getLocalName());
                        Integer position = index.get(reader.getLocalName());
                        field = position == null ? -1 : position;
                        textLength = 0;
                    }
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (field >= 0 && textLength < VALUE_KEEP) {
                        int n = Math.min(reader.getTextLength(), VALUE_KEEP - textLength);
                        if (textLength + n > text.length) {
                            text = java.util.Arrays.copyOf(text, Math.min(VALUE_KEEP, Math.max(2 * text.length, textLength + n)));
                        }
                        System.arraycopy(reader.getTextCharacters(), reader.getTextStart(), text, textLength, n);
                        textLength += n;
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (level == 0) return;
                    depth--;
                    if (level == 1 && field >= 0) {
                        setValue(field, text, 0, textLength);
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

    private EngineFailure failure(XMLStreamException e) {
        EngineFailure decode = CharSourceReader.decodeFailure(e);
        if (decode != null) return decode;
        String message = e.getMessage() == null ? "malformed XML" : e.getMessage();
        Matcher m = LOCATION_SUFFIX.matcher(message);
        if (m.matches()) message = m.group(1).trim();
        return failure(message, e.getLocation());
    }

    private EngineFailure failure(String what, Location where) {
        String at = where == null || where.getLineNumber() < 0 ? ""
                : " (line " + where.getLineNumber() + ", column " + where.getColumnNumber() + ")";
        return new EngineFailure(ERROR_CODE, "NORMALIZE", "xml parse error for vendor " + vendorId + ": "
                + RowError.clip(what) + at, vendorId);
    }
}
