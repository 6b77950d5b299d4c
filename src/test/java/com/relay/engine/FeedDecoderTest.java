package com.relay.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static com.relay.engine.FeedFixtures.bytes;
import static com.relay.engine.FeedFixtures.concat;
import static com.relay.engine.FeedFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** docs/CONTRACT.md#decoding: strict decoding, BOM rules and exact byte offsets, across buffer boundaries. */
class FeedDecoderTest {

    /** An InputStream that hands out at most one byte per read, to stress offset bookkeeping. */
    static final class Trickle extends FilterInputStream {
        Trickle(byte[] data) { super(new ByteArrayInputStream(data)); }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }
    }

    static String decode(byte[] data, String encoding) throws Exception {
        return decode(new ByteArrayInputStream(data), encoding, 8192);
    }

    static String decode(InputStream in, String encoding, int chunk) throws Exception {
        FeedDecoder d = FeedDecoder.open(in, encoding, "v1", false);
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[chunk];
        int n;
        while ((n = d.read(buf, 0, buf.length)) >= 0) {
            assertThat(n).isPositive();
            sb.append(buf, 0, n);
        }
        return sb.toString();
    }

    static String failureMessage(byte[] data, String encoding) {
        EngineFailure f = assertThrows(EngineFailure.class, () -> decode(data, encoding));
        assertThat(f.errorCode()).isEqualTo("DECODE_ERROR");
        assertThat(f.stage()).isEqualTo("NORMALIZE");
        assertThat(f.vendorId()).isEqualTo("v1");
        // the same failure when bytes arrive one at a time and chars are taken two at a time
        EngineFailure trickled = assertThrows(EngineFailure.class, () -> decode(new Trickle(data), encoding, 2));
        assertThat(trickled.getMessage()).isEqualTo(f.getMessage());
        return f.getMessage();
    }

    static String invalid(String charset, long offset) {
        return "decode error for vendor v1: invalid " + charset + " byte sequence at byte offset " + offset;
    }

    @Test
    void utf8BomIsRemovedOnceAndCountsInOffsets() throws Exception {
        assertThat(decode(concat(bytes(0xEF, 0xBB, 0xBF), utf8("a")), "utf-8")).isEqualTo("a");
        assertThat(decode(concat(bytes(0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF), utf8("a")), "utf-8")).isEqualTo("\uFEFFa");
        assertThat(decode(bytes(0xEF, 0xBB, 0xBF), "utf-8")).isEmpty();
        assertThat(decode(new byte[0], "utf-8")).isEmpty();
        assertThat(failureMessage(concat(bytes(0xEF, 0xBB, 0xBF), utf8("ab"), bytes(0xFF)), "utf-8"))
                .isEqualTo(invalid("UTF-8", 5));
    }

    static Stream<Arguments> malformedUtf8() {
        return Stream.of(
                Arguments.of(bytes(0x80), 0),                   // lone continuation byte
                Arguments.of(bytes(0xC0, 0x80), 0),             // overlong NUL
                Arguments.of(bytes(0xE0, 0x80, 0x80), 0),       // overlong 3-byte
                Arguments.of(bytes(0xED, 0xA0, 0x80), 0),       // encoded surrogate
                Arguments.of(bytes(0xF4, 0x90, 0x80, 0x80), 0), // above U+10FFFF
                Arguments.of(bytes(0xF5, 0x80, 0x80, 0x80), 0),
                Arguments.of(bytes(0xE2, 0x82), 0),             // truncated at end of input
                Arguments.of(bytes(0xE2, 0x82, 0x41), 0),       // truncated before ASCII
                Arguments.of(bytes(0xC3, 0x28), 0));
    }

    @ParameterizedTest
    @MethodSource("malformedUtf8")
    void malformedUtf8ReportsTheFirstByteOfTheSequence(byte[] bad, int offsetInBad) {
        byte[] prefix = utf8("x,é,");
        assertThat(failureMessage(concat(prefix, bad, utf8("tail")), "utf-8"))
                .isEqualTo(invalid("UTF-8", prefix.length + offsetInBad));
    }

    @Test
    void offsetsAcrossBufferRefills() throws Exception {
        byte[] data = new byte[100_000];
        Arrays.fill(data, (byte) 'a');
        data[70_000] = (byte) 0xFF;
        assertThat(failureMessage(data, "utf-8")).isEqualTo(invalid("UTF-8", 70_000));
        data[70_000] = (byte) 0x8D;
        assertThat(failureMessage(data, "windows-1252")).isEqualTo(invalid("windows-1252", 70_000));

        // a sequence split by the 64 KiB byte buffer: valid decodes, truncated reports its first byte
        byte[] split = new byte[FeedDecoder.BYTE_BUFFER_SIZE + 10];
        Arrays.fill(split, (byte) 'b');
        int at = FeedDecoder.BYTE_BUFFER_SIZE - 1;
        split[at] = (byte) 0xE2;
        split[at + 1] = (byte) 0x82;
        split[at + 2] = (byte) 0xAC;
        String decoded = decode(split, "utf-8");
        assertThat(decoded).hasSize(split.length - 2);
        assertThat(decoded.charAt(at)).isEqualTo('€');
        split[at + 2] = 'c';
        assertThat(failureMessage(split, "utf-8")).isEqualTo(invalid("UTF-8", at));
    }

    @Test
    void utf16OffsetsAcrossRefillsCountTheBom() {
        byte[] data = new byte[2 + 100_000];
        data[0] = (byte) 0xFE;
        data[1] = (byte) 0xFF;
        for (int i = 2; i < data.length; i += 2) data[i + 1] = 'a';
        data[70_002] = (byte) 0xDC; // unpaired low surrogate DC00
        data[70_003] = 0;
        assertThat(failureMessage(data, "utf-16")).isEqualTo(invalid("UTF-16", 70_002));
    }

    @Test
    void windows1252UndefinedBytesFailAndTheRestMatchTheTable() throws Exception {
        for (int b : new int[] {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
            assertThat(failureMessage(bytes('a', 'b', b), "windows-1252")).isEqualTo(invalid("windows-1252", 2));
        }
        byte[] defined = new byte[256 - 5];
        int k = 0;
        for (int b = 0; b < 256; b++) {
            if (b != 0x81 && b != 0x8D && b != 0x8F && b != 0x90 && b != 0x9D) defined[k++] = (byte) b;
        }
        String text = decode(defined, "Windows_1252");
        assertThat(text).hasSize(defined.length).doesNotContain("\uFFFD");
        assertThat(text.charAt(0x80)).isEqualTo('€');
        assertThat(text.charAt(text.length() - 1)).isEqualTo('ÿ');
        assertThat(text).isEqualTo(new String(defined, Charset.forName("windows-1252")));
    }

    @Test
    void latin1NeverFailsAndHasNoBom() throws Exception {
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) all[b] = (byte) b;
        String text = decode(concat(bytes(0xEF, 0xBB, 0xBF), all), "ISO_8859_1");
        assertThat(text).hasSize(259).startsWith("ï»¿");
        for (int b = 0; b < 256; b++) assertThat((int) text.charAt(3 + b)).isEqualTo(b);
    }

    @Test
    void utf16RequiresABom() throws Exception {
        assertThat(failureMessage("ab".getBytes(StandardCharsets.UTF_16LE), "utf-16"))
                .isEqualTo("decode error for vendor v1: missing UTF-16 byte order mark");
        assertThat(failureMessage(bytes(0xFE), "utf-16"))
                .isEqualTo("decode error for vendor v1: missing UTF-16 byte order mark");
        // zero bytes: nothing to order, so empty text (documented choice)
        assertThat(decode(new byte[0], "utf-16")).isEmpty();
        assertThat(decode(bytes(0xFF, 0xFE), "utf-16")).isEmpty();
        // only the first BOM is consumed; a second one is a character
        assertThat(decode(bytes(0xFE, 0xFF, 0xFE, 0xFF, 0, 'a'), "utf-16")).isEqualTo("\uFEFFa");
        assertThat(decode(bytes(0xFF, 0xFE, 'a', 0, 0x3D, 0xD8, 0x00, 0xDE), "utf-16")).isEqualTo("a\uD83D\uDE00");
    }

    @Test
    void utf16OddByteCountAndUnpairedSurrogates() {
        assertThat(failureMessage(bytes(0xFE, 0xFF, 0, 'a', 0), "utf-16")).isEqualTo(invalid("UTF-16", 4));
        assertThat(failureMessage(bytes(0xFF, 0xFE, 'a', 0, 'b'), "utf-16")).isEqualTo(invalid("UTF-16", 4));
        // high surrogate followed by a non-surrogate
        assertThat(failureMessage(bytes(0xFE, 0xFF, 0, 'a', 0xD8, 0x3D, 0, 'b'), "utf-16")).isEqualTo(invalid("UTF-16", 4));
        // high surrogate at end of input
        assertThat(failureMessage(bytes(0xFF, 0xFE, 'a', 0, 0x3D, 0xD8), "utf-16")).isEqualTo(invalid("UTF-16", 4));
        // lone low surrogate
        assertThat(failureMessage(bytes(0xFF, 0xFE, 0x00, 0xDE, 'a', 0), "utf-16")).isEqualTo(invalid("UTF-16", 2));
    }

    @Test
    void skuMapMessagesNameTheMap() {
        EngineFailure f = assertThrows(EngineFailure.class,
                () -> FeedDecoder.open(new ByteArrayInputStream(bytes('a', 0xFF)), "utf-8", "v9", true)
                        .read(new char[10], 0, 10));
        assertThat(f.getMessage()).isEqualTo("decode error for vendor v9 (sku map): invalid UTF-8 byte sequence at byte offset 1");
        assertThat(f.vendorId()).isEqualTo("v9");
        EngineFailure bom = assertThrows(EngineFailure.class,
                () -> FeedDecoder.open(new ByteArrayInputStream(bytes('a', 0)), "utf-16", "v9", true)
                        .read(new char[10], 0, 10));
        assertThat(bom.getMessage()).isEqualTo("decode error for vendor v9 (sku map): missing UTF-16 byte order mark");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "UTF-8", " utf8 ", "UTF_8", "latin_1", "ISO-8859-1", "ISO8859-1", "iso_8859_1",
            "Windows_1252", "utf-16", "\u00A0utf-8\t"})
    void acceptedEncodingNames(String name) {
        assertThat(FeedCharsets.resolve(name)).isNotNull();
    }

    @Test
    void encodingNamesMapToTheRightCharset() {
        assertThat(FeedCharsets.resolve("")).isEqualTo(FeedCharsets.UTF_8);
        assertThat(FeedCharsets.resolve(null)).isEqualTo(FeedCharsets.UTF_8);
        assertThat(FeedCharsets.resolve("iso_8859_1")).isEqualTo(FeedCharsets.ISO_8859_1);
        assertThat(FeedCharsets.resolve("Windows_1252")).isEqualTo(FeedCharsets.WINDOWS_1252);
        assertThat(FeedCharsets.resolve(" UTF-16 ")).isEqualTo(FeedCharsets.UTF_16);
    }

    @ParameterizedTest
    @ValueSource(strings = {"latin1", "cp1252", "ascii", "utf-8-sig", "utf-16le", " "})
    void rejectedEncodingNames(String name) {
        assertThatThrownBy(() -> FeedCharsets.resolve(name)).isInstanceOf(IllegalArgumentException.class);
    }
}
