package com.relay.engine;

import com.github.pjfanning.xlsx.XmlUtils;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.io.input.BoundedInputStream;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.util.XMLHelper;

/**
 * The parts of a workbook package of the usual shape, found by reading its four small package parts
 * with StAX, where POI's {@code OPCPackage} and excel-streaming-reader's {@code OoxmlReader} parse
 * every part name, relationship and content type into DOM trees and URIs. That code runs twice per
 * feed and no more, so the JIT never finishes with it: it was a tenth of an xlsx feed's time
 * (docs/PERFORMANCE.md#xlsx-opening-the-package-without-poi).
 *
 * <p>{@link #read} answers only for a package it can answer for exactly as POI would: transitional
 * OOXML, plain ASCII part names that are unique without regard to case, a content type for every
 * part, relationships whose targets are plain paths, and a workbook whose every sheet is a worksheet
 * in the zip. For anything else it answers null and the caller opens the package through POI, as
 * before, so a package of another shape reads, or fails, as it always did.
 */
final class XlsxPackage {
    private static final String CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types";
    private static final String RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
    private static final String MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private static final String DOCUMENT_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private static final String OFFICE_DOCUMENT = DOCUMENT_RELATIONSHIPS_NS + "/officeDocument";
    private static final String WORKSHEET = DOCUMENT_RELATIONSHIPS_NS + "/worksheet";
    private static final String SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml";
    private static final String CONTENT_TYPES_PART = "[Content_Types].xml";

    /**
     * POI's hardened StAX factory, made once (looking the implementation up costs as much as reading
     * a small part); configured here and never after, so readers are made from it on any thread.
     */
    static final XMLInputFactory XML = XMLHelper.newXMLInputFactory();

    /** The workbook's sheets, in workbook order. */
    final List<String> sheetNames;
    /** The worksheet entry of each sheet, in the same order. */
    final List<ZipArchiveEntry> sheetEntries;
    /** Whether the workbook counts dates from 1904 (its workbookPr's date1904). */
    final boolean date1904;
    /** The part with the shared-strings content type; null when there is none. */
    final ZipArchiveEntry sharedStrings;

    private XlsxPackage(List<String> sheetNames, List<ZipArchiveEntry> sheetEntries, boolean date1904, ZipArchiveEntry sharedStrings) {
        this.sheetNames = sheetNames;
        this.sheetEntries = sheetEntries;
        this.date1904 = date1904;
        this.sharedStrings = sharedStrings;
    }

    /** A relationship; {@code target} is the part's zip entry name, null when it is external or not a plain path. */
    private record Relationship(String id, String type, String target) {}

    /** Thrown inside the reader for a package of another shape; never leaves {@link #read}. */
    private static final class OtherShape extends Exception {
        OtherShape() {
            super(null, null, false, false);
        }
    }

    /** The package's sheets, dates and shared strings, or null when the package is not of the usual shape (see the class comment). */
    static XlsxPackage read(ZipFile zip) {
        try {
            return readUsual(zip);
        } catch (OtherShape | IOException | XMLStreamException | RuntimeException otherShape) {
            return null; // POI opens it and reads it, or reports what is wrong with it, as it always did
        }
    }

