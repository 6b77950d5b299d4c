package com.relay.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Faults and pauses on the real SDK clients of a test context (registered as an
 * {@link ExecutionInterceptor} bean, which AwsConfiguration puts on every client): a matching
 * request fails before it is sent, or pauses after it completed. Everything else goes over the
 * wire to the emulators unchanged.
 */
public final class FaultInjector implements ExecutionInterceptor {

    private record Rule(Predicate<SdkRequest> match, AtomicInteger remaining, Supplier<RuntimeException> fault,
                        long pauseAfterMillis) {}

    /** A request that completed, with its response. */
    public record Call(SdkRequest request, SdkResponse response) {}

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** The next {@code times} matching requests fail with {@code fault} (negative: every one). */
    public void fail(Predicate<SdkRequest> match, int times, Supplier<RuntimeException> fault) {
        rules.add(new Rule(match, new AtomicInteger(times), fault, 0));
    }

    /** Every matching request returns only after {@code millis} more. */
    public void pauseAfter(Predicate<SdkRequest> match, long millis) {
        rules.add(new Rule(match, new AtomicInteger(-1), null, millis));
    }

    public void clear() {
        rules.clear();
        calls.clear();
    }

    /** Completed calls so far (since the last {@link #clear}). */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        for (Rule r : rules) {
            if (r.fault() == null || !r.match().test(context.request())) continue;
            int left = r.remaining().get();
            if (left == 0) continue;
            if (left > 0 && !r.remaining().compareAndSet(left, left - 1)) continue;
            throw r.fault().get();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        calls.add(new Call(context.request(), context.response()));
        for (Rule r : rules) {
            if (r.pauseAfterMillis() > 0 && r.match().test(context.request())) {
                try {
                    Thread.sleep(r.pauseAfterMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
