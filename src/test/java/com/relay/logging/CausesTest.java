package com.relay.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

public class CausesTest {

    /**
     * A link of a chain that counts how often it is asked for its cause: a walker that loops on a
     * cycle fails the test here instead of hanging it.
     */
    public static final class Link extends RuntimeException {
        private int asked;

        Link(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            if (++asked > 10_000) throw new AssertionError("cause chain walked more than 10000 times: it loops");
            return super.getCause();
        }
    }

    /** a → b → a: allowed by initCause, which refuses only a throwable as its own cause. */
    public static Link cycle() {
        Link a = new Link("a");
        Link b = new Link("b");
        a.initCause(b);
        b.initCause(a);
        return a;
    }

    @Test
    void chainListsTheThrowableThenItsCausesInOrder() {
        SocketTimeoutException timeout = new SocketTimeoutException("read timed out");
        IOException io = new IOException("io", timeout);
        UncheckedIOException outer = new UncheckedIOException(io);

        assertThat(Causes.chain(outer)).containsExactly(outer, io, timeout);
        assertThat(Causes.chain(timeout)).containsExactly(timeout);
        assertThat(Causes.chain(null)).isEmpty();
    }

    @Test
    void findReturnsTheFirstOfTheTypeAndHasSaysWhetherThereIsOne() {
        SocketTimeoutException timeout = new SocketTimeoutException("read timed out");
        IOException io = new IOException("io", timeout);
        IllegalStateException outer = new IllegalStateException("outer", io);

        assertThat(Causes.find(outer, IOException.class)).containsSame(io);
        assertThat(Causes.find(outer, SocketTimeoutException.class)).containsSame(timeout);
        assertThat(Causes.find(outer, IllegalStateException.class)).containsSame(outer);
        assertThat(Causes.find(outer, ArithmeticException.class)).isEmpty();
        assertThat(Causes.has(outer, SocketTimeoutException.class)).isTrue();
        assertThat(Causes.has(outer, ArithmeticException.class)).isFalse();
        assertThat(Causes.has(null, Throwable.class)).isFalse();
    }

    @Test
    void rootIsTheLastCauseOrTheThrowableItself() {
        IOException io = new IOException("io");
        assertThat(Causes.root(new IllegalStateException("outer", new RuntimeException(io)))).isSameAs(io);
        assertThat(Causes.root(io)).isSameAs(io);
        assertThat(Causes.root(null)).isNull();
    }

    @Test
    void aCyclicChainEndsBeforeTheFirstRepeat() {
        Link a = cycle();
        Throwable b = a.getCause();

        assertThat(Causes.chain(a)).containsExactly(a, b);
        assertThat(Causes.has(a, IOException.class)).isFalse();
        assertThat(Causes.find(a, IOException.class)).isEmpty();
        assertThat(Causes.root(a)).isSameAs(b);
    }

    @Test
    void anEndlessChainIsCutAtTheDepthBound() {
        // every getCause() answers a new throwable: no cycle to detect, the depth bound ends the walk
        class Endless extends RuntimeException {
            @Override
            public synchronized Throwable getCause() {
                return new Endless();
            }
        }
        Endless first = new Endless();

        assertThat(Causes.chain(first)).hasSize(Causes.MAX_DEPTH).startsWith(first);
        assertThat(Causes.has(first, IOException.class)).isFalse();
    }
}
