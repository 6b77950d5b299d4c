package com.relay.bench;

/** A benchmark failure whose message is meant for the person running it (no stack trace). */
public final class BenchmarkException extends RuntimeException {

    public BenchmarkException(String message) {
        super(message);
    }
}
