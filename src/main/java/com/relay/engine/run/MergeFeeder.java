package com.relay.engine.run;

import com.relay.engine.BestOfferMerger;
import com.relay.engine.InventoryRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the best-offer merger from one thread of its own: vendor threads hand over chunks of
 * records and go on parsing instead of queueing for a lock around the merger (which is not
 * thread-safe). The queue is bounded, so a slow merger slows the parsers down instead of
 * letting chunks pile up in memory.
 */
final class MergeFeeder implements AutoCloseable {

    private static final List<InventoryRecord> END = new ArrayList<>(0);

    private final BlockingQueue<List<InventoryRecord>> queue = new ArrayBlockingQueue<>(4);
    private final Thread thread;
    private volatile Throwable failure;

    MergeFeeder(BestOfferMerger merger) {
        thread = new Thread(() -> {
            try {
                for (List<InventoryRecord> chunk = queue.take(); chunk != END; chunk = queue.take()) {
                    for (InventoryRecord r : chunk) merger.accept(r);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
                queue.clear(); // unblock producers; they see the failure next
            }
        }, "relay-engine-merge");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands a chunk over (the caller must not touch it afterwards). */
    void submit(List<InventoryRecord> chunk) throws IOException {
        put(chunk);
    }

    /** Waits until every submitted record is in the merger; rethrows the merger's failure. */
    void finish() throws IOException {
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while merging", e);
        }
        rethrow();
    }

    private void put(List<InventoryRecord> chunk) throws IOException {
        try {
            while (!queue.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
                rethrow();
                if (!thread.isAlive()) throw new IOException("merger thread stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while merging", e);
        }
        rethrow();
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t == null) return;
        if (t instanceof IOException io) throw io;
        if (t instanceof UncheckedIOException uio) throw uio.getCause();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        throw new IOException(t);
    }

    /** Stops the merger thread if it is still running (failure paths). */
    @Override
    public void close() {
        if (thread.isAlive()) thread.interrupt();
    }
}
