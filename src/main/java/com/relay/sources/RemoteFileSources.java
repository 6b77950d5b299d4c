package com.relay.sources;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.tenants.config.TenantConfig;
import com.relay.worker.SourceAccess;
import com.relay.worker.SourceFiles;
import com.relay.worker.VendorFetch;
import java.io.InputStream;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.PollingConsumer;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The steps of the sftp, ftp and ftps source routes (routes/fetch-vendor-ftp.camel.yaml,
 * docs/ROUTES.md "Vendor sources: sftp, ftp, ftps"). {@link #poll} connects with a fresh camel-ftp
 * endpoint ({@link RemoteFileEndpoints}), lists the vendor's directory once and opens the newest
 * candidate as a stream; {@link #close} (the route's doFinally) ends the transfer and stops the
 * consumer and endpoint, so nothing stays connected, polling or registered after the fetch.
 * <p>
 * Why not a pollEnrich step: pollEnrich keeps a consumer per endpoint in its cache after the poll
 * (a fresh endpoint per run would fill it), and with a prototype endpoint it stops the endpoint before
 * the streamed body is read. Here the consumer lives exactly as long as the fetch.
 */
@Component("remoteFileSources")
public class RemoteFileSources {


    /** The open poll of this fetch ({@link Poll}), closed by {@link #close}. */
    static final String POLL = "relayRemotePoll";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteFileSources.class);

    private final SourceAccess access;
    private final RemoteFileEndpoints endpoints;
    private final boolean embedded;
    /** vendor, server and key already warned about as unpinned (embedded mode), so the log says it once. */
    private final Set<String> warnedUnpinned = ConcurrentHashMap.newKeySet();

    /**
     * @param testTls a TLS context for ftps that only the test context defines (bean
     *                {@code vendorSourceTestTls}, trusting the test servers' certificate); absent in
     *                production, where the JVM's default context and trust store are used
     */
    @Autowired
    public RemoteFileSources(SourceAccess access, RelaySettings settings, CamelContext camel,
                             @Qualifier("vendorSourceTestTls") ObjectProvider<SSLContext> testTls) throws NoSuchAlgorithmException {
        this(access, settings.mode() == RelayMode.EMBEDDED, new RemoteFileEndpoints(camel,
                testTls.getIfAvailable() != null ? testTls.getIfAvailable() : SSLContext.getDefault(), Clock.systemUTC()));
    }

    /** Without Spring (the route tests): {@code embedded} as RELAY_MODE=embedded. */
    public RemoteFileSources(SourceAccess access, boolean embedded, RemoteFileEndpoints endpoints) {
        this.access = access;
        this.embedded = embedded;
        this.endpoints = endpoints;
    }

    /**
     * Lists the vendor's directory and, when a file qualifies, leaves its stream as the body with
     * {@code relaySourceName/-Size/-Modified/-Manifest} set; else the body is null. Failures are
     * {@link SourceRefusedException} or {@link SourceUnavailableException} ({@link RemoteFileFailures}).
     */
    public void poll(Exchange exchange) {
        VendorFetch fetch = exchange.getProperty("relayFetch", VendorFetch.class);
        String vendor = fetch.getVendorId();
        String transport = fetch.getSource();
        TenantConfig.Remote remote = fetch.getRemote();
        access.checkHost(exchange, remote.host());
        String password = remote.password() == null ? null : access.secret(exchange, remote.password());
        String privateKey = remote.privateKey() == null ? null : access.secret(exchange, remote.privateKey());
        String passphrase = remote.privateKeyPassphrase() == null ? null : access.secret(exchange, remote.privateKeyPassphrase());
        if (passphrase == null && PrivateKeyText.isEncrypted(privateKey)) {
            throw new SourceRefusedException(SourceErrors.AUTH_FAILED, vendor,
                    "private_key is encrypted: set private_key_passphrase to a secret reference holding its passphrase", null);
        }
        RemoteFileEndpoints.Target target = new RemoteFileEndpoints.Target(transport, remote, password, privateKey,
                passphrase, access.connectTimeoutMillis(), access.readTimeoutMillis());
        Poll poll = new Poll();
        exchange.setProperty(POLL, poll);
        exchange.getMessage().setBody(null);
        Exchange found;
        try {
            poll.endpoint = endpoints.create(target, fingerprint -> warnUnpinned(exchange, vendor, fingerprint));
            poll.consumer = poll.endpoint.createPollingConsumer();
            ServiceHelper.startService(poll.endpoint, poll.consumer);
            found = poll.consumer.receiveNoWait();
        } catch (Exception e) {
            throw RemoteFileFailures.classify(vendor, target.toString(), e);
        }
        if (found == null) return;
        poll.found = found;
        if (found.getException() != null) {
            throw RemoteFileFailures.classify(vendor, target.toString(), found.getException());
        }
        GenericFile<?> file = found.getIn().getBody(GenericFile.class);
        InputStream stream = found.getIn().getBody(InputStream.class);
        if (file == null || stream == null) {
            throw new SourceUnavailableException(vendor, target + ": the listed file could not be opened", null);
        }
        exchange.getMessage().setBody(stream);
        exchange.setProperty(SourceFiles.NAME, file.getFileNameOnly());
        exchange.setProperty(SourceFiles.SIZE, file.getFileLength());
        exchange.setProperty(SourceFiles.MODIFIED, file.getLastModified() > 0 ? Instant.ofEpochMilli(file.getLastModified()) : null);
        exchange.setProperty(SourceFiles.MANIFEST, manifest(remote, file.getFileNameOnly()));
    }

    /**
     * Ends the transfer (the file's own completion: nothing is moved or deleted, noop), stops consumer
     * and endpoint (which disconnects) and leaves the VendorFetch as the body.
     */
    public void close(Exchange exchange) {
        Poll poll = exchange.getProperty(POLL, Poll.class);
        exchange.removeProperty(POLL);
        if (poll == null) return;
        if (poll.found != null) {
            boolean failed = exchange.getException() != null || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null;
            for (Synchronization s : poll.found.getExchangeExtension().handoverCompletions()) {
                try {
                    if (failed) s.onFailure(poll.found);
                    else s.onComplete(poll.found);
                } catch (RuntimeException e) {
                    LOG.debug("ending the transfer of a vendor file failed (the connection is closed next)", e);
                }
            }
        }
        ServiceHelper.stopAndShutdownServices(poll.consumer, poll.endpoint);
        // after a failure the body may still be the (now closed) stream: the route returns the VendorFetch
        // (docs/ROUTES.md), and nothing downstream may try to read or cache a dead stream
        exchange.getMessage().setBody(exchange.getProperty("relayFetch", VendorFetch.class));
    }

    private void warnUnpinned(Exchange exchange, String vendor, String fingerprint) {
        if (!embedded) {
            // unreachable while the config validator requires host_key outside embedded mode; refuse rather than trust
            throw new SourceRefusedException(SourceErrors.AUTH_FAILED, vendor, "no host_key is configured", null);
        }
        TenantConfig.Remote remote = exchange.getProperty("relayFetch", VendorFetch.class).getRemote();
        if (warnedUnpinned.add(vendor + "@" + remote.host() + ":" + remote.port() + "/" + fingerprint)) {
            LOG.warn("vendor {}: sftp host key {} accepted without a pinned host_key (embedded mode only; set host_key to it to pin it)",
                    vendor, fingerprint);
        }
    }

    static Map<String, Object> manifest(TenantConfig.Remote remote, String fileName) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", remote.host());
        m.put("port", remote.port());
        String dir = remote.directory() == null || remote.directory().isEmpty() ? "/" : remote.directory();
        m.put("path", (dir.endsWith("/") ? dir : dir + "/") + fileName);
        return m;
    }

    /** One fetch's endpoint, consumer and the exchange camel-ftp polled (its completion ends the transfer). */
    static final class Poll {
        GenericFileEndpoint<?> endpoint;
        PollingConsumer consumer;
        Exchange found;
    }
}
