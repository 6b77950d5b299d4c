package com.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The short-decimal way of a numeric cell gives what reading it as a double gives (docs/ENGINE.md#vendor-file-formats). */
class XlsxNumbersTest {

    private final char[] out = new char[XlsxNumbers.MAX_PLAIN_LENGTH];

    /** The fast text of {@code text}, or null when it is not taken. */
    private String plain(String text) {
        int n = XlsxNumbers.plainDecimal(text.toCharArray(), 0, text.length(), out);
        String written = n < 0 ? null : new String(out, 0, n);
        // the text kept where it is, when the cell text is a start of it, is the same text
        int prefix = XlsxNumbers.plainPrefix(("x" + text).toCharArray(), 1, text.length());
        if (prefix >= 0 && !text.substring(0, prefix).equals(written)) {
            throw new AssertionError(text + ": prefix " + text.substring(0, prefix) + ", written " + written);
        }
        if (prefix < 0 && written != null && text.startsWith(written)) throw new AssertionError(text + ": no prefix for " + written);
        return written;
    }

    private void agrees(String text) {
        String slow = XlsxRecords.number(Double.parseDouble(text));
        String fast = plain(text);
        if (fast != null && !fast.equals(slow)) {
            throw new AssertionError(text + ": fast " + fast + ", slow " + slow);
        }
    }

    @Test
    void shortPlainDecimalsAreWrittenAsTheirShortestDecimal() {
        assertThat(plain("7.0")).isEqualTo("7");
        assertThat(plain("0.0")).isEqualTo("0");
        assertThat(plain("-0.0")).isEqualTo("0");
        assertThat(plain("-0")).isEqualTo("0");
        assertThat(plain("-0.50")).isEqualTo("-0.5");
        assertThat(plain("132.81")).isEqualTo("132.81");
        assertThat(plain("132.810000")).isEqualTo("132.81");
        assertThat(plain("318")).isEqualTo("318");
        assertThat(plain("999999999.999999")).isEqualTo("999999999.999999");
        assertThat(plain("0.000001")).isEqualTo("0.000001");
    }

    @Test
    void anythingElseTakesTheDoublesWay() {
        for (String text : new String[] {"", "-", ".5", "5.", "1e5", "1E-7", "01.5", "00", "-01", " 1", "1 ", "+1", "1.1234567",
                "1234567890", "1234567890.5", "0x10", "NaN", "Infinity", "1,5", "1.2.3", "١"}) {
            assertThat(plain(text)).as(text).isNull();
        }
    }

    @Test
    void everyCentFromZeroToAMillionAgreesWithTheSlowWay() {
        StringBuilder text = new StringBuilder();
        for (int cents = 0; cents < 100_000_000; cents += 31) { // every 31st cent: all endings, all magnitudes below 1e6
            text.setLength(0);
            text.append(cents / 100).append('.');
            int c = cents % 100;
            if (c < 10) text.append('0');
            text.append(c);
            agrees(text.toString());
        }
    }

    @Test
    void randomPlainDecimalsOfEveryLengthAgreeWithTheSlowWay() {
        SplittableRandom random = new SplittableRandom(20);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            text.setLength(0);
            if (random.nextInt(4) == 0) text.append('-');
            int integerDigits = 1 + random.nextInt(XlsxNumbers.MAX_INTEGER_DIGITS);
            text.append(integerDigits == 1 ? random.nextInt(10) : 1 + random.nextInt(9));
            for (int d = 1; d < integerDigits; d++) text.append(random.nextInt(10));
            int fractionDigits = random.nextInt(XlsxNumbers.MAX_FRACTION_DIGITS + 1);
            if (fractionDigits > 0) {
                text.append('.');
                for (int d = 0; d < fractionDigits; d++) text.append(random.nextInt(10));
            }
            String t = text.toString();
            assertThat(plain(t)).as(t).isNotNull();
            agrees(t);
        }
    }

    @Test
    void doublesWrittenAsJavaWritesThemAgreeWithTheSlowWay() {
        // what xlsx writers store: the double's own shortest text ("0.1", "132.81", "7.0")
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < 500_000; i++) {
            double scale = Math.pow(10, random.nextInt(-6, 9));
            double d = Math.round(random.nextDouble() * scale * 1e6) / 1e6;
            agrees(Double.toString(d));
            agrees(Double.toString(-d));
        }
    }
}
