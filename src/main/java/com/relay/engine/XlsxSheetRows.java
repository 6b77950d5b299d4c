package com.relay.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.poi.ss.util.CellAddress;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.util.XMLHelper;

/**
 * One worksheet's rows, read from its XML one row at a time (docs/ENGINE.md#vendor-file-formats).
 * Each cell is kept as its column, its type ({@code t}, {@code n} when absent) and its raw text: the
 * {@code <v>} text, or for an inline string the text of every {@code <t>} in its {@code <is>}; none
 * when the cell has neither (a blank cell). {@link XlsxRecords} turns them into csv text.
 *
 * <p>It reads a sheet exactly as excel-streaming-reader 5.1.1 did (row and cell numbers when
 * {@code r} is absent, the first column of {@code <dimension>}, cells of a row in column order,
 * the last of two cells in one column kept) without an object per XML event and per cell, which
 * made xlsx the slowest format by far (docs/PERFORMANCE.md#vendor-file-formats-issue-20).
 *
 * <p>Two readers feed the same row logic. A cursor StAX parser (POI's hardened factory: no DTD, no
 * external entities) reads any sheet. {@link #open} first reads the bytes with
 * {@link XlsxSheetBytes}, which takes only the well-formed UTF-8 subset spreadsheet writers produce
 * and decodes nothing else; on anything outside it (a comment, CDATA, another encoding, malformed
 * XML, a failing stream) the StAX parser reads the sheet again from its start, skipping the rows
 * already delivered, so every answer and every error is the StAX parser's. The byte reader reads
 * on a thread of its own ({@link XlsxRowsAhead}), with a second instance of this class as its row
 * logic: this one then shows the rows it hands over, where they are ({@link #view}).
 */
final class XlsxSheetRows implements Closeable {
    /** Cells kept per row: one past the row store's limit, so a longer row still fails as too many fields. */
    static final int MAX_CELLS = CsvRecordReader.MAX_FIELDS + 1;
    /**
     * Text kept of one cell: one char past the cell limit, so the row store marks it oversized (as
     * json and xml values, {@link KeyedRecords#VALUE_KEEP}); the rest is read and dropped, so memory
     * does not grow with a cell's size.
     */
    static final int CELL_KEEP = KeyedRecords.VALUE_KEEP;
    /** Text kept of one row: one char past the record limit, so a longer row still fails as too long. */
    static final int ROW_KEEP = CsvRecordReader.MAX_RECORD_LENGTH + 1;

    /** Opens the sheet's XML (again, when the StAX parser takes over). */
    interface Source {
        InputStream open() throws IOException;
    }

    /** Cell types as constants: the readers map the {@code t} values they know onto these. */
    static final String NUMBER = "n";
    static final String SHARED = "s";
    static final String INLINE = "inlineStr";
    static final String FORMULA_STRING = "str";
    static final String BOOLEAN = "b";
    static final String ERROR = "e";
    static final String DATE = "d";

    /** The column of a cell without an {@code r}: none {@link #column(String)} gives. */
    static final int NO_REFERENCE = Integer.MIN_VALUE;

    /** Where the StAX parser reads the sheet when it takes over. */
    private final Source source;
    /** The stream the StAX parser reads; null while the byte reader's thread reads (it owns that stream). */
    private InputStream in;
    /** The byte reader's rows, read on their own thread; null once the StAX parser has taken over. */
    private XlsxRowsAhead ahead;
    private XMLStreamReader reader;
    /** Rows returned so far: the StAX parser skips as many when it takes over from the byte reader. */
    private long delivered;

    /** The text of the current {@code <v>}/{@code <t>} elements (an inline string's runs add up). */
    private char[] content = new char[256];
    private int contentLength;
    /** The current row's cell texts back to back; cell i is [rawStarts[i], +rawLengths[i]), length -1: none. */
    private char[] rowChars = new char[1024];
    private int rowCharsLength;
    /** Where the current row's texts start in rowChars: 0, or for {@link #rowLogic()} the end of the rows before it. */
    private int rowBase;
    /** The rows follow each other in rowChars (the byte reader's thread writes them into its batch). */
    private final boolean backToBack;
    private int[] columns = new int[64];
    private String[] types = new String[64];
    private int[] rawStarts = new int[64];
    private int[] rawLengths = new int[64];
    private int count;
    // the current row as the accessors give it: this reader's own arrays from 0, or a batch's from cellBase (view)
    private char[] cellChars = rowChars;
    private int[] cellColumns = columns;
    private String[] cellTypes = types;
    private int[] cellStarts = rawStarts;
    private int[] cellLengths = rawLengths;
    private int cellBase;
    private int rowNum;
    private int nextRowNum;
    private int nextColumn;
    private int firstColumn;
    private boolean inRow;
    private boolean inCell;
    private boolean inText;
    private boolean inInlineString;
    private int cellColumn;
    private String cellType;
    private int cellRawStart;
    private int cellRawLength;

