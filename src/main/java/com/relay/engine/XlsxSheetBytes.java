package com.relay.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A worksheet's XML read as UTF-8 bytes, element by element, into {@link XlsxSheetRows}' row logic
 * (docs/ENGINE.md#vendor-file-formats): the fast reader of a sheet. It takes only the subset of XML
 * that spreadsheet writers produce, checked as strictly as an XML parser checks it: UTF-8 (an
 * optional BOM, a declaration of version 1.0, UTF-8, standalone), elements with ASCII names and
 * namespaces, attributes without entity references or control characters, text with the five
 * predefined entities and character references. Anything else (a comment, a processing
 * instruction, CDATA, a DOCTYPE, another encoding, a malformed or truncated document, a carriage
 * return inside a cell's text, a tag over 64 KiB, nesting over 64 levels) throws {@link NotTaken}
 * before it is used, and {@link XlsxSheetRows} has the StAX parser read the sheet instead, so the
 * answer and any error are always the StAX parser's. It decodes no String per element or attribute:
 * names and the {@code r}, {@code t} values are compared and parsed as bytes.
 */
final class XlsxSheetBytes {

    /** Where the byte reader stops and the StAX parser takes over (no message, no stack: it is not an error). */
    static final class NotTaken extends Exception {
        private static final long serialVersionUID = 1L;

        private NotTaken() {
            super(null, null, false, false);
        }
    }

    private static final NotTaken NOT_TAKEN = new NotTaken();
    private static final int BUFFER = 1 << 16;
    private static final int MAX_DEPTH = 64;
    private static final int MAX_ATTRIBUTES = 32;
    /** The longest character or entity reference read here ({@code &#x10FFFF;} with a few leading zeros). */
    private static final int MAX_REFERENCE = 12;
    private static final Pattern DECLARATION = Pattern.compile("[ \\t\\r\\n]+version[ \\t\\r\\n]*=[ \\t\\r\\n]*(\"1\\.0\"|'1\\.0')"
            + "([ \\t\\r\\n]+encoding[ \\t\\r\\n]*=[ \\t\\r\\n]*(\"[Uu][Tt][Ff]-8\"|'[Uu][Tt][Ff]-8'))?"
            + "([ \\t\\r\\n]+standalone[ \\t\\r\\n]*=[ \\t\\r\\n]*(\"(yes|no)\"|'(yes|no)'))?[ \\t\\r\\n]*");
    private static final byte[] XML = {'x', 'm', 'l'};
    private static final byte[] XMLNS = {'x', 'm', 'l', 'n', 's'};
    private static final String XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
    private static final String XMLNS_NAMESPACE = "http://www.w3.org/2000/xmlns/";

    // what an element is to the row logic
    private static final byte NOT_SPREADSHEET = 0;
    private static final byte OTHER = 1;
    private static final byte ROW = 2;
    private static final byte CELL = 3;
    private static final byte VALUE = 4;
    private static final byte TEXT = 5;
    private static final byte INLINE_STRING = 6;
    private static final byte DIMENSION = 7;

    private static final int NEED_MORE = -1;
    /** What a fast path returns when it does not take the tag (the general path then reads it). */
    private static final int NOT_FAST = -2;
    /** Bytes that must be in the buffer after a '<' for a fast path: the longest tag it takes, with room to spare. */
    private static final int FAST_WINDOW = 64;
    /**
     * What {@link #markup} returns when fewer than {@link #FAST_WINDOW} bytes are left before the
     * stream's end is known: the buffer is refilled first, so the tags at each buffer's end take the
     * fast paths too, and the general path (which the JIT then never compiles hot) reads only tags
     * the fast paths do not take and the document's last bytes.
     */
    private static final int WINDOW = -4;

    private final InputStream in;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;

    // open elements: qualified name bytes back to back, and what each is
    private int depth;
    private byte[] names = new byte[1024];
    private final int[] nameStarts = new int[MAX_DEPTH + 1];
    private final int[] nameLengths = new int[MAX_DEPTH + 1];
    private final byte[] kinds = new byte[MAX_DEPTH + 1];
    private boolean rootSeen;
    private boolean rootClosed;

    // namespace bindings in scope: prefix (empty: the default namespace), whether it is a spreadsheet one, declaring depth
    private byte[][] prefixes = new byte[8][];
    private boolean[] spreadsheet = new boolean[8];
    private int[] bindingDepths = new int[8];
    private int bindings;
    /** The innermost default-namespace binding and whether it is the spreadsheet namespace (most elements use it). */
    private int defaultBinding = -1;
    private boolean defaultSpreadsheet;

    // the attributes of the start tag being read, as offsets into buf
    private final int[] attrNames = new int[MAX_ATTRIBUTES];
    private final int[] attrNameLengths = new int[MAX_ATTRIBUTES];
    private final int[] attrColons = new int[MAX_ATTRIBUTES];
    private final int[] attrValues = new int[MAX_ATTRIBUTES];
    private final int[] attrValueLengths = new int[MAX_ATTRIBUTES];
    private int attrCount;

    /** Consecutive ']' just read in text: "]]>" is not allowed there. */
    private int brackets;

    XlsxSheetBytes(InputStream in) {
        this.in = in;
    }

    /** Reads the BOM and XML declaration; false when the document is not one this reader takes. */
    boolean prolog() throws IOException {
        try {
            while (limit < 8 && more(pos)) {
                // the first bytes, enough for the BOM and "<?xml "
            }
            if (limit >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) pos = 3;
            if (limit - pos >= 6 && buf[pos] == '<' && buf[pos + 1] == '?' && buf[pos + 2] == 'x' && buf[pos + 3] == 'm'
                    && buf[pos + 4] == 'l' && whitespace(buf[pos + 5])) {
                int end = pos + 5;
                while (true) {
                    while (end + 1 < limit && !(buf[end] == '?' && buf[end + 1] == '>')) end++;
                    if (end + 1 < limit) break;
                    int from = pos;
                    if (!more(pos)) return false;
                    end -= from;
                }
                for (int i = pos; i < end; i++) if (buf[i] < 0) return false;
                String declaration = new String(buf, pos + 5, end - pos - 5, StandardCharsets.US_ASCII);
                if (!DECLARATION.matcher(declaration).matches()) return false;
                pos = end + 2;
            }
            return true;
        } catch (NotTaken notTaken) {
            return false;
        }
    }

    /** Reads up to the end of the next row into {@code rows}; false at the end of the document. */
    boolean next(XlsxSheetRows rows) throws IOException, NotTaken {
        while (true) {
            if (pos >= limit && !more(pos)) {
                if (!rootSeen || !rootClosed) throw NOT_TAKEN; // no root, or truncated: the StAX parser says what
                return false;
            }
            if (buf[pos] == '<') {
                int result;
                while ((result = markup(rows)) == NEED_MORE || result == WINDOW) {
                    // at the end of the stream a tag cut short is not taken; a window is read as it is
                    if (!more(pos) && result == NEED_MORE) throw NOT_TAKEN;
                }
                if (result == 1) return true;
            } else {
                text(rows);
            }
        }
    }

    /** A start or end tag at pos: 1 at the end of a row, 0 after any other tag, NEED_MORE when it is not all in the buffer. */
    private int markup(XlsxSheetRows rows) throws NotTaken {
        if (pos + 1 >= limit) return NEED_MORE;
        if (limit - pos < FAST_WINDOW && !eof && depth > 0) return WINDOW;
        byte second = buf[pos + 1];
        if (limit - pos >= FAST_WINDOW && depth > 0) {
            // the tags a writer repeats per cell, matched on their bytes; anything else takes the general path below
            int fast = second == '/' ? fastEndTag(rows) : second == 'c' ? fastCells(rows) : second == 'r' ? fastRow(rows) : NOT_FAST;
            if (fast == NOT_FAST && second != '/') fast = fastStartTag(rows, second);
            if (fast != NOT_FAST) return fast;
        }
        if (second == '/') return endTag(rows);
        if (second == '?' || second == '!') throw NOT_TAKEN; // processing instruction, comment, CDATA, DOCTYPE
        return startTag(rows);
    }

    /**
     * An end tag whose name is the open element's, followed at once by '>' (what writers write): the
     * general path would read the same name and find the same match. NOT_FAST otherwise.
     */
    private int fastEndTag(XlsxSheetRows rows) {
        int length = nameLengths[depth];
        int p = pos + 2;
        if (length >= FAST_WINDOW - 3) return NOT_FAST;
        int top = nameStarts[depth];
        for (int i = 0; i < length; i++) if (names[top + i] != buf[p + i]) return NOT_FAST;
        if (buf[p + length] != '>') return NOT_FAST;
        pos = p + length + 1;
        brackets = 0;
        return end(rows);
    }

    /** At a {@code <c} in an open row: a {@link #cellRun} when it takes a cell, else {@link #fastCell}. */
    private int fastCells(XlsxSheetRows rows) throws NotTaken {
        int at = pos;
        int run = cellRun(rows);
        if (run != 0 || pos != at) return run;
        return fastCell(rows);
    }

    private static final SheetWords.Literal INLINE_HEAD = new SheetWords.Literal("\" t=\"inlineStr\"><is><t>".substring(0, 16));
    private static final SheetWords.Literal INLINE_HEAD_END = new SheetWords.Literal("\" t=\"inlineStr\"><is><t>".substring(7));
    private static final SheetWords.Literal NUMBER_HEAD = new SheetWords.Literal("\" t=\"n\"><v>");
    private static final int INLINE_HEAD_LENGTH = 23;

    /**
     * The head of a cell's value at q, the reference's closing quote: {@code " t="inlineStr"><is><t>}
     * or {@code " t="n"><v>}; its length, 0 for anything else.
     */
    private int cellHead(int q) {
        if (INLINE_HEAD.at(buf, q) && INLINE_HEAD_END.at(buf, q + 7)) return INLINE_HEAD_LENGTH;
        return NUMBER_HEAD.at(buf, q) ? NUMBER_HEAD.length : 0;
    }

    private static final SheetWords.Literal INLINE_TAIL = new SheetWords.Literal("</t></is></c>");
    private static final SheetWords.Literal VALUE_TAIL = new SheetWords.Literal("</v></c>");

    /**
     * A whole cell as writers write it, {@code <c r="B2" t="inlineStr"><is><t>text</t></is></c>} or
     * {@code <c r="B2" t="n"><v>text</v></c>}, its text plain
     * (see {@link SheetWords#plainText}): matched on its bytes first, then the row logic gets what
     * the element-by-element path gives it, in the same order. NOT_FAST, before any change, for any
     * other cell.
     */
    private int fastCell(XlsxSheetRows rows) throws NotTaken {
        if (!defaultSpreadsheet || depth + 3 > MAX_DEPTH) return NOT_FAST;
        int p = pos;
        if (buf[p + 2] != ' ' || buf[p + 3] != 'r' || buf[p + 4] != '=' || buf[p + 5] != '"') return NOT_FAST;
        int reference = p + 6;
        int q = reference;
        while (q < reference + 13 && buf[q] != '"') {
            byte b = buf[q];
            if (b < '0' || b > 'Z') return NOT_FAST;
            q++;
        }
        int referenceEnd = q;
        // the longest head, <c r=" + 13 reference bytes + the 23 of the inline head, ends inside FAST_WINDOW
        int head = cellHead(q);
        if (head == 0) return NOT_FAST;
        boolean inline = head == INLINE_HEAD_LENGTH;
        q += head;
        int text = q;
        SheetWords.Literal tail = inline ? INLINE_TAIL : VALUE_TAIL;
        while (true) {
            if (limit - q < Long.BYTES + 2 * Long.BYTES) return NOT_FAST; // the text and its tail: not all in the buffer
            int plain = SheetWords.plainText(buf, q);
            q += plain;
            if (plain < Long.BYTES) break;
        }
        if (!tail.at(buf, q)) return NOT_FAST;
        int textLength = q - text;
        // the whole cell is here and as expected: what its seven (or five) tags would do
        rows.startCell(column(reference, referenceEnd), inline ? XlsxSheetRows.INLINE : XlsxSheetRows.NUMBER);
        if (inline) rows.startInlineString();
        rows.startText();
        int length = rows.contentLength();
        if (length == 0) {
            rows.cellText(buf, text, textLength); // straight into the row: what the two steps below do
        } else {
            rows.ensureContent(length + textLength);
            char[] out = rows.content();
            for (int i = 0; i < textLength; i++) out[length + i] = (char) buf[text + i];
            rows.contentLength(length + textLength);
            rows.endText(inline ? "t" : "v");
        }
        if (inline) rows.endInlineString();
        rows.endCell();
        pos = q + tail.length;
        brackets = 0;
        return 0;
    }

    private static final byte[] ROW_NAME = {'r', 'o', 'w'};

    /**
     * {@code <row r="12">} (1 to 9 digits), unprefixed in the spreadsheet's default namespace: what
     * the general path makes of it. NOT_FAST for anything else, before any change.
     */
    private int fastRow(XlsxSheetRows rows) {
        if (!defaultSpreadsheet || depth == MAX_DEPTH) return NOT_FAST;
        int p = pos;
        if (buf[p + 2] != 'o' || buf[p + 3] != 'w' || buf[p + 4] != ' ' || buf[p + 5] != 'r' || buf[p + 6] != '='
                || buf[p + 7] != '"') {
            return NOT_FAST;
        }
        int q = p + 8;
        int number = 0;
        while (q < p + 17) {
            int digit = buf[q] - '0';
            if (digit < 0 || digit > 9) break;
            number = number * 10 + digit;
            q++;
        }
        if (q == p + 8 || buf[q] != '"' || buf[q + 1] != '>') return NOT_FAST;
        depth++;
        push(p + 1, ROW_NAME.length, ROW);
        pos = q + 2;
        brackets = 0;
        rows.startRow(true, number);
        return cellRun(rows);
    }

    private static final int RUN_CELLS = 256;
    private final int[] runColumns = new int[RUN_CELLS];
    private final boolean[] runInline = new boolean[RUN_CELLS];
    private final int[] runTexts = new int[RUN_CELLS];
    private final int[] runTextLengths = new int[RUN_CELLS];
    /** The texts of the run's cells that are not plain ASCII, decoded: never more chars than the buffer has bytes. */
    private char[] runChars = new char[256];
    private int runCharsLength;
    private static final long CELL_OPEN = SheetWords.word("<c r=\"\0\0".getBytes(StandardCharsets.US_ASCII), 0) & 0xFFFF_FFFF_FFFFL;
    private static final long ROW_CLOSE = SheetWords.word("</row>\0\0".getBytes(StandardCharsets.US_ASCII), 0) & 0xFFFF_FFFF_FFFFL;

    /**
     * In an open row, at pos: the cells {@link #fastCell} takes that follow, in columns rising past
     * the row's last, handed to the row logic at once without a call per tag; then, when
     * {@code </row>} follows them and the row declared no namespace, the row's end (and the
     * newlines after it): 1. Otherwise 0, pos at what the tag-by-tag path reads next (nothing
     * changed when no cell was taken).
     */
    private int cellRun(XlsxSheetRows rows) {
        // the cells nest three deeper (c, is, t) and start from the state a cell starts from
        if (kinds[depth] != ROW || depth + 3 > MAX_DEPTH || !defaultSpreadsheet || !rows.outsideCells()) return 0;
        int p = pos;
        int cells = 0;
        int previous = rows.lastColumn();
        boolean ended = false;
        while (true) {
            if (limit - p < FAST_WINDOW) break;
            long word = SheetWords.word(buf, p) & 0xFFFF_FFFF_FFFFL;
            if (word == ROW_CLOSE) {
                ended = true;
                break;
            }
            if (word != CELL_OPEN || cells == RUN_CELLS) break;
            // the reference: 1 to 4 capitals, then 1 to 9 digits, as column(int, int) reads it
            int q = p + 6;
            int column = 0;
            int letters = 0;
            while (letters < 4 && buf[q] >= 'A' && buf[q] <= 'Z') {
                column = column * 26 + (buf[q] - 'A' + 1);
                q++;
                letters++;
            }
            int digits = q;
            while (q - digits < 10 && buf[q] >= '0' && buf[q] <= '9') q++;
            if (letters == 0 || q == digits || q - digits > 9 || buf[q] != '"') break;
            column--;
            if (column <= previous) break; // the row logic orders and replaces: the tag-by-tag path
            int head = cellHead(q);
            if (head == 0) break;
            boolean inline = head == INLINE_HEAD_LENGTH;
            q += head;
            int text = q;
            boolean room = true;
            boolean ascii = true;
            while (true) {
                if (limit - q < Long.BYTES + 2 * Long.BYTES) {
                    room = false;
                    break;
                }
                int plain = SheetWords.plainText(buf, q);
                q += plain;
                if (plain == Long.BYTES) continue;
                // a reference or a UTF-8 sequence: decoded below; 17 bytes are left (the room check), more than either takes
                int taken = buf[q] == '&' ? referenceLength(q) : buf[q] < 0 ? utf8Sequence(q) >> 24 : 0;
                if (taken <= 0) break; // markup, a control character, or malformed: the tail check or the tag-by-tag path decides
                q += taken;
                ascii = false;
            }
            SheetWords.Literal tail = inline ? INLINE_TAIL : VALUE_TAIL;
            if (!room || !tail.at(buf, q)) break;
            runColumns[cells] = column;
            runInline[cells] = inline;
            if (ascii) {
                runTexts[cells] = text;
                runTextLengths[cells] = q - text;
            } else {
                runTexts[cells] = ~runCharsLength; // decoded into runChars: the row logic keeps chars, not bytes
                runTextLengths[cells] = decode(text, q);
            }
            cells++;
            previous = column;
            p = q + tail.length;
        }
        if (cells > 0) {
            rows.plainCells(cells, runColumns, runInline, buf, runTexts, runTextLengths, runChars);
            runCharsLength = 0;
            pos = p;
            brackets = 0;
        }
        if (!ended || (bindings > 0 && bindingDepths[bindings - 1] == depth)) return 0;
        pos = p + ROW_NAME.length + 3;
        brackets = 0;
        int result = end(rows);
        while (pos < limit && buf[pos] == '\n') pos++; // text between rows: newlines only, as text() reads them
        return result;
    }

    /**
     * The well-formed UTF-8 text {@code buf[from, to)} (checked by the caller: ASCII without markup,
     * references {@link #referenceLength} takes, sequences {@link #utf8Sequence} takes) decoded after the
     * run's chars; its length in chars.
     */
    private int decode(int from, int to) {
        if (runCharsLength + (to - from) > runChars.length) {
            runChars = Arrays.copyOf(runChars, Math.max(runCharsLength + (to - from), 2 * runChars.length));
        }
        char[] out = runChars;
        int at = runCharsLength;
        for (int p = from; p < to; ) {
            byte b = buf[p];
            if (b == '&') {
                int reference;
                try {
                    reference = reference(p, out, at);
                } catch (NotTaken unreachable) {
                    throw new IllegalStateException("a reference the run took does not read", unreachable);
                }
                at += reference & 0xFF;
                p += reference >>> 8;
            } else if (b >= 0) {
                out[at++] = (char) b;
                p++;
            } else {
                int sequence = utf8Sequence(p);
                at += putCodePoint(sequence & 0x1F_FFFF, out, at);
                p += sequence >>> 24;
            }
        }
        int length = at - runCharsLength;
        runCharsLength = at;
        return length;
    }

    /**
     * {@code <c>} with single-letter attributes {@code r}, {@code t}, {@code s} of printable ASCII
     * values, and {@code <is>}, {@code <t>}, {@code <v>} without attributes, all unprefixed in the
     * spreadsheet's default namespace: what the general path makes of them, without its per-byte
     * name and attribute scanning (no namespace declaration, no prefix, no duplicate can be among
     * them). NOT_FAST for anything else, before any change.
     */
    private int fastStartTag(XlsxSheetRows rows, byte second) throws NotTaken {
        if (!defaultSpreadsheet || depth == MAX_DEPTH) return NOT_FAST;
        int p = pos + 2;
        byte kind;
        switch (second) {
            case 'c' -> kind = CELL;
            case 't' -> kind = TEXT;
            case 'v' -> kind = VALUE;
            case 'i' -> {
                if (buf[p] != 's') return NOT_FAST;
                p++;
                kind = INLINE_STRING;
            }
            default -> {
                return NOT_FAST;
            }
        }
        int nameLength = p - pos - 1;
        int r = -1;
        int rEnd = -1;
        int t = -1;
        int tEnd = -1;
        boolean s = false;
        boolean empty;
        int end = pos + FAST_WINDOW - 4; // every read below stays inside the window
        while (true) {
            byte c = buf[p];
            if (c == '>') {
                p++;
                empty = false;
                break;
            }
            if (c == '/') {
                if (buf[p + 1] != '>') return NOT_FAST;
                p += 2;
                empty = true;
                break;
            }
            // ' ' letter '=' '"' value '"', the only form taken here, and only in a cell
            if (c != ' ' || kind != CELL || buf[p + 2] != '=' || buf[p + 3] != '"') return NOT_FAST;
            byte letter = buf[p + 1];
            int value = p + 4;
            int q = value;
            while (q < end && printableAttributeByte(buf[q])) q++;
            if (q >= end || buf[q] != '"') return NOT_FAST;
            if (letter == 'r' && r < 0) {
                r = value;
                rEnd = q;
            } else if (letter == 't' && t < 0) {
                t = value;
                tEnd = q;
            } else if (letter == 's' && !s) {
                s = true;
            } else {
                return NOT_FAST;
            }
            p = q + 1;
            if (p >= end) return NOT_FAST;
        }
        depth++;
        pushShort(pos + 1, nameLength, kind);
        pos = p;
        brackets = 0;
        switch (kind) {
            case CELL -> rows.startCell(r >= 0 ? column(r, rEnd) : XlsxSheetRows.NO_REFERENCE,
                    t >= 0 ? type(t, tEnd - t) : XlsxSheetRows.NUMBER);
            case INLINE_STRING -> rows.startInlineString();
            default -> {
                rows.startText();
                if (!empty) return fastText(rows);
            }
        }
        if (empty) return end(rows);
        return 0;
    }

    /**
     * The text of a {@code <t>} or {@code <v>} just opened, when it is plain (see
     * {@link SheetWords#plainText}) up to its end tag: kept, and the element ended, without a trip
     * through {@link #next}. Stops where it meets anything else (an entity, non-ASCII, the window's
     * end); what it has read is kept and {@link #text} reads on from there.
     */
    private int fastText(XlsxSheetRows rows) throws NotTaken {
        int length = rows.contentLength();
        rows.ensureContent(length + (limit - pos));
        char[] out = rows.content();
        int p = pos;
        while (limit - p >= FAST_WINDOW) {
            int plain = SheetWords.plainText(buf, p);
            // all 8 written (out has room for a char per byte up to limit), the plain ones kept
            for (int i = 0; i < Long.BYTES; i++) out[length + i] = (char) buf[p + i];
            length += plain;
            p += plain;
            if (plain < Long.BYTES) {
                rows.contentLength(length);
                pos = p;
                if (buf[p] == '<' && buf[p + 1] == '/') {
                    int ended = fastEndTag(rows);
                    if (ended != NOT_FAST) return ended;
                }
                return 0;
            }
        }
        rows.contentLength(length);
        pos = p;
        return 0;
    }

    /** {@link #push} of a name of 1 or 2 bytes, stored without a copy call. */
    private void pushShort(int nameStart, int nameLength, byte kind) {
        int at = depth == 1 ? 0 : nameStarts[depth - 1] + nameLengths[depth - 1];
        if (at + 2 > names.length) {
            push(nameStart, nameLength, kind);
            return;
        }
        names[at] = buf[nameStart];
        names[at + 1] = buf[nameStart + 1]; // a byte past a 1-byte name: unused
        nameStarts[depth] = at;
        nameLengths[depth] = nameLength;
        kinds[depth] = kind;
    }

    /** A byte the general path takes in an attribute value as it is: printable ASCII but '<', '&' and the quote. */
    private static boolean printableAttributeByte(byte b) {
        return b >= 0x20 && b != '"' && b != '<' && b != '&' && b != 0x7F;
    }

    /** Reads a name (ASCII, at most one colon inside) from p; returns its end, NEED_MORE, and the colon in {@link #colon}. */
    private int name(int p) throws NotTaken {
        colon = -1;
        if (p >= limit) return NEED_MORE;
        if (!nameStart(buf[p])) throw NOT_TAKEN;
        p++;
        while (true) {
            if (p >= limit) return NEED_MORE;
            byte c = buf[p];
            if (nameChar(c)) {
                p++;
            } else if (c == ':') {
                if (colon >= 0) throw NOT_TAKEN;
                colon = p++;
                if (p >= limit) return NEED_MORE;
                if (!nameStart(buf[p])) throw NOT_TAKEN;
            } else {
                return p;
            }
        }
    }

    private int colon;

    private int startTag(XlsxSheetRows rows) throws NotTaken {
        int nameStart = pos + 1;
        int p = name(nameStart);
        if (p == NEED_MORE) return NEED_MORE;
        int nameColon = colon;
        int nameLength = p - nameStart;
        attrCount = 0;
        // a prefixed or an xmlns attribute: the namespace checks below apply (most tags have neither)
        boolean namespaced = false;
        boolean empty;
        while (true) {
            if (p >= limit) return NEED_MORE;
            boolean space = false;
            while (whitespace(buf[p])) {
                space = true;
                if (++p >= limit) return NEED_MORE;
            }
            byte c = buf[p];
            if (c == '>') {
                p++;
                empty = false;
                break;
            }
            if (c == '/') {
                if (p + 1 >= limit) return NEED_MORE;
                if (buf[p + 1] != '>') throw NOT_TAKEN;
                p += 2;
                empty = true;
                break;
            }
            if (!space || attrCount == MAX_ATTRIBUTES) throw NOT_TAKEN;
            int attrStart = p;
            p = name(p);
            if (p == NEED_MORE) return NEED_MORE;
            attrNames[attrCount] = attrStart;
            attrNameLengths[attrCount] = p - attrStart;
            attrColons[attrCount] = colon;
            namespaced |= colon >= 0 || p - attrStart == XMLNS.length;
            while (true) {
                if (p >= limit) return NEED_MORE;
                if (!whitespace(buf[p])) break;
                p++;
            }
            if (buf[p] != '=') throw NOT_TAKEN;
            p++;
            while (true) {
                if (p >= limit) return NEED_MORE;
                if (!whitespace(buf[p])) break;
                p++;
            }
            byte quote = buf[p];
            if (quote != '"' && quote != '\'') throw NOT_TAKEN;
            int valueStart = ++p;
            while (true) {
                if (p >= limit) return NEED_MORE;
                byte v = buf[p];
                if (v == quote) break;
                if (v == '<' || v == '&' || (v >= 0 && v < 0x20)) throw NOT_TAKEN; // entities and whitespace normalisation: the StAX parser's
                if (v < 0) {
                    int n = utf8(p, null, 0);
                    if (n == NEED_MORE) return NEED_MORE;
                    p += n >>> 8;
                } else {
                    p++;
                }
            }
            attrValues[attrCount] = valueStart;
            attrValueLengths[attrCount] = p - valueStart;
            attrCount++;
            p++;
        }
        // the whole tag is in the buffer: check it, then it happens
        if (rootClosed || depth == MAX_DEPTH) throw NOT_TAKEN;
        for (int i = 0; i < attrCount - 1; i++) {
            for (int j = i + 1; j < attrCount; j++) {
                if (equal(attrNames[i], attrNameLengths[i], attrNames[j], attrNameLengths[j])) throw NOT_TAKEN;
                // two prefixes may name one namespace: the StAX parser decides whether that is a duplicate
                int ci = attrColons[i];
                int cj = attrColons[j];
                if (namespaced && ci >= 0 && cj >= 0 && !isXmlns(attrNames[i], ci) && !isXmlns(attrNames[j], cj)
                        && equal(ci + 1, attrNames[i] + attrNameLengths[i] - ci - 1, cj + 1, attrNames[j] + attrNameLengths[j] - cj - 1)) {
                    throw NOT_TAKEN;
                }
            }
        }
        depth++;
        if (namespaced) {
            for (int i = 0; i < attrCount; i++) declare(i);
        }
        byte kind = kind(nameStart, nameLength, nameColon);
        if (namespaced) {
            for (int i = 0; i < attrCount; i++) {
                int c = attrColons[i];
                if (c >= 0 && !isXmlns(attrNames[i], c) && !same(attrNames[i], c - attrNames[i], XML)) {
                    if (binding(attrNames[i], c - attrNames[i]) < 0) throw NOT_TAKEN; // an unbound prefix
                }
            }
        }
        push(nameStart, nameLength, kind);
        rootSeen = true;
        pos = p;
        brackets = 0;
        switch (kind) {
            case ROW -> {
                int r = attribute('r');
                rows.startRow(r >= 0, r >= 0 ? rowNumber(r) : 0);
            }
            case CELL -> {
                int r = attribute('r');
                int t = attribute('t');
                rows.startCell(r >= 0 ? column(r) : XlsxSheetRows.NO_REFERENCE, t >= 0 ? type(t) : XlsxSheetRows.NUMBER);
            }
            case VALUE, TEXT -> rows.startText();
            case INLINE_STRING -> rows.startInlineString();
            case DIMENSION -> {
                int ref = attributeRef();
                rows.dimension(ref >= 0 ? ascii(attrValues[ref], attrValueLengths[ref]) : null);
            }
            case OTHER -> rows.startOther();
            default -> {
                // an element of another namespace: nothing
            }
        }
        if (empty) return end(rows);
        return 0;
    }

    private int endTag(XlsxSheetRows rows) throws NotTaken {
        int nameStart = pos + 2;
        int p = name(nameStart);
        if (p == NEED_MORE) return NEED_MORE;
        int nameLength = p - nameStart;
        while (true) {
            if (p >= limit) return NEED_MORE;
            if (!whitespace(buf[p])) break;
            p++;
        }
        if (buf[p] != '>' || depth == 0) throw NOT_TAKEN;
        if (nameLengths[depth] != nameLength) throw NOT_TAKEN;
        int top = nameStarts[depth];
        for (int i = 0; i < nameLength; i++) if (names[top + i] != buf[nameStart + i]) throw NOT_TAKEN;
        pos = p + 1;
        brackets = 0;
        return end(rows);
    }

    /** The element at the top ends: 1 at the end of a row. */
    private int end(XlsxSheetRows rows) {
        byte kind = kinds[depth];
        if (bindings > 0 && bindingDepths[bindings - 1] == depth) {
            while (bindings > 0 && bindingDepths[bindings - 1] == depth) bindings--;
            defaultChanged();
        }
        depth--;
        if (depth == 0) rootClosed = true;
        switch (kind) {
            case VALUE -> rows.endText("v");
            case TEXT -> rows.endText("t");
            case CELL -> rows.endCell();
            case INLINE_STRING -> rows.endInlineString();
            case ROW -> {
                return rows.endRow() ? 1 : 0;
            }
            default -> {
                // nothing to do
            }
        }
        return 0;
    }

    /** Text at pos (up to the next '<' or the end of the buffer): checked, and kept when the row logic is in a value. */
    private void text(XlsxSheetRows rows) throws IOException, NotTaken {
        if (depth == 0) {
            // before or after the root only whitespace
            while (pos < limit && whitespace(buf[pos])) pos++;
            if (pos < limit && buf[pos] != '<') throw NOT_TAKEN;
            return;
        }
        boolean keep = rows.inText();
        int length = rows.contentLength();
        if (keep) rows.ensureContent(length + (limit - pos));
        char[] out = rows.content();
        int p = pos;
        int run = brackets;
        try {
            while (p < limit) {
                if (limit - p >= Long.BYTES) {
                    // eight bytes at a time up to the first one the per-byte rules below must see
                    int plain = SheetWords.plainText(buf, p);
                    if (plain > 0) {
                        if (keep) {
                            // all 8 written (out has room for a char per byte up to limit), the plain ones kept
                            for (int i = 0; i < Long.BYTES; i++) out[length + i] = (char) buf[p + i];
                            length += plain;
                        }
                        p += plain;
                        run = 0;
                        if (plain == Long.BYTES) continue;
                    }
                }
                byte b = buf[p];
                if (b == '<') break;
                if (b >= 0x20) {
                    if (b == '&') {
                        int n = reference(p, keep ? out : null, length);
                        if (n == NEED_MORE) {
                            pos = p;
                            if (!more(pos)) throw NOT_TAKEN;
                            return;
                        }
                        p += n >>> 8;
                        length += n & 0xFF;
                        run = 0;
                        continue;
                    }
                    if (b == ']') {
                        run++;
                    } else {
                        if (b == '>' && run >= 2) throw NOT_TAKEN;
                        run = 0;
                    }
                    if (keep) out[length++] = (char) b;
                    p++;
                } else if (b < 0) {
                    int n = utf8(p, keep ? out : null, length);
                    if (n == NEED_MORE) {
                        pos = p;
                        if (!more(pos)) throw NOT_TAKEN;
                        return;
                    }
                    p += n >>> 8;
                    length += n & 0xFF;
                    run = 0;
                } else if (b == '\n' || b == '\t' || (b == '\r' && !keep)) {
                    if (keep) out[length++] = (char) b;
                    p++;
                    run = 0;
                } else {
                    throw NOT_TAKEN; // a control character, or a carriage return the StAX parser would normalise
                }
            }
            pos = p;
        } finally {
            brackets = run;
            if (keep) rows.contentLength(length);
        }
    }

    /** The length of the well-formed reference at p (see {@link #reference}); 0 for any other. */
    private int referenceLength(int p) {
        try {
            int n = reference(p, null, 0);
            return n == NEED_MORE ? 0 : n >>> 8;
        } catch (NotTaken malformed) {
            return 0;
        }
    }

    /**
     * A character or predefined entity reference at p: (bytes read << 8) | chars written (to out at
     * at, when out is not null), or NEED_MORE.
     */
    private int reference(int p, char[] out, int at) throws NotTaken {
        int semicolon = -1;
        for (int i = p + 1; i < limit && i <= p + MAX_REFERENCE; i++) {
            if (buf[i] == ';') {
                semicolon = i;
                break;
            }
        }
        if (semicolon < 0) {
            if (limit - p <= MAX_REFERENCE && !eof) return NEED_MORE;
            throw NOT_TAKEN;
        }
        int length = semicolon - p - 1;
        int codePoint;
        if (length >= 2 && buf[p + 1] == '#') {
            codePoint = 0;
            boolean hex = buf[p + 2] == 'x';
            int from = p + (hex ? 3 : 2);
            if (from == semicolon) throw NOT_TAKEN;
            for (int i = from; i < semicolon; i++) {
                int digit = Character.digit(buf[i], hex ? 16 : 10);
                if (digit < 0) throw NOT_TAKEN;
                codePoint = codePoint * (hex ? 16 : 10) + digit;
                if (codePoint > 0x10FFFF) throw NOT_TAKEN;
            }
            if (!xmlChar(codePoint)) throw NOT_TAKEN;
        } else {
            codePoint = predefined(p + 1, length);
        }
        return ((semicolon + 1 - p) << 8) | (out == null ? 0 : putCodePoint(codePoint, out, at));
    }

    private int predefined(int from, int length) throws NotTaken {
        if (length == 2 && buf[from + 1] == 't') {
            if (buf[from] == 'l') return '<';
            if (buf[from] == 'g') return '>';
        } else if (length == 3 && buf[from] == 'a' && buf[from + 1] == 'm' && buf[from + 2] == 'p') {
            return '&';
        } else if (length == 4) {
            if (buf[from] == 'a' && buf[from + 1] == 'p' && buf[from + 2] == 'o' && buf[from + 3] == 's') return '\'';
            if (buf[from] == 'q' && buf[from + 1] == 'u' && buf[from + 2] == 'o' && buf[from + 3] == 't') return '"';
        }
        throw NOT_TAKEN; // any other entity: the StAX parser's error
    }

    /**
     * A UTF-8 sequence starting with a non-ASCII byte at p, checked (shortest form, no surrogates,
     * an XML character): (bytes << 8) | chars written (to out at {@code at} when out is not null), or NEED_MORE.
     */
    private int utf8(int p, char[] out, int at) throws NotTaken {
        int sequence = utf8Sequence(p);
        if (sequence == MALFORMED) throw NOT_TAKEN;
        if (sequence == NEED_MORE) {
            if (eof) throw NOT_TAKEN;
            return NEED_MORE;
        }
        int n = sequence >>> 24;
        if (out == null) return n << 8;
        return (n << 8) | putCodePoint(sequence & 0x1F_FFFF, out, at);
    }

    /** What {@link #utf8Sequence} answers for bytes that are no well-formed UTF-8 (or U+FFFE, U+FFFF: no XML characters). */
    private static final int MALFORMED = -3;

    /**
     * The UTF-8 sequence starting with the non-ASCII byte at {@code p}: its length in the top byte and its
     * code point below; {@link #MALFORMED}, or {@link #NEED_MORE} when it goes past the buffer's end.
     */
    private int utf8Sequence(int p) {
        int b0 = buf[p] & 0xFF;
        int n;
        int codePoint;
        int min2 = 0x80;
        int max2 = 0xBF;
        if (b0 < 0xC2) {
            return MALFORMED;
        } else if (b0 < 0xE0) {
            n = 2;
            codePoint = b0 & 0x1F;
        } else if (b0 < 0xF0) {
            n = 3;
            codePoint = b0 & 0x0F;
            if (b0 == 0xE0) min2 = 0xA0;
            if (b0 == 0xED) max2 = 0x9F;
        } else if (b0 < 0xF5) {
            n = 4;
            codePoint = b0 & 0x07;
            if (b0 == 0xF0) min2 = 0x90;
            if (b0 == 0xF4) max2 = 0x8F;
        } else {
            return MALFORMED;
        }
        if (p + n > limit) return NEED_MORE;
        int b1 = buf[p + 1] & 0xFF;
        if (b1 < min2 || b1 > max2) return MALFORMED;
        codePoint = (codePoint << 6) | (b1 & 0x3F);
        for (int i = 2; i < n; i++) {
            int b = buf[p + i] & 0xFF;
            if (b < 0x80 || b > 0xBF) return MALFORMED;
            codePoint = (codePoint << 6) | (b & 0x3F);
        }
        if (codePoint == 0xFFFE || codePoint == 0xFFFF) return MALFORMED;
        return n << 24 | codePoint;
    }

    /** The code point's UTF-16 chars at {@code out[at]}: how many (1, or 2 for a surrogate pair). */
    private static int putCodePoint(int codePoint, char[] out, int at) {
        if (codePoint >= 0x10000) {
            out[at] = Character.highSurrogate(codePoint);
            out[at + 1] = Character.lowSurrogate(codePoint);
            return 2;
        }
        out[at] = (char) codePoint;
        return 1;
    }

    /** The namespace declaration of attribute i, if it is one, bound at the current depth. */
    private void declare(int i) throws NotTaken {
        int name = attrNames[i];
        int c = attrColons[i];
        byte[] prefix;
        if (c < 0) {
            if (!same(name, attrNameLengths[i], XMLNS)) return;
            prefix = new byte[0];
        } else {
            if (!isXmlns(name, c)) return;
            int prefixLength = attrNameLengths[i] - (c + 1 - name);
            if (same(c + 1, prefixLength, XML) || same(c + 1, prefixLength, XMLNS) || attrValueLengths[i] == 0) {
                throw NOT_TAKEN;
            }
            prefix = new byte[prefixLength];
            System.arraycopy(buf, c + 1, prefix, 0, prefixLength);
        }
        String uri = new String(buf, attrValues[i], attrValueLengths[i], StandardCharsets.UTF_8);
        if (uri.equals(XML_NAMESPACE) || uri.equals(XMLNS_NAMESPACE)) throw NOT_TAKEN;
        if (bindings == prefixes.length) {
            prefixes = java.util.Arrays.copyOf(prefixes, bindings * 2);
            spreadsheet = java.util.Arrays.copyOf(spreadsheet, bindings * 2);
            bindingDepths = java.util.Arrays.copyOf(bindingDepths, bindings * 2);
        }
        prefixes[bindings] = prefix;
        // as the StAX reader tells spreadsheet elements: a namespace ending in /main (transitional and strict OOXML)
        spreadsheet[bindings] = uri.endsWith("/main");
        bindingDepths[bindings] = depth;
        bindings++;
        defaultChanged();
    }

    private void defaultChanged() {
        defaultBinding = binding(0, 0);
        defaultSpreadsheet = defaultBinding >= 0 && spreadsheet[defaultBinding];
    }

    private boolean isXmlns(int name, int colon) {
        return same(name, colon - name, XMLNS);
    }

    /** The innermost binding of the prefix buf[from, +length), -1 when unbound. */
    private int binding(int from, int length) {
        for (int b = bindings - 1; b >= 0; b--) {
            if (same(from, length, prefixes[b])) return b;
        }
        return -1;
    }

    private byte kind(int nameStart, int nameLength, int nameColon) throws NotTaken {
        int local = nameStart;
        int b;
        if (nameColon >= 0) {
            int prefixLength = nameColon - nameStart;
            if (same(nameStart, prefixLength, XML) || same(nameStart, prefixLength, XMLNS)) throw NOT_TAKEN;
            b = binding(nameStart, prefixLength);
            if (b < 0) throw NOT_TAKEN; // an unbound prefix
            local = nameColon + 1;
        } else if (defaultSpreadsheet) {
            b = defaultBinding;
        } else {
            b = binding(nameStart, 0);
        }
        if (b < 0 || !spreadsheet[b]) return NOT_SPREADSHEET;
        int length = nameStart + nameLength - local;
        byte first = buf[local];
        if (length == 1) {
            if (first == 'c') return CELL;
            if (first == 'v') return VALUE;
            if (first == 't') return TEXT;
        } else if (length == 3 && first == 'r' && buf[local + 1] == 'o' && buf[local + 2] == 'w') {
            return ROW;
        } else if (length == 2 && first == 'i' && buf[local + 1] == 's') {
            return INLINE_STRING;
        } else if (length == 9 && same(local, 9, DIMENSION_NAME)) {
            return DIMENSION;
        }
        return OTHER;
    }

    private static final byte[] DIMENSION_NAME = "dimension".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REF = {'r', 'e', 'f'};

    private void push(int nameStart, int nameLength, byte kind) {
        int at = depth == 1 ? 0 : nameStarts[depth - 1] + nameLengths[depth - 1];
        if (at + nameLength > names.length) names = java.util.Arrays.copyOf(names, Math.max(names.length * 2, at + nameLength));
        System.arraycopy(buf, nameStart, names, at, nameLength);
        nameStarts[depth] = at;
        nameLengths[depth] = nameLength;
        kinds[depth] = kind;
    }

    /** The attribute without a prefix named by one letter, -1 when absent. */
    private int attribute(char letter) {
        for (int i = 0; i < attrCount; i++) {
            if (attrNameLengths[i] == 1 && buf[attrNames[i]] == letter) return i;
        }
        return -1;
    }

    private int attributeRef() {
        for (int i = 0; i < attrCount; i++) {
            if (same(attrNames[i], attrNameLengths[i], REF)) return i;
        }
        return -1;
    }

    /** A row's r: 1 to 9 digits (Integer.parseInt's answer); anything else for the StAX parser. */
    private int rowNumber(int attr) throws NotTaken {
        int from = attrValues[attr];
        int length = attrValueLengths[attr];
        if (length == 0 || length > 9) throw NOT_TAKEN;
        int value = 0;
        for (int i = from; i < from + length; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) throw NOT_TAKEN;
            value = value * 10 + d;
        }
        return value;
    }

    /** A cell's r as {@link XlsxSheetRows#column(String)} reads it: 1 to 4 capitals, then 1 to 9 digits; else for the StAX parser. */
    private int column(int attr) throws NotTaken {
        return column(attrValues[attr], attrValues[attr] + attrValueLengths[attr]);
    }

    private int column(int p, int end) throws NotTaken {
        int column = 0;
        int letters = 0;
        while (p < end && letters < 4 && buf[p] >= 'A' && buf[p] <= 'Z') {
            column = column * 26 + (buf[p] - 'A' + 1);
            p++;
            letters++;
        }
        if (letters == 0 || p == end || end - p > 9) throw NOT_TAKEN;
        for (; p < end; p++) if (buf[p] < '0' || buf[p] > '9') throw NOT_TAKEN;
        return column - 1;
    }

    /** A cell's t as one of the type constants; a value not among them is for the StAX parser. */
    private String type(int attr) throws NotTaken {
        return type(attrValues[attr], attrValueLengths[attr]);
    }

    private String type(int p, int length) throws NotTaken {
        if (length == 1) {
            switch (buf[p]) {
                case 'n': return XlsxSheetRows.NUMBER;
                case 's': return XlsxSheetRows.SHARED;
                case 'b': return XlsxSheetRows.BOOLEAN;
                case 'e': return XlsxSheetRows.ERROR;
                case 'd': return XlsxSheetRows.DATE;
                default: throw NOT_TAKEN;
            }
        }
        if (same(p, length, INLINE_NAME)) return XlsxSheetRows.INLINE;
        if (same(p, length, STR_NAME)) return XlsxSheetRows.FORMULA_STRING;
        throw NOT_TAKEN;
    }

    private static final byte[] INLINE_NAME = "inlineStr".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STR_NAME = "str".getBytes(StandardCharsets.US_ASCII);

    private String ascii(int from, int length) throws NotTaken {
        for (int i = from; i < from + length; i++) if (buf[i] < 0) throw NOT_TAKEN;
        return new String(buf, from, length, StandardCharsets.US_ASCII);
    }

    private boolean same(int from, int length, byte[] expected) {
        if (length != expected.length) return false;
        for (int i = 0; i < length; i++) if (buf[from + i] != expected[i]) return false;
        return true;
    }

    private boolean equal(int a, int aLength, int b, int bLength) {
        if (aLength != bLength) return false;
        for (int i = 0; i < aLength; i++) if (buf[a + i] != buf[b + i]) return false;
        return true;
    }

    /**
     * Moves buf[from, limit) to the start of the buffer (pos with it) and reads more after it; false
     * at the end of the input. A tag that fills the whole buffer is left to the StAX parser.
     */
    private boolean more(int from) throws IOException, NotTaken {
        if (eof) return false;
        if (from > 0) {
            System.arraycopy(buf, from, buf, 0, limit - from);
            limit -= from;
            pos -= from;
        } else if (limit == buf.length) {
            throw NOT_TAKEN;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    private static boolean nameStart(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
    }

    private static boolean nameChar(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-' || b == '.';
    }

    private static boolean xmlChar(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }
}
