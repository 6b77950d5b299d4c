package com.relay.notify;

import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The repository's §3.2 conditions on a map, for unit tests of the delivery rules without
 * DynamoDB (the ITs run the real conditional writes against DynamoDB Local).
 */
final class InMemoryNotificationRepository extends NotificationRepository {

    final Map<String, Map<String, AttributeValue>> items = new HashMap<>();

    InMemoryNotificationRepository() {
        super(null, new ProvisionedResources("b", "t", "runs", "notifications", "j", "jd", "n", "nd"));
    }

    @Override
    public synchronized boolean create(Map<String, AttributeValue> record) {
        if (items.containsKey(record.get("notification_id").s())) return false;
        items.put(record.get("notification_id").s(), new HashMap<>(record));
        return true;
    }

    @Override
    public synchronized Optional<Map<String, AttributeValue>> get(String id) {
        Map<String, AttributeValue> i = items.get(id);
        return i == null ? Optional.empty() : Optional.of(new HashMap<>(i));
    }

    @Override
    public synchronized boolean markQueued(String id, Instant now) {
        Map<String, AttributeValue> i = items.get(id);
        if (i == null || !status(i).equals("created")) return false;
        i.put("status", s("queued"));
        i.putIfAbsent("queued_at", s(Timestamps.format(now)));
        return true;
    }

    @Override
    public synchronized Optional<Map<String, AttributeValue>> takeLease(String id, String token, Instant leaseExpires, Instant now) {
        Map<String, AttributeValue> i = items.get(id);
        if (i == null) return Optional.empty();
        String st = status(i);
        boolean ok = st.equals("created") || st.equals("queued")
                || (st.equals("processing") && i.containsKey("lease_expires_at") && instant(i, "lease_expires_at").isBefore(now));
        if (!ok) return Optional.empty();
        i.put("status", s("processing"));
        i.put("delivery_token", s(token));
        i.put("lease_expires_at", s(Timestamps.format(leaseExpires)));
        i.put("deliveries", n(num(i, "deliveries") + 1));
        i.putIfAbsent("processing_started_at", s(Timestamps.format(now)));
        return Optional.of(new HashMap<>(i));
    }

    @Override
    public synchronized boolean recordAttempt(String id, String token, AttemptResult result, Instant now) {
        Map<String, AttributeValue> i = leased(id, token);
        if (i == null) return false;
        i.put("attempts", n(num(i, "attempts") + 1));
        if (result.transportError()) i.remove("http_status"); else i.put("http_status", n(result.httpStatus()));
        if (Classification.verdict(result) != Classification.Verdict.SUCCESS) i.put("last_error", s(result.describe()));
        return true;
    }

    @Override
    public synchronized boolean releaseForRedelivery(String id, String token, Instant nextAttempt, Instant now) {
        Map<String, AttributeValue> i = leased(id, token);
        if (i == null) return false;
        i.put("lease_expires_at", s(Timestamps.format(now)));
        i.put("next_attempt_at", s(Timestamps.format(nextAttempt)));
        return true;
    }

    @Override
    public synchronized boolean releaseLease(String id, String token, Instant now) {
        Map<String, AttributeValue> i = leased(id, token);
        if (i == null) return false;
        i.put("lease_expires_at", s(Timestamps.format(now)));
        return true;
    }

    @Override
    public synchronized boolean defer(String id, String token, long delaySeconds, Instant now) {
        Map<String, AttributeValue> i = token != null ? leased(id, token) : items.get(id);
        if (i == null) return false;
        if (token == null) {
            String st = status(i);
            boolean ok = st.equals("created") || st.equals("queued")
                    || (st.equals("processing") && !instant(i, "lease_expires_at").isAfter(now));
            if (!ok) return false;
        } else {
            i.put("lease_expires_at", s(Timestamps.format(now)));
        }
        i.put("deferrals", n(num(i, "deferrals") + 1));
        i.put("last_error", s("circuit open; deferred " + delaySeconds + " s"));
        i.put("next_attempt_at", s(Timestamps.format(now.plusSeconds(delaySeconds))));
        return true;
    }

    @Override
    public synchronized boolean finish(Map<String, AttributeValue> record, Fence fence, String token, boolean completed,
                                       Map<String, AttributeValue> fields, Instant now) {
        String id = record.get("notification_id").s();
        Map<String, AttributeValue> i = items.get(id);
        if (i == null) return false;
        String st = status(i);
        boolean ok = switch (fence) {
            case LEASE -> st.equals("processing") && token.equals(i.get("delivery_token").s());
            case PRE_LEASE -> st.equals("created") || st.equals("queued");
            case EXPIRED_LEASE -> st.equals("processing") && instant(i, "lease_expires_at").isBefore(now);
        };
        if (!ok) return false;
        i.put("status", s(completed ? "completed" : "failed"));
        i.put("processing_completed_at", s(Timestamps.format(now)));
        i.put("duration_ms", n(now.toEpochMilli() - instant(i, "created_at").toEpochMilli()));
        i.putAll(fields);
        return true;
    }

    @Override
    public List<Map<String, AttributeValue>> createdBefore(Instant cutoff, int max) {
        throw new UnsupportedOperationException();
    }

    private Map<String, AttributeValue> leased(String id, String token) {
        Map<String, AttributeValue> i = items.get(id);
        if (i == null || !status(i).equals("processing") || !token.equals(i.get("delivery_token").s())) return null;
        return i;
    }

    private static String status(Map<String, AttributeValue> i) { return i.get("status").s(); }
    private static Instant instant(Map<String, AttributeValue> i, String k) { return Instant.parse(i.get(k).s()); }
    private static long num(Map<String, AttributeValue> i, String k) { return i.containsKey(k) ? Long.parseLong(i.get(k).n()) : 0; }
    private static AttributeValue n(long v) { return AttributeValue.fromN(Long.toString(v)); }
}
