package com.relay.engine;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** The text of one CSV cell before quoting (docs/CONTRACT.md#cell-text). */
public final class CellFormatter {

    private CellFormatter() {}

    /**
     * Money: half-up to exactly two places, plain notation. An input that is negative or a
     * negative zero and rounds to zero prints {@code -0.00} (kept for compatibility); null → "".
     */
    public static String money(BigDecimal value, boolean negativeZero) {
        if (value == null) return "";
        if (value.signum() == 0) return negativeZero ? "-0.00" : "0.00";
        BigDecimal rounded = value.scale() == 2 ? value : value.setScale(2, RoundingMode.HALF_UP);
        if (rounded.signum() == 0 && (negativeZero || value.signum() < 0)) return "-0.00";
        return rounded.toPlainString();
    }

    /** The money cell of a record field, honouring its remembered negative zero. */
    public static String money(InventoryRecord record, CanonicalField field) {
        BigDecimal value = switch (field) {
            case COST -> record.cost();
            case MAP_PRICE -> record.mapPrice();
            case PRICE -> record.price();
            case MSRP -> record.msrp();
            default -> throw new IllegalArgumentException(field.columnName() + " is not a money column");
        };
        return money(value, record.isNegativeZero(field));
    }

    /**
     * {@code YYYY-MM-DDTHH:MM:SS}, then {@code .ffffff} only when the sub-second part is not zero,
     * then {@code Z} (kept for compatibility). Digits below the microsecond are not printed.
     */
    public static String timestamp(Instant instant) {
        if (instant == null) return "";
        StringBuilder sb = new StringBuilder(27);
        appendTimestamp(sb, instant);
        return sb.toString();
    }

    static void appendTimestamp(StringBuilder sb, Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (year >= 0 && year <= 9999) {
            pad(sb, year, 4);
        } else {
            sb.append(year);
        }
        sb.append('-');
        pad(sb, t.getMonthValue(), 2);
        sb.append('-');
        pad(sb, t.getDayOfMonth(), 2);
        sb.append('T');
        pad(sb, t.getHour(), 2);
        sb.append(':');
        pad(sb, t.getMinute(), 2);
        sb.append(':');
        pad(sb, t.getSecond(), 2);
        int nano = instant.getNano();
        if (nano != 0) {
            sb.append('.');
            pad(sb, nano / 1000, 6);
        }
        sb.append('Z');
    }

    private static void pad(StringBuilder sb, int value, int width) {
        for (int div = pow10(width - 1); div > 0; div /= 10) {
            sb.append((char) ('0' + (value / div) % 10));
        }
    }

    private static int pow10(int n) {
        int p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }

    /** {@code escape_formulas} (docs/CONTRACT.md#cell-text): whether a text cell gets the {@code '} prefix. */
    public static boolean needsFormulaEscape(String text) {
        if (text == null || text.isEmpty()) return false;
        char c = text.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@';
    }

    /** Text with the {@code '} prefix when it would start a formula. */
    public static String escapeFormula(String text) {
        return needsFormulaEscape(text) ? "'" + text : text;
    }

    /** docs/CONTRACT.md#quoting: a cell containing {@code ,}, {@code "}, LF or CR is quoted. */
    public static boolean needsQuoting(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
        }
        return false;
    }

    /** The cell as written: quoted with inner quotes doubled when needed (docs/CONTRACT.md#quoting). */
    public static String quote(String text) {
        if (!needsQuoting(text)) return text;
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
