package com.relay.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A sheet's bytes inflated on a second thread while the reader parses the bytes before them
 * (docs/ENGINE.md#vendor-file-formats): the same CPU in less wall time when a second core is free
 * (docs/PERFORMANCE.md#vendor-file-formats-issue-20).
 *
 * <p>Memory is {@value #CHUNKS} buffers of {@value #CHUNK} bytes (2 MiB), recycled, and kept for the
 * next sheet ({@link XlsxBufferPool}): the inflating thread waits when the reader is that far
 * behind. So many, because the feed's three threads share two cores: the inflating thread runs
 * ahead while the reader waits for a core, instead of stopping at a full queue and leaving a core
 * idle later (docs/PERFORMANCE.md#xlsx-buffers-kept-from-one-feed-to-the-next). The thread is a daemon of {@link XlsxHelperThreads}'
 * pool, named {@code relay-xlsx-inflate-<vendor>} while it inflates; it stops at the end of the
 * entry, on the source's failure (which the reader gets as it is, at the point it reaches it) and
 * when the reader closes this stream, early or not: {@link #close()} returns after the inflating has
 * ended and the source is closed. The thread is never interrupted (an interrupt would close the zip
 * file's channel under it); it stops after the 64 KiB it is inflating.
 */
final class XlsxInflateAhead extends InputStream {
    static final int CHUNK = 1 << 16;
    static final int CHUNKS = 32;

    /** A filled buffer, the end of the entry ({@link #END}) or the source's failure. */
    private record Chunk(byte[] bytes, int length, Throwable failure) {}

    private static final Chunk END = new Chunk(new byte[0], 0, null);
    /** The buffers kept from one sheet to the next ({@link XlsxBufferPool}): one sheet's worth. */
    private static final XlsxBufferPool<byte[]> KEPT = new XlsxBufferPool<>(CHUNKS, () -> new byte[CHUNK]);
    /** Put into {@link #free} by {@link #close()} to wake a thread waiting for a buffer. */
    private static final byte[] WAKE = new byte[0];

    private final InputStream source;
    /** Buffers the thread may fill, made by it as it needs them. */
    private final XlsxFreeBuffers<byte[]> free = new XlsxFreeBuffers<>(CHUNKS, KEPT);
    /** Filled buffers in order, then END or a failure: never more than CHUNKS + 1 at once. */
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final String name;
    /** The inflating helper, once started. */
    private XlsxHelperThreads.Helper helper;
    private volatile boolean closed;

    /** The chunk being read (its buffer goes back to {@link #free} when it is used up), and where. */
    private Chunk current;
    private int pos;
    /** Set once END or a failure has been taken: what every later read answers. */
    private Chunk last;

    private XlsxInflateAhead(InputStream source, String vendorId) {
        this.source = source;
        this.name = "relay-xlsx-inflate-" + vendorId;
    }

    /** Starts inflating {@code source} (closed by the inflating thread when it ends) on a pool thread. */
    static XlsxInflateAhead start(InputStream source, String vendorId) {
        XlsxInflateAhead ahead = new XlsxInflateAhead(source, vendorId);
        ahead.helper = XlsxHelperThreads.start(ahead.name, ahead::inflate);
        return ahead;
    }

    /** The inflating thread: fills free buffers until the end, a failure, or close. */
    private void inflate() {
        Chunk terminal = END;
        try (source) {
            while (!closed) {
                byte[] buffer = free.take();
                if (closed) break; // WAKE, or a buffer given back by close
                int n = source.readNBytes(buffer, 0, CHUNK);
                if (n > 0) filled.add(new Chunk(buffer, n, null));
                if (n < CHUNK) break;
            }
        } catch (InterruptedException e) {
            // nobody here interrupts this thread: someone stops the JVM's threads; the reader gets an error
            terminal = new Chunk(null, 0, new InterruptedIOException("inflating the sheet was interrupted"));
        } catch (IOException | RuntimeException | Error e) {
            terminal = new Chunk(null, 0, e);
        }
        // room is certain: every chunk in the queue holds one of the CHUNKS buffers
        filled.add(terminal);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, current.length() - pos);
        System.arraycopy(current.bytes(), pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int read() throws IOException {
        return fill() ? current.bytes()[pos++] & 0xFF : -1;
    }

    /** A chunk with bytes left in {@link #current}; false at the end; the source's failure as it was thrown. */
    private boolean fill() throws IOException {
        if (closed) throw new IOException("Stream closed");
        while (last == null && (current == null || pos == current.length())) {
            if (current != null) {
                free.giveBack(current.bytes());
                current = null;
            }
            Chunk next;
            try {
                next = filled.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the sheet's bytes");
            }
            if (next.bytes() == null || next == END) last = next;
            else {
                current = next;
                pos = 0;
            }
        }
        if (last == null) return true;
        Throwable failure = last.failure();
        if (failure == null) return false;
        if (failure instanceof IOException io) throw io;
        if (failure instanceof RuntimeException runtime) throw runtime;
        throw (Error) failure;
    }

    /** Whether the inflating is still running (tests: it ends with the stream). */
    boolean inflating() { return helper.running(); }

    /** Stops the thread (after the chunk it is inflating) and waits until it has closed the source. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        free.wake(WAKE);
        helper.awaitEnd(); // it ends within one chunk
        current = null;
        free.release(buffer -> {});
    }

    /** How many buffers are kept for the next sheet (tests). */
    static int kept() { return KEPT.idle(); }
}
