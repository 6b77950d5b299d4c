package com.relay.engine;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** RI §3.5 decimal grammar on very long cells: the divide-and-conquer path gives the JDK's value. */
class CellParsersTest {

    private final CellParsers parsers = new CellParsers();

    private CellParsers.DecimalKind parse(String cell) {
        char[] a = cell.toCharArray();
        return parsers.parseDecimal(a, 0, a.length);
    }

    @Test
    void longMantissasMatchTheJdkValueAndScale() {
        Random random = new Random(7);
        String[] shapes = {"%s", "-%s", "+%s.%s", "%s.%se-12", "-.%sE+7", "%s.e3", "000%s.%s"};
        for (String shape : shapes) {
            for (int digits : new int[] {4000, 5000, 20_000}) {
                String cell = String.format(shape, randomDigits(random, digits), randomDigits(random, digits / 3));
                assertThat(parse(cell)).as(shape).isEqualTo(CellParsers.DecimalKind.FINITE);
                BigDecimal expected = new BigDecimal(cell);
                assertThat(parsers.decimalValue).as(shape).isEqualTo(expected); // equals() compares scale too
            }
        }
    }

    @Test
    void longZerosKeepTheirSignAndScale() {
        assertThat(parse("-" + "0".repeat(6000) + ".00")).isEqualTo(CellParsers.DecimalKind.FINITE);
        assertThat(parsers.decimalValue).isEqualTo(new BigDecimal("0.00"));
        assertThat(parsers.decimalNegative).isTrue();
    }

    @Test
    void longNumbersWithUnderscoresAndUnicodeDigits() {
        String cell = "١_٢" + "3".repeat(5000) + ".5";
        assertThat(parse(cell)).isEqualTo(CellParsers.DecimalKind.FINITE);
        assertThat(parsers.decimalValue).isEqualTo(new BigDecimal("12" + "3".repeat(5000) + ".5"));
    }

    @Test
    void longExponentsOutsideTheScaleRangeAreInvalid() {
        assertThat(parse("1".repeat(5000) + "e99999999999999")).isEqualTo(CellParsers.DecimalKind.INVALID);
        assertThat(parse("1".repeat(5000) + "e-0000000000000000000003")).isEqualTo(CellParsers.DecimalKind.FINITE);
        assertThat(parsers.decimalValue.scale()).isEqualTo(3);
    }

    @Test
    void aMillionDigitCostIsAValidRecord() throws Exception {
        String digits = randomDigits(new Random(3), CsvRecordReader.MAX_FIELD_LENGTH - 3) + ".5";
        InventoryRecord r = RowParsingVectorsTest.valid("cost", digits);
        assertThat(r.cost().scale()).isEqualTo(1);
        // an N-digit integer has between (N-1)·log2(10) and N·log2(10) bits
        int digitCount = CsvRecordReader.MAX_FIELD_LENGTH - 2;
        assertThat((double) r.cost().unscaledValue().bitLength())
                .isBetween((digitCount - 1) * Math.log(10) / Math.log(2), digitCount * Math.log(10) / Math.log(2) + 1);
        assertThat(r.cost().unscaledValue().testBit(0)).isTrue(); // ends in 5
    }

    private static String randomDigits(Random random, int n) {
        char[] c = new char[Math.max(n, 1)];
        for (int i = 0; i < c.length; i++) c[i] = (char) ('0' + random.nextInt(10));
        c[0] = (char) ('1' + random.nextInt(9));
        return new String(c);
    }
}