    /** A sheet read by the StAX parser alone. */
    XlsxSheetRows(InputStream sheetXml) throws XMLStreamException {
        this.source = null;
        this.backToBack = false;
        this.in = sheetXml;
        this.reader = XMLHelper.newXMLInputFactory().createXMLStreamReader(sheetXml);
    }

    private XlsxSheetRows(Source source, XlsxRowsAhead ahead, boolean backToBack) {
        this.source = source;
        this.ahead = ahead;
        this.backToBack = backToBack;
    }

    /**
     * The row logic alone, which {@link XlsxRowsAhead}'s thread runs for the byte reader: the rows'
     * texts follow each other in the array {@link #rowsInto} gives it, each row still within the
     * row limit, so a batch gets them without a copy.
     */
    static XlsxSheetRows rowLogic() {
        return new XlsxSheetRows(null, null, true);
    }

    /** The next rows' texts go into {@code chars} from its start ({@link #rowLogic()}). */
    void rowsInto(char[] chars) {
        rowChars = chars;
        rowCharsLength = 0;
        rowBase = 0;
    }

    /** The array the texts are in now: {@link #rowsInto}'s, or a larger copy when a row needed one. */
    char[] rowCharsArray() { return rowChars; }

    /** A sheet read by the byte reader, the StAX parser taking over where it stops (see the class comment). */
    static XlsxSheetRows open(Source source) throws IOException, XMLStreamException {
        return open(source, source, "sheet");
    }

    /**
     * As {@link #open(Source)}, the byte reader reading from {@code bytesSource} on its own thread
     * ({@link XlsxRowsAhead}, named for {@code vendorId}) and the StAX parser, when it takes over,
     * from {@code source}: two ways to the same bytes (a faster inflater, POI's).
     */
    static XlsxSheetRows open(Source bytesSource, Source source, String vendorId) throws IOException, XMLStreamException {
        InputStream in = bytesSource.open();
        XlsxSheetBytes bytes = new XlsxSheetBytes(in);
        boolean readable;
        try {
            readable = bytes.prolog();
        } catch (IOException e) {
            readable = false;
        }
        if (readable) {
            try {
                return new XlsxSheetRows(source, XlsxRowsAhead.start(in, bytes, vendorId), false);
            } catch (RuntimeException | Error notStarted) {
                in.close(); // the thread owns the stream only once it runs
                throw notStarted;
            }
        }
        in.close();
        return new XlsxSheetRows(source.open());
    }

    /** Whether the byte reader still reads the sheet (the StAX parser has not taken over). */
    boolean readsBytes() { return ahead != null; }

    /** The 0-based sheet row number of the current row. */
    int rowNum() { return rowNum; }

    int cellCount() { return count; }

    int column(int i) { return cellColumns[cellBase + i]; }

    String type(int i) { return cellTypes[cellBase + i]; }

    /** The cell's raw text, null for a cell without a value. */
    String raw(int i) {
        int length = cellLengths[cellBase + i];
        return length < 0 ? null : new String(cellChars, cellStarts[cellBase + i], length);
    }

    /** Where {@link #rawStart} and {@link #rawLength} point into; valid until the next {@link #next}. */
    char[] rawChars() { return cellChars; }

    /** Where the texts of the rows end in {@link #rawChars()} ({@link #rowLogic()}: all the rows since {@link #rowsInto}). */
    int rawCharsEnd() { return rowCharsLength; }

    int rawStart(int i) { return cellStarts[cellBase + i]; }

    /** The length of the cell's raw text, -1 for a cell without a value. */
    int rawLength(int i) { return cellLengths[cellBase + i]; }

    /** Reads up to the end of the next {@code <row>}; false at the end of the sheet. */
    boolean next() throws XMLStreamException {
        if (ahead != null) {
            XlsxRowsAhead.Step step;
            try {
                step = ahead.next(this);
            } catch (InterruptedIOException e) {
                throw new XMLStreamException(e.getMessage(), e);
            }
            if (step == XlsxRowsAhead.Step.ROW) {
                delivered++;
                return true;
            }
            if (step == XlsxRowsAhead.Step.END) return false;
            takeOver();
        }
        return staxNext();
    }

