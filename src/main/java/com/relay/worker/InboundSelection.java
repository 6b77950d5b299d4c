package com.relay.worker;

import java.time.Instant;
import java.util.Optional;

/**
 * Newest object under a vendor prefix (docs/CONTRACT.md#newest-object-under-a-prefix): folder markers (zero bytes, key ending in
 * {@code /}) are ignored; the greatest LastModified wins; on a tie the lexicographically greatest
 * key. Fed one listed object at a time, so every continuation page can stream through it.
 */
public final class InboundSelection {

    /** One listed object. */
    public record Candidate(String key, Instant lastModified, long size, String etag) {}

    private Candidate best;

    public void offer(Candidate c) {
        if (c.size() == 0 && c.key().endsWith("/")) return;
        if (best == null) {
            best = c;
            return;
        }
        int byTime = c.lastModified().compareTo(best.lastModified());
        // Keys compare by code point (docs/CONTRACT.md#conventions); S3 keys are UTF-8, whose byte order is code point order.
        if (byTime > 0 || (byTime == 0 && com.relay.engine.CodePointOrder.compareStrings(c.key(), best.key()) > 0)) best = c;
    }

    public Optional<Candidate> selected() {
        return Optional.ofNullable(best);
    }
}
