package com.relay.notify;

import static com.relay.notify.BreakerTestSupport.RULES;
import static com.relay.notify.BreakerTestSupport.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.relay.notify.BreakerState.State;
import com.relay.notify.Classification.BreakerOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#circuit-breaker-vectors B13 (shared state) and B14 (store unreachable), and the gauge. */
class CircuitBreakersTest {

    private static final String SERVICE = "ntfy:ntfy.example.com";

    /** An in-memory stand-in for the table with the same version conditions. */
    static final class VersionedStore implements BreakerStore {
        final Map<String, BreakerState> items = new HashMap<>();
        int conflicts;

        @Override
        public synchronized BreakerState read(String service) {
            return items.getOrDefault(service, BreakerState.INITIAL);
        }

        @Override
        public synchronized boolean write(String service, BreakerState read, BreakerState next) {
            BreakerState current = items.getOrDefault(service, BreakerState.INITIAL);
            if (current.version() != read.version()) {
                conflicts++;
                return false;
            }
            items.put(service, next.withVersion(read.version() + 1));
            return true;
        }

        @Override
        public synchronized java.util.List<Stored> list(int max) {
            return items.entrySet().stream().limit(max + 1L).map(e -> new Stored(e.getKey(), e.getValue())).toList();
        }

        @Override
        public synchronized java.util.Optional<BreakerState> reset(String key) {
            BreakerState before = items.get(key);
            if (before == null) return java.util.Optional.empty();
            items.put(key, BreakerState.INITIAL.withVersion(before.version() + 1));
            return java.util.Optional.of(before);
        }
    }