    private static XlsxPackage readUsual(ZipFile zip) throws OtherShape, IOException, XMLStreamException {
        Map<String, ZipArchiveEntry> entries = new HashMap<>();
        Set<String> lowerCase = new HashSet<>();
        int count = 0;
        for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
            if (++count > ZipSecureFile.getMaxFileCount()) throw new OtherShape(); // POI's limit, and its message
            String name = entry.getName();
            if (entry.isDirectory()) continue;
            if (!name.equals(CONTENT_TYPES_PART) && !plainName(name)) throw new OtherShape();
            if (!lowerCase.add(name.toLowerCase(Locale.ROOT))) throw new OtherShape();
            entries.put(name, entry);
        }
        Map<String, String> contentTypes = contentTypes(zip, entry(entries, CONTENT_TYPES_PART), entries.keySet());
        Relationship document = null;
        for (Relationship r : relationships(zip, entries, "", "_rels/.rels")) {
            if (r.type().equals(OFFICE_DOCUMENT)) {
                document = r;
                break; // POI takes the first
            }
        }
        if (document == null || document.target() == null) throw new OtherShape();
        String workbook = document.target();
        entry(entries, workbook);
        int slash = workbook.lastIndexOf('/');
        String dir = workbook.substring(0, slash + 1);
        Map<String, Relationship> workbookRelationships = new HashMap<>();
        for (Relationship r : relationships(zip, entries, dir, dir + "_rels/" + workbook.substring(slash + 1) + ".rels")) {
            workbookRelationships.putIfAbsent(r.id(), r);
        }
        List<String> names = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        boolean date1904 = readWorkbook(zip, entry(entries, workbook), names, ids);
        List<ZipArchiveEntry> sheets = new ArrayList<>(ids.size());
        for (String id : ids) {
            Relationship r = workbookRelationships.get(id);
            if (r == null || !r.type().equals(WORKSHEET) || r.target() == null) throw new OtherShape();
            sheets.add(entry(entries, r.target()));
        }
        ZipArchiveEntry sharedStrings = null;
        for (Map.Entry<String, String> type : contentTypes.entrySet()) {
            if (type.getValue().equals(SHARED_STRINGS_TYPE)) {
                if (sharedStrings != null) throw new OtherShape(); // POI takes the first by its order of part names
                sharedStrings = entries.get(type.getKey());
            }
        }
        return new XlsxPackage(List.copyOf(names), List.copyOf(sheets), date1904, sharedStrings);
    }

    /**
     * The largest package part read here: the four are a few KiB in any workbook, and this bounds what
     * their names, types and relationships hold in memory; a larger one is left to POI.
     */
    static final int MAX_PART = 1 << 22;

    /** A package part's bytes (under POI's zip-bomb limits), failing past {@link #MAX_PART}. */
    private static InputStream part(ZipFile zip, ZipArchiveEntry entry) throws IOException {
        return BoundedInputStream.builder().setInputStream(XlsxSheetStream.checked(zip, entry)).setMaxCount(MAX_PART)
                .setOnMaxCount((max, count) -> {
                    throw new IOException("a package part over " + max + " bytes");
                }).get();
    }

    private static ZipArchiveEntry entry(Map<String, ZipArchiveEntry> entries, String name) throws OtherShape {
        ZipArchiveEntry entry = entries.get(name);
        if (entry == null) throw new OtherShape();
        return entry;
    }

    /**
     * Each part's content type (its Override, else the Default of its extension), keyed by entry name;
     * a part without one is of another shape (POI rejects it).
     */
    private static Map<String, String> contentTypes(ZipFile zip, ZipArchiveEntry part, Set<String> names)
            throws OtherShape, IOException, XMLStreamException {
        Map<String, String> defaults = new HashMap<>();
        Map<String, String> overrides = new HashMap<>();
        readChildren(zip, part, CONTENT_TYPES_NS, "Types", xml -> {
            String type = attribute(xml, "ContentType");
            if (xml.getLocalName().equals("Default")) {
                defaults.put(attribute(xml, "Extension").toLowerCase(Locale.ROOT), type);
            } else if (xml.getLocalName().equals("Override")) {
                String partName = attribute(xml, "PartName");
                if (!partName.startsWith("/")) throw new OtherShape();
                overrides.put(partName.substring(1).toLowerCase(Locale.ROOT), type);
            } else {
                throw new OtherShape();
            }
        });
        Map<String, String> types = new HashMap<>();
        for (String name : names) {
            if (name.equals(CONTENT_TYPES_PART)) continue;
            String type = overrides.get(name.toLowerCase(Locale.ROOT));
            if (type == null) {
                int dot = name.lastIndexOf('.');
                type = dot > name.lastIndexOf('/') ? defaults.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)) : null;
            }
            if (type == null) throw new OtherShape();
            types.put(name, type);
        }
        return types;
    }

    /**
     * A part's relationships, targets resolved against {@code dir} (the source part's directory); a
     * missing relationships part is of another shape (POI then says what it misses).
     */
    private static List<Relationship> relationships(ZipFile zip, Map<String, ZipArchiveEntry> entries, String dir, String part)
            throws OtherShape, IOException, XMLStreamException {
        ZipArchiveEntry entry = entries.get(part);
        if (entry == null) throw new OtherShape(); // POI finds no document, or no sheet: it says which
        List<Relationship> relationships = new ArrayList<>();
        readChildren(zip, entry, RELATIONSHIPS_NS, "Relationships", xml -> {
            if (!xml.getLocalName().equals("Relationship")) throw new OtherShape();
            String mode = xml.getAttributeValue(null, "TargetMode");
            String target = attribute(xml, "Target");
            String resolved = target.startsWith("/") ? target.substring(1) : dir + target;
            boolean plain = (mode == null || mode.equals("Internal")) && plainName(resolved);
            relationships.add(new Relationship(attribute(xml, "Id"), attribute(xml, "Type"), plain ? resolved : null));
            if (relationships.size() > ZipSecureFile.getMaxFileCount()) throw new OtherShape();
        });
        return relationships;
    }

    private interface Child {
        void read(XMLStreamReader xml) throws OtherShape;
    }

    /**
     * Reads a part that is a root element {@code root} holding elements without children, all in {@code namespace}
     * (content types, relationships): each child goes to {@code child} at its start tag; anything else is of another shape.
     */
    private static void readChildren(ZipFile zip, ZipArchiveEntry part, String namespace, String root, Child child)
            throws OtherShape, IOException, XMLStreamException {
        try (InputStream in = part(zip, part)) {
            XMLStreamReader xml = XML.createXMLStreamReader(in);
            try {
                int depth = 0;
                while (xml.hasNext()) {
                    int event = xml.next();
                    if (event == XMLStreamConstants.END_ELEMENT) depth--;
                    if (event != XMLStreamConstants.START_ELEMENT) continue;
                    depth++;
                    if (!namespace.equals(xml.getNamespaceURI())) throw new OtherShape();
                    if (depth == 1 && xml.getLocalName().equals(root)) continue;
                    if (depth != 2) throw new OtherShape();
                    child.read(xml);
                }
            } finally {
                xml.close();
            }
        }
    }

    /**
     * Reads workbook.xml: each sheet's name and relationship id into {@code names} and {@code ids}; returns date1904.
     * Only the transitional workbook whose every {@code sheet} element is a plain {@code /workbook/sheets/sheet}
     * with one name and one r:id is of the usual shape: POI's reader takes any element named sheet, in any
     * namespace and case, and its first attributes named name and id in any namespace.
     */
    private static boolean readWorkbook(ZipFile zip, ZipArchiveEntry part, List<String> names, List<String> ids)
            throws OtherShape, IOException, XMLStreamException {
        boolean date1904 = false;
        boolean workbookPr = false;
        try (InputStream in = part(zip, part)) {
            XMLStreamReader xml = XML.createXMLStreamReader(in);
            try {
                int depth = 0;
                boolean inSheets = false;
                while (xml.hasNext()) {
                    int event = xml.next();
                    if (event == XMLStreamConstants.END_ELEMENT) {
                        if (depth == 2) inSheets = false;
                        depth--;
                    }
                    if (event != XMLStreamConstants.START_ELEMENT) continue;
                    depth++;
                    String name = xml.getLocalName();
                    boolean main = MAIN_NS.equals(xml.getNamespaceURI());
                    if (depth == 1) {
                        if (!main || !name.equals("workbook")) throw new OtherShape();
                    } else if (depth == 2 && main && name.equals("workbookPr") && !workbookPr) {
                        workbookPr = true; // the first one counts
                        for (int i = 0; i < xml.getAttributeCount(); i++) {
                            if (xml.getAttributeLocalName(i).equals("date1904") && xml.getAttributePrefix(i).isEmpty()) {
                                date1904 = XmlUtils.evaluateBoolean(xml.getAttributeValue(i));
                            }
                        }
                    } else if (depth == 2 && main && name.equals("sheets")) {
                        inSheets = true;
                    } else if (name.equalsIgnoreCase("sheet")) {
                        if (!(depth == 3 && inSheets && main && name.equals("sheet"))) throw new OtherShape();
                        sheet(xml, names, ids);
                        if (names.size() > ZipSecureFile.getMaxFileCount()) throw new OtherShape();
                    }
                }
            } finally {
                xml.close();
            }
        }
        return date1904;
    }

    private static void sheet(XMLStreamReader xml, List<String> names, List<String> ids) throws OtherShape {
        String name = null;
        String id = null;
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            String local = xml.getAttributeLocalName(i);
            if (local.equalsIgnoreCase("name")) {
                if (name != null || !local.equals("name") || !xml.getAttributePrefix(i).isEmpty()) throw new OtherShape();
                name = xml.getAttributeValue(i);
            } else if (local.equalsIgnoreCase("id")) {
                if (id != null || !local.equals("id") || !DOCUMENT_RELATIONSHIPS_NS.equals(xml.getAttributeNamespace(i))) {
                    throw new OtherShape();
                }
                id = xml.getAttributeValue(i);
            }
        }
        if (name == null || id == null || id.isEmpty()) throw new OtherShape();
        names.add(name);
        ids.add(id);
    }

    /**
     * Whether a part name (or a relationship's resolved target) is one this reader takes as it is: segments of
     * ASCII letters, digits, {@code _}, {@code -} and dots, none ending in a dot ({@code _rels/.rels} is one):
     * no escape, no {@code .} or {@code ..} segment, no empty segment.
     */
    static boolean plainName(String name) {
        int segmentStart = 0;
        for (int i = 0, n = name.length(); i <= n; i++) {
            char c = i < n ? name.charAt(i) : '/';
            if (c == '/') {
                if (i == segmentStart || name.charAt(i - 1) == '.') return false; // empty, or . or .., or a dot at the end (OPC's M1.9)
                segmentStart = i + 1;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static String attribute(XMLStreamReader xml, String name) throws OtherShape {
        String value = xml.getAttributeValue(null, name);
        if (value == null) throw new OtherShape();
        return value;
    }
}
