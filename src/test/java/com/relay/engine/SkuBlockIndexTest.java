package com.relay.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 21: the sparse index's range always holds every row of a SKU, including runs of one SKU across entries. */
class SkuBlockIndexTest {

    private static final List<String> ROWS = List.of("A", "B", "B", "B", "B", "B", "C", "D", "D", "E\u00e9", "\uD835\uDD38");
    private static final int ROW_BYTES = 10;
    private static final int HEADER = 7;

    private static SkuBlockIndex index(int block) {
        SkuBlockIndex.Builder b = new SkuBlockIndex.Builder(block);
        b.header(HEADER);
        long at = HEADER;
        for (String sku : ROWS) {
            if (b.wants(at)) b.add(sku, at);
            at += ROW_BYTES;
        }
        return b.build(at);
    }

    @Test
    void everyRowOfEverySkuLiesInItsRangeWhateverTheBlockSize() {
        for (int block = 1; block <= 60; block++) {
            SkuBlockIndex index = index(block);
            assertThat(index.rows()).isEqualTo(ROWS.size());
            for (int row = 0; row < ROWS.size(); row++) {
                long start = HEADER + (long) row * ROW_BYTES;
                long[] range = index.rangeOf(ROWS.get(row));
                assertThat(range[0]).as("block %d row %d", block, row).isLessThanOrEqualTo(start);
                assertThat(range[1]).as("block %d row %d", block, row).isGreaterThanOrEqualTo(start + ROW_BYTES);
                assertThat((range[0] - HEADER) % ROW_BYTES).as("starts at a row").isZero();
            }
            for (String absent : List.of("", "0", "AA", "Bz", "Z", "\uFFFF", "\uD83D\uDE00")) {
                long[] range = index.rangeOf(absent);
                assertThat(range[0]).isBetween((long) HEADER, index.bytes());
                assertThat(range[1]).isBetween(range[0], index.bytes());
            }
        }
    }

    @Test
    void theFirstRowIsAlwaysAnEntryAndTheRangeIsAboutTwoBlocks() {
        SkuBlockIndex index = index(20);
        assertThat(index.offsets()[0]).isEqualTo(HEADER);
        assertThat(index.skus()).containsExactly("A", "B", "B", "C", "D", "\uD835\uDD38");
        long[] c = index.rangeOf("C");
        assertThat(c).containsExactly(HEADER + 4 * ROW_BYTES, HEADER + 8 * ROW_BYTES);
    }

    @Test
    void aLongSkuIsNotAnEntryAndTheNextRowTakesItsPlace() {
        SkuBlockIndex.Builder b = new SkuBlockIndex.Builder(1);
        b.header(0);
        String longSku = "x".repeat(SkuBlockIndex.MAX_ENTRY_SKU_CHARS + 1);
        if (b.wants(0)) b.add(longSku, 0);
        if (b.wants(2000)) b.add("y", 2000);
        SkuBlockIndex index = b.build(3000);
        assertThat(index.skus()).containsExactly("y");
        assertThat(index.rangeOf(longSku)).containsExactly(0L, 2000L); // its row, before the entry "y"
    }

    @Test
    void theJsonFormReadsBack() throws Exception {
        SkuBlockIndex index = index(20);
        ObjectMapper json = new ObjectMapper();
        SkuBlockIndex back = SkuBlockIndex.fromJson(json.readTree(json.writeValueAsBytes(index.toJson())));
        assertThat(back.skus()).isEqualTo(index.skus());
        assertThat(back.offsets()).isEqualTo(index.offsets());
        assertThat(back.bytes()).isEqualTo(index.bytes());
        assertThat(back.dataStart()).isEqualTo(HEADER);
    }
}
