package com.relay.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Reads the usual shape of an xml feed straight from its checked UTF-8 bytes, and hands the rest to
 * Aalto at the first thing it does not take (docs/ENGINE.md#vendor-file-formats,
 * docs/PERFORMANCE.md#xml-the-byte-reader-for-the-usual-shape). It takes ONLY: a version 1.0
 * declaration, whitespace, the elements of {@code record_path} down to the records without
 * attributes, and records {@code <rec>} (no attributes) of children {@code <name>text</name>} (or {@code <name/>}) whose
 * names are ASCII without a colon and whose text has no markup, no {@code ]]>}, no CR and no control
 * char, only the five predefined entities and character references to XML characters. Anything
 * else, a record at a time, is Aalto's: {@link #handover} gives the bytes from the start of the
 * record (or of the document, before the first record) behind a prefix that opens the same
 * elements again, so every error, its wording and its position are Aalto's, and a record is never
 * half read by both.
 *
 * <p>Reads the feed as Aalto does (4,000 bytes a call), so {@link XmlTextBudget} and
 * {@link Utf8CheckedInput} see the same reads and fail at the same offsets. What is kept is the
 * current record (at most {@link #MAX_RECORD_BYTES}: a longer one goes to Aalto, which streams it).
 */
final class XmlRecordBytes {
    /** Aalto's read size (its input buffer): the same reads reach the budget and the check. */
    static final int READ_SIZE = 4000;
    /** A record kept longer than this is left to Aalto (memory bounded whatever the record). */
    static final int MAX_RECORD_BYTES = 1 << 20;
    private static final int MAX_NAME = 128;
    /** A declaration the byte reader takes (its encoding already blanked by {@link XmlFeedStart}). */
    private static final Pattern DECLARATION = Pattern.compile(
            "<\\?xml[ \\t\\r\\n]+version[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:\"1\\.0\"|'1\\.0')"
                    + "(?:[ \\t\\r\\n]+standalone[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:\"(?:yes|no)\"|'(?:yes|no)'))?[ \\t\\r\\n]*\\?>");

    /** ASCII a text holds as it is: printable, not {@code <}, {@code &} or {@code ]} (tab and LF are handled apart). */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (int c = 0x20; c < 0x7F; c++) PLAIN[c] = c != '<' && c != '&' && c != ']';
        PLAIN[0x7F] = true;
    }

    /** ASCII bytes a name the byte reader takes may start with, and hold after its first. */
    private static final boolean[] NAME_START = new boolean[128];
    private static final boolean[] NAME = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            NAME_START[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            NAME[c] = NAME_START[c] || (c >= '0' && c <= '9') || c == '-' || c == '.';
        }
    }

    /** Where a record's values go: the reader's field of a child name, and its text. */
    interface Sink {
        /** The field of child {@code name} at position {@code child} of the record (-1: not configured). */
        int field(byte[] b, int off, int len, int child);

        void value(int field, char[] text, int off, int len);
    }

    private final InputStream in;
    private final byte[][] path;
    /** Bytes from stream offset {@link #base}; {@link #mark} is the boundary a handover resumes at. */
    private byte[] buf = new byte[64 * 1024];
    private long base;
    private int end;
    private int mark;
    private boolean eof;
    /** Aalto's line at {@link #mark} and the stream offset its line starts at (breaks in the declaration not counted). */
    private int markLine = 1;
    private long markLineStart;
    private int line;
    private long lineStart;
    /** True once the elements of the path are open: a handover then needs the prefix. */
    private boolean inRecords;
    /** The pending record's values: field, start and length in {@link #chars}. */
    private char[] chars = new char[1024];
    private int charsUsed;
    private int[] fields = new int[32];
    private int[] starts = new int[32];
    private int[] lengths = new int[32];
    private int values;
    /** The child names (and their fields) last seen at each place of a record. */
    private final byte[][] lastNames = new byte[32][];
    private final int[] lastFields = new int[32];

    XmlRecordBytes(InputStream in, String[] segments) {
        this.in = in;
        this.path = new byte[segments.length][];
        for (int i = 0; i < segments.length; i++) path[i] = segments[i].getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the declaration and opens the path; false when Aalto must read the document from its start. */
    boolean start() throws IOException {
        int p = 0;
        if (byteAt(0, '<') && byteAt(1, '?')) {
            if (!fill(5) || !startsWith(p, "<?xml")) return false;
            int close = -1;
            for (int i = p; ; i++) {
                if (!fill(i + 2)) return false;
                if (i > XmlFeedStart.MAX_DECLARATION) return false;
                if (buf[i] == '?' && buf[i + 1] == '>') {
                    close = i + 2;
                    break;
                }
            }
            if (!DECLARATION.matcher(new String(buf, p, close - p, StandardCharsets.ISO_8859_1)).matches()) return false;
            p = close;
        }
        line = 1;
        lineStart = 0;
        for (int i = 0; i < path.length - 1; i++) {
            byte[] segment = path[i];
            p = space(p);
            if (p < 0 || !byteAt(p, '<') || !sameBytes(p + 1, segment) || !byteAt(p + 1 + segment.length, '>')) return false;
            p += segment.length + 2;
        }
        inRecords = true;
        setMark(p);
        return true;
    }

    /** Reads the next record into {@code sink}; false when it is Aalto's (a handover is due). */
    boolean next(Sink sink) throws IOException {
        if (mark > 32 * 1024) compact();
        int p = space(mark);
        byte[] rec = path[path.length - 1];
        if (p < 0 || !byteAt(p, '<') || !sameBytes(p + 1, rec) || !byteAt(p + 1 + rec.length, '>')) return false;
        p += rec.length + 2;
        values = 0;
        charsUsed = 0;
        int child = 0;
        while (true) {
            p = space(p);
            if (p < 0 || !byteAt(p, '<') || !fill(p + 2)) return false;
            if (buf[p + 1] == '/') {
                if (!sameBytes(p + 2, rec) || !byteAt(p + 2 + rec.length, '>')) return false;
                p += rec.length + 3;
                break;
            }
            int nameStart = p + 1;
            int q = nameStart;
            // children come in the same order in every record: the name seen last at this place first
            byte[] expect = child < lastNames.length ? lastNames[child] : null;
            if (expect != null && nameStart + expect.length < end && buf[nameStart + expect.length] == '>'
                    && Arrays.equals(buf, nameStart, nameStart + expect.length, expect, 0, expect.length)) {
                int field = lastFields[child++];
                p = text(nameStart + expect.length + 1, field);
                if (p < 0 || !endTag(p, nameStart, expect.length)) return false;
                p += expect.length + 3;
                continue;
            }
            while (true) {
                if (q >= end && !fill(q + 1)) return false;
                byte b = buf[q];
                if (b == '>' || (b == '/' && q > nameStart)) break;
                if (b < 0 || !(q == nameStart ? NAME_START[b] : NAME[b]) || q - nameStart >= MAX_NAME) return false;
                q++;
            }
            int nameLength = q - nameStart;
            if (nameLength == 0) return false;
            int field = sink.field(buf, nameStart, nameLength, child);
            if (child < lastNames.length && buf[q] == '>') {
                lastNames[child] = Arrays.copyOfRange(buf, nameStart, q);
                lastFields[child] = field;
            }
            child++;
            if (buf[q] == '/') {
                // <name/>: an empty value, as the parser gives an element without text
                if (!byteAt(q + 1, '>')) return false;
                if (field >= 0) addValue(field, charsUsed);
                p = q + 2;
                continue;
            }
            p = text(q + 1, field);
            if (p < 0) return false;
            if (!endTag(p, nameStart, nameLength)) return false;
            p += nameLength + 3;
        }
        for (int i = 0; i < values; i++) sink.value(fields[i], chars, starts[i], lengths[i]);
        setMark(p);
        return true;
    }

    /** True when the bytes at {@code p} are {@code "</" name ">"}, the name the one at {@code nameStart}. */
    private boolean endTag(int p, int nameStart, int nameLength) throws IOException {
        int close = p + 2 + nameLength;
        if (close < end) {
            // all in the buffer: compared at once
            return buf[p + 1] == '/' && Arrays.equals(buf, p + 2, close, buf, nameStart, nameStart + nameLength) && buf[close] == '>';
        }
        if (!byteAt(p + 1, '/')) return false;
        for (int i = 0; i < nameLength; i++) {
            if (!fill(p + 3 + i) || buf[p + 2 + i] != buf[nameStart + i]) return false;
        }
        return byteAt(close, '>');
    }

    /**
     * The text of a child from {@code p} to its {@code <}, kept for {@code field} (up to
     * {@link KeyedRecords#VALUE_KEEP} chars) when it is configured; returns the offset of the
     * {@code <}, or -1 for anything Aalto must read.
     */
    private int text(int p, int field) throws IOException {
        int from = charsUsed;
        int kept = 0;
        while (true) {
            if (p >= end && !fill(p + 1)) return -1;
            // a run of plain ASCII: one test a byte, copied as chars
            int q = p;
            byte[] bytes = buf;
            int stop = end;
            while (q < stop) {
                int c = bytes[q];
                if (c < 0 || !PLAIN[c]) break;
                q++;
            }
            if (q > p) {
                if (field >= 0 && kept < KeyedRecords.VALUE_KEEP) {
                    int n = Math.min(q - p, KeyedRecords.VALUE_KEEP - kept);
                    room(n);
                    char[] dst = chars;
                    int at = charsUsed;
                    for (int i = 0; i < n; i++) dst[at + i] = (char) bytes[p + i];
                    charsUsed += n;
                    kept += n;
                }
                p = q;
                continue;
            }
            int b = buf[p];
            if (b >= 0) {
                if (b == '<') break;
                if (b < 0x20) {
                    if (b == '\n') {
                        line++;
                        lineStart = base + p + 1;
                    } else if (b != '\t') {
                        return -1; // CR (normalised by the parser), a control char (Aalto's error)
                    }
                } else if (b == '&') {
                    int c = reference(p);
                    if (c < 0) return -1;
                    p = referenceEnd;
                    if (field >= 0) kept = keep(c, kept);
                    continue;
                } else if (b == ']' && fill(p + 2) && buf[p + 1] == ']' && fill(p + 3) && buf[p + 2] == '>') {
                    return -1; // "]]>" in a text: Aalto's error
                }
                if (field >= 0 && kept < KeyedRecords.VALUE_KEEP) {
                    room(1);
                    chars[charsUsed++] = (char) b;
                    kept++;
                }
                p++;
                continue;
            }
            // a UTF-8 sequence (checked): its length from the lead byte
            int n = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
            if (!fill(p + n)) return -1;
            int c;
            if (n == 2) {
                c = ((b & 0x1F) << 6) | (buf[p + 1] & 0x3F);
            } else if (n == 3) {
                c = ((b & 0x0F) << 12) | ((buf[p + 1] & 0x3F) << 6) | (buf[p + 2] & 0x3F);
                if (c == 0xFFFE || c == 0xFFFF) return -1; // not XML characters: Aalto's error
            } else {
                c = ((b & 0x07) << 18) | ((buf[p + 1] & 0x3F) << 12) | ((buf[p + 2] & 0x3F) << 6) | (buf[p + 3] & 0x3F);
            }
            if (field >= 0) kept = keep(c, kept);
            p += n;
        }
        if (field >= 0) addValue(field, from);
        return p;
    }

    /** The pending record's value of {@code field}: the chars from {@code from} to the last one kept. */
    private void addValue(int field, int from) {
        if (values == fields.length) {
            fields = Arrays.copyOf(fields, 2 * values);
            starts = Arrays.copyOf(starts, 2 * values);
            lengths = Arrays.copyOf(lengths, 2 * values);
        }
        fields[values] = field;
        starts[values] = from;
        lengths[values] = charsUsed - from;
        values++;
    }

    /** Adds code point {@code c} to the kept text while under the keep limit (a pair may be cut, as the parser's text is). */
    private int keep(int c, int kept) {
        if (kept >= KeyedRecords.VALUE_KEEP) return kept;
        room(2);
        if (c < 0x10000) {
            chars[charsUsed++] = (char) c;
            return kept + 1;
        }
        chars[charsUsed++] = Character.highSurrogate(c);
        if (kept + 1 < KeyedRecords.VALUE_KEEP) {
            chars[charsUsed++] = Character.lowSurrogate(c);
            return kept + 2;
        }
        return kept + 1;
    }

    private void room(int more) {
        if (charsUsed + more > chars.length) chars = Arrays.copyOf(chars, Math.max(2 * chars.length, charsUsed + more));
    }

    private int referenceEnd;

    /** The char of the reference at {@code p} ({@code &...;}), its end in {@link #referenceEnd}; -1: Aalto's. */
    private int reference(int p) throws IOException {
        int q = p + 1;
        int semi = -1;
        // no further than a parser reads: up to the ';' or the first byte no reference may hold
        for (int i = q; i < q + 12; i++) {
            if (!fill(i + 1)) return -1;
            byte c = buf[i];
            if (c == ';') {
                semi = i;
                break;
            }
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '#')) return -1;
        }
        if (semi < 0) return -1;
        referenceEnd = semi + 1;
        int len = semi - q;
        if (buf[q] == '#') {
            int radix = 10;
            int i = q + 1;
            if (i < semi && buf[i] == 'x') {
                radix = 16;
                i++;
            }
            if (i == semi || semi - i > 8) return -1;
            int c = 0;
            for (; i < semi; i++) {
                int d = Character.digit(buf[i], radix);
                if (d < 0 || buf[i] > 'f') return -1;
                c = c * radix + d;
            }
            boolean xmlChar = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            return xmlChar ? c : -1;
        }
        if (len == 2 && buf[q + 1] == 't' && (buf[q] == 'l' || buf[q] == 'g')) return buf[q] == 'l' ? '<' : '>';
        if (len == 3 && buf[q] == 'a' && buf[q + 1] == 'm' && buf[q + 2] == 'p') return '&';
        if (len == 4 && buf[q] == 'q' && buf[q + 1] == 'u' && buf[q + 2] == 'o' && buf[q + 3] == 't') return '"';
        if (len == 4 && buf[q] == 'a' && buf[q + 1] == 'p' && buf[q + 2] == 'o' && buf[q + 3] == 's') return '\'';
        return -1;
    }

    /** Skips spaces, tabs and LFs from {@code p} (counting lines); -1 at a CR or the end of the input. */
    private int space(int p) throws IOException {
        while (true) {
            if (p >= end && !fill(p + 1)) return -1;
            byte b = buf[p];
            if (b == '\n') {
                line++;
                lineStart = base + p + 1;
            } else if (b != ' ' && b != '\t') {
                return b == '\r' ? -1 : p;
            }
            p++;
        }
    }


    private boolean startsWith(int p, String s) {
        for (int i = 0; i < s.length(); i++) if (buf[p + i] != s.charAt(i)) return false;
        return true;
    }

    /** True when the bytes at {@code p} are {@code b}, reading no further than the first that differs (as a parser would). */
    private boolean sameBytes(int p, byte[] b) throws IOException {
        for (int i = 0; i < b.length; i++) {
            if (!fill(p + i + 1) || buf[p + i] != b[i]) return false;
        }
        return true;
    }

    /** True when the byte at {@code p} is {@code b}. */
    private boolean byteAt(int p, char b) throws IOException {
        return fill(p + 1) && buf[p] == b;
    }

    private void setMark(int p) {
        mark = p;
        markLine = line;
        markLineStart = lineStart;
    }

    /**
     * True when the bytes up to {@code need} are in the buffer, reading (as Aalto does, only when a
     * byte is needed) what is missing; false at the end of the input or past {@link #MAX_RECORD_BYTES}.
     */
    private boolean fill(int need) throws IOException {
        while (end < need) {
            if (eof) return false;
            if (end + READ_SIZE > buf.length) {
                if (end - mark > MAX_RECORD_BYTES) return false;
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = in.read(buf, end, READ_SIZE);
            if (n < 0) {
                eof = true;
                return false;
            }
            end += n;
        }
        return true;
    }

    /** Drops the bytes before {@link #mark}; offsets into the buffer move down by the old mark. */
    private void compact() {
        if (mark == 0) return;
        System.arraycopy(buf, mark, buf, 0, end - mark);
        base += mark;
        end -= mark;
        mark = 0;
    }

    /** Elements Aalto must see opened before the replayed bytes: 0 before the path was read. */
    int openElements() {
        return inRecords ? path.length - 1 : 0;
    }

    /** Bytes of the prefix in front of the replayed ones (0 before the path was read). */
    int prefixLength() {
        int n = 0;
        if (inRecords) for (int i = 0; i < path.length - 1; i++) n += path[i].length + 2;
        return n;
    }

    /** Stream offset Aalto's input resumes at after the prefix, and Aalto's line and its start there. */
    long resumeOffset() {
        return inRecords ? base + mark : 0;
    }

    int resumeLine() {
        return inRecords ? markLine : 1;
    }

    long resumeLineStart() {
        return inRecords ? markLineStart : 0;
    }

    /**
     * What Aalto reads from here: the prefix, the bytes from the resume point already read, then the
     * rest of the feed (read by Aalto as it would have been, 4,000 bytes a call).
     */
    InputStream handover() {
        byte[] prefix = new byte[prefixLength()];
        int at = 0;
        if (inRecords) {
            for (int i = 0; i < path.length - 1; i++) {
                byte[] segment = path[i];
                prefix[at++] = '<';
                System.arraycopy(segment, 0, prefix, at, segment.length);
                at += segment.length;
                prefix[at++] = '>';
            }
        }
        int from = inRecords ? mark : 0;
        byte[] replay = new byte[prefix.length + end - from];
        System.arraycopy(prefix, 0, replay, 0, prefix.length);
        System.arraycopy(buf, from, replay, prefix.length, end - from);
        buf = null;
        InputStream rest = eof ? InputStream.nullInputStream() : in;
        return new SequenceInputStream(new ByteArrayInputStream(replay), rest);
    }
}
