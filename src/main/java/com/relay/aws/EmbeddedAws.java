package com.relay.aws;

import com.relay.config.RelaySettings;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * Running in-process emulators of SQS, S3 and DynamoDB (embedded mode). Implementations live in
 * the test scope (the production jar carries no emulator) and are found with
 * {@link java.util.ServiceLoader} through {@link Launcher}.
 */
public interface EmbeddedAws extends AutoCloseable {

    /**
     * The fixed key pair of the embedded emulators: local development only, not a secret.
     * Letters and digits only: DynamoDB Local rejects any other access key id.
     */
    String ACCESS_KEY_ID = "relayEmbedded";
    String SECRET_ACCESS_KEY = "relayEmbeddedSecret";

    AwsEndpoints endpoints();

    /** The fixed key pair the emulators accept (s3proxy verifies signatures). */
    AwsCredentials credentials();

    @Override
    void close();

    /** Service-provider interface: starts the emulators for the given settings. */
    interface Launcher {
        EmbeddedAws start(RelaySettings settings) throws Exception;
    }
}
