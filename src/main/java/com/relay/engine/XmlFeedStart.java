package com.relay.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first bytes of a UTF-8 xml feed, made safe for Aalto's byte parser (docs/ENGINE.md#vendor-file-formats).
 * Aalto picks the decoding itself from the first four bytes and the XML declaration and has no
 * way to be told the configured encoding; the feed's encoding is the configured one
 * (docs/CONTRACT.md#decoding), so: the declaration's {@code encoding="…"} is blanked (spaces, same
 * length, line breaks kept, so every line and column stays where it was), and a NUL among the
 * first four bytes (which Aalto would take for UTF-16 or UTF-32) is refused as the illegal XML
 * character it is. Aalto counts no line break inside the declaration; {@link #line} and
 * {@link #byteColumn} put them back into the positions it reports.
 */
final class XmlFeedStart {
    /** How far the XML declaration is looked for: its end must come within these bytes. */
    static final int MAX_DECLARATION = 4096;
    /** {@code <?xml version="…" encoding="…"}: group 1 is the encoding pseudo-attribute (an EncName). */
    private static final Pattern ENCODING = Pattern.compile(
            "^<\\?xml[ \\t\\r\\n]+version[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:\"[^\"]*\"|'[^']*')[ \\t\\r\\n]+"
                    + "(encoding[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:\"[A-Za-z][A-Za-z0-9._-]*\"|'[A-Za-z][A-Za-z0-9._-]*'))");

    /** A start Aalto must not read: what is wrong, and where (1-based line and char column). */
    static final class Refused extends Exception {
        final int line;
        final int column;

        Refused(String what, int line, int column) {
            super(what, null, false, false);
            this.line = line;
            this.column = column;
        }
    }

    /** What Aalto reads. */
    final InputStream stream;
    /** Line breaks inside the XML declaration, and the offset just after the last of them (0: none). */
    private final int declarationBreaks;
    private final int afterLastBreak;

    private XmlFeedStart(InputStream stream, int declarationBreaks, int afterLastBreak) {
        this.stream = stream;
        this.declarationBreaks = declarationBreaks;
        this.afterLastBreak = afterLastBreak;
    }

    /** {@code in} (checked UTF-8, BOM removed) from its first byte, its start made safe for Aalto. */
    static XmlFeedStart guard(InputStream in) throws IOException, Refused {
        byte[] head = in.readNBytes(MAX_DECLARATION);
        int end = clean(head, head.length);
        int breaks = 0;
        int after = 0;
        for (int i = 0; i < end; i++) {
            if (head[i] == '\n' || (head[i] == '\r' && (i + 1 >= end || head[i + 1] != '\n'))) {
                breaks++;
                after = i + 1;
            }
        }
        return new XmlFeedStart(new SequenceInputStream(new ByteArrayInputStream(head), in), breaks, after);
    }

    /** The line of a position Aalto reports as {@code line} at byte {@code offset}. */
    int line(int line, long offset) {
        return offset >= afterLastBreak ? line + declarationBreaks : line;
    }

    /** The 1-based byte column of a position Aalto reports as {@code line}, {@code column} at byte {@code offset}. */
    int byteColumn(int line, int column, long offset) {
        return declarationBreaks > 0 && line == 1 && offset >= afterLastBreak ? (int) (offset - afterLastBreak) + 1 : column;
    }

    /** Makes {@code head[0..length)} safe in place; returns the end of the XML declaration (0: none). */
    static int clean(byte[] head, int length) throws Refused {
        for (int i = 0; i < Math.min(4, length); i++) {
            if (head[i] == 0) throw new Refused("illegal XML character NUL (code 0)", lineOf(head, i), columnOf(head, i));
        }
        if (!startsWith(head, length, "<?xml") || length < 6 || (head[5] & 0xFF) > ' ') return 0;
        int end = indexOf(head, length, (byte) '?', (byte) '>');
        if (end < 0) {
            if (length < MAX_DECLARATION) return 0; // the document ends inside it: Aalto says so
            throw new Refused("the XML declaration does not end within its first " + MAX_DECLARATION + " bytes", 1, 1);
        }
        Matcher m = ENCODING.matcher(new String(head, 0, end, StandardCharsets.ISO_8859_1));
        if (m.find()) {
            for (int i = m.start(1); i < m.end(1); i++) {
                if (head[i] != '\n' && head[i] != '\r') head[i] = ' ';
            }
        }
        return end + 2;
    }

    private static boolean startsWith(byte[] b, int length, String prefix) {
        if (length < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            if (b[i] != prefix.charAt(i)) return false;
        }
        return true;
    }

    private static int indexOf(byte[] b, int length, byte first, byte second) {
        for (int i = 0; i + 1 < length; i++) {
            if (b[i] == first && b[i + 1] == second) return i;
        }
        return -1;
    }

    private static int lineOf(byte[] b, int at) {
        int line = 1;
        for (int i = 0; i < at; i++) if (b[i] == '\n') line++;
        return line;
    }

    /** Chars (UTF-16) from the start of the line to {@code at}, plus one. */
    private static int columnOf(byte[] b, int at) {
        int column = 1;
        for (int i = 0; i < at; i++) {
            int c = b[i] & 0xFF;
            if (c == '\n') column = 1;
            else if ((c & 0xC0) != 0x80) column += c >= 0xF0 ? 2 : 1;
        }
        return column;
    }
}
