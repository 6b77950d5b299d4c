package com.relay.aws;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import java.net.URI;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * AWS clients for the plain-Java operator commands ({@code relay provision}, {@code relay dlq}):
 * the same endpoints and credentials as the service in each mode. In {@code embedded} mode the
 * command talks to the emulators of a running service, on its fixed {@code RELAY_EMBEDDED_*_PORT}s,
 * unless {@code AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_DYNAMODB} or
 * {@code AWS_ENDPOINT_URL_S3} name an emulator explicitly (a service started with port 0, as the
 * tests do, has no fixed ports).
 */
public final class CommandClients {

    private CommandClients() {}

    public static AwsClientFactory forCommand(RelaySettings settings, Function<String, String> env) {
        return settings.mode() == RelayMode.EMBEDDED ? embedded(settings, env) : AwsClientFactory.forRemote(settings);
    }

    /** Embedded emulators: the service-specific endpoint variable when set, else the fixed loopback port. */
    static AwsClientFactory embedded(RelaySettings settings, Function<String, String> env) {
        RelaySettings.Embedded e = settings.embedded();
        URI sqs = endpoint(env, "AWS_ENDPOINT_URL_SQS", e.bindHost(), e.sqsPort(), "RELAY_EMBEDDED_SQS_PORT");
        URI s3 = endpoint(env, "AWS_ENDPOINT_URL_S3", e.bindHost(), e.s3Port(), "RELAY_EMBEDDED_S3_PORT");
        URI dynamoDb = endpoint(env, "AWS_ENDPOINT_URL_DYNAMODB", e.bindHost(), e.dynamoDbPort(), "RELAY_EMBEDDED_DYNAMODB_PORT");
        return new AwsClientFactory(settings, new AwsEndpoints(sqs, s3, dynamoDb, null),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        EmbeddedAws.ACCESS_KEY_ID, EmbeddedAws.SECRET_ACCESS_KEY)));
    }

    private static URI endpoint(Function<String, String> env, String variable, String host, int port, String portVariable) {
        String explicit = env.apply(variable);
        if (explicit != null && !explicit.isBlank()) {
            try {
                URI uri = URI.create(explicit.trim());
                if (uri.getScheme() == null || uri.getHost() == null) throw new IllegalArgumentException("not absolute");
                return uri;
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(variable + " must be an absolute URL (got '" + explicit + "')");
            }
        }
        if (port == 0) {
            throw new IllegalArgumentException(portVariable + " is 0: a command cannot find an emulator on a random port;"
                    + " fix the port or set " + variable);
        }
        return URI.create("http://" + host + ":" + port);
    }
}
