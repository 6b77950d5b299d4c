package com.relay.config;

/** Relay refuses to start; the message says why and {@link #action()} what to do about it. */
public class RelayStartupException extends RuntimeException {
    private final String action;

    public RelayStartupException(String message, String action) {
        super(message, null, false, false);
        this.action = action;
    }

    public String action() { return action; }
}
