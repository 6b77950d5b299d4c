package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/CONTRACT.md#orchestration-streaming-and-memory: the parser streams. A ~200 MB feed is generated on the fly and parsed into a counting
 * sink; at every delivered row the bytes read so far are checked against the end of that row, which
 * proves the parser holds only its fixed buffers: it neither reads ahead nor keeps rows back.
 */
class VendorFeedParserStreamingTest {

    private static final long ROWS = 3_200_000; // about 64 bytes each: ~205 MB
    private static final long ERROR_EVERY = 1_000;
    /** Byte buffer of the decoder + char buffer of the reader (ASCII: one byte per char). */
    private static final long MAX_LOOKAHEAD = FeedDecoder.BYTE_BUFFER_SIZE + 32 * 1024;

    @Test
    void parsesAFeedFarLargerThanAnyBufferWithBoundedLookahead() throws Exception {
        GeneratedFeed feed = new GeneratedFeed(ROWS, ERROR_EVERY);
        long[] bytesAtRow = new long[1];
        long[] maxLookahead = new long[1];
        long[] delivered = new long[2]; // records, errors
        RowSink sink = new RowSink() {
            long expectedRow = 2;

            @Override
            public void accept(InventoryRecord r) {
                check(r.rowNumber());
                delivered[0]++;
                if (r.rowNumber() == 2) {
                    assertThat(r.sku()).isEqualTo("SKU-0000000001");
                    assertThat(r.cost()).isEqualTo(new BigDecimal("1.15"));
                    assertThat(r.title()).isEqualTo("Title, number 1");
                    assertThat(r.updatedAt()).isEqualTo(Instant.parse("2020-01-02T03:04:05Z"));
                }
            }

            @Override
            public void error(RowError e) {
                check(e.rowNumber());
                delivered[1]++;
                if (!"invalid int: x".equals(e.reason())) throw new AssertionError(e.toString());
            }

            private void check(long rowNumber) {
                if (rowNumber != expectedRow++) throw new AssertionError("row " + rowNumber + " out of order");
                // the bytes read so far minus the end of this row = what the parser holds ahead
                long produced = feed.bytesProduced();
                bytesAtRow[0] = produced;
                long lookahead = produced - feed.rowEnd(rowNumber - 1);
                if (lookahead > MAX_LOOKAHEAD) {
                    throw new AssertionError("read ahead " + lookahead + " bytes at row " + rowNumber);
                }
                maxLookahead[0] = Math.max(maxLookahead[0], lookahead);
            }
        };
        VendorParseResult result = new VendorFeedParser().parse(FeedFixtures.vendor("big"), 3, feed, null,
                FeedFixtures.NOW, true, sink);

        assertThat(feed.bytesProduced()).isGreaterThan(200_000_000L);
        assertThat(result.errorEntries()).isEqualTo(ROWS / ERROR_EVERY);
        assertThat(result.validRecords()).isEqualTo(ROWS - ROWS / ERROR_EVERY);
        assertThat(result.totalRows()).isEqualTo(ROWS);
        assertThat(delivered).containsExactly(result.validRecords(), result.errorEntries());
        assertThat(bytesAtRow[0]).isEqualTo(feed.bytesProduced());
        assertThat(maxLookahead[0]).isPositive().isLessThanOrEqualTo(MAX_LOOKAHEAD);
    }
}
