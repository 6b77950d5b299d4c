package com.relay.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.relay.config.RelayMode;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 17 #6: a secret reference only ever resolves for the tenant whose record names it. */
class SecretResolverTest {

    private static final Map<String, String> ENV = Map.of(
            "RELAY_SECRET_ACME_NTFY", " tk_acme ", "RELAY_SECRET_GLOBEX_NTFY", "tk_globex",
            "RELAY_SECRET_ACME_PARTS_NTFY", "tk_acme_parts", "RELAY_SECRET_ACME_EMPTY", "  ",
            "RELAY_NTFY_TOKEN_GLOBEX", "tk_legacy");

    private static SecretResolver resolver(RelayMode mode, Duration cache) {
        return new SecretResolver(mode, ENV::get, cache, Clock.systemUTC());
    }

    @Test
    void aTenantResolvesItsOwnVariableTrimmed() throws Exception {
        SecretResolver r = resolver(RelayMode.EMBEDDED, Duration.ZERO);
        assertThat(r.resolve("acme", "env:RELAY_SECRET_ACME_NTFY")).isEqualTo("tk_acme");
        assertThat(r.resolve("acme-parts", "env:RELAY_SECRET_ACME_PARTS_NTFY")).isEqualTo("tk_acme_parts");
    }

    @Test
    void foreignUnsetEmptyAndLegacyVariablesGetOneMessageThatRevealsNothing() {
        SecretResolver r = resolver(RelayMode.LOCALSTACK, Duration.ZERO);
        for (String ref : new String[] {"env:RELAY_SECRET_GLOBEX_NTFY", "env:RELAY_SECRET_ACME_MISSING",
                "env:RELAY_SECRET_ACME_EMPTY", "env:RELAY_NTFY_TOKEN_GLOBEX", "env:HOME", "env:RELAY_SECRET_ACME_"}) {
            assertThatThrownBy(() -> r.resolve("acme", ref)).as(ref)
                    .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage(SecretResolver.ENV_UNAVAILABLE);
        }
    }

    @Test
    void aCachedValueIsNeverServedToAnotherTenant() throws Exception {
        SecretResolver r = resolver(RelayMode.EMBEDDED, Duration.ofMinutes(5));
        assertThat(r.resolve("globex", "env:RELAY_SECRET_GLOBEX_NTFY")).isEqualTo("tk_globex");
        assertThatThrownBy(() -> r.resolve("acme", "env:RELAY_SECRET_GLOBEX_NTFY"))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage(SecretResolver.ENV_UNAVAILABLE);
    }

    @Test
    void storeReferencesOutsideTheTenantsPathAreRefusedBeforeTheStoreIsAsked() {
        AtomicInteger asked = new AtomicInteger();
        SecretStores counting = new SecretStores() {
            @Override public String parameter(String name) { asked.incrementAndGet(); return "tk"; }
            @Override public String secret(String name) { asked.incrementAndGet(); return "tk"; }
        };
        SecretResolver r = new SecretResolver(RelayMode.AWS, ENV::get, Duration.ZERO, Clock.systemUTC(), counting);
        for (String ref : new String[] {"ssm:/relay/ntfy/globex/publisher", "ssm:/relay/ntfy/acme/",
                "secretsmanager:relay/ntfy/globex/x", "secretsmanager:relay/ntfy/acmex/x"}) {
            assertThatThrownBy(() -> r.resolve("acme", ref)).as(ref)
                    .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage(SecretResolver.OUT_OF_SCOPE);
        }
        assertThat(asked).hasValue(0);
        assertThatThrownBy(() -> r.resolve(null, "env:RELAY_SECRET_ACME_NTFY")).isInstanceOf(SecretResolver.Unresolvable.class);
    }

    @Test
    void vendorSourceSecretsLiveUnderTheirOwnAreaAndNeverOpenTheNtfyOne() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        SecretStores stores = new SecretStores() {
            @Override public String parameter(String name) { asked.incrementAndGet(); return "pw:" + name; }
            @Override public String secret(String name) { asked.incrementAndGet(); return "sec:" + name; }
        };
        SecretResolver r = new SecretResolver(RelayMode.AWS, ENV::get, Duration.ofMinutes(5), Clock.systemUTC(), stores);
        assertThat(r.resolve("acme", "ssm:/relay/sources/acme/sftp-key", com.relay.tenants.config.SecretReferences.Area.SOURCES))
                .isEqualTo("pw:/relay/sources/acme/sftp-key");
        assertThat(r.resolve("acme", "secretsmanager:relay/sources/acme/beta", com.relay.tenants.config.SecretReferences.Area.SOURCES))
                .isEqualTo("sec:relay/sources/acme/beta");
        int before = asked.get();
        // an ntfy path asked for a source (and the other way round) is out of scope, before any store call
        assertThatThrownBy(() -> r.resolve("acme", "ssm:/relay/ntfy/acme/publisher", com.relay.tenants.config.SecretReferences.Area.SOURCES))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage(SecretResolver.OUT_OF_SCOPE);
        assertThatThrownBy(() -> r.resolve("acme", "ssm:/relay/sources/acme/sftp-key"))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage(SecretResolver.OUT_OF_SCOPE);
        assertThatThrownBy(() -> r.resolve("globex", "ssm:/relay/sources/acme/sftp-key", com.relay.tenants.config.SecretReferences.Area.SOURCES))
                .isInstanceOf(SecretResolver.Unresolvable.class).hasMessage(SecretResolver.OUT_OF_SCOPE);
        assertThat(asked.get()).isEqualTo(before);
    }
}
