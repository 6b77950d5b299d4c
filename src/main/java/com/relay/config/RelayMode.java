package com.relay.config;

import java.util.Locale;
import java.util.Optional;

/** How Relay reaches S3, SQS and DynamoDB (docs/CONTRACT.md#run-modes). */
public enum RelayMode {
    /** AWS-wire-compatible emulators started in-process, bound to loopback. */
    EMBEDDED,
    /** LocalStack at {@code AWS_ENDPOINT_URL}. */
    LOCALSTACK,
    /** Real AWS through the SDK default credential chain. */
    AWS;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static Optional<RelayMode> parse(String text) {
        for (RelayMode m : values()) {
            if (m.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) return Optional.of(m);
        }
        return Optional.empty();
    }
}
