package com.relay.worker;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.secrets.SecretResolver;
import com.relay.security.DestinationPolicy;
import com.relay.sources.SourceErrors;
import com.relay.sources.SourceRefusedException;
import com.relay.sources.SourceUnavailableException;
import com.relay.tenants.config.SecretReferences;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * What a vendor source route asks before it connects (docs/INFRA.md "Vendor sources"): may this
 * host be reached (outside embedded mode no loopback, private, link-local or metadata address unless
 * SOURCE_ALLOWED_PRIVATE_HOSTS names it), and the value of a secret reference, resolved for the
 * run's own tenant only ({@code /relay/sources/<tenant_id>/}, {@code RELAY_SECRET_<TENANT_ID>_…}).
 */
@Component("sourceAccess")
public class SourceAccess {

    private final SecretResolver secrets;
    private final DestinationPolicy policy;
    private final RelaySettings.Sources settings;

    public SourceAccess(SecretResolver secrets, RelaySettings settings) {
        this.secrets = secrets;
        this.settings = settings.sources();
        this.policy = new DestinationPolicy(settings.mode() != RelayMode.EMBEDDED, this.settings.allowedPrivateHosts());
    }

    /** Throws {@link SourceRefusedException} ({@code SOURCE_NOT_ALLOWED}) when the policy refuses {@code host}. */
    public void checkHost(Exchange exchange, String host) {
        policy.refusal(host).ifPresent(refusal -> {
            throw new SourceRefusedException(SourceErrors.NOT_ALLOWED, vendor(exchange),
                    refusal + " (outside embedded mode a private, loopback or link-local address needs SOURCE_ALLOWED_PRIVATE_HOSTS)", null);
        });
    }

    /**
     * The secret {@code ref} names, for the run's tenant. A reference that does not resolve is
     * {@code SOURCE_AUTH_FAILED}; a secret store that does not answer is {@code SOURCE_UNAVAILABLE}.
     */
    public String secret(Exchange exchange, String ref) {
        RunAttempt a = RunStages.attempt(exchange);
        try {
            return secrets.resolve(a.tenantId(), ref, SecretReferences.Area.SOURCES);
        } catch (SecretResolver.Unresolvable e) {
            throw new SourceRefusedException(SourceErrors.AUTH_FAILED, vendor(exchange),
                    "the secret reference " + ref + " cannot be used: " + e.getMessage(), null);
        } catch (SecretResolver.StoreUnavailable e) {
            throw new SourceUnavailableException(vendor(exchange), "the secret store did not answer: " + e.getMessage(), null);
        }
    }

    /** SOURCE_CONNECT_TIMEOUT_SECONDS in milliseconds, for the transports' endpoint options. */
    public int connectTimeoutMillis() {
        return settings.connectTimeoutSeconds() * 1000;
    }

    /** SOURCE_READ_TIMEOUT_SECONDS in milliseconds. */
    public int readTimeoutMillis() {
        return settings.readTimeoutSeconds() * 1000;
    }

    static String vendor(Exchange exchange) {
        VendorFetch fetch = exchange.getProperty(RunInputs.FETCH, VendorFetch.class);
        return fetch == null ? "?" : fetch.getVendorId();
    }
}
