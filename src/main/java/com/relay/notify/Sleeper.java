package com.relay.notify;

/** Waits between attempts; tests replace it with one that advances a fake clock. */
@FunctionalInterface
public interface Sleeper {

    void sleep(long millis) throws InterruptedException;

    Sleeper REAL = millis -> { if (millis > 0) Thread.sleep(millis); };
}
