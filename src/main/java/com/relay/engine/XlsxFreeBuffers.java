package com.relay.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * The empty buffers of one of an xlsx feed's helper threads (docs/ENGINE.md#vendor-file-formats):
 * the thread takes one to fill, the feed's reader gives it back once used. The thread makes them
 * itself, only when none has come back, up to {@code max}, so the feed's thread does not wait
 * for them and a reader that keeps up needs few; then it waits for one to come back. They come
 * from, and go back to, a pool kept from feed to feed ({@link XlsxBufferPool}).
 */
final class XlsxFreeBuffers<T> {
    /** One place more than there are buffers, for the wake-up marker {@link #wake} puts in. */
    private final BlockingQueue<T> free;
    private final int max;
    private final XlsxBufferPool<T> pool;
    /** The buffers taken from the pool so far (the helper thread adds to it, {@link #release} after it ended). */
    private final List<T> made = new ArrayList<>();

    XlsxFreeBuffers(int max, XlsxBufferPool<T> pool) {
        this.free = new ArrayBlockingQueue<>(max + 1);
        this.max = max;
        this.pool = pool;
    }

    /** (The helper thread) a buffer given back, else a new one while fewer than max are made, else the next one given back. */
    T take() throws InterruptedException {
        T buffer = free.poll();
        if (buffer != null) return buffer;
        if (made.size() < max) {
            buffer = pool.take();
            made.add(buffer);
            return buffer;
        }
        return free.take();
    }

    /** (The reader) gives a used buffer back. */
    void giveBack(T buffer) {
        free.add(buffer);
    }

    /**
     * Every buffer taken back to the pool, each made ready for its next user by {@code reset}: only
     * once the helper thread has ended and the reader is done with them (their close), as nothing
     * may write or read one after this.
     */
    void release(Consumer<T> reset) {
        for (T buffer : made) {
            reset.accept(buffer);
            pool.giveBack(buffer);
        }
        made.clear();
    }

    /** Puts {@code marker} in, so a helper thread waiting in {@link #take} wakes (to see it is closed). */
    void wake(T marker) {
        free.offer(marker);
    }
}