    @Test
    void b13TwoInstancesShareTheTable() {
        VersionedStore table = new VersionedStore();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CircuitBreakers a = new CircuitBreakers(RULES, table, BreakerTestSupport.metrics(registry));
        CircuitBreakers b = new CircuitBreakers(RULES, table, BreakerTestSupport.metrics(new SimpleMeterRegistry()));
        for (int i = 0; i < 3; i++) a.report(SERVICE, at(i), BreakerOutcome.FAILURE, "c");
        for (int i = 3; i < 5; i++) b.report(SERVICE, at(i), BreakerOutcome.FAILURE, "c");
        assertThat(a.peek(SERVICE).state()).isEqualTo(State.OPEN);
        assertThat(b.peek(SERVICE).state()).isEqualTo(State.OPEN);
        assertThat(a.permission(SERVICE, at(6), "c").granted()).isFalse();
        assertThat(table.read(SERVICE).version()).isEqualTo(5);
        assertThat(registry.find("CircuitBreakerState").tag("Service", SERVICE).tag("Environment", "test").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void b13WithoutTheTableEachInstanceStaysClosed() {
        CircuitBreakers a = new CircuitBreakers(RULES, null, BreakerTestSupport.metrics(new SimpleMeterRegistry()));
        CircuitBreakers b = new CircuitBreakers(RULES, null, BreakerTestSupport.metrics(new SimpleMeterRegistry()));
        for (int i = 0; i < 3; i++) a.report(SERVICE, at(i), BreakerOutcome.FAILURE, "c");
        for (int i = 3; i < 5; i++) b.report(SERVICE, at(i), BreakerOutcome.FAILURE, "c");
        assertThat(a.peek(SERVICE).state()).isEqualTo(State.CLOSED);
        assertThat(b.peek(SERVICE).state()).isEqualTo(State.CLOSED);
    }

    @Test
    void b14AnUnreachableStoreFallsBackToTheLocalBreaker() {
        BreakerStore broken = new BreakerStore() {
            @Override public BreakerState read(String service) { throw new IllegalStateException("unreachable"); }
            @Override public boolean write(String service, BreakerState read, BreakerState next) { throw new IllegalStateException(); }
            @Override public java.util.List<Stored> list(int max) { throw new IllegalStateException("unreachable"); }
            @Override public java.util.Optional<BreakerState> reset(String key) { throw new IllegalStateException("unreachable"); }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NotifyMetrics metrics = BreakerTestSupport.metrics(registry);
        CircuitBreakers breakers = new CircuitBreakers(RULES, broken, metrics);
        assertThat(breakers.permission(SERVICE, at(0), "c").granted()).isTrue();
        assertThat(metrics.counter("WorkerError", "ErrorType", "circuit_store_error")).isEqualTo(1.0);
        for (int i = 0; i < 5; i++) breakers.report(SERVICE, at(i), BreakerOutcome.FAILURE, "c");
        assertThat(breakers.permission(SERVICE, at(5), "c").granted()).isFalse(); // the local breaker opened
    }

    @Test
    void conflictsAreReReadAndReApplied() {
        VersionedStore table = new VersionedStore();
        CircuitBreakers a = new CircuitBreakers(RULES, table, BreakerTestSupport.metrics(new SimpleMeterRegistry()));
        BreakerStore racing = new BreakerStore() {
            boolean raced;
            @Override public BreakerState read(String service) { return table.read(service); }
            @Override public boolean write(String service, BreakerState read, BreakerState next) {
                if (!raced) { // another instance writes between our read and write
                    raced = true;
                    table.write(service, read, RULES.outcome(read, at(0), BreakerOutcome.FAILURE));
                }
                return table.write(service, read, next);
            }
            @Override public java.util.List<Stored> list(int max) { return table.list(max); }
            @Override public java.util.Optional<BreakerState> reset(String key) { return table.reset(key); }
        };
        CircuitBreakers b = new CircuitBreakers(RULES, racing, BreakerTestSupport.metrics(new SimpleMeterRegistry()));
        b.report(SERVICE, at(1), BreakerOutcome.FAILURE, "c");
        assertThat(table.conflicts).isEqualTo(1);
        assertThat(a.peek(SERVICE).failureTimes()).containsExactly(at(0), at(1));
    }

    @Test
    void eachTenantHasItsOwnBreakerOnASharedServer() {
        VersionedStore table = new VersionedStore();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CircuitBreakers breakers = new CircuitBreakers(RULES, table, BreakerTestSupport.metrics(registry),
                java.time.Clock.fixed(at(8), java.time.ZoneOffset.UTC));
        String a = CircuitBreakers.key(SERVICE, "acme_parts");
        String b = CircuitBreakers.key(SERVICE, "globex");
        assertThat(a).isEqualTo("ntfy:ntfy.example.com#acme_parts");
        for (int i = 0; i < 8; i++) breakers.report(a, at(i), BreakerOutcome.FAILURE, "c");
        assertThat(breakers.peek(a).state()).isEqualTo(State.OPEN);
        assertThat(breakers.permission(a, at(9), "c").granted()).isFalse();
        assertThat(breakers.permission(b, at(9), "c").granted()).isTrue();
        assertThat(breakers.peek(b).state()).isEqualTo(State.CLOSED);
        assertThat(table.items).containsOnlyKeys(a); // B's breaker never had anything to write
        // one gauge per server, whatever the number of tenants: the worst of them
        assertThat(registry.find("CircuitBreakerState").gauges()).hasSize(1);
        assertThat(registry.find("CircuitBreakerState").tag("Service", SERVICE).gauge().value()).isEqualTo(1.0);
    }

    @Test
    void theServerGaugeFollowsTheWorstRecentTenantBreaker() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MutableClock clock = new MutableClock(at(0));
        CircuitBreakers breakers = new CircuitBreakers(RULES, null, BreakerTestSupport.metrics(registry), clock);
        String a = CircuitBreakers.key(SERVICE, "acme_parts");
        String b = CircuitBreakers.key(SERVICE, "globex");
        for (int i = 0; i < 5; i++) breakers.report(a, at(i), BreakerOutcome.FAILURE, "c");
        breakers.report(b, at(5), BreakerOutcome.SUCCESS, "c");
        assertThat(gauge(registry)).isEqualTo(1.0); // B's success does not hide A's open breaker
        // A's breaker half-opens and closes after two probe successes: the gauge follows
        clock.set(at(40));
        assertThat(breakers.permission(a, at(40), "c").probe()).isTrue();
        breakers.report(a, at(40), BreakerOutcome.SUCCESS, "c");
        assertThat(gauge(registry)).isEqualTo(0.5);
        assertThat(breakers.permission(a, at(41), "c").probe()).isTrue();
        breakers.report(a, at(41), BreakerOutcome.SUCCESS, "c");
        assertThat(gauge(registry)).isEqualTo(0.0);
        // an OPEN breaker nobody touched for window + open (90 s) no longer holds the gauge at 1
        for (int i = 50; i < 55; i++) breakers.report(a, at(i), BreakerOutcome.FAILURE, "c");
        assertThat(gauge(registry)).isEqualTo(1.0);
        clock.set(at(54 + 91));
        breakers.peek(b);
        assertThat(gauge(registry)).isEqualTo(0.0);
    }

    private static double gauge(SimpleMeterRegistry registry) {
        return registry.find("CircuitBreakerState").tag("Service", SERVICE).gauge().value();
    }

    /** docs/RUNBOOK.md "Resetting a circuit breaker by hand", with the shared table. */
    @Test
    void aManualResetClosesTheSharedItemAndTheLocalCopy() {
        VersionedStore table = new VersionedStore();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CircuitBreakers a = new CircuitBreakers(RULES, table, BreakerTestSupport.metrics(registry));
        CircuitBreakers b = new CircuitBreakers(RULES, table, BreakerTestSupport.metrics(new SimpleMeterRegistry()));
        String key = CircuitBreakers.key(SERVICE, "acme");
        for (int i = 0; i < 5; i++) a.report(key, at(i), BreakerOutcome.FAILURE, "c");
        assertThat(table.read(key).state()).isEqualTo(State.OPEN);
        long version = table.read(key).version();
        assertThat(gauge(registry)).isEqualTo(1.0);
        assertThat(a.list(10).breakers()).extracting(BreakerStore.Stored::key).containsExactly(key);

        // reset through the other instance: the shared item closes, a's next decision sees it
        assertThat(b.reset(key, "key:ops", "corr").map(BreakerState::state)).contains(State.OPEN);
        BreakerState after = table.read(key);
        assertThat(after.state()).isEqualTo(State.CLOSED);
        assertThat(after.failureTimes()).isEmpty();
        assertThat(after.version()).isEqualTo(version + 1);
        assertThat(a.permission(key, at(6), "c").granted()).isTrue(); // would be refused until at(34) without the reset
        assertThat(a.peek(key).state()).isEqualTo(State.CLOSED);
        assertThat(gauge(registry)).isEqualTo(0.0);
        assertThat(b.reset(CircuitBreakers.key(SERVICE, "nobody"), "key:ops", "corr")).isEmpty();
    }

    /** Without the shared table a reset reaches only the process that runs it (docs/RUNBOOK.md). */
    @Test
    void aResetWithoutTheSharedTableReachesOnlyThisProcess() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CircuitBreakers here = new CircuitBreakers(RULES, null, BreakerTestSupport.metrics(registry));
        CircuitBreakers there = new CircuitBreakers(RULES, null, BreakerTestSupport.metrics(new SimpleMeterRegistry()));
        String key = CircuitBreakers.key(SERVICE, "acme");
        for (int i = 0; i < 5; i++) {
            here.report(key, at(i), BreakerOutcome.FAILURE, "c");
            there.report(key, at(i), BreakerOutcome.FAILURE, "c");
        }
        CircuitBreakers.Listing listed = here.list(10);
        assertThat(listed.breakers()).hasSize(1);
        assertThat(listed.breakers().get(0).state().state()).isEqualTo(State.OPEN);
        assertThat(here.shared()).isFalse();

        assertThat(here.reset(key, "key:ops", "corr").map(BreakerState::state)).contains(State.OPEN);
        assertThat(here.peek(key).state()).isEqualTo(State.CLOSED);
        assertThat(here.list(10).breakers()).isEmpty();
        assertThat(gauge(registry)).isEqualTo(0.0);
        assertThat(there.permission(key, at(6), "c").granted()).isFalse(); // the other process still refuses
        assertThat(here.reset(key, "key:ops", "corr")).isEmpty(); // nothing left to reset: 404 at the API
    }

    @Test
    void theListingIsSortedAndCutAtItsLimit() {
        CircuitBreakers local = new CircuitBreakers(RULES, null, BreakerTestSupport.metrics(new SimpleMeterRegistry()));
        for (String t : new String[] {"c", "a", "b"}) local.report(CircuitBreakers.key(SERVICE, t), at(0), BreakerOutcome.FAILURE, "c");
        CircuitBreakers.Listing two = local.list(2);
        assertThat(two.truncated()).isTrue();
        assertThat(two.breakers()).extracting(BreakerStore.Stored::key)
                .containsExactly(CircuitBreakers.key(SERVICE, "a"), CircuitBreakers.key(SERVICE, "b"));
        assertThat(local.list(3).truncated()).isFalse();
    }
}
