package com.relay.tenants.config;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.Currency;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Value rules of docs/CONTRACT.md#schema that need more than a comparison. */
final class ValueRules {

    /** IANA region ids known to the JDK's tz database; offsets ({@code +01:00}, {@code Z}) are not among them. */
    private static final Set<String> REGION_IDS = Set.copyOf(ZoneId.getAvailableZoneIds());

    private static final Pattern CURRENCY_SYNTAX = Pattern.compile("[A-Z]{3}");
    private static final Set<String> CURRENCY_CODES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode)
            .collect(Collectors.toUnmodifiableSet());

    private ValueRules() {}

    static boolean isIanaRegionId(String zone) {
        return REGION_IDS.contains(zone);
    }

    /** An ISO 4217 alphabetic code in upper case ({@code USD}, {@code EUR}). */
    static boolean isIsoCurrency(String code) {
        return CURRENCY_SYNTAX.matcher(code).matches() && CURRENCY_CODES.contains(code);
    }

    /** Comma, semicolon, TAB or vertical bar: exactly one character (docs/CONTRACT.md#schema Parser). */
    static boolean isDelimiter(String delimiter) {
        return delimiter.equals(",") || delimiter.equals(";") || delimiter.equals("\t") || delimiter.equals("|");
    }

    /**
     * {@code 0 <= ending < 1} with at most two decimal places (docs/CONTRACT.md#schema Rounding). Places are counted
     * on the value: {@code 0.990} is 0.99 and allowed.
     */
    static boolean isPriceEnding(BigDecimal ending) {
        return ending.signum() >= 0 && ending.compareTo(BigDecimal.ONE) < 0 && ending.stripTrailingZeros().scale() <= 2;
    }
}