    /** The StAX parser reads the sheet again from its start, up to where the byte reader stopped. */
    private void takeOver() throws XMLStreamException {
        ahead.close(); // its thread has stopped: this waits for it to close its stream
        ahead = null;
        try {
            in = source.open();
        } catch (IOException e) {
            throw new XMLStreamException(e);
        }
        reader = XMLHelper.newXMLInputFactory().createXMLStreamReader(in);
        contentLength = 0;
        rowCharsLength = 0;
        rowBase = 0;
        ownRow();
        count = rowNum = nextRowNum = nextColumn = firstColumn = 0;
        inRow = inCell = inText = inInlineString = false;
        for (long skipped = 0; skipped < delivered; skipped++) {
            if (!staxNext()) throw new IllegalStateException("the sheet ended before row " + delivered + " on a second read");
        }
    }

    private boolean staxNext() throws XMLStreamException {
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.CHARACTERS) {
                if (inText) text(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
            } else if (event == XMLStreamConstants.START_ELEMENT) {
                if (spreadsheetElement()) staxStart(reader.getLocalName());
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                if (spreadsheetElement() && end(reader.getLocalName())) return true;
            }
        }
        return false;
    }

    private boolean spreadsheetElement() {
        String ns = reader.getNamespaceURI();
        return ns != null && ns.endsWith("/main");
    }

    private void staxStart(String name) {
        switch (name) {
            case "row" -> {
                String r = attribute("r");
                startRow(r != null, r == null ? 0 : Integer.parseInt(r));
            }
            case "c" -> {
                String r = attribute("r");
                startCell(r == null ? NO_REFERENCE : column(r), type(attribute("t")));
            }
            case "v", "t" -> startText();
            case "is" -> startInlineString();
            case "dimension" -> dimension(attribute("ref"));
            default -> startOther();
        }
    }

    // ---- the row logic both readers drive, element by element ---------------------------------

    /** A {@code <row>}; {@code r} its 1-based number when {@code numbered}. */
    void startRow(boolean numbered, int r) {
        if (numbered) nextRowNum = r - 1;
        rowNum = nextRowNum;
        count = 0;
        if (!backToBack) rowCharsLength = 0;
        rowBase = rowCharsLength;
        inRow = true;
        nextColumn = firstColumn;
        startOther();
    }

    /** A {@code <c>}; {@code column} from its {@code r}, {@link #NO_REFERENCE} without; {@code type} from {@link #type(String)}. */
    void startCell(int column, String type) {
        if (column != NO_REFERENCE) nextColumn = column;
        cellColumn = nextColumn;
        cellType = type;
        cellRawLength = -1;
        inCell = true;
        startOther();
    }

    void startText() {
        inText = true;
        startOther();
    }

    void startInlineString() {
        inInlineString = true;
        startOther();
    }

    void dimension(String ref) {
        if (ref != null) {
            for (int i = 0; i < ref.length(); i++) {
                if (!Character.isAlphabetic(ref.charAt(i))) {
                    firstColumn = CellReference.convertColStringToIndex(ref.substring(0, i));
                    break;
                }
            }
        }
        startOther();
    }

    /** Any spreadsheet element starting; the text of every {@code <t>} of an inline string adds up, as rich-text runs do. */
    void startOther() {
        if (!inInlineString) contentLength = 0;
    }

    boolean inText() { return inText; }

    void text(char[] chars, int start, int length) {
        int kept = Math.min(length, CELL_KEEP - contentLength);
        if (kept <= 0) return;
        ensureContent(contentLength + kept);
        System.arraycopy(chars, start, content, contentLength, kept);
        contentLength += kept;
    }

    /**
     * Room for {@code needed} chars of content; the byte reader then writes into {@link #content()}
     * itself, at most a buffer's worth past {@link #CELL_KEEP} before {@link #contentLength(int)} cuts it.
     */
    void ensureContent(int needed) {
        if (needed > content.length) content = Arrays.copyOf(content, Math.max(needed, Math.min(content.length * 2, CELL_KEEP)));
    }

    char[] content() { return content; }

    int contentLength() { return contentLength; }

    /** The content's length after the byte reader wrote: cut to {@link #CELL_KEEP}. */
    void contentLength(int length) { contentLength = Math.min(length, CELL_KEEP); }

    /** The capacity of the text buffers (tests: bounded by the cell and row limits, not by the input). */
    int bufferedChars() { return content.length + rowChars.length + (ahead != null ? ahead.rowLogicChars() : 0); }

    void endText(String name) {
        inText = false;
        if (!inCell) throw new IllegalStateException("a <" + name + "> element outside a cell");
        // past ROW_KEEP chars the row fails as too long: later cells keep no text
        cellRawStart = rowCharsLength;
        cellRawLength = keepChars(content, 0, contentLength);
    }

    /**
     * A cell's whole text, plain ASCII bytes, read by the byte reader between {@link #startText} and
     * where {@link #endText} would be, while the content is empty: the text goes straight to the row,
     * as the content would (the same cell and row limits).
     */
    void cellText(byte[] bytes, int from, int length) {
        inText = false;
        if (!inCell) throw new IllegalStateException("a text element outside a cell");
        cellRawStart = rowCharsLength;
        cellRawLength = keepAscii(bytes, from, length);
    }

    /** ASCII bytes appended to the row's texts, within the cell and row limits as endText keeps them; the chars kept. */
    private int keepAscii(byte[] bytes, int from, int length) {
        int kept = keepRoom(length);
        char[] out = rowChars;
        int at = rowCharsLength;
        int blocks = (kept + 7) & ~7;
        if (at + blocks <= out.length && from + blocks <= bytes.length) {
            // 8 at a time, no branch per char (texts are short); the chars past the text are free room, written again later
            for (int i = 0; i < blocks; i += 8) {
                out[at + i] = (char) bytes[from + i];
                out[at + i + 1] = (char) bytes[from + i + 1];
                out[at + i + 2] = (char) bytes[from + i + 2];
                out[at + i + 3] = (char) bytes[from + i + 3];
                out[at + i + 4] = (char) bytes[from + i + 4];
                out[at + i + 5] = (char) bytes[from + i + 5];
                out[at + i + 6] = (char) bytes[from + i + 6];
                out[at + i + 7] = (char) bytes[from + i + 7];
            }
        } else {
            for (int i = 0; i < kept; i++) out[at + i] = (char) bytes[from + i];
        }
        rowCharsLength = at + kept;
        return kept;
    }

    /**
     * How much of a cell text of {@code length} chars the cell and row limits keep (as endText keeps
     * it), with room for it after the row's texts.
     */
    private int keepRoom(int length) {
        int kept = Math.max(0, Math.min(Math.min(length, CELL_KEEP), ROW_KEEP - (rowCharsLength - rowBase)));
        int needed = rowCharsLength + kept;
        if (needed > rowChars.length) {
            rowChars = Arrays.copyOf(rowChars, Math.max(needed, Math.min(rowChars.length * 2, rowBase + ROW_KEEP)));
        }
        return kept;
    }

    /** Chars appended to the row's texts, within the cell and row limits as endText keeps them; the chars kept. */
    private int keepChars(char[] chars, int from, int length) {
        int kept = keepRoom(length);
        System.arraycopy(chars, from, rowChars, rowCharsLength, kept);
        rowCharsLength += kept;
        return kept;
    }

    /** Not inside a cell, a text or an inline string (where a row's cells would add up differently). */
    boolean outsideCells() { return !inCell && !inText && !inInlineString; }

    /** The column of the row's last cell so far (its largest: cells are kept in column order), -1 before any. */
    int lastColumn() { return count == 0 ? -1 : columns[count - 1]; }

    /**
     * Cells of the open row in columns rising past {@link #lastColumn()}, each an inline string or a
     * number whose text is plain ASCII bytes, read by the byte reader at once: what each cell's
     * {@link #startCell}, {@link #cellText} and {@link #endCell} do.
     */
    void plainCells(int cells, int[] cellColumns, boolean[] inline, byte[] bytes, int[] texts, int[] textLengths, char[] decoded) {
        for (int i = 0; i < cells; i++) {
            int start = rowCharsLength;
            int kept = texts[i] >= 0 ? keepAscii(bytes, texts[i], textLengths[i]) : keepChars(decoded, ~texts[i], textLengths[i]);
            if (!inRow || count == MAX_CELLS) continue; // as add() keeps it
            if (count == columns.length) growCells();
            columns[count] = cellColumns[i];
            types[count] = inline[i] ? INLINE : NUMBER;
            rawStarts[count] = start;
            rawLengths[count] = kept;
            count++;
        }
        if (cells > 0) nextColumn = cellColumns[cells - 1] + 1;
    }

    void endCell() {
        if (inRow) add(cellColumn, cellType, cellRawStart, cellRawLength);
        inCell = false;
        nextColumn++;
    }

    void endInlineString() {
        inInlineString = false;
    }

    /** True at the end of a row. */
    boolean endRow() {
        if (inRow) {
            ownRow();
            nextRowNum++;
            return true;
        }
        return false;
    }

    /** True at the end of a row. */
    private boolean end(String name) {
        switch (name) {
            case "v", "t" -> endText(name);
            case "c" -> endCell();
            case "is" -> endInlineString();
            case "row" -> {
                return endRow();
            }
            default -> {
                // nothing to do
            }
        }
        return false;
    }

    /** The row just ended, in this reader's own arrays, as the accessors give it (endText and add may have grown them). */
    private void ownRow() {
        cellChars = rowChars;
        cellColumns = columns;
        cellTypes = types;
        cellStarts = rawStarts;
        cellLengths = rawLengths;
        cellBase = 0;
    }

    /** The current row's cells into a batch's arrays from {@code at} (the row logic's own row: its arrays from 0). */
    void copyCells(int[] columns, String[] types, int[] starts, int[] lengths, int at) {
        System.arraycopy(cellColumns, cellBase, columns, at, count);
        System.arraycopy(cellTypes, cellBase, types, at, count);
        System.arraycopy(cellStarts, cellBase, starts, at, count);
        System.arraycopy(cellLengths, cellBase, lengths, at, count);
    }

    /** Row {@code r} of a batch the byte reader's thread made, as this reader's current row, where it is (until the next {@link #next}). */
    void view(XlsxRowsAhead.Batch batch, int r) {
        cellBase = batch.firstCells[r];
        count = batch.firstCells[r + 1] - cellBase;
        rowNum = batch.rowNums[r];
        cellChars = batch.chars;
        cellColumns = batch.columns;
        cellTypes = batch.types;
        cellStarts = batch.starts;
        cellLengths = batch.lengths;
    }

    /** Keeps the row's cells in column order, the later of two cells in one column winning. */
    private void add(int column, String type, int rawStart, int rawLength) {
        int at = count;
        while (at > 0 && columns[at - 1] > column) at--;
        if (at > 0 && columns[at - 1] == column) {
            types[at - 1] = type;
            rawStarts[at - 1] = rawStart;
            rawLengths[at - 1] = rawLength;
            return;
        }
        if (count == MAX_CELLS) return;
        if (count == columns.length) growCells();
        System.arraycopy(columns, at, columns, at + 1, count - at);
        System.arraycopy(types, at, types, at + 1, count - at);
        System.arraycopy(rawStarts, at, rawStarts, at + 1, count - at);
        System.arraycopy(rawLengths, at, rawLengths, at + 1, count - at);
        columns[at] = column;
        types[at] = type;
        rawStarts[at] = rawStart;
        rawLengths[at] = rawLength;
        count++;
    }

    /** Room for more cells in the row, never past {@link #MAX_CELLS}. */
    private void growCells() {
        int size = Math.min(MAX_CELLS, count * 2);
        columns = Arrays.copyOf(columns, size);
        types = Arrays.copyOf(types, size);
        rawStarts = Arrays.copyOf(rawStarts, size);
        rawLengths = Arrays.copyOf(rawLengths, size);
    }

    /** A cell's {@code t} as one of the type constants when it is one ({@code n} when absent), else as it is. */
    static String type(String t) {
        if (t == null) return NUMBER;
        return switch (t) {
            case "n" -> NUMBER;
            case "s" -> SHARED;
            case "inlineStr" -> INLINE;
            case "str" -> FORMULA_STRING;
            case "b" -> BOOLEAN;
            case "e" -> ERROR;
            case "d" -> DATE;
            default -> t;
        };
    }

    /** An attribute without a namespace, as the sheet's {@code r}, {@code t} and {@code ref} are. */
    private String attribute(String localName) {
        for (int i = 0, n = reader.getAttributeCount(); i < n; i++) {
            String ns = reader.getAttributeNamespace(i);
            if ((ns == null || ns.isEmpty()) && localName.equals(reader.getAttributeLocalName(i))) {
                return reader.getAttributeValue(i);
            }
        }
        return null;
    }

    /** The 0-based column of a cell reference: {@code B7} → 1; anything but letters-then-digits as POI reads it. */
    static int column(String ref) {
        int i = 0;
        int column = 0;
        int n = ref.length();
        while (i < n && ref.charAt(i) >= 'A' && ref.charAt(i) <= 'Z' && i < 4) {
            column = column * 26 + (ref.charAt(i) - 'A' + 1);
            i++;
        }
        boolean digits = i > 0 && i < n && n - i <= 9;
        for (int j = i; j < n && digits; j++) digits = ref.charAt(j) >= '0' && ref.charAt(j) <= '9';
        return digits ? column - 1 : new CellAddress(ref).getColumn();
    }

    @Override
    public void close() throws IOException {
        try {
            if (ahead != null) ahead.close();
            if (reader != null) reader.close();
        } catch (XMLStreamException e) {
            // closing the stream below is what matters
        } finally {
            if (in != null) in.close();
        }
    }
}
