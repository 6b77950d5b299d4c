package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/CONTRACT.md#conventions, docs/CONTRACT.md#output-formatting-vectors string order by code point. */
class CodePointOrderTest {

    private static final String SUPPLEMENTARY = new String(Character.toChars(0x1F600)); // 😀
    private static final String PRIVATE_USE = "\uE000";
    private static final String LAST_BMP = "\uFFFD";

    @Test
    void specOrder() {
        List<String> expected = List.of("10", "9", "A", "B", "a", "Ä", PRIVATE_USE, LAST_BMP, SUPPLEMENTARY);
        List<String> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(42));
        shuffled.sort(CodePointOrder.INSTANCE);
        assertThat(shuffled).containsExactlyElementsOf(expected);
    }

    @Test
    void supplementaryCharactersSortAfterEveryBmpCharacter() {
        // UTF-16 order would put the surrogate pair (D83D DE00) before U+E000 and U+FFFD
        assertThat(SUPPLEMENTARY.compareTo(LAST_BMP)).isNegative();
        assertThat(CodePointOrder.INSTANCE.compare(SUPPLEMENTARY, LAST_BMP)).isPositive();
        assertThat(CodePointOrder.INSTANCE.compare("A" + SUPPLEMENTARY, "A" + PRIVATE_USE + "z")).isPositive();
        assertThat(CodePointOrder.INSTANCE.compare(SUPPLEMENTARY, new String(Character.toChars(0x1F601)))).isNegative();
    }

    @Test
    void prefixSortsFirstAndEqualIsZero() {
        assertThat(CodePointOrder.INSTANCE.compare("SKU", "SKU-1")).isNegative();
        assertThat(CodePointOrder.INSTANCE.compare("SKU-1", "SKU")).isPositive();
        assertThat(CodePointOrder.INSTANCE.compare("SKU-1", new String("SKU-1"))).isZero();
        assertThat(CodePointOrder.INSTANCE.compare("", "")).isZero();
    }

    @Test
    void agreesWithCodePointArraysOnRandomStrings() {
        Random random = new Random(7);
        int[] pool = {0x41, 0x61, 0xC4, 0x7FF, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x1F600, 0x10FFFF};
        for (int i = 0; i < 5_000; i++) {
            String a = randomString(random, pool);
            String b = randomString(random, pool);
            int expected = Integer.signum(compareCodePoints(a, b));
            assertThat(Integer.signum(CodePointOrder.compareStrings(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
        }
    }

    @Test
    void compareCharsAgreesWithCompareStringsOnRanges() {
        Random random = new Random(13);
        int[] pool = {0x41, 0x61, 0xC4, 0xD7FF, 0xE000, 0xFFFD, 0x1F600};
        for (int i = 0; i < 5_000; i++) {
            String a = randomString(random, pool);
            String b = random.nextInt(3) == 0 ? a + randomString(random, pool) : randomString(random, pool);
            // embedded at different offsets of one array, like the sorter's SKU arena
            char[] arena = ("xy" + a + "z" + b + "w").toCharArray();
            int aFrom = 2;
            int bFrom = 3 + a.length();
            int byChars = CodePointOrder.compareChars(arena, aFrom, aFrom + a.length(), arena, bFrom, bFrom + b.length());
            assertThat(Integer.signum(byChars)).as("%s vs %s", a, b)
                    .isEqualTo(Integer.signum(CodePointOrder.compareStrings(a, b)));
        }
    }

    /** A differing prefix key must agree with code point order; long strings and NULs included. */
    @Test
    void prefixKeyNeverContradictsCodePointOrder() {
        Random random = new Random(11);
        int[] pool = {0x00, 0x30, 0x41, 0x61, 0xC4, 0xFE, 0xFF, 0x100, 0x101, 0x7FF, 0xE000, 0x1F600};
        int decided = 0;
        for (int i = 0; i < 50_000; i++) {
            String a = randomString(random, pool, 20);
            String b = random.nextInt(4) == 0 && a.length() > 8 ? a.substring(0, 8) + randomString(random, pool, 12)
                    : randomString(random, pool, 20);
            int byKey = Long.compareUnsigned(CodePointOrder.prefixKey(a), CodePointOrder.prefixKey(b));
            if (byKey == 0) byKey = Long.compareUnsigned(CodePointOrder.prefixKey2(a), CodePointOrder.prefixKey2(b));
            if (byKey != 0) {
                decided++;
                assertThat(Integer.signum(byKey)).as("%s vs %s", a, b).isEqualTo(Integer.signum(compareCodePoints(a, b)));
            }
        }
        assertThat(decided).isGreaterThan(40_000);
        assertThat(CodePointOrder.prefixKey("")).isZero();
        assertThat(Long.compareUnsigned(CodePointOrder.prefixKey("SKU-10"), CodePointOrder.prefixKey("SKU-9"))).isNegative();
    }

    private static String randomString(Random random, int[] pool, int maxLength) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(maxLength);
        for (int i = 0; i < n; i++) sb.appendCodePoint(pool[random.nextInt(pool.length)]);
        return sb.toString();
    }

    private static String randomString(Random random, int[] pool) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) sb.appendCodePoint(pool[random.nextInt(pool.length)]);
        return sb.toString();
    }

    private static int compareCodePoints(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) return Integer.compare(x[i], y[i]);
        }
        return Integer.compare(x.length, y.length);
    }
}
