package com.relay.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** {@code limit} rule and the pagination object of docs/CONTRACT.md#pagination. */
public final class Pagination {

    public static final int DEFAULT_LIMIT = 50;

    private Pagination() {}

    public static int limit(String text) {
        if (text == null) return DEFAULT_LIMIT;
        if (text.matches("[0-9]{1,3}")) {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 100) return n;
        }
        throw ApiException.invalid("query.limit", "must be an integer between 1 and 100");
    }

    public static Map<String, Object> object(int limit, String cursor) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("limit", limit);
        m.put("cursor", cursor);
        m.put("has_more", cursor != null);
        return m;
    }

    /** Up to {@code limit} items of an index query, and whether more follow (the cursor's question). */
    public record Page(List<Map<String, AttributeValue>> items, boolean more) {
        public Map<String, AttributeValue> last() { return items.get(items.size() - 1); }
    }

    /**
     * Reads an index query page by page from {@code start} until {@code limit} items are collected
     * (a filter expression can make DynamoDB pages short or empty), asking each time for one item
     * more than still needed so that "more follow" is known without an extra round trip.
     */
    public static Page collect(Function<QueryRequest, QueryResponse> query, QueryRequest.Builder request, int limit,
                               Map<String, AttributeValue> start) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> next = start;
        while (true) {
            QueryResponse r = query.apply(request.limit(limit - items.size() + 1).exclusiveStartKey(next).build());
            for (Map<String, AttributeValue> item : r.items()) {
                if (items.size() == limit) return new Page(items, true);
                items.add(item);
            }
            if (!r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty()) return new Page(items, false);
            next = r.lastEvaluatedKey();
        }
    }
}
