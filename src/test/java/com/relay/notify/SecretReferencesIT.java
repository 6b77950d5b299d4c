package com.relay.notify;

import com.relay.secrets.SecretResolver;
import com.relay.secrets.SecretStores;
import com.relay.secrets.AwsSecretStores;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.aws.MotoServer;
import com.relay.config.RelayMode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Token references of docs/CONTRACT.md#token-secret-references read from real SSM Parameter Store and Secrets
 * Manager APIs (moto's server; the embedded emulators have neither): SecureString decrypted and
 * trimmed, missing values unusable with a reason that holds no secret, an unreachable store
 * retryable, the cache honoured, nothing outside embedded mode's rules.
 */
class SecretReferencesIT {

    @TempDir static Path logDir;
    private static MotoServer moto;

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.start(logDir);
        try (SsmClient ssm = ssm(moto.endpoint()); SecretsManagerClient secrets = secrets(moto.endpoint())) {
            ssm.putParameter(b -> b.name("/relay/ntfy/acme/publisher").value("  tk_from_ssm_0000  ")
                    .type(ParameterType.SECURE_STRING));
            secrets.createSecret(b -> b.name("relay/ntfy/acme/publisher").secretString("tk_from_secrets_0000"));
            secrets.createSecret(b -> b.name("relay/ntfy/acme/blank").secretString("   "));
        }
    }

    @AfterAll
    static void stop() {
        if (moto != null) moto.close();
    }

    private static SsmClient ssm(String endpoint) {
        return SsmClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(Duration.ofSeconds(5)).build()).build();
    }

    private static SecretsManagerClient secrets(String endpoint) {
        return SecretsManagerClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(5)).build())
                .build();
    }

    private static SecretResolver resolver(String endpoint, AtomicInteger opened, Duration cache) {
        AwsSecretStores stores = new AwsSecretStores(() -> {
            opened.incrementAndGet();
            return ssm(endpoint);
        }, () -> secrets(endpoint));
        return new SecretResolver(RelayMode.LOCALSTACK, Map.<String, String>of()::get, cache, Clock.systemUTC(), stores);
    }

    @Test
    void ssmAndSecretsManagerReferencesResolveTrimmed() throws Exception {
        SecretResolver r = resolver(moto.endpoint(), new AtomicInteger(), Duration.ZERO);
        assertThat(r.resolve("acme", "ssm:/relay/ntfy/acme/publisher")).isEqualTo("tk_from_ssm_0000");
        assertThat(r.resolve("acme", "secretsmanager:relay/ntfy/acme/publisher")).isEqualTo("tk_from_secrets_0000");
    }

    @Test
    void missingOrEmptyValuesAreUnusableWithoutTheValueInTheReason() {
        SecretResolver r = resolver(moto.endpoint(), new AtomicInteger(), Duration.ZERO);
        assertThatThrownBy(() -> r.resolve("acme", "ssm:/relay/ntfy/acme/nothing"))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessageContaining("ParameterNotFound");
        assertThatThrownBy(() -> r.resolve("acme", "secretsmanager:relay/ntfy/acme/nothing"))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessageContaining("ResourceNotFound");
        assertThatThrownBy(() -> r.resolve("acme", "secretsmanager:relay/ntfy/acme/blank"))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage("the referenced value is empty");
    }

    @Test
    void anUnreachableStoreIsRetryable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        SecretResolver r = resolver("http://127.0.0.1:" + closed, new AtomicInteger(), Duration.ZERO);
        assertThatThrownBy(() -> r.resolve("acme", "ssm:/relay/ntfy/acme/publisher"))
                .isInstanceOf(SecretResolver.StoreUnavailable.class).hasMessageContaining("unreachable");
    }

    @Test
    void valuesAreCachedAndClientsOpenedOnFirstUse() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        SecretResolver r = resolver(moto.endpoint(), opened, Duration.ofMinutes(5));
        assertThat(opened).hasValue(0);
        assertThat(r.resolve("acme", "ssm:/relay/ntfy/acme/publisher")).isEqualTo("tk_from_ssm_0000");
        try (SsmClient ssm = ssm(moto.endpoint())) {
            ssm.putParameter(b -> b.name("/relay/ntfy/acme/publisher").value("tk_rotated").type(ParameterType.SECURE_STRING)
                    .overwrite(true));
        }
        assertThat(r.resolve("acme", "ssm:/relay/ntfy/acme/publisher")).isEqualTo("tk_from_ssm_0000");
        assertThat(opened).hasValue(1);
        try (SsmClient ssm = ssm(moto.endpoint())) {
            ssm.putParameter(b -> b.name("/relay/ntfy/acme/publisher").value("  tk_from_ssm_0000  ")
                    .type(ParameterType.SECURE_STRING).overwrite(true));
        }
    }

    @Test
    void embeddedModeHasNoSecretStore() {
        SecretResolver r = new SecretResolver(RelayMode.EMBEDDED, Map.<String, String>of()::get, Duration.ZERO,
                Clock.systemUTC(), SecretStores.NONE);
        assertThatThrownBy(() -> r.resolve("acme", "ssm:/relay/ntfy/acme/publisher"))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage("SSM Parameter Store is not available in embedded mode");
        assertThatThrownBy(() -> r.resolve("acme", "secretsmanager:relay/ntfy/acme/publisher"))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage("Secrets Manager is not available in embedded mode");
    }
}
