package com.relay.engine;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Supplier;

/**
 * Buffers an xlsx feed's reading leaves for the next feed (docs/ENGINE.md#vendor-file-formats):
 * a held feed's chunks, the inflating thread's buffers and the row batches. Made fresh for each
 * feed they were alive at every young collection during it, so each collection copied them (about
 * 7 MiB for the benchmark's feed: pauses of 8-15 ms where csv's are 3-4 ms), and survivors that
 * overflowed were promoted and piled up in the old generation
 * (docs/PERFORMANCE.md#xlsx-buffers-kept-from-one-feed-to-the-next). Kept, they live in the old
 * generation once and are never copied again. At most {@code max} are kept idle; a feed that needs
 * more (several feeds read at once) makes them, and they go to the garbage collector as before.
 */
final class XlsxBufferPool<T> {
    private final ArrayBlockingQueue<T> idle;
    private final Supplier<T> make;

    XlsxBufferPool(int max, Supplier<T> make) {
        this.idle = new ArrayBlockingQueue<>(max);
        this.make = make;
    }

    /** An idle buffer (its contents whatever its last user left), else a new one. */
    T take() {
        T buffer = idle.poll();
        return buffer != null ? buffer : make.get();
    }

    /** Keeps {@code buffer} for a later {@link #take} (its user is done with it), unless max are kept. */
    void giveBack(T buffer) {
        idle.offer(buffer);
    }

    /** How many are kept idle (tests). */
    int idle() {
        return idle.size();
    }
}
