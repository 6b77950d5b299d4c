package com.relay.logging;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Walks a throwable's cause chain. Every walk ends: {@code initCause} forbids only a throwable
 * being its own cause, so A → B → A is possible (and {@code getCause} may be overridden), and a
 * plain {@code for (c = t; c != null; c = c.getCause())} loop never returns on such a chain.
 */
public final class Causes {

    /** Links a walk follows at most; a real chain has a handful (Camel and Spring wrap a few times). */
    public static final int MAX_DEPTH = 100;

    private Causes() {}

    /**
     * {@code t}, its cause, that one's cause, ...: ends at a null cause, before a throwable already
     * in the chain (a cycle), or after {@link #MAX_DEPTH} throwables. Empty for a null {@code t}.
     */
    public static List<Throwable> chain(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable c = t; c != null && chain.size() < MAX_DEPTH && seen.add(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }

    /** The first throwable of {@code type} in the chain of {@code t} ({@code t} itself included). */
    public static <T extends Throwable> Optional<T> find(Throwable t, Class<T> type) {
        for (Throwable c : chain(t)) {
            if (type.isInstance(c)) return Optional.of(type.cast(c));
        }
        return Optional.empty();
    }

    /** Whether the chain of {@code t} ({@code t} itself included) holds a throwable of {@code type}. */
    public static boolean has(Throwable t, Class<?> type) {
        for (Throwable c : chain(t)) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }

    /** The last throwable of the chain of {@code t}: its root cause, or {@code t} when it has none; null for null. */
    public static Throwable root(Throwable t) {
        List<Throwable> chain = chain(t);
        return chain.isEmpty() ? null : chain.get(chain.size() - 1);
    }
}
