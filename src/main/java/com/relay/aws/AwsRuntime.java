package com.relay.aws;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.config.RelayStartupException;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The AWS side of one running service: in embedded mode it owns the emulators (started here,
 * stopped on close); in the other modes it only holds the client factory.
 */
public final class AwsRuntime implements AutoCloseable {

    private final EmbeddedAws embedded;
    private final AwsClientFactory factory;

    private AwsRuntime(EmbeddedAws embedded, AwsClientFactory factory) {
        this.embedded = embedded;
        this.factory = factory;
    }

    public static AwsRuntime start(RelaySettings settings) {
        if (settings.mode() != RelayMode.EMBEDDED) {
            return new AwsRuntime(null, AwsClientFactory.forRemote(settings));
        }
        EmbeddedAws.Launcher launcher = AwsClientFactory.embeddedLauncher();
        EmbeddedAws emulators;
        try {
            emulators = launcher.start(settings);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RelayStartupException("embedded AWS emulators failed to start: " + e,
                    "Check that the RELAY_EMBEDDED_*_PORT ports are free and RELAY_DATA_DIR is writable.");
        }
        return new AwsRuntime(emulators, new AwsClientFactory(settings, emulators.endpoints(),
                StaticCredentialsProvider.create(emulators.credentials())));
    }

    public AwsClientFactory clients() { return factory; }

    public boolean embedded() { return embedded != null; }

    @Override
    public void close() {
        if (embedded != null) embedded.close();
    }
}
