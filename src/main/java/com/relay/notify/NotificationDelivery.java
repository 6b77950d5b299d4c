package com.relay.notify;

import com.relay.security.DestinationPolicy;
import com.relay.secrets.SecretResolver;
import com.relay.secrets.SecretStores;
import com.relay.secrets.AwsSecretStores;
import static com.relay.aws.DynamoItems.instant;
import static com.relay.aws.DynamoItems.longOr;
import static com.relay.aws.DynamoItems.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.Ids;
import com.relay.api.Json;
import com.relay.api.Timestamps;
import com.relay.aws.ProvisionedResources;
import com.relay.aws.QueueMessages;
import com.relay.config.RelaySettings;
import com.relay.logging.LogEvents;
import com.relay.notify.Classification.Verdict;
import com.relay.observability.MessageTracing;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Processes one received notifications-queue message (docs/CONTRACT.md#processing-a-notification-message): the rules 1–7 in
 * order, the lease with its fencing token, up to {@code 1 + NOTIFY_MAX_RETRIES} attempts with the
 * docs/CONTRACT.md#notification-retry-policy waits, breaker permission before and outcome after every attempt, and the delivery outcome.
 * The message is deleted, left or replaced by a delayed copy here (the route consumes with
 * {@code deleteAfterRead=false}). Never throws: a message never stops the notifier.
 */
@Component("notificationDelivery")
public class NotificationDelivery {

    private static final Logger log = LoggerFactory.getLogger(NotificationDelivery.class);
    static final String USER_AGENT = "relay-inventory/" + version();

    /** What happened to the message. */
    public enum Outcome { DELETED, LEFT, DEFERRED, REDELIVERY_SCHEDULED }

    private final NotificationRepository repository;
    private final CircuitBreakers breakers;
    private final NtfyClient client;
    private final SecretResolver tokens;
    private final DestinationPolicy destinations;
    private final NotifyMetrics metrics;
    private final SqsClient sqs;
    private final String queueUrl;
    private final QueueMessages queue;
    private final RelaySettings.Notify settings;
    private final RetryPolicy retry;
    private final Clock clock;
    private final RandomSource random;
    private final Sleeper sleeper;
    private final MessageTracing tracing;
    private final Tracer tracer;

    @Autowired
    public NotificationDelivery(NotificationRepository repository, CircuitBreakers breakers, NtfyClient client,
                                SecretResolver tokens, DestinationPolicy destinations, NotifyMetrics metrics, SqsClient sqs,
                                ProvisionedResources resources, RelaySettings settings, ObjectProvider<Clock> clock,
                                ObjectProvider<RandomSource> random, ObjectProvider<Sleeper> sleeper,
                                MessageTracing tracing) {
        this(repository, breakers, client, tokens, destinations, metrics, sqs, resources.notificationsQueueUrl(),
                settings.notifier(), clock.getIfAvailable(Clock::systemUTC), random.getIfAvailable(() -> RandomSource.DEFAULT),
                sleeper.getIfAvailable(() -> Sleeper.REAL), tracing);
    }

    /** The plain constructor (unit tests inject a fake clock, random source and sleeper). */
    public NotificationDelivery(NotificationRepository repository, CircuitBreakers breakers, NtfyClient client,
                                SecretResolver tokens, DestinationPolicy destinations, NotifyMetrics metrics, SqsClient sqs,
                                String queueUrl, RelaySettings.Notify settings, Clock clock, RandomSource random,
                                Sleeper sleeper) {
        this(repository, breakers, client, tokens, destinations, metrics, sqs, queueUrl, settings, clock, random, sleeper,
                MessageTracing.none());
    }

    private NotificationDelivery(NotificationRepository repository, CircuitBreakers breakers, NtfyClient client,
                                 SecretResolver tokens, DestinationPolicy destinations, NotifyMetrics metrics, SqsClient sqs,
                                 String queueUrl, RelaySettings.Notify settings, Clock clock, RandomSource random,
                                 Sleeper sleeper, MessageTracing tracing) {
        this.tracing = tracing;
        this.tracer = tracing.tracer();
        this.repository = repository;
        this.breakers = breakers;
        this.client = client;
        this.tokens = tokens;
        this.destinations = destinations;
        this.metrics = metrics;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queue = new QueueMessages(sqs, queueUrl);
        this.settings = settings;
        this.retry = RetryPolicy.of(settings);
        this.clock = clock;
        this.random = random;
        this.sleeper = sleeper;
    }

    /**
     * The received message: body, receipt handle and message attributes (may be null). The delivery
     * is the span {@code relay.notification.deliver}, a child of the trace context the message
     * carries (the run's, when the worker enqueued it).
     */
    public Outcome handle(String body, String receiptHandle, Map<String, MessageAttributeValue> attributes) {
        Span span = tracing.startConsumer("relay.notification.deliver", name -> attribute(attributes, name))
                .tag("messaging.system", "aws_sqs");
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            Outcome outcome = process(body, receiptHandle, attributes, span);
            span.tag("relay.outcome", outcome.name());
            return outcome;
        } finally {
            span.end();
        }
    }

    private Outcome process(String body, String receiptHandle, Map<String, MessageAttributeValue> attributes, Span span) {
        String id = null;
        String token = null;
        try {
            JsonNode json = parse(body);
            JsonNode idNode = json == null ? null : json.get("notification_id");
            if (idNode == null || !idNode.isTextual() || !Ids.isRunId(idNode.asText())) {
                badMessage("body is not a notification message");
                return Outcome.LEFT;
            }
            id = idNode.asText();
            span.tag("relay.notification_id", id);
            MDC.put("notification_id", id);
            String correlation = attribute(attributes, "correlation_id");
            if (correlation == null && json.path("correlation_id").isTextual()) correlation = json.get("correlation_id").asText();
            if (correlation != null) MDC.put("correlation_id", correlation);
            for (int pass = 0; pass < 2; pass++) {
                Optional<Map<String, AttributeValue>> found = repository.get(id);
                if (found.isEmpty()) {
                    badMessage("no record for notification " + id);
                    return Outcome.LEFT;
                }
                Map<String, AttributeValue> record = found.get();
                MDC.put("correlation_id", text(record, "correlation_id"));
                if (text(record, "tenant_id") != null) MDC.put("tenant_id", text(record, "tenant_id"));
                if (text(record, "tenant_id") != null) span.tag("relay.tenant_id", text(record, "tenant_id"));
                if (text(record, "correlation_id") != null) span.tag("relay.correlation_id", text(record, "correlation_id"));
                String status = text(record, "status");
                if ("completed".equals(status) || "failed".equals(status)) {
                    LogEvents.info(log, "notification_already_final", "notification_id", id, "status", status);
                    delete(receiptHandle);
                    return Outcome.DELETED;
                }
                Instant now = Timestamps.now(clock);
                boolean processing = "processing".equals(status);
                Instant lease = instant(record, "lease_expires_at");
                if (processing && lease != null && lease.isAfter(now)) {
                    LogEvents.info(log, "notification_delivery_ignored", "notification_id", id, "status", status);
                    return Outcome.LEFT;
                }
                Instant created = Instant.parse(text(record, "created_at"));
                if (created.plusSeconds(settings.maxAgeSeconds()).isBefore(now)) {
                    long age = Duration.between(created, now).getSeconds();
                    String message = "notification expired after " + age + " seconds without delivery";
                    if (fail(record, processing ? NotificationRepository.Fence.EXPIRED_LEASE : NotificationRepository.Fence.PRE_LEASE,
                            null, "EXPIRED", message, now, null)) {
                        delete(receiptHandle);
                        return Outcome.DELETED;
                    }
                    continue; // the record changed: re-read and apply the rules again
                }
                String service = serviceName(URI.create(text(record, "server_url")));
                // per server and tenant: one tenant's 429s never defer another tenant's messages
                String breakerKey = CircuitBreakers.key(service, text(record, "tenant_id"));
                BreakerState breaker = breakers.peek(breakerKey);
                if (breakers.rules().blocked(breaker, now)) {
                    return defer(record, null, service, breaker, now, body, receiptHandle, attributes);
                }
                token = UUID.randomUUID().toString();
                Optional<Map<String, AttributeValue>> leased = repository.takeLease(id, token,
                        now.plusSeconds(settings.visibilityTimeoutSeconds() - 10L), now);
                if (leased.isEmpty()) {
                    token = null;
                    continue;
                }
                return deliver(leased.get(), token, service, breakerKey, now, body, receiptHandle, attributes);
            }
            return Outcome.LEFT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(id, token);
            return Outcome.LEFT;
        } catch (RuntimeException e) {
            LogEvents.error(log, "notification_unexpected_error", e, "notification_id", id,
                    "error", e.getClass().getName() + ": " + e.getMessage());
            span.error(MessageTracing.bounded(e));
            metrics.workerError("notification_unexpected_error");
            release(id, token);
            return Outcome.LEFT;
        } finally {
            MDC.remove("notification_id");
            MDC.remove("correlation_id");
            MDC.remove("tenant_id");
        }
    }

    private Outcome deliver(Map<String, AttributeValue> record, String token, String service, String breakerKey,
                            Instant leaseAt, String body,
                            String receiptHandle, Map<String, MessageAttributeValue> attributes) throws InterruptedException {
        String id = text(record, "notification_id");
        String correlation = text(record, "correlation_id");
        String secret = null;
        String ref = text(record, "token_secret_ref");
        if (ref != null) {
            try {
                secret = tokens.resolve(text(record, "tenant_id"), ref);
            } catch (SecretResolver.Unresolvable e) {
                return failAndDelete(record, token, "CONFIG_ERROR", "token secret could not be resolved: " + e.getMessage(),
                        receiptHandle, null);
            } catch (SecretResolver.StoreUnavailable e) {
                // docs/CONTRACT.md#processing-a-notification-message step 1: the delivery ends as retryable, no HTTP request, no breaker outcome
                LogEvents.warn(log, "notification_token_store_unavailable", "notification_id", id, "reason", e.getMessage());
                return retryLater(record, token, longOr(record, "attempts", 0), "token secret store unavailable: " + e.getMessage(),
                        receiptHandle, Timestamps.now(clock));
            }
        }
        NtfyRequest request = NtfyRequest.from(record, secret, USER_AGENT);
        Optional<String> refused = destinations.refusal(request.uri());
        if (refused.isPresent()) return failAndDelete(record, token, "CONFIG_ERROR", refused.get(), receiptHandle, null);

        long attempts = longOr(record, "attempts", 0);
        AttemptResult last = null;
        int made = 0;
        for (int i = 0; i < retry.maxAttempts(); i++) {
            if (i > 0) {
                sleeper.sleep(retry.waitBeforeRetryMs(i, Classification.retryAfterSeconds(last), random.nextInt(retry.jitterMaxMs())));
            }
            Instant t = Timestamps.now(clock);
            BreakerRules.Permission permission = breakers.permission(breakerKey, t, correlation);
            if (!permission.granted()) {
                if (made > 0) metrics.duration(Duration.between(leaseAt, t));
                return defer(record, token, service, permission.state(), t, body, receiptHandle, attributes);
            }
            Instant started = Timestamps.now(clock);
            AttemptResult result = send(request, i);
            made++;
            attempts++;
            Instant after = Timestamps.now(clock);
            long ms = Duration.between(started, after).toMillis();
            if (Classification.verdict(result) == Verdict.SUCCESS) {
                LogEvents.info(log, "notification_attempt", "notification_id", id, "attempt", attempts,
                        "http_status", result.httpStatus(), "duration_ms", ms);
            } else if (result.transportError()) {
                LogEvents.warn(log, "notification_attempt", "notification_id", id, "attempt", attempts,
                        "error", result.describe(), "duration_ms", ms);
            } else {
                LogEvents.warn(log, "notification_attempt", "notification_id", id, "attempt", attempts,
                        "http_status", result.httpStatus(), "duration_ms", ms);
            }
            breakers.report(breakerKey, after, Classification.breakerOutcome(result), correlation);
            if (!repository.recordAttempt(id, token, result, after)) return superseded(id);
            switch (Classification.verdict(result)) {
                case SUCCESS -> {
                    Map<String, AttributeValue> fields = new HashMap<>();
                    fields.put("http_status", AttributeValue.fromN(Integer.toString(result.httpStatus())));
                    String ntfyId = ntfyMessageId(result.body());
                    if (ntfyId != null) fields.put("ntfy_message_id", AttributeValue.fromS(ntfyId));
                    if (!repository.finish(record, NotificationRepository.Fence.LEASE, token, true, fields, after)) {
                        return superseded(id);
                    }
                    metrics.sent("success");
                    metrics.duration(Duration.between(leaseAt, after));
                    LogEvents.info(log, "notification_sent", "notification_id", id, "ntfy_message_id", ntfyId,
                            "attempts", attempts, "duration_ms", Duration.between(Instant.parse(text(record, "created_at")), after).toMillis());
                    delete(receiptHandle);
                    return Outcome.DELETED;
                }
                case REJECTED -> {
                    return failAndDelete(record, token, "NTFY_REJECTED", "ntfy rejected the message: " + result.describe(),
                            receiptHandle, leaseAt);
                }
                default -> last = result;
            }
        }
        return retryLater(record, token, attempts, last.describe(), receiptHandle, leaseAt);
    }

    /**
     * One ntfy request inside the client span {@code POST} (docs/CONTRACT.md#tracing): the method, the
     * server's host and port, the status and {@code http.request.resend_count} for a retry. Never
     * the topic (on a public server it is the secret of the channel), a header or the body; and
     * no trace header goes to ntfy (docs/CONTRACT.md#the-ntfy-request allows only its listed headers).
     */
    private AttemptResult send(NtfyRequest request, int resendCount) throws InterruptedException {
        int port = request.uri().getPort();
        Span span = tracer.spanBuilder().name("POST").kind(Span.Kind.CLIENT).tag("http.request.method", "POST")
                .tag("server.address", String.valueOf(request.uri().getHost()))
                .tag("server.port", Integer.toString(port != -1 ? port
                        : "https".equalsIgnoreCase(request.uri().getScheme()) ? 443 : 80)).start();
        if (resendCount > 0) span.tag("http.request.resend_count", resendCount);
        try (Tracer.SpanInScope inScope = tracer.withSpan(span)) {
            AttemptResult result = client.send(request);
            if (result.transportError()) {
                span.error(new MessageTracing.RecordedError(bounded(result.describe())));
            } else {
                span.tag("http.response.status_code", result.httpStatus());
                if (Classification.verdict(result) != Verdict.SUCCESS) span.error(new MessageTracing.RecordedError("HTTP " + result.httpStatus()));
            }
            return result;
        } catch (InterruptedException | RuntimeException e) {
            span.error(MessageTracing.bounded(e));
            throw e;
        } finally {
            span.end();
        }
    }

    private static String bounded(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    /** End of a delivery whose attempts were all retryable: redelivery later, or RETRIES_EXHAUSTED. */
    private Outcome retryLater(Map<String, AttributeValue> record, String token, long attempts, String lastError,
                               String receiptHandle, Instant leaseAt) {
        String id = text(record, "notification_id");
        Instant now = Timestamps.now(clock);
        long deliveries = longOr(record, "deliveries", 0);
        if (deliveries >= settings.maxDeliveries()) {
            return failAndDelete(record, token, "RETRIES_EXHAUSTED",
                    "ntfy unavailable after " + attempts + " attempts: " + lastError, receiptHandle, leaseAt);
        }
        long delay = Math.min(43_200L, (long) settings.redeliveryDelaySeconds() << Math.min(20, deliveries - 1));
        if (!repository.releaseForRedelivery(id, token, now.plusSeconds(delay), now)) return superseded(id);
        metrics.duration(Duration.between(leaseAt, now));
        LogEvents.warn(log, "notification_retry_scheduled", "notification_id", id, "deliveries", deliveries,
                "delay_seconds", delay);
        queue.changeVisibility(receiptHandle, (int) delay, e -> {
            log.warn("notification visibility change failed notification_id={}: {}", id, e.getClass().getSimpleName());
            metrics.workerError("queue_visibility_error");
        });
        return Outcome.REDELIVERY_SCHEDULED;
    }

    /** docs/CONTRACT.md#deferral-while-the-circuit-is-open: replace the message by a delayed copy (or, if that send fails, delay the received one). */
    private Outcome defer(Map<String, AttributeValue> record, String token, String service, BreakerState breaker, Instant now,
                          String body, String receiptHandle, Map<String, MessageAttributeValue> attributes) {
        String id = text(record, "notification_id");
        long delay = breakers.rules().deferralSeconds(breaker, now, random.nextInt(settings.deferJitterMaxSeconds()));
        if (!repository.defer(id, token, delay, now)) {
            if (token != null) return superseded(id);
            LogEvents.info(log, "notification_delivery_ignored", "notification_id", id, "status", text(record, "status"));
            return Outcome.LEFT;
        }
        try {
            Map<String, MessageAttributeValue> copyAttributes = attributes == null || attributes.isEmpty()
                    ? NotificationEnqueuer.attributes(record, tracing) : attributes;
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(copyAttributes)
                    .delaySeconds((int) delay));
            delete(receiptHandle);
        } catch (RuntimeException e) {
            log.warn("notification deferral copy not sent notification_id={}: {}; delaying the received message instead", id,
                    e.getClass().getSimpleName());
            queue.changeVisibility(receiptHandle, (int) delay, e2 -> metrics.workerError("queue_visibility_error"));
        }
        metrics.sent("deferred");
        LogEvents.warn(log, "notification_deferred", "notification_id", id, "service_name", service, "delay_seconds", delay);
        return Outcome.DEFERRED;
    }

    private Outcome failAndDelete(Map<String, AttributeValue> record, String token, String code, String message,
                                  String receiptHandle, Instant leaseAt) {
        Instant now = Timestamps.now(clock);
        if (!fail(record, NotificationRepository.Fence.LEASE, token, code, message, now, leaseAt)) {
            return superseded(text(record, "notification_id"));
        }
        delete(receiptHandle);
        return Outcome.DELETED;
    }

    private boolean fail(Map<String, AttributeValue> record, NotificationRepository.Fence fence, String token, String code,
                         String message, Instant now, Instant leaseAt) {
        Map<String, AttributeValue> fields = new HashMap<>();
        fields.put("error_code", AttributeValue.fromS(code));
        fields.put("error_message", AttributeValue.fromS(message));
        if (!repository.finish(record, fence, token, false, fields, now)) return false;
        Span span = tracer.currentSpan();
        if (span != null) span.tag("relay.error_code", code).error(new MessageTracing.RecordedError("notification failed: " + code));
        metrics.sent("failure");
        if (leaseAt != null) metrics.duration(Duration.between(leaseAt, now));
        // docs/CONTRACT.md#structured-logging: the message text of this event starts with "Notification failed"
        LogEvents.warnHeadline(log, "Notification failed", "notification_failed", "notification_id",
                text(record, "notification_id"), "error_code", code, "error_message", message);
        return true;
    }

    private Outcome superseded(String id) {
        LogEvents.info(log, "notification_delivery_superseded", "notification_id", id, "status", "processing");
        return Outcome.LEFT;
    }

    private void release(String id, String token) {
        if (id == null || token == null) return;
        try {
            repository.releaseLease(id, token, Timestamps.now(clock));
        } catch (RuntimeException e) {
            log.warn("lease of notification {} not released: {}", id, e.getClass().getSimpleName());
        }
    }

    private void badMessage(String why) {
        LogEvents.warn(log, "bad_message", "reason", why);
        metrics.workerError("notification_bad_message");
    }

    private void delete(String receiptHandle) {
        queue.delete(receiptHandle, e -> {
            log.warn("notification message not deleted: {}", e.getClass().getSimpleName());
            metrics.workerError("queue_delete_error");
        });
    }

    /** {@code ntfy:<lower-case host>} plus {@code :<port>} when not the scheme's default (docs/CONTRACT.md#circuit-breaker). */
    public static String serviceName(URI server) {
        String host = server.getHost() == null ? "" : server.getHost().toLowerCase(Locale.ROOT);
        int port = server.getPort();
        boolean defaultPort = port == -1 || ("https".equalsIgnoreCase(server.getScheme()) && port == 443)
                || ("http".equalsIgnoreCase(server.getScheme()) && port == 80);
        return "ntfy:" + host + (defaultPort ? "" : ":" + port);
    }

    /** {@code id} of a JSON response body, when it is a string; null otherwise (still a success). */
    static String ntfyMessageId(String body) {
        JsonNode json = parse(body);
        return json != null && json.path("id").isTextual() ? json.get("id").asText() : null;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String attribute(Map<String, MessageAttributeValue> attributes, String name) {
        if (attributes == null) return null;
        MessageAttributeValue v = attributes.get(name);
        return v == null ? null : v.stringValue();
    }

    private static String version() {
        String v = NotificationDelivery.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
