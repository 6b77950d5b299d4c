package com.relay.publish;

import com.relay.engine.CodePointOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The {@code limit} largest moves of a feed (docs/CONTRACT.md#publishing-diff-delta-and-guard) in a heap of that size, so
 * memory does not grow with the feed. Ties go to the smaller SKU (code point order), so the
 * result does not depend on anything but the two feeds.
 */
final class TopMoves {

    /** One move: {@code magnitude} ranks it; {@code change} is what the report shows (signed). */
    record Move(String sku, String before, String after, long magnitude, String change) {}

    /** Smallest first: the head is the one a larger move evicts. */
    private static final Comparator<Move> WEAKEST_FIRST = Comparator.comparingLong(Move::magnitude)
            .thenComparing(Move::sku, (a, b) -> CodePointOrder.compareStrings(b, a));

    private final int limit;
    private final PriorityQueue<Move> heap;

    TopMoves(int limit) {
        this.limit = limit;
        this.heap = new PriorityQueue<>(limit + 1, WEAKEST_FIRST);
    }

    /** Offers a move; {@code change} is built only when the move makes the list. */
    void offer(String sku, long magnitude, java.util.function.Supplier<Move> move) {
        if (limit == 0) return;
        if (heap.size() == limit) {
            Move weakest = heap.peek();
            if (magnitude < weakest.magnitude()
                    || (magnitude == weakest.magnitude() && CodePointOrder.compareStrings(sku, weakest.sku()) > 0)) {
                return;
            }
        }
        heap.add(move.get());
        if (heap.size() > limit) heap.poll();
    }

    /** Largest first. */
    List<Move> largestFirst() {
        List<Move> moves = new ArrayList<>(heap);
        moves.sort(WEAKEST_FIRST.reversed());
        return moves;
    }
}
