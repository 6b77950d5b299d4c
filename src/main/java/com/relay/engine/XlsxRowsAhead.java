package com.relay.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A sheet's rows read by the byte reader on a thread of their own while the caller lays out and
 * converts the rows before them (docs/ENGINE.md#vendor-file-formats): the thread scans the sheet's
 * bytes ({@link XlsxSheetBytes}, from {@link XlsxInflateAhead}'s thread when the sheet is deflated)
 * and runs the row logic ({@link XlsxSheetRows}), so inflating, scanning and converting an xlsx
 * feed overlap (docs/PERFORMANCE.md#xlsx-the-rows-read-on-a-thread-of-their-own).
 *
 * <p>Rows are handed over in batches: a batch is handed over once it holds {@value #BATCH_ROWS}
 * rows, {@value #BATCH_CELLS} cells or {@value #BATCH_CHARS} chars of cell text, so only its last
 * row takes it past that, and a row larger than a batch makes it larger. The row logic writes the
 * rows' texts straight into the batch. There are {@value #BATCHES} batches, recycled, so the thread
 * waits when the reader is that far behind (as many as {@link XlsxInflateAhead}'s buffers cover, for
 * the same reason); after handing over a batch a large row made larger, it waits until the reader
 * has let it go (which shrinks it back). Memory is bounded by them, never by the sheet: about 4 MiB,
 * and at most two batches at a row's limit (the one handed over and the one being filled). The
 * batches are kept for the next sheet ({@link XlsxBufferPool}).
 *
 * <p>The thread is a daemon of {@link XlsxHelperThreads}' pool, named {@code relay-xlsx-rows-<vendor>}
 * while it reads this sheet. It stops at the end of the
 * sheet; where the byte reader stops (something it does not take, a failing stream: the rows before
 * are delivered, then {@link #next} answers {@link Step#STOPPED} and the caller has the StAX parser
 * take over); on a failure of the row logic (thrown to the reader as it was, after the rows before
 * it); and when the reader closes this, early or not: {@link #close()} returns after its reading
 * has ended and the stream is closed. The thread is never interrupted (an interrupt would close the zip
 * file's channel under it); it stops after the row it is reading.
 */
final class XlsxRowsAhead implements Closeable {
    static final int BATCHES = 16;
    static final int BATCH_ROWS = 1024;
    static final int BATCH_CELLS = 8192;
    static final int BATCH_CHARS = 1 << 16;

    /** What {@link #next} found. */
    enum Step { ROW, END, STOPPED }

    /** Rows back to back: row r's cells are [firstCells[r], firstCells[r + 1]), their texts in {@link #chars}. */
    static final class Batch {
        int rows;
        final int[] rowNums = new int[BATCH_ROWS];
        final int[] firstCells = new int[BATCH_ROWS + 1];
        int cells;
        int[] columns = new int[BATCH_CELLS];
        String[] types = new String[BATCH_CELLS];
        /** Where the cell's text starts in {@link #chars}, and its length (-1: a cell without a value). */
        int[] starts = new int[BATCH_CELLS];
        int[] lengths = new int[BATCH_CELLS];
        /** The rows' texts, written here by the thread's row logic as it reads them. */
        char[] chars = new char[BATCH_CHARS];
        /** How the rows end after this batch: null while more follow. */
        Step last;
        /** The row logic's failure after these rows (with {@link Step#STOPPED}), thrown to the reader as it was. */
        Throwable failure;

        /** Whether the batch is handed over now: it is at its size in rows, cells or chars. */
        private boolean full(int charsEnd) {
            return rows == BATCH_ROWS || cells >= BATCH_CELLS || charsEnd >= BATCH_CHARS;
        }

        /** The row the row logic just ended (its text already in {@link #chars}). */
        private void add(XlsxSheetRows row) {
            int count = row.cellCount();
            if (cells + count > columns.length) {
                // a batch ends at its size, so only its last row passes it: at most the row's cell limit more
                int size = cells + count;
                columns = Arrays.copyOf(columns, size);
                types = Arrays.copyOf(types, size);
                starts = Arrays.copyOf(starts, size);
                lengths = Arrays.copyOf(lengths, size);
            }
            row.copyCells(columns, types, starts, lengths, cells);
            rowNums[rows] = row.rowNum();
            firstCells[rows] = cells;
            rows++;
            cells += count;
            firstCells[rows] = cells;
        }

        /** Whether a large row made it larger than its own size. */
        boolean oversized() { return chars.length > BATCH_CHARS || columns.length > BATCH_CELLS; }

        /** Empty, and its own size again: what a large row made it hold is let go. */
        private void reset() {
            rows = 0;
            cells = 0;
            last = null;
            failure = null;
            if (columns.length > BATCH_CELLS) {
                columns = new int[BATCH_CELLS];
                types = new String[BATCH_CELLS];
                starts = new int[BATCH_CELLS];
                lengths = new int[BATCH_CELLS];
            }
            if (chars.length > BATCH_CHARS) chars = new char[BATCH_CHARS];
        }
    }

    /** Put into {@link #free} by {@link #close()} to wake a thread waiting for a batch. */
    private static final Batch WAKE = new Batch();
    /** The batches kept from one sheet to the next ({@link XlsxBufferPool}): one sheet's worth. */
    private static final XlsxBufferPool<Batch> KEPT = new XlsxBufferPool<>(BATCHES, Batch::new);

    private final InputStream in;
    private final XlsxSheetBytes bytes;
    /** The row logic the thread runs, writing the rows' texts into the batch it fills. */
    private final XlsxSheetRows rowLogic;

    /** Batches the thread may fill, empty, made by it as it needs them. */
    private final XlsxFreeBuffers<Batch> free = new XlsxFreeBuffers<>(BATCHES, KEPT);
    /** Filled batches in order, the last with {@link Batch#last} set; one place more for an interrupted thread's. */
    private final BlockingQueue<Batch> filled = new ArrayBlockingQueue<>(BATCHES + 1);
    /**
     * Given by the reader when it lets go of a batch a large row made larger: the thread waits for it
     * after handing one over, so at most one such batch is handed over at a time.
     */
    private final Semaphore oversizedBack = new Semaphore(0);
    private final String name;
    /** The helper reading the rows, once started. */
    private XlsxHelperThreads.Helper helper;
    private volatile boolean closed;
    /** The thread has not handed over a row yet. */
    private boolean first = true;

    /** The batch being read and the next row of it {@link #next} gives. */
    private Batch current;
    private int row;

    private XlsxRowsAhead(InputStream in, XlsxSheetBytes bytes, String vendorId) {
        this.in = in;
        this.bytes = bytes;
        this.rowLogic = XlsxSheetRows.rowLogic();
        this.name = "relay-xlsx-rows-" + vendorId;
    }

    /** Starts reading rows with {@code bytes} (past its prolog) on a pool thread, which closes {@code in}. */
    static XlsxRowsAhead start(InputStream in, XlsxSheetBytes bytes, String vendorId) {
        XlsxRowsAhead ahead = new XlsxRowsAhead(in, bytes, vendorId);
        ahead.helper = XlsxHelperThreads.start(ahead.name, ahead::read);
        return ahead;
    }

    /** The thread: fills free batches with rows until the end, the byte reader's stop, a failure, or close. */
    private void read() {
        Batch interrupted = null;
        try (in) {
            while (!closed) {
                Batch batch = free.take();
                if (closed) break; // WAKE, or a batch given back by close
                fill(batch);
                if (closed) break;
                boolean oversized = batch.oversized();
                filled.add(batch);
                if (batch.last != null) break;
                if (oversized) oversizedBack.acquire(); // one large batch at a time (see the class comment)
            }
        } catch (InterruptedException e) {
            // nobody here interrupts this thread: someone stops the JVM's threads; the reader lets StAX try
            interrupted = new Batch();
            interrupted.last = Step.STOPPED;
        } catch (IOException closing) {
            // every row is handed over: a stream that fails to close loses nothing
        }
        if (interrupted != null) filled.add(interrupted);
    }

    /** Rows into the batch, their texts written by the row logic straight into its chars, until it is full or the rows end. */
    private void fill(Batch batch) {
        rowLogic.rowsInto(batch.chars);
        try {
            while (!closed) {
                boolean row = bytes.next(rowLogic);
                batch.chars = rowLogic.rowCharsArray(); // a large row may have made it larger
                if (!row) {
                    batch.last = Step.END;
                    return;
                }
                batch.add(rowLogic);
                // the first row (the header, mostly) goes alone: the reader starts while the thread reads on
                if (first || batch.full(rowLogic.rawCharsEnd())) {
                    first = false;
                    return;
                }
            }
        } catch (XlsxSheetBytes.NotTaken | IOException stop) {
            batch.chars = rowLogic.rowCharsArray();
            batch.last = Step.STOPPED;
        } catch (RuntimeException | Error failure) {
            batch.chars = rowLogic.rowCharsArray();
            batch.last = Step.STOPPED;
            batch.failure = failure;
        }
    }

    /**
     * The next row into {@code into} ({@link XlsxSheetRows#view}): {@link Step#ROW}, or how the rows
     * ended: {@link Step#END} of the sheet, or {@link Step#STOPPED} where the byte reader stopped.
     * The row logic's failure is thrown as it was, after the rows before it.
     */
    Step next(XlsxSheetRows into) throws InterruptedIOException {
        while (current == null || row == current.rows) {
            if (current != null) {
                if (current.last != null) {
                    Throwable failure = current.failure;
                    if (failure instanceof RuntimeException runtime) throw runtime;
                    if (failure instanceof Error error) throw error;
                    return current.last;
                }
                recycle(current);
                current = null;
            }
            try {
                current = filled.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the sheet's rows");
            }
            row = 0;
        }
        into.view(current, row++);
        return Step.ROW;
    }

    private void recycle(Batch batch) {
        boolean oversized = batch.oversized();
        batch.reset();
        free.giveBack(batch);
        if (oversized) oversizedBack.release();
    }

    /** The chars the thread's row logic holds (tests: bounded by the cell and row limits). */
    int rowLogicChars() { return rowLogic.bufferedChars(); }

    /** Stops the thread (after the row it is reading) and waits until it has closed the stream. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        free.wake(WAKE);
        oversizedBack.release(); // a thread waiting for a large batch to come back sees closed
        helper.awaitEnd(); // it ends within one row
        current = null;
        free.release(Batch::reset); // at their own size again
    }

    /** How many batches are kept for the next sheet (tests). */
    static int kept() { return KEPT.idle(); }
}
