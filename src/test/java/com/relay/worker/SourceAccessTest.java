package com.relay.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.config.RelaySettings;
import com.relay.secrets.SecretResolver;
import com.relay.secrets.SecretStores;
import com.relay.sources.SourceErrors;
import com.relay.sources.SourceRefusedException;
import com.relay.sources.SourceUnavailableException;
import com.relay.tenants.config.TenantConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** What a source route asks before it connects: the network policy and the tenant's own secrets (docs/INFRA.md "Vendor sources"). */
class SourceAccessTest {

    private static RelaySettings settings(String mode, String allowed) {
        Map<String, String> env = new HashMap<>(Map.of("RELAY_MODE", mode));
        if (allowed != null) env.put("SOURCE_ALLOWED_PRIVATE_HOSTS", allowed);
        return RelaySettings.load(env::get);
    }

    private static SourceAccess access(RelaySettings settings, Map<String, String> env, SecretStores stores) {
        return new SourceAccess(new SecretResolver(settings.mode(), env::get, Duration.ZERO, Clock.systemUTC(), stores), settings);
    }

    private static Exchange exchange(String tenant) {
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        ex.setProperty(RunAttempt.PROPERTY, new RunAttempt(new JobMessage(UUID.randomUUID().toString(), tenant, 1, null), "m", "r",
                1, UUID.randomUUID().toString(), 1, Instant.now(), "test", null, null));
        ex.setProperty(RunInputs.FETCH, VendorFetch.forRemote(new TenantConfig.Vendor("acme", true,
                new TenantConfig.Inbound("ftp", null, null), null, null)));
        return ex;
    }

    @Test
    void outsideEmbeddedModeAPrivateOrMetadataHostIsRefusedBeforeAnyConnection() {
        SourceAccess access = access(settings("localstack", null), Map.of(), SecretStores.NONE);
        for (String host : new String[] {"127.0.0.1", "10.0.0.5", "169.254.169.254", "localhost"}) {
            assertThatThrownBy(() -> access.checkHost(exchange("merchant1"), host)).as(host)
                    .isInstanceOfSatisfying(SourceRefusedException.class, e -> assertThat(e.code()).isEqualTo(SourceErrors.NOT_ALLOWED))
                    .hasMessageStartingWith("SOURCE_NOT_ALLOWED: vendor acme: destination ")
                    .hasMessageContaining("SOURCE_ALLOWED_PRIVATE_HOSTS");
        }
        assertThatCode(() -> access.checkHost(exchange("merchant1"), "93.184.216.34")).doesNotThrowAnyException();
    }

    @Test
    void anAllowlistedHostAndEmbeddedModePass() {
        assertThatCode(() -> access(settings("localstack", "10.0.0.5"), Map.of(), SecretStores.NONE)
                .checkHost(exchange("merchant1"), "10.0.0.5")).doesNotThrowAnyException();
        assertThatCode(() -> access(settings("embedded", null), Map.of(), SecretStores.NONE)
                .checkHost(exchange("merchant1"), "127.0.0.1")).doesNotThrowAnyException();
    }

    @Test
    void secretsResolveForTheRunsTenantOnly() {
        Map<String, String> env = Map.of("RELAY_SECRET_MERCHANT1_PW", "s3cret", "RELAY_SECRET_GLOBEX_PW", "theirs");
        SourceAccess access = access(settings("embedded", null), env, SecretStores.NONE);
        assertThat(access.secret(exchange("merchant1"), "env:RELAY_SECRET_MERCHANT1_PW")).isEqualTo("s3cret");
        assertThatThrownBy(() -> access.secret(exchange("merchant1"), "env:RELAY_SECRET_GLOBEX_PW"))
                .isInstanceOfSatisfying(SourceRefusedException.class, e -> assertThat(e.code()).isEqualTo(SourceErrors.AUTH_FAILED))
                .hasMessageNotContaining("theirs");
    }

    @Test
    void aSecretStoreThatDoesNotAnswerIsRetried() {
        SecretStores down = new SecretStores() {
            @Override public String parameter(String name) throws Unavailable { throw new Unavailable("throttled"); }
            @Override public String secret(String id) throws Unavailable { throw new Unavailable("throttled"); }
        };
        SourceAccess access = access(settings("localstack", null), Map.of(), down);
        assertThatThrownBy(() -> access.secret(exchange("merchant1"), "ssm:/relay/sources/merchant1/pw"))
                .isInstanceOf(SourceUnavailableException.class).hasMessageContaining("vendor acme: the secret store did not answer");
    }
}
