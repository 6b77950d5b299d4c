package com.relay;

/**
 * The embedded default for developers: {@code ./mvnw spring-boot:test-run} starts Relay with the
 * test-scoped emulators on the classpath (RELAY_MODE=embedded, data under ./.relay-data).
 */
public final class TestRelayApplication {

    private TestRelayApplication() {}

    public static void main(String[] args) {
        try {
            RelayMain.main(args);
        } catch (Throwable t) {
            // A failed start must not hang on an emulator's non-daemon thread.
            System.err.println("Relay failed to start: " + t);
            System.exit(1);
        }
    }
}
