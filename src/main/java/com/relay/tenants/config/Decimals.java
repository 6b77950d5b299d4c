package com.relay.tenants.config;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Decimal syntax and limits of docs/CONTRACT.md#format-and-value-types; the engine's cells share the bound (issue 17). */
public final class Decimals {

    /**
     * Decimal syntax of docs/CONTRACT.md#format-and-value-types: optional sign, ASCII digits with an optional point ({@code .5} and
     * {@code 5.} allowed), optional exponent. ASCII only: {@link BigDecimal} itself would also take
     * other Unicode digits.
     */
    static final Pattern DECIMAL_SYNTAX = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    /**
     * Bound on |scale| and on the number of digits. Decimals are serialised in plain notation
     * (docs/CONTRACT.md#format-and-value-types), so {@code 1e999999999} would otherwise become a billion-character string; no
     * price, margin or ratio comes anywhere near this bound. Feed cells (engine {@code CellParsers})
     * use the same bound, so a value from either side formats and prices in bounded time.
     */
    public static final int MAX_DIGITS_AND_SCALE = 1000;

    private Decimals() {}

    /**
     * The exact decimal for {@code text} in decimal syntax, scale kept ({@code 0.20} has scale 2,
     * {@code 1e3} is {@code 1E+3}); a negative zero is zero (BigDecimal has no negative zero).
     *
     * @return null when the text is not in decimal syntax or exceeds the bounds above
     */
    static BigDecimal parse(String text) {
        if (text == null || text.length() > 4 * MAX_DIGITS_AND_SCALE || !DECIMAL_SYNTAX.matcher(text).matches()) {
            return null;
        }
        try {
            BigDecimal value = new BigDecimal(text);
            if (Math.abs((long) value.scale()) > MAX_DIGITS_AND_SCALE || value.precision() > MAX_DIGITS_AND_SCALE) {
                return null;
            }
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            return null; // exponent outside the int range
        }
    }

    /** Plain notation used for every stored/returned decimal: {@code "0.20"}, {@code 1E+3 → "1000"}. */
    static String plain(BigDecimal value) {
        return value.toPlainString();
    }
}
