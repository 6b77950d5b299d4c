package com.relay.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads an xlsx feed's helpers ({@link XlsxInflateAhead}, {@link XlsxRowsAhead}) run on, taken
 * from a pool of daemon threads rather than started for each feed: starting the two took 0.2 to 3 ms
 * each per feed on the benchmark machine, in the feed's serial open
 * (docs/PERFORMANCE.md#xlsx-a-small-feed-held-in-memory). The pool never queues a helper: each gets
 * a thread at once (an idle one, or a new one), so a feed's two helpers always run side by side,
 * however many feeds are read at once. A thread carries the helper's name while it runs it
 * ({@code relay-xlsx-rows-<vendor>}) and {@value #IDLE} between; an idle thread ends after a minute.
 * A helper's thread is never interrupted (an interrupt would close the zip file's channel under it).
 */
final class XlsxHelperThreads {
    static final String IDLE = "relay-xlsx-idle";

    private static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), body -> {
                Thread thread = new Thread(body, IDLE);
                thread.setDaemon(true);
                return thread;
            });

    private XlsxHelperThreads() {}

    /** A helper running on a pool thread. */
    static final class Helper {
        private final CountDownLatch ended = new CountDownLatch(1);

        /** Whether the helper still runs. */
        boolean running() { return ended.getCount() > 0; }

        /**
         * Waits until the helper has ended, an interrupt or not (the caller's flag is kept): a helper
         * ends within one step of its work once told to, and must have closed its stream before the
         * feed is closed.
         */
        void awaitEnd() {
            boolean interrupted = false;
            while (true) {
                try {
                    ended.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code work} on a pool thread named {@code name} while it runs. */
    static Helper start(String name, Runnable work) {
        Helper helper = new Helper();
        POOL.execute(() -> {
            Thread thread = Thread.currentThread();
            thread.setName(name);
            try {
                work.run();
            } finally {
                thread.setName(IDLE);
                helper.ended.countDown();
            }
        });
        return helper;
    }
}
