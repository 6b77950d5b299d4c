package com.relay.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code limit} rule and the pagination object of RI §5.5. */
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
}
