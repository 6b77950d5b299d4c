package com.relay.aws;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Readers of optional attributes of a DynamoDB item: a missing item, a missing attribute and an
 * attribute of another type all read as "absent" (null, or the caller's fallback), so callers
 * decide what absence means. Attributes a caller requires are read directly and fail loudly.
 */
public final class DynamoItems {

    private DynamoItems() {}

    /** The String ({@code S}) value of {@code name}; null when the item or the attribute is missing or not a String. */
    public static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = value(item, name);
        return v == null ? null : v.s();
    }

    /** The Number ({@code N}) value of {@code name} as DynamoDB returns it (text); null when absent or not a Number. */
    public static String number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = value(item, name);
        return v == null ? null : v.n();
    }

    /**
     * The Number value of {@code name} as a long, {@code fallback} when absent or not a Number.
     *
     * @throws NumberFormatException when the number is not an integer in the range of a long
     */
    public static long longOr(Map<String, AttributeValue> item, String name, long fallback) {
        String n = number(item, name);
        return n == null ? fallback : Long.parseLong(n);
    }

    /**
     * The String value of {@code name} parsed as an ISO-8601 instant; null when absent or not a String.
     *
     * @throws java.time.format.DateTimeParseException when the text is not an instant
     */
    public static Instant instant(Map<String, AttributeValue> item, String name) {
        String s = text(item, name);
        return s == null ? null : Instant.parse(s);
    }

    private static AttributeValue value(Map<String, AttributeValue> item, String name) {
        return item == null ? null : item.get(name);
    }
}
