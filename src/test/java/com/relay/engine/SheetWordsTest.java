package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The word-at-a-time byte tests of the sheet reader agree with a byte-by-byte reading everywhere (docs/ENGINE.md#vendor-file-formats). */
class SheetWordsTest {

    /** The per-byte rule {@link SheetWords#plainText} answers for eight bytes at once. */
    private static boolean plain(byte b) {
        return b >= 0x20 && b != '<' && b != '&' && b != ']' && b != '>';
    }

    private static int plainByBytes(byte[] bytes, int from) {
        int n = 0;
        while (n < Long.BYTES && plain(bytes[from + n])) n++;
        return n;
    }

    @Test
    void everyByteValueAtEveryPlaceOfTheWordAtEveryOffset() {
        byte[] bytes = new byte[32];
        for (int offset = 0; offset + Long.BYTES <= bytes.length; offset++) {
            for (int at = 0; at < Long.BYTES; at++) {
                for (int value = 0; value < 256; value++) {
                    java.util.Arrays.fill(bytes, (byte) 'a');
                    bytes[offset + at] = (byte) value;
                    int expected = plain((byte) value) ? Long.BYTES : at;
                    assertThat(SheetWords.plainText(bytes, offset)).as("byte %d at %d, offset %d", value, at, offset).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void theFirstOfSeveralSpecialBytesIsTheOneFound() {
        // every byte value below, at and above each boundary of the rule, in random mixes: borrows between bytes change nothing
        int[] edges = {0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x25, 0x26, 0x27, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x5C, 0x5D,
            0x5E, 0x7E, 0x7F, 0x80, 0x81, 0xBF, 0xC2, 0xDF, 0xE0, 0xEF, 0xF0, 0xFE, 0xFF};
        SplittableRandom random = new SplittableRandom(20);
        byte[] bytes = new byte[24];
        for (int i = 0; i < 200_000; i++) {
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = (byte) (random.nextInt(3) == 0 ? edges[random.nextInt(edges.length)] : 'a' + random.nextInt(26));
            }
            int offset = random.nextInt(bytes.length - Long.BYTES + 1);
            assertThat(SheetWords.plainText(bytes, offset)).isEqualTo(plainByBytes(bytes, offset));
        }
    }

    @Test
    void aLiteralMatchesItsBytesAtAnyOffsetAndNoOtherBytes() {
        for (String text : new String[] {"</v></c>", "</t></is></c>", "\" t=\"n\"><v>", "0123456789abcdef"}) {
            SheetWords.Literal literal = new SheetWords.Literal(text);
            byte[] expected = text.getBytes(StandardCharsets.US_ASCII);
            assertThat(literal.length).isEqualTo(expected.length);
            for (int offset = 0; offset < 9; offset++) {
                byte[] bytes = new byte[offset + expected.length + 3];
                System.arraycopy(expected, 0, bytes, offset, expected.length);
                assertThat(literal.at(bytes, offset)).isTrue();
                if (offset > 0) assertThat(literal.at(bytes, offset - 1)).isFalse();
                for (int k = 0; k < expected.length; k++) {
                    byte[] changed = bytes.clone();
                    changed[offset + k] ^= 0x20;
                    assertThat(literal.at(changed, offset)).as("%s with byte %d changed", text, k).isFalse();
                }
            }
        }
        assertThatThrownBy(() -> new SheetWords.Literal("<v>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SheetWords.Literal("01234567890123456")).isInstanceOf(IllegalArgumentException.class);
    }
}
