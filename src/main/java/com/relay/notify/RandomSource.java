package com.relay.notify;

import java.util.concurrent.ThreadLocalRandom;

/** Injected randomness (jitter), so tests fix it (STYLE: randomness from an injected source). */
@FunctionalInterface
public interface RandomSource {

    /** A uniform random integer in {@code [0, maxInclusive]}; 0 when {@code maxInclusive ≤ 0}. */
    int nextInt(int maxInclusive);

    RandomSource DEFAULT = max -> max <= 0 ? 0 : ThreadLocalRandom.current().nextInt(max + 1);
}
