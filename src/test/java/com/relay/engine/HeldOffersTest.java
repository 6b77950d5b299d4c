package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The merger's packed table gives back exactly the records it was given, across growth, replacement and compaction. */
class HeldOffersTest {

    /** Holds {@code r} alone and reads it back. */
    private static InventoryRecord roundTrip(InventoryRecord r) {
        HeldOffers held = new HeldOffers();
        String sku = r.sku() == null ? "" : r.sku();
        held.insert(held.find(sku), r, sku);
        return held.record(0);
    }

    @Test
    void roundTripsEveryFieldExactly() {
        InventoryRecord r = new InventoryRecord("SKU-1", "v-1", "vendor_a", 7, 3L, new BigDecimal("10.50"),
                new BigDecimal("-0.00"), null, new BigDecimal("1E+3"), "new", "Ächme \uD83D\uDE00", "Titel, \"quoted\"",
                Instant.ofEpochSecond(1_700_000_000L, 123_456_789), InventoryRecord.NEG_ZERO_MAP_PRICE, 4, 99L);
        assertThat(roundTrip(r)).isEqualTo(r);
        assertThat(roundTrip(r).mapPrice().scale()).isEqualTo(2);
        assertThat(roundTrip(r).msrp().scale()).isEqualTo(-3);
    }

    @Test
    void roundTripsNullsLoneSurrogatesAndHugeDecimals() {
        BigDecimal huge = new BigDecimal(new BigInteger("-123456789012345678901234567890"), 7);
        InventoryRecord r = new InventoryRecord(null, null, "v", -5, null, null, huge, huge.negate(), null,
                null, "\uD800 lone", "\uDFFF", null, 0, 0, 1L);
        assertThat(roundTrip(r)).isEqualTo(r);
    }

    @Test
    void roundTripsRandomRecords() {
        Random random = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            InventoryRecord r = new InventoryRecord(text(random), text(random), "vendor", random.nextLong(),
                    random.nextBoolean() ? null : random.nextLong(), decimal(random), decimal(random), decimal(random),
                    decimal(random), text(random), text(random), text(random),
                    random.nextBoolean() ? null : Instant.ofEpochSecond(random.nextInt(), random.nextInt(1_000_000_000)),
                    random.nextInt(8), random.nextInt(50), random.nextLong());
            assertThat(roundTrip(r)).isEqualTo(r);
        }
    }

    @Test
    void keepsEveryRowThroughGrowthReplacementsAndCompaction() {
        Random random = new Random(9);
        HeldOffers held = new HeldOffers();
        java.util.Map<String, InventoryRecord> expected = new java.util.TreeMap<>(CodePointOrder.INSTANCE);
        for (int i = 0; i < 60_000; i++) {
            String sku = "SKU-" + random.nextInt(5_000);
            InventoryRecord r = new InventoryRecord(sku, text(random), "vendor", i, null, BigDecimal.valueOf(i, 2),
                    decimal(random), null, null, "new", text(random), text(random), null, 0, 1, i);
            int row = held.find(sku);
            if (row < 0) held.insert(row, r, sku);
            else held.replace(row, r);
            expected.put(sku, r);
        }
        assertThat(held.size()).isEqualTo(expected.size());
        assertThat(held.sortedRecords()).containsExactlyElementsOf(expected.values());
        assertThat(held.heldBytes()).isGreaterThan(5_000L * 60);
    }

    @Test
    void aMissingSkuAndAnEmptyOneGroupTogetherButKeepTheirOwnValue() {
        HeldOffers held = new HeldOffers();
        InventoryRecord missing = new InventoryRecord(null, null, "v", 1, null, null, null, null, null,
                null, null, null, null, 0, 0, 1L);
        held.insert(held.find(""), missing, "");
        assertThat(held.find("")).isZero();
        assertThat(held.record(0).sku()).isNull();
        held.replace(0, missing.withSku(""));
        assertThat(held.record(0).sku()).isEmpty();
    }

    private static String text(Random random) {
        if (random.nextInt(5) == 0) return null;
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(30);
        char[] pool = {'a', 'Z', ',', '"', '\u00E9', '\u00FF', '\u0100', '\u20AC', '\uD83D', '\uDE00', '\uFFFD'};
        for (int i = 0; i < n; i++) sb.append(pool[random.nextInt(pool.length)]);
        return sb.toString();
    }

    private static BigDecimal decimal(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> BigDecimal.valueOf(random.nextLong(), random.nextInt(12) - 2);
            case 2 -> new BigDecimal(new BigInteger(100, random).negate(), random.nextInt(20));
            default -> BigDecimal.valueOf(random.nextInt(100_000), 2);
        };
    }
}
