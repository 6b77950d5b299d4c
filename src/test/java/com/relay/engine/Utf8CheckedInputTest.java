package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Utf8CheckedInput} accepts and refuses exactly what {@link FeedDecoder} does for UTF-8
 * (docs/CONTRACT.md#decoding): same bytes out (BOM removed), same DECODE_ERROR message and byte
 * offset, whatever the read sizes, with the good bytes before a malformed sequence handed out first.
 */
class Utf8CheckedInputTest {

    /** What a reader gets: the bytes, then the failure message (or null). */
    record Outcome(String text, String failure) {}

    /** Reads all through Utf8CheckedInput, the underlying stream giving at most {@code chunk} bytes a read. */
    static Outcome checked(byte[] input, int chunk, int readSize) throws IOException {
        Utf8CheckedInput in = new Utf8CheckedInput(chunked(input, chunk), "acme", false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[readSize];
        try {
            for (int n; (n = in.read(b, 0, b.length)) >= 0; ) out.write(b, 0, n);
            return new Outcome(out.toString(StandardCharsets.UTF_8), null);
        } catch (CharSourceReader.Failure f) {
            return new Outcome(out.toString(StandardCharsets.UTF_8), f.failure.getMessage());
        }
    }

    /** The oracle: FeedDecoder's chars, then its failure message (or null). */
    static Outcome decoded(byte[] input) throws IOException {
        FeedDecoder d = FeedDecoder.open(new ByteArrayInputStream(input), "utf-8", "acme", false);
        StringBuilder out = new StringBuilder();
        char[] c = new char[8192];
        try {
            for (int n; (n = d.read(c, 0, c.length)) >= 0; ) out.append(c, 0, n);
            return new Outcome(out.toString(), null);
        } catch (EngineFailure f) {
            return new Outcome(out.toString(), f.getMessage());
        }
    }

    static InputStream chunked(byte[] input, int chunk) {
        return new ByteArrayInputStream(input) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static void sameAsFeedDecoder(byte[] input) throws IOException {
        Outcome expected = decoded(input);
        for (int chunk : new int[] {1, 2, 3, 7, 8192, 1 << 20}) {
            for (int readSize : new int[] {1, 5, 8000}) {
                Outcome got = checked(input, chunk, readSize);
                assertThat(got.failure()).as("chunk %d, read %d", chunk, readSize).isEqualTo(expected.failure());
                if (expected.failure() == null) {
                    assertThat(got.text()).as("chunk %d, read %d", chunk, readSize).isEqualTo(expected.text());
                } else {
                    // at most the good bytes before the malformed sequence were read
                    String all = new String(input, StandardCharsets.UTF_8);
                    if (all.startsWith("\uFEFF")) all = all.substring(1);
                    assertThat(all).startsWith(got.text());
                }
            }
        }
    }

    @Test
    void wellFormedTextComesOutByteForByteWithoutTheBom() throws IOException {
        String text = "[{\"SKU\": \"Ä-1\", \"name\": \"𝔸 ｚ é\"}]\n" + "x".repeat(70_000) + "€𝔸";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(checked(utf8, 3, 8000)).isEqualTo(new Outcome(text, null));
        assertThat(checked(concat(bytes(0xEF, 0xBB, 0xBF), utf8), 1, 8000)).isEqualTo(new Outcome(text, null));
        // only one BOM is removed, as FeedDecoder does
        sameAsFeedDecoder(concat(bytes(0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF), utf8));
        assertThat(checked(new byte[0], 1, 10)).isEqualTo(new Outcome("", null));
        sameAsFeedDecoder(bytes(0xEF, 0xBB));
    }

    @Test
    void malformedSequencesFailWithFeedDecodersMessageAndOffset() throws IOException {
        byte[] ascii = "[\"ok\", \"".getBytes(StandardCharsets.US_ASCII);
        int[][] malformed = {
                {0x80}, {0xBF}, {0xC0, 0x80}, {0xC1, 0xBF}, {0xC3}, {0xC3, 0x41}, {0xE0, 0x80, 0x80}, {0xE0, 0x9F, 0xBF},
                {0xE2, 0x82}, {0xE2, 0x41, 0x41}, {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, {0xF0, 0x80, 0x80, 0x80},
                {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xF8}, {0xFE}, {0xFF},
                {0xF0, 0x9F, 0x98}, {0xF0, 0x9F, 0x98, 0x41},
        };
        for (int[] bad : malformed) {
            sameAsFeedDecoder(concat(ascii, bytes(bad)));                                   // at the end of the input
            sameAsFeedDecoder(concat(ascii, bytes(bad), "\"]".getBytes(StandardCharsets.US_ASCII))); // inside a string
            sameAsFeedDecoder(concat(bytes(0xEF, 0xBB, 0xBF), ascii, bytes(bad), bytes('x')));  // offset counts the BOM
        }
        assertThat(checked(concat(bytes(0xEF, 0xBB, 0xBF), ascii, bytes(0xC3, '"')), 8192, 8000).failure())
                .isEqualTo("decode error for vendor acme: invalid UTF-8 byte sequence at byte offset 11");
    }

    @Test
    void aMalformedSequenceAcrossTheBufferBoundaryKeepsItsOffset() throws IOException {
        for (int before = Utf8CheckedInput.BUFFER_SIZE - 4; before <= Utf8CheckedInput.BUFFER_SIZE + 1; before++) {
            byte[] head = "a".repeat(before).getBytes(StandardCharsets.US_ASCII);
            sameAsFeedDecoder(concat(head, "€".getBytes(StandardCharsets.UTF_8), bytes(0xE2, 0x82, 0x41)));
            sameAsFeedDecoder(concat(head, "𝔸".getBytes(StandardCharsets.UTF_8), "tail".getBytes(StandardCharsets.UTF_8)));
            Outcome o = checked(concat(head, bytes(0xF0, 0x9F, 0x98)), 1 << 20, 8000);
            assertThat(o.failure()).endsWith("at byte offset " + before);
        }
    }

    @Test
    void randomMixturesOfGoodAndBadBytesAgreeWithFeedDecoder() throws IOException {
        Random random = new Random(20);
        String[] pieces = {"a", "{\"k\": 1}", "é", "€", "𝔸", "\n", "ｚ", " "};
        for (int round = 0; round < 400; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int length = random.nextInt(300);
            for (int i = 0; i < length; i++) {
                if (random.nextInt(60) == 0) {
                    out.write(random.nextInt(256));
                } else {
                    out.writeBytes(pieces[random.nextInt(pieces.length)].getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] input = out.toByteArray();
            Outcome expected = decoded(input);
            int chunk = 1 + random.nextInt(16);
            Outcome got = checked(input, chunk, 1 + random.nextInt(64));
            assertThat(got.failure()).as("input %s", Arrays.toString(input)).isEqualTo(expected.failure());
            if (expected.failure() == null) assertThat(got.text()).isEqualTo(expected.text());
        }
    }

    @Test
    void aSequenceAnywhereInALongAsciiRunAgreesWithFeedDecoder() throws IOException {
        // the ASCII skip reads 32 and 8 bytes a step: every position of a sequence relative to those steps
        String[] sequences = {"é", "€", "𝔸", "\u0080", "\uFFFF"};
        int[][] malformed = {{0x80}, {0xC3, 0x41}, {0xE0, 0x9F, 0xBF}, {0xED, 0xA0, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {0xFF}};
        for (int before = 0; before <= 70; before++) {
            byte[] head = "<a>".repeat(before / 3 + 1).substring(0, before).getBytes(StandardCharsets.US_ASCII);
            byte[] tail = "x".repeat(70 - before).getBytes(StandardCharsets.US_ASCII);
            for (String good : sequences) sameAsFeedDecoder(concat(head, good.getBytes(StandardCharsets.UTF_8), tail));
            for (int[] bad : malformed) {
                sameAsFeedDecoder(concat(head, bytes(bad), tail));
                sameAsFeedDecoder(concat(head, bytes(bad)));
            }
        }
    }

    @Test
    void asciiEndFindsTheFirstHighBitAtEveryOffsetAndLength() {
        Random random = new Random(32);
        for (int round = 0; round < 300; round++) {
            byte[] b = new byte[1 + random.nextInt(100)];
            for (int i = 0; i < b.length; i++) b[i] = (byte) random.nextInt(128);
            int highs = random.nextInt(3);
            for (int k = 0; k < highs; k++) b[random.nextInt(b.length)] = (byte) (0x80 | random.nextInt(128));
            for (int from = 0; from <= b.length; from++) {
                for (int to = from; to <= b.length; to++) {
                    int expected = from;
                    while (expected < to && b[expected] >= 0) expected++;
                    assertThat(Utf8CheckedInput.asciiEnd(b, from, to)).as("%s [%d, %d)", Arrays.toString(b), from, to)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void everyReadAsksTheFeedForAWholeBufferEvenAfterACutSequence() throws IOException {
        // a BufferedInputStream of BUFFER_SIZE hands a read that asks for less through its own buffer:
        // one more copy of the rest of the feed
        byte[] feed = concat("a".repeat(Utf8CheckedInput.BUFFER_SIZE - 1).getBytes(StandardCharsets.US_ASCII),
                "€".repeat(3 * Utf8CheckedInput.BUFFER_SIZE).getBytes(StandardCharsets.UTF_8));
        java.util.List<Integer> asked = new java.util.ArrayList<>();
        InputStream recording = new ByteArrayInputStream(feed) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                asked.add(len);
                return super.read(b, off, len);
            }
        };
        Utf8CheckedInput in = new Utf8CheckedInput(recording, "acme", false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[4000];
        for (int n; (n = in.read(b, 0, b.length)) >= 0; ) out.write(b, 0, n);
        assertThat(out.toByteArray()).isEqualTo(feed);
        assertThat(asked).hasSizeGreaterThan(4).containsOnly(Utf8CheckedInput.BUFFER_SIZE);
    }

    @Test
    void aSkuMapsFailureSaysSo() throws IOException {
        Utf8CheckedInput in = new Utf8CheckedInput(new ByteArrayInputStream(bytes('a', 0xFF)), "acme", true);
        assertThat(in.read()).isEqualTo((int) 'a'); // a read that stops before the bad byte
        assertThatThrownBy(() -> in.read(new byte[10], 0, 10))
                .isInstanceOf(CharSourceReader.Failure.class)
                .hasMessage("decode error for vendor acme (sku map): invalid UTF-8 byte sequence at byte offset 1");
    }
}
