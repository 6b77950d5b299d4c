package com.relay.notify;

/** Sends one ntfy request; never throws for HTTP or transport problems (they are results). */
@FunctionalInterface
public interface NtfyClient {

    AttemptResult send(NtfyRequest request) throws InterruptedException;
}
