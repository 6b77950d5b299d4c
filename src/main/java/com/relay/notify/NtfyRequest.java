package com.relay.notify;

import static com.relay.aws.DynamoItems.text;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The exact ntfy publish request of docs/CONTRACT.md#the-ntfy-request, built from a stored record: these
 * headers, in this order, and no others (no correlation or tracing headers).
 */
public record NtfyRequest(URI uri, Map<String, String> headers, String body) {

    public NtfyRequest {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** @param token the resolved token, or null when the record has no {@code token_secret_ref} */
    public static NtfyRequest from(Map<String, AttributeValue> record, String token, String userAgent) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "text/plain; charset=utf-8");
        h.put("User-Agent", userAgent);
        h.put("Title", text(record, "title"));
        h.put("Priority", record.get("priority").n());
        AttributeValue tags = record.get("tags");
        if (tags != null && tags.hasL() && !tags.l().isEmpty()) {
            h.put("Tags", String.join(",", tags.l().stream().map(AttributeValue::s).toList()));
        }
        String click = text(record, "click_url");
        if (click != null) h.put("Click", click);
        if (token != null) h.put("Authorization", "Bearer " + token);
        return new NtfyRequest(URI.create(text(record, "server_url") + "/" + text(record, "topic")), h, text(record, "body"));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "NtfyRequest[" + uri + "]";
    }
}
