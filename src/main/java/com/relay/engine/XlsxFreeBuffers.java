package com.relay.engine;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * The empty buffers of one of an xlsx feed's helper threads (docs/ENGINE.md#vendor-file-formats):
 * the thread takes one to fill, the feed's reader gives it back once used. The thread makes them
 * itself, only when none has come back, up to {@code max}, so the feed's thread does not wait
 * for them and a reader that keeps up needs few; then it waits for one to come back.
 */
final class XlsxFreeBuffers<T> {
    /** One place more than there are buffers, for the wake-up marker {@link #wake} puts in. */
    private final BlockingQueue<T> free;
    private final int max;
    private final Supplier<T> make;
    /** The buffers made so far (only the helper thread takes, so only it touches this). */
    private int made;

    XlsxFreeBuffers(int max, Supplier<T> make) {
        this.free = new ArrayBlockingQueue<>(max + 1);
        this.max = max;
        this.make = make;
    }

    /** (The helper thread) a buffer given back, else a new one while fewer than max are made, else the next one given back. */
    T take() throws InterruptedException {
        T buffer = free.poll();
        if (buffer != null) return buffer;
        if (made < max) {
            made++;
            return make.get();
        }
        return free.take();
    }

    /** (The reader) gives a used buffer back. */
    void giveBack(T buffer) {
        free.add(buffer);
    }

    /** Puts {@code marker} in, so a helper thread waiting in {@link #take} wakes (to see it is closed). */
    void wake(T marker) {
        free.offer(marker);
    }
}
