package com.relay.secrets;

/**
 * Where {@code ssm:} and {@code secretsmanager:} token references are read (docs/CONTRACT.md#token-secret-references).
 * Implementations say why a value is unusable without ever including it.
 */
public interface SecretStores extends AutoCloseable {

    /** The store answered, but there is no usable value: not found, empty, access denied. */
    final class Unusable extends Exception {
        public Unusable(String reason) { super(reason, null, false, false); }
    }

    /** Throttling, 5xx, timeouts: try again later (no breaker outcome, docs/CONTRACT.md#processing-a-notification-message step 1). */
    final class Unavailable extends Exception {
        public Unavailable(String reason) { super(reason, null, false, false); }
    }

    /** SSM {@code GetParameter} with decryption. */
    String parameter(String name) throws Unusable, Unavailable;

    /** Secrets Manager {@code GetSecretValue} → {@code SecretString}. */
    String secret(String id) throws Unusable, Unavailable;

    @Override
    default void close() { }

    /** No secret store reachable (embedded mode: neither service is emulated, docs/CONTRACT.md#run-modes). */
    SecretStores NONE = new SecretStores() {
        @Override
        public String parameter(String name) throws Unusable {
            throw new Unusable("SSM Parameter Store is not available in embedded mode");
        }

        @Override
        public String secret(String id) throws Unusable {
            throw new Unusable("Secrets Manager is not available in embedded mode");
        }
    };
}
