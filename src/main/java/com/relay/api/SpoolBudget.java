package com.relay.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all chunked uploads may hold in their temporary files at once (INBOUND_SPOOL_MAX_BYTES,
 * issue 17 #9): each upload reserves what it writes, before writing it, and gives it all back when
 * its file is deleted. A reservation that does not fit fails instead of waiting: the upload answers
 * 503 with Retry-After, so a flood of slow uploads cannot fill the disk.
 */
final class SpoolBudget {

    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();

    SpoolBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    long used() {
        return used.get();
    }

    /** Takes {@code bytes} from the budget; false (nothing taken) when they do not fit. */
    boolean reserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > maxBytes) return false;
            if (used.compareAndSet(now, now + bytes)) return true;
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }
}
