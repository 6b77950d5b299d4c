package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool the xlsx helpers run on: never queued, named while they run, threads kept for the next feed. */
class XlsxHelperThreadsTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void helpersThatWaitForEachOtherAllRunAtOnce() throws Exception {
        // a feed's helpers wait for each other: a pool that queued one would never end
        int helpers = 2 * Runtime.getRuntime().availableProcessors() + 3;
        CountDownLatch allRunning = new CountDownLatch(helpers);
        XlsxHelperThreads.Helper[] started = new XlsxHelperThreads.Helper[helpers];
        for (int i = 0; i < helpers; i++) {
            started[i] = XlsxHelperThreads.start("relay-xlsx-test-" + i, () -> {
                allRunning.countDown();
                try {
                    allRunning.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        for (XlsxHelperThreads.Helper helper : started) helper.awaitEnd();
        assertThat(allRunning.getCount()).isZero();
        assertThat(started).noneMatch(XlsxHelperThreads.Helper::running);
    }

    @Test
    void aHelpersThreadIsANamedDaemonWhileItRunsAndIdleAfterwardsForTheNext() {
        AtomicReference<Thread> first = new AtomicReference<>();
        AtomicReference<String> name = new AtomicReference<>();
        XlsxHelperThreads.Helper helper = XlsxHelperThreads.start("relay-xlsx-rows-acme", () -> {
            first.set(Thread.currentThread());
            name.set(Thread.currentThread().getName());
        });
        helper.awaitEnd();
        assertThat(helper.running()).isFalse();
        assertThat(name.get()).isEqualTo("relay-xlsx-rows-acme");
        assertThat(first.get().isDaemon()).isTrue();
        assertThat(first.get().getName()).isEqualTo(XlsxHelperThreads.IDLE);
        assertThat(first.get().isAlive()).isTrue(); // kept for the next feed, for a minute

        // the next helper takes an idle thread rather than starting one (the thread may be any idle one)
        AtomicReference<String> next = new AtomicReference<>();
        XlsxHelperThreads.start("relay-xlsx-inflate-acme", () -> next.set(Thread.currentThread().getName())).awaitEnd();
        assertThat(next.get()).isEqualTo("relay-xlsx-inflate-acme");
    }

    @Test
    void awaitingAHelperKeepsTheCallersInterruptFlag() {
        CountDownLatch release = new CountDownLatch(1);
        XlsxHelperThreads.Helper helper = XlsxHelperThreads.start("relay-xlsx-test-interrupt", () -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException("a helper is never interrupted", e);
            }
        });
        Thread.currentThread().interrupt();
        try {
            new Thread(() -> {
                sleep(Duration.ofMillis(100));
                release.countDown();
            }).start();
            helper.awaitEnd(); // waits however often it is interrupted
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(helper.running()).isFalse();
        } finally {
            Thread.interrupted();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
