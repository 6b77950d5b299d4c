package com.relay.runs;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Consistent point reads of one table by its string partition key, where reads that arrive while
 * others are in flight go out together as one {@code BatchGetItem}. Under load one call serves many
 * requests (the SDK's pipeline, signing and the HTTP round trip are paid once per batch); a read
 * that finds a free slot goes out at once, alone, as a {@code GetItem}, so an idle service answers
 * exactly as before.
 *
 * <p>Consistency is that of {@code GetItem} with {@code ConsistentRead}: a batch is sent only after
 * every read in it was asked for, so each answer reflects every write that succeeded before its
 * read began. Nothing is cached; a read never joins a call that was already on its way.
 *
 * <p>At most {@code maxInFlight} calls run at a time, each on the thread of one of the waiting
 * readers (the first of its batch): no thread of its own, no hand-off to a pool.
 */
public final class CoalescingItemReader {

    /** DynamoDB's limit on keys per {@code BatchGetItem}. */
    static final int MAX_BATCH = 100;
    private static final int UNPROCESSED_RETRIES = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(10);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String keyName;
    private final int maxInFlight;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Read> pending = new ArrayDeque<>();
    private int inFlight;

    public CoalescingItemReader(DynamoDbClient dynamoDb, String table, String keyName, int maxInFlight) {
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1");
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.keyName = keyName;
        this.maxInFlight = maxInFlight;
    }

    /** The item with this key, read consistently; empty when there is none. */
    public Optional<Map<String, AttributeValue>> get(String key) {
        Read read = new Read(key, Thread.currentThread());
        List<Read> batch = null;
        lock.lock();
        try {
            if (inFlight < maxInFlight) {
                inFlight++;
                batch = takeBatch(read);
            } else {
                pending.add(read);
            }
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (true) {
            if (batch == null && read.handedBatch != null) {
                batch = read.handedBatch;
                read.handedBatch = null;
            }
            if (batch != null) {
                List<Read> next = run(batch);
                batch = null;
                if (next != null) handOff(next);
            }
            if (read.done) {
                // an interrupt does not abandon a read that another thread may be sending
                if (interrupted) Thread.currentThread().interrupt();
                return read.result();
            }
            LockSupport.park(this);
            if (Thread.interrupted()) interrupted = true;
        }
    }

    /** Reads in flight or waiting (for tests and diagnostics). */
    int backlog() {
        lock.lock();
        try {
            return pending.size() + inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The batch to send now: {@code first} (if given) and then the oldest waiting reads. */
    private List<Read> takeBatch(Read first) {
        List<Read> batch = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        if (first != null) {
            batch.add(first);
            keys.add(first.key);
        }
        while (!pending.isEmpty()) {
            Read r = pending.peek();
            if (!keys.contains(r.key) && keys.size() == MAX_BATCH) break;
            keys.add(pending.poll().key);
            batch.add(r);
        }
        return batch;
    }

    /** Sends one batch, answers its reads and returns the batch to send next, if any (slot kept). */
    private List<Read> run(List<Read> batch) {
        Map<String, Map<String, AttributeValue>> found = null;
        Throwable failure = null;
        try {
            found = fetch(batch);
        } catch (RuntimeException | Error e) {
            // every read of the batch fails the way its own GetItem would have
            failure = e;
        }
        for (Read r : batch) {
            if (failure != null) r.failure = failure;
            else r.item = found.get(r.key);
            r.done = true;
            if (r.thread != Thread.currentThread()) LockSupport.unpark(r.thread);
        }
        lock.lock();
        try {
            if (pending.isEmpty()) {
                inFlight--;
                return null;
            }
            return takeBatch(null);
        } finally {
            lock.unlock();
        }
    }

    /** The next batch is sent by the thread of its first read, which is still waiting. */
    private static void handOff(List<Read> next) {
        Read leader = next.get(0);
        leader.handedBatch = next;
        LockSupport.unpark(leader.thread);
    }

    private Map<String, Map<String, AttributeValue>> fetch(List<Read> batch) {
        LinkedHashMap<String, Map<String, AttributeValue>> keys = new LinkedHashMap<>();
        for (Read r : batch) keys.computeIfAbsent(r.key, k -> Map.of(keyName, AttributeValue.fromS(k)));
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        if (keys.size() == 1) {
            getOne(keys.values().iterator().next(), found);
            return found;
        }
        List<Map<String, AttributeValue>> ask = new ArrayList<>(keys.values());
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 0; !ask.isEmpty(); attempt++) {
            List<Map<String, AttributeValue>> asked = ask;
            BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(Map.of(table,
                    KeysAndAttributes.builder().keys(asked).consistentRead(true).build())));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                AttributeValue k = item.get(keyName);
                if (k != null) found.put(k.s(), item);
            }
            KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
            ask = unprocessed == null ? List.of() : unprocessed.keys();
            if (!ask.isEmpty() && attempt + 1 >= UNPROCESSED_RETRIES) {
                // throttled more than a few times: one GetItem each, with the SDK's own retries
                for (Map<String, AttributeValue> k : ask) getOne(k, found);
                break;
            }
            if (!ask.isEmpty()) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        return found;
    }

    /** One consistent {@code GetItem}; the item, if any, goes into {@code found} under its key. */
    private void getOne(Map<String, AttributeValue> key, Map<String, Map<String, AttributeValue>> found) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(key)).item();
        if (item != null && !item.isEmpty()) found.put(key.get(keyName).s(), item);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while DynamoDB throttled a batch read", e);
        }
    }

    private static final class Read {
        final String key;
        final Thread thread;
        volatile boolean done;
        volatile List<Read> handedBatch;
        Map<String, AttributeValue> item;
        Throwable failure;

        Read(String key, Thread thread) {
            this.key = key;
            this.thread = thread;
        }

        Optional<Map<String, AttributeValue>> result() {
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            return Optional.ofNullable(item);
        }
    }
}
