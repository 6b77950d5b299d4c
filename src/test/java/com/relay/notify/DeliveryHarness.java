package com.relay.notify;

import com.relay.security.DestinationPolicy;
import com.relay.secrets.SecretResolver;
import com.relay.secrets.SecretStores;
import com.relay.secrets.AwsSecretStores;
import com.fasterxml.jackson.databind.JsonNode;
import com.relay.api.Json;
import com.relay.aws.DynamoItems;
import com.relay.aws.ProvisionedResources;
import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.runs.RunCompletion;
import com.relay.tenants.config.TenantConfig;
import com.relay.worker.FaultInjector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * {@link NotificationDelivery} on the real services: the real {@link NotificationRepository} over
 * DynamoDB Local and a real {@link SqsClient} over ElasticMQ (both provisioned by the real
 * Provisioner, see {@link AwsEmulatorsExtension}), with a scripted ntfy, a clock the sleeper
 * advances and fixed jitter. Times are seconds from {@link BreakerTestSupport#ORIGIN}.
 *
 * <p>Messages are real: {@link #record} enqueues the job message with the real
 * {@link NotificationEnqueuer}, {@link #receive} receives it from the queue and hands the body,
 * the real receipt handle and the message attributes to the delivery, as the route does. What the
 * delivery does with the queue is observed on the wire: every completed call of its SQS client is
 * recorded by a {@link FaultInjector}. The queue's clock is real time, the code's is the fake one:
 * a message the delivery left in flight is made visible again (visibility 0) once the fake clock
 * has passed the time the delivery (or the queue's visibility timeout) set, and a delayed copy the
 * delivery sent (deferral) is waited for in real time, since no SQS call ends a message's delay.
 */
final class DeliveryHarness {

    final MutableClock clock = new MutableClock(BreakerTestSupport.ORIGIN);
    final NotificationRepository repository;
    final NotificationEnqueuer enqueuer;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final NotifyMetrics metrics;
    final CircuitBreakers breakers;
    final NotificationDelivery delivery;
    final List<Double> attemptStarts = new ArrayList<>();
    final List<NtfyRequest> requests = new ArrayList<>();
    final RelaySettings settings;
    /** The receipt handles handed to the delivery, in order. */
    final List<String> receipts = new ArrayList<>();
    Function<Double, AttemptResult> ntfy = t -> AttemptResult.http(200, "{\"id\":\"abc123\"}", null);
    /** When set, answers instead of {@link #ntfy}, by request (e.g. per topic). */
    Function<NtfyRequest, AttemptResult> ntfyByRequest;
    long attemptMillis = 0;

    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final String runsTable;
    private final FaultInjector recorder;
    private final String queueUrl;
    private final int queueVisibilitySeconds;
    /** Messages received from the queue and not yet handed to the delivery, by {@link #key}. */
    private final Map<String, Deque<Message>> received = new HashMap<>();
    /** Handed to the delivery and left in flight: the handle and when (fake clock) it is visible again. */
    private final Map<String, InFlight> inFlight = new HashMap<>();
    /** Delayed copies the delivery sent: visible on the fake clock and in real time. */
    private final Map<String, DelayedCopy> delayed = new HashMap<>();
    /** Job messages in the queue not received yet. */
    private final Set<String> waiting = new HashSet<>();

    private record InFlight(String handle, Instant visibleAt) {}
    private record DelayedCopy(Instant visibleAt, long realVisibleAtMillis) {}

    /** Approximate queue depth as SQS reports it. */
    record Depth(int visible, int notVisible, int delayed) {}

    DeliveryHarness(AwsEmulatorsExtension aws, Map<String, String> env) {
        this(aws, env, RelayMode.EMBEDDED);
    }

    DeliveryHarness(AwsEmulatorsExtension aws, Map<String, String> env, RelayMode mode) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("ENVIRONMENT", "prod");
        all.putIfAbsent("NOTIFY_RETRY_JITTER_MAX_MS", "0");
        all.putIfAbsent("NOTIFY_DEFER_JITTER_MAX_SECONDS", "0");
        settings = RelaySettings.load(all::get);
        ProvisionedResources resources = aws.resources();
        sqs = aws.sqs();
        recorder = aws.recorder();
        queueUrl = resources.notificationsQueueUrl();
        queueVisibilitySeconds = Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT));
        // one queue per test class: each harness starts on an empty one and its own recording
        sqs.purgeQueue(b -> b.queueUrl(queueUrl));
        recorder.clear();
        dynamoDb = aws.dynamoDb();
        runsTable = resources.runsTable();
        repository = new NotificationRepository(dynamoDb, resources);
        metrics = new NotifyMetrics(registry, settings);
        breakers = new CircuitBreakers(BreakerRules.of(settings.notifier()), null, metrics, clock);
        enqueuer = new NotificationEnqueuer(sqs, repository, metrics, resources,
                new StaticListableBeanFactory(Map.of("clock", clock)).getBeanProvider(Clock.class));
        NtfyClient client = request -> {
            double t = seconds();
            attemptStarts.add(t);
            requests.add(request);
            clock.advance(attemptMillis);
            return ntfyByRequest != null ? ntfyByRequest.apply(request) : ntfy.apply(t);
        };
        SecretResolver tokens = new SecretResolver(mode, Map.of("RELAY_SECRET_ACME_PARTS_NTFY", "tk_example0000000000000000000000",
                "RELAY_SECRET_GLOBEX_NTFY", "tk_globex000000000000000000000000")::get,
                Duration.ofSeconds(300), clock);
        delivery = new NotificationDelivery(repository, breakers, client, tokens,
                new DestinationPolicy(mode == RelayMode.AWS, settings.notifier().allowedPrivateHosts()), metrics,
                aws.recordedSqs(), queueUrl, settings.notifier(), clock, max -> 0, clock::advance);
    }

    double seconds() {
        return Duration.between(BreakerTestSupport.ORIGIN, clock.instant()).toMillis() / 1000.0;
    }

    void at(double t) { clock.set(BreakerTestSupport.at(t)); }

    static final String TENANT = "acme_parts";

    static TenantConfig.Ntfy ntfy(String url, String tokenRef) {
        return ntfy(url, tokenRef, "acme-parts-relay");
    }

    static TenantConfig.Ntfy ntfy(String url, String tokenRef, String topic) {
        return new TenantConfig.Ntfy(true, url, topic, tokenRef, List.of("SUCCEEDED", "FAILED"),
                Map.of("SUCCEEDED", 3, "FAILED", 4), null);
    }

    /** A run-completion record created now and enqueued (job message sent, record queued); returns its id. */
    String record(String url, String tokenRef) {
        return record(TENANT, url, tokenRef, "acme-parts-relay");
    }

    /** The same for another tenant and topic. */
    String record(String tenant, String url, String tokenRef, String topic) {
        return record(tenant, url, tokenRef, topic, true);
    }

    private String record(String tenant, String url, String tokenRef, String topic, boolean enqueue) {
        NotificationRecords records = new NotificationRecords("prod", 90);
        String id = NotificationRecords.newId();
        String runId = UUID.randomUUID().toString();
        RunCompletion run = new RunCompletion(runId, tenant, 3, "FAILED", "MERGE_PRICE",
                "scheduler", "2026-11-22T14:00:00.412Z", "2026-11-22T14:00:09.118Z", 8113L, 1250, "MERGE_PRICE",
                "validation_errors", "validation errors", "5b0a5c1e-8a59-4f7c-9d7e-3f1f3c2b9a10");
        Map<String, AttributeValue> r = records.runCompletion(ntfy(url, tokenRef, topic), run, clock.instant(), id);
        // what the worker's terminal write leaves (docs/CONTRACT.md#attempt-outcomes-retry-and-poison): the run PENDING, naming the record
        dynamoDb.putItem(b -> b.tableName(runsTable).item(Map.of("run_id", AttributeValue.fromS(runId),
                "item_type", AttributeValue.fromS("RUN"), "tenant_id", AttributeValue.fromS(tenant),
                "status", AttributeValue.fromS("FAILED"), "notification_status", AttributeValue.fromS("PENDING"),
                "notification_id", AttributeValue.fromS(id))));
        if (!repository.create(r)) throw new AssertionError("record " + id + " not created");
        if (enqueue && !enqueuer.enqueue(r)) throw new AssertionError("record " + id + " not enqueued");
        waiting.add(id);
        return id;
    }

    /** A record created but not yet sent nor marked {@code queued} (the enqueuer has not run yet). */
    String createdOnly() {
        return record(TENANT, "https://ntfy.example.com", null, "acme-parts-relay", false);
    }

    String record() { return record("https://ntfy.example.com", null); }

    static String body(String id) {
        return "{\"notification_id\":\"" + id + "\",\"tenant_id\":\"acme_parts\",\"correlation_id\":\"c-1\"}";
    }

    /**
     * Receives the message of notification {@code id} from the queue and hands it to the delivery.
     * When the queue holds none (the last one was deleted, or the id has no record) a copy of the job
     * message is sent first: SQS delivers at least once, so a duplicate can always arrive.
     */
    NotificationDelivery.Outcome receive(String id) {
        if (!received.containsKey(id) && !inFlight.containsKey(id) && !delayed.containsKey(id) && !waiting.contains(id)) {
            var record = repository.get(id);
            if (record.isPresent()) {
                sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(NotificationEnqueuer.body(record.get()))
                        .messageAttributes(NotificationEnqueuer.attributes(record.get(), com.relay.observability.MessageTracing.none())));
            } else {
                sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body(id)));
            }
        }
        return handle(id, take(id));
    }

    /** Sends {@code body} as a message, receives it and hands it to the delivery. */
    NotificationDelivery.Outcome receiveRaw(String body) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
        return handle(key(body), take(key(body)));
    }

    private NotificationDelivery.Outcome handle(String key, Message m) {
        receipts.add(m.receiptHandle());
        Instant receivedAt = clock.instant();
        int before = recorder.calls().size();
        NotificationDelivery.Outcome outcome = delivery.handle(m.body(), m.receiptHandle(), m.messageAttributes());
        List<FaultInjector.Call> calls = recorder.calls();
        boolean deleted = false;
        Instant visibleAt = receivedAt.plusSeconds(queueVisibilitySeconds);
        for (FaultInjector.Call c : calls.subList(before, calls.size())) {
            if (c.request() instanceof DeleteMessageRequest d && m.receiptHandle().equals(d.receiptHandle())) {
                deleted = true;
            } else if (c.request() instanceof ChangeMessageVisibilityRequest v && m.receiptHandle().equals(v.receiptHandle())) {
                visibleAt = clock.instant().plusSeconds(v.visibilityTimeout());
            } else if (c.request() instanceof SendMessageRequest s) {
                int delay = s.delaySeconds() == null ? 0 : s.delaySeconds();
                delayed.put(key(s.messageBody()), new DelayedCopy(clock.instant().plusSeconds(delay),
                        System.currentTimeMillis() + delay * 1000L));
            }
        }
        if (!deleted) inFlight.put(key, new InFlight(m.receiptHandle(), visibleAt));
        return outcome;
    }

    /** The next message for {@code key}, received from the real queue. */
    private Message take(String key) {
        long waitMillis = 10_000;
        InFlight f = inFlight.remove(key);
        DelayedCopy d = delayed.remove(key);
        waiting.remove(key);
        if (f != null) {
            if (clock.instant().isBefore(f.visibleAt())) {
                throw new AssertionError("the message of " + key + " is in flight until " + f.visibleAt() + " (now " + clock.instant() + ")");
            }
            // the visibility timeout has passed on the fake clock: end it on the queue as well
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(f.handle()).visibilityTimeout(0));
        }
        if (d != null) {
            if (clock.instant().isBefore(d.visibleAt())) {
                throw new AssertionError("the copy of " + key + " is delayed until " + d.visibleAt() + " (now " + clock.instant() + ")");
            }
            // no SQS call ends a message's delay: wait for it in real time
            waitMillis += Math.max(0, d.realVisibleAtMillis() - System.currentTimeMillis());
        }
        long deadline = System.currentTimeMillis() + waitMillis;
        while (true) {
            Deque<Message> mine = received.get(key);
            if (mine != null && !mine.isEmpty()) {
                Message m = mine.poll();
                if (mine.isEmpty()) received.remove(key);
                return m;
            }
            if (System.currentTimeMillis() > deadline) throw new AssertionError("no message for " + key + " arrived");
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                    .messages()) {
                received.computeIfAbsent(key(m.body()), k -> new ArrayDeque<>()).add(m);
            }
        }
    }

    /** The notification id of a message body, or the body itself when it names none. */
    private static String key(String body) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            JsonNode id = json == null ? null : json.get("notification_id");
            return id != null && id.isTextual() ? id.asText() : "raw:" + body;
        } catch (Exception e) {
            return "raw:" + body;
        }
    }

    /** Receipt handles of the delivery's completed DeleteMessage calls. */
    List<String> deleted() {
        return recorder.calls().stream().filter(c -> c.request() instanceof DeleteMessageRequest)
                .map(c -> ((DeleteMessageRequest) c.request()).receiptHandle()).toList();
    }

    /** The delivery's completed ChangeMessageVisibility calls. */
    List<ChangeMessageVisibilityRequest> visibility() {
        return recorder.calls().stream().filter(c -> c.request() instanceof ChangeMessageVisibilityRequest)
                .map(c -> (ChangeMessageVisibilityRequest) c.request()).toList();
    }

    /** The delivery's completed SendMessage calls (deferral copies). */
    List<SendMessageRequest> copies() {
        return recorder.calls().stream().filter(c -> c.request() instanceof SendMessageRequest)
                .map(c -> (SendMessageRequest) c.request()).toList();
    }

    /** The n-th receipt handle handed to the delivery (1-based). */
    String receipt(int n) { return receipts.get(n - 1); }

    Depth depth() {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return new Depth(Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
                Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)),
                Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)));
    }

    /** The run's {@code notification_status} (PENDING until the record is final). */
    String runNotificationStatus(String id) {
        String runId = item(id).get("run_id").s();
        return dynamoDb.getItem(b -> b.tableName(runsTable).consistentRead(true)
                .key(Map.of("run_id", AttributeValue.fromS(runId)))).item().get("notification_status").s();
    }

    Map<String, AttributeValue> item(String id) { return repository.get(id).orElseThrow(); }

    String s(String id, String k) { return DynamoItems.text(item(id), k); }

    long n(String id, String k) { return DynamoItems.longOr(item(id), k, 0); }

    double sent(String status) { return metrics.counter("NotificationsSent", "Status", status); }

    int breakerFailures() {
        return breakers.peek(breakerKey(TENANT)).failureTimes().size();
    }

    /** The breaker of {@code tenant}'s notifications to https://ntfy.example.com. */
    static String breakerKey(String tenant) {
        return CircuitBreakers.key("ntfy:ntfy.example.com", tenant);
    }

    Instant instant(double t) { return BreakerTestSupport.at(t); }
}
