package com.relay.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.aws.AwsRuntime;
import com.relay.config.RelaySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * {@link CoalescingItemReader} against DynamoDB Local over the wire. A {@link Gate} on the reader's
 * client holds one call at a chosen point, so which reads share a call is decided by the test, not
 * by timing: reads that arrive while the held call is out must go together in the next one.
 */
class CoalescingItemReaderIT {

    private static final String TABLE = "coalescing-reads";
    private static final Gate gate = new Gate();
    private static AwsRuntime aws;
    private static DynamoDbClient plain;
    private static DynamoDbClient gated;

    private final ExecutorService readers = Executors.newCachedThreadPool();

    @BeforeAll
    static void startDynamoDbLocal() {
        aws = AwsRuntime.start(RelaySettings.load(Map.of("RELAY_EMBEDDED_PERSISTENT", "false",
                "RELAY_EMBEDDED_SQS_PORT", "0", "RELAY_EMBEDDED_DYNAMODB_PORT", "0", "RELAY_EMBEDDED_S3_PORT", "0")::get));
        plain = aws.clients().dynamoDb();
        gated = aws.clients().withInterceptors(List.of(gate)).dynamoDb();
        plain.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("run_id").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("run_id").attributeType(ScalarAttributeType.S)));
    }

    @AfterAll
    static void stop() {
        gated.close();
        plain.close();
        aws.close();
    }

    @BeforeEach
    void resetGate() {
        gate.reset();
    }

    @AfterEach
    void stopReaders() {
        gate.releaseHeld();
        readers.shutdownNow();
    }

    @Test
    void aReadAloneIsOneGetItem() {
        put("alone", "v1");
        CoalescingItemReader reader = new CoalescingItemReader(gated, TABLE, "run_id", 2);

        assertThat(reader.get("alone")).map(i -> i.get("value").s()).contains("v1");
        assertThat(reader.get("nobody")).isEmpty();
        assertThat(gate.requests).hasSize(2).allMatch(GetItemRequest.class::isInstance);
        assertThat(((GetItemRequest) gate.requests.get(0)).consistentRead()).isTrue();
        assertThat(reader.backlog()).isZero();
    }

    @Test
    void readsArrivingWhileTheCallsAreOutGoTogetherAndEachGetsItsOwnItem() throws Exception {
        for (int i = 0; i < 40; i++) put("together-" + i, "value-" + i);
        CoalescingItemReader reader = new CoalescingItemReader(gated, TABLE, "run_id", 1);
        // behind the held first read: 39 other keys, a key with no item, and a second read of 20 of the keys
        List<String> keys = new ArrayList<>(List.of("together-0"));
        for (int i = 1; i < 40; i++) keys.add("together-" + i);
        keys.add("together-missing");
        for (int i = 1; i <= 20; i++) keys.add("together-" + i);
        List<Future<Optional<Map<String, AttributeValue>>>> reads = readBehindAHeldCall(reader, keys);

        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            Optional<Map<String, AttributeValue>> item = reads.get(i).get(10, TimeUnit.SECONDS);
            if (key.endsWith("missing")) assertThat(item).as(key).isEmpty();
            else assertThat(item).as(key).map(m -> m.get("value").s()).contains("value-" + key.substring(9));
        }
        assertThat(gate.requests).hasSize(2);
        assertThat(gate.requests.get(0)).isInstanceOf(GetItemRequest.class);
        BatchGetItemRequest batch = (BatchGetItemRequest) gate.requests.get(1);
        assertThat(batch.requestItems().get(TABLE).keys()).as("distinct keys only").hasSize(40);
        assertThat(batch.requestItems().get(TABLE).consistentRead()).isTrue();
        assertThat(reader.backlog()).isZero();
    }

    @Test
    void aBatchAsksForAtMostOneHundredKeys() throws Exception {
        for (int i = 0; i < 150; i++) put("many-" + i, "value-" + i);
        CoalescingItemReader reader = new CoalescingItemReader(gated, TABLE, "run_id", 1);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 150; i++) keys.add("many-" + i);
        List<Future<Optional<Map<String, AttributeValue>>>> reads = readBehindAHeldCall(reader, keys);
        Future<Optional<Map<String, AttributeValue>>> first = reads.get(0);
        List<Future<Optional<Map<String, AttributeValue>>>> waiting = reads.subList(1, reads.size());

        assertThat(first.get(10, TimeUnit.SECONDS)).isPresent();
        for (int i = 1; i < 150; i++) {
            assertThat(waiting.get(i - 1).get(10, TimeUnit.SECONDS)).map(m -> m.get("value").s()).contains("value-" + i);
        }
        assertThat(gate.requests).hasSize(3);
        assertThat(((BatchGetItemRequest) gate.requests.get(1)).requestItems().get(TABLE).keys()).hasSize(100);
        assertThat(((BatchGetItemRequest) gate.requests.get(2)).requestItems().get(TABLE).keys()).hasSize(49);
    }

    @Test
    void aReadNeverJoinsACallThatWasAlreadyOnItsWay() throws Exception {
        put("fresh", "before");
        CoalescingItemReader reader = new CoalescingItemReader(gated, TABLE, "run_id", 1);
        // the first read has its answer ("before") and is held on its way back
        gate.holdNextCall(true);
        Future<Optional<Map<String, AttributeValue>>> early = read(reader, "fresh");
        gate.awaitHeld();
        put("fresh", "after");

        // asked for after the write succeeded: must see it, so it cannot share the held call
        Future<Optional<Map<String, AttributeValue>>> late = read(reader, "fresh");
        awaitBacklog(reader, 2);
        gate.releaseHeld();

        assertThat(early.get(10, TimeUnit.SECONDS)).map(m -> m.get("value").s()).contains("before");
        assertThat(late.get(10, TimeUnit.SECONDS)).map(m -> m.get("value").s()).contains("after");
        assertThat(gate.requests).hasSize(2);
    }

    @Test
    void aFailedCallFailsEveryReadInItAndLaterReadsStillGoOut() throws Exception {
        for (int i = 0; i < 6; i++) put("failing-" + i, "value-" + i);
        CoalescingItemReader reader = new CoalescingItemReader(gated, TABLE, "run_id", 1);
        gate.failNextBatch(() -> DynamoDbException.builder().message("injected batch failure").statusCode(500).build());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) keys.add("failing-" + i);
        List<Future<Optional<Map<String, AttributeValue>>>> reads = readBehindAHeldCall(reader, keys);
        Future<Optional<Map<String, AttributeValue>>> first = reads.get(0);
        List<Future<Optional<Map<String, AttributeValue>>>> waiting = reads.subList(1, reads.size());

        assertThat(first.get(10, TimeUnit.SECONDS)).isPresent();
        for (Future<Optional<Map<String, AttributeValue>>> f : waiting) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(DynamoDbException.class).hasMessageContaining("injected batch failure");
        }
        assertThat(reader.backlog()).as("the failed call gave its slot back").isZero();
        assertThat(reader.get("failing-3")).map(m -> m.get("value").s()).contains("value-3");
    }

    @Test
    void keysLeftUnprocessedAreAskedForAgain() throws Exception {
        // 45 items of 390 KB: more than the 16 MB one BatchGetItem answers, so DynamoDB leaves keys unprocessed
        String big = "x".repeat(390 * 1024);
        for (int i = 0; i < 45; i++) {
            int n = i;
            plain.putItem(b -> b.tableName(TABLE).item(Map.of("run_id", AttributeValue.fromS("big-" + n),
                    "value", AttributeValue.fromS("value-" + n), "padding", AttributeValue.fromS(big))));
        }
        CoalescingItemReader reader = new CoalescingItemReader(gated, TABLE, "run_id", 1);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 45; i++) keys.add("big-" + i);
        List<Future<Optional<Map<String, AttributeValue>>>> reads = readBehindAHeldCall(reader, keys);
        Future<Optional<Map<String, AttributeValue>>> first = reads.get(0);
        List<Future<Optional<Map<String, AttributeValue>>>> waiting = reads.subList(1, reads.size());

        assertThat(first.get(30, TimeUnit.SECONDS)).isPresent();
        for (int i = 1; i < 45; i++) {
            assertThat(waiting.get(i - 1).get(30, TimeUnit.SECONDS)).map(m -> m.get("value").s()).contains("value-" + i);
        }
        BatchGetItemResponse firstBatch = (BatchGetItemResponse) gate.responses.get(1);
        assertThat(firstBatch.unprocessedKeys()).as("the emulator capped the answer").containsKey(TABLE);
        assertThat(gate.requests).hasSizeGreaterThanOrEqualTo(3).element(2).isInstanceOf(BatchGetItemRequest.class);
    }

    /**
     * Reads {@code keys} with the first one's call held before it is sent, so every other read is
     * waiting when it is released; the answers, in the order of {@code keys}.
     */
    private List<Future<Optional<Map<String, AttributeValue>>>> readBehindAHeldCall(CoalescingItemReader reader, List<String> keys)
            throws InterruptedException {
        gate.holdNextCall(false);
        List<Future<Optional<Map<String, AttributeValue>>>> reads = new ArrayList<>();
        reads.add(read(reader, keys.get(0)));
        gate.awaitHeld();
        for (String key : keys.subList(1, keys.size())) reads.add(read(reader, key));
        awaitBacklog(reader, keys.size());
        gate.releaseHeld();
        return reads;
    }

    private Future<Optional<Map<String, AttributeValue>>> read(CoalescingItemReader reader, String key) {
        return readers.submit(() -> reader.get(key));
    }

    private static void put(String key, String value) {
        plain.putItem(b -> b.tableName(TABLE).item(Map.of("run_id", AttributeValue.fromS(key),
                "value", AttributeValue.fromS(value))));
    }

    private static void awaitBacklog(CoalescingItemReader reader, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reader.backlog() < expected) {
            if (System.nanoTime() > deadline) throw new AssertionError("backlog " + reader.backlog() + " < " + expected);
            Thread.sleep(5);
        }
        assertThat(reader.backlog()).isEqualTo(expected);
    }

    /** Records the reader's calls; can hold the next one (before sending or after its answer) or fail a batch. */
    static final class Gate implements ExecutionInterceptor {
        final List<SdkRequest> requests = new CopyOnWriteArrayList<>();
        final List<SdkResponse> responses = new CopyOnWriteArrayList<>();
        private final AtomicBoolean armed = new AtomicBoolean();
        private volatile boolean afterAnswer;
        private volatile CountDownLatch held = new CountDownLatch(1);
        private volatile CountDownLatch release = new CountDownLatch(0);
        private volatile Supplier<RuntimeException> batchFault;

        void reset() {
            requests.clear();
            responses.clear();
            armed.set(false);
            batchFault = null;
        }

        void holdNextCall(boolean afterItsAnswer) {
            afterAnswer = afterItsAnswer;
            held = new CountDownLatch(1);
            release = new CountDownLatch(1);
            armed.set(true);
        }

        void awaitHeld() throws InterruptedException {
            assertThat(held.await(10, TimeUnit.SECONDS)).as("a call reached the gate").isTrue();
        }

        void releaseHeld() {
            release.countDown();
        }

        void failNextBatch(Supplier<RuntimeException> fault) {
            batchFault = fault;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            requests.add(context.request());
            Supplier<RuntimeException> fault = batchFault;
            if (fault != null && context.request() instanceof BatchGetItemRequest) {
                batchFault = null;
                throw fault.get();
            }
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (!afterAnswer) holdIfArmed();
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            responses.add(context.response());
            if (afterAnswer) holdIfArmed();
        }

        private void holdIfArmed() {
            if (!armed.compareAndSet(true, false)) return;
            held.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
