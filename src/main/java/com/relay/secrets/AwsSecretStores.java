package com.relay.secrets;

import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@link SecretStores} on SSM Parameter Store and Secrets Manager with the service's credentials.
 * The clients are built on first use: most tenants have no token, and a process that never needs
 * one never opens them.
 */
public final class AwsSecretStores implements SecretStores {

    private final Supplier<SsmClient> ssmFactory;
    private final Supplier<SecretsManagerClient> secretsFactory;
    private volatile SsmClient ssm;
    private volatile SecretsManagerClient secrets;

    public AwsSecretStores(Supplier<SsmClient> ssm, Supplier<SecretsManagerClient> secrets) {
        this.ssmFactory = ssm;
        this.secretsFactory = secrets;
    }

    @Override
    public String parameter(String name) throws Unusable, Unavailable {
        try {
            return ssm().getParameter(b -> b.name(name).withDecryption(true)).parameter().value();
        } catch (SdkException e) {
            throw rethrow("SSM parameter", e);
        }
    }

    @Override
    public String secret(String id) throws Unusable, Unavailable {
        try {
            return secrets().getSecretValue(b -> b.secretId(id)).secretString();
        } catch (SdkException e) {
            throw rethrow("secret", e);
        }
    }

    /**
     * Not found / access denied / invalid → unusable; throttling, 5xx, timeouts → try again later.
     * Always throws; declared to return so that callers can write {@code throw rethrow(…)}.
     */
    static RuntimeException rethrow(String what, SdkException e) throws Unusable, Unavailable {
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            if (service.isThrottlingException() || status >= 500) {
                throw new Unavailable(what + " store unavailable (" + (code == null ? "HTTP " + status : code) + ")");
            }
            throw new Unusable(what + " not readable (" + (code == null ? "HTTP " + status : code) + ")");
        }
        throw new Unavailable(what + " store unreachable (" + e.getClass().getSimpleName() + ")");
    }

    private SsmClient ssm() {
        if (ssm == null) {
            synchronized (this) {
                if (ssm == null) ssm = ssmFactory.get();
            }
        }
        return ssm;
    }

    private SecretsManagerClient secrets() {
        if (secrets == null) {
            synchronized (this) {
                if (secrets == null) secrets = secretsFactory.get();
            }
        }
        return secrets;
    }

    @Override
    public void close() {
        if (ssm != null) ssm.close();
        if (secrets != null) secrets.close();
    }
}
