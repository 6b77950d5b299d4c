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
 * character it is.
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

    private XmlFeedStart() {
    }

    /** {@code in} (checked UTF-8, BOM removed) from its first byte, its start made safe for Aalto. */
    static InputStream guard(InputStream in) throws IOException, Refused {
        byte[] head = in.readNBytes(MAX_DECLARATION);
        int length = clean(head, head.length);
        return new SequenceInputStream(new ByteArrayInputStream(head, 0, length), in);
    }

    /** Makes {@code head[0..length)} safe in place; returns {@code length}. */
    static int clean(byte[] head, int length) throws Refused {
        for (int i = 0; i < Math.min(4, length); i++) {
            if (head[i] == 0) throw new Refused("illegal XML character NUL (code 0)", lineOf(head, i), columnOf(head, i));
        }
        if (!startsWith(head, length, "<?xml") || length < 6 || (head[5] & 0xFF) > ' ') return length;
        int end = indexOf(head, length, (byte) '?', (byte) '>');
        if (end < 0) {
            if (length < MAX_DECLARATION) return length; // the document ends inside it: Aalto says so
            throw new Refused("the XML declaration does not end within its first " + MAX_DECLARATION + " bytes", 1, 1);
        }
        Matcher m = ENCODING.matcher(new String(head, 0, end, StandardCharsets.ISO_8859_1));
        if (m.find()) {
            for (int i = m.start(1); i < m.end(1); i++) {
                if (head[i] != '\n' && head[i] != '\r') head[i] = ' ';
            }
        }
        return length;
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
