package com.relay.sources;

import com.relay.tenants.config.TenantConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.remote.CamelFTPParserFactory;
import org.apache.camel.component.file.remote.FtpComponent;
import org.apache.camel.component.file.remote.FtpsComponent;
import org.apache.camel.component.file.remote.FtpsEndpoint;
import org.apache.camel.component.file.remote.RemoteFileConfiguration;
import org.apache.camel.component.file.remote.SftpConfiguration;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.commons.net.ftp.FTPSClient;

/**
 * Builds the camel-ftp endpoint of one fetch (docs/ROUTES.md "Vendor sources: sftp, ftp, ftps").
 * Each fetch gets a fresh endpoint of components held here, never registered in the CamelContext: it
 * is not in the context's endpoint registry (which would grow by one per vendor config), not in
 * JMX/Hawtio, and {@link RemoteFileSources#close} stops it with its consumer. Secrets (password,
 * private key) are set on the endpoint's configuration, never written into its URI, so no URI Camel
 * logs or shows holds one.
 * <p>
 * The options: {@code noop} and {@code idempotent=false} (the vendor's file is neither moved nor
 * deleted, and nothing remembers it across runs: every run takes the newest), {@code autoCreate=false}
 * (a missing directory is not created on the vendor's server), {@code streamDownload} (the body is the
 * transfer's stream), binary and passive mode, the candidates ({@link NewestFileFilter}) sorted newest
 * first over the whole listing ({@code eagerMaxMessagesPerPoll=false}), the first one taken, connect failures thrown
 * ({@code throwExceptionOnConnectFailed}; without it camel-ftp skips the poll and returns nothing),
 * no reconnect loop (the run's retry is the retry).
 */
public final class RemoteFileEndpoints {

    /**
     * FTP LIST gives minutes, not seconds: a file listed as 12:03 may have been written at 12:03:59,
     * so an ftp/ftps file must look this much older before it counts as old enough.
     */
    static final long FTP_LIST_PRECISION_MILLIS = 60_000;

    private final CamelContext camel;
    private final SSLContext tls;
    private final Clock clock;
    private final PinnedSftpComponent sftp = new PinnedSftpComponent();
    private final FtpComponent ftp = new FtpComponent();
    private final FtpsComponent ftps = new FtpsComponent();

    /**
     * @param tls the TLS context of ftps: the JVM's (its trust store verifies the server's certificate)
     *            in production; a test context trusting the test certificate in tests
     */
    public RemoteFileEndpoints(CamelContext camel, SSLContext tls, Clock clock) {
        this.camel = camel;
        this.tls = tls;
        this.clock = clock;
        for (var component : java.util.List.of(sftp, ftp, ftps)) {
            component.setCamelContext(camel);
            ServiceHelper.startService(component);
        }
    }

    /**
     * What one fetch connects to, secrets resolved: {@code privateKey} (sftp, OpenSSH or PEM, with
     * {@code privateKeyPassphrase} when it is encrypted) or {@code password}.
     */
    public record Target(String transport, TenantConfig.Remote remote, String password, String privateKey,
                         String privateKeyPassphrase, int connectTimeoutMillis, int readTimeoutMillis) {
        @Override
        public String toString() {
            return transport + "://" + remote.username() + "@" + remote.host() + ":" + remote.port() + remote.directory();
        }
    }

    /** A new, unstarted endpoint for {@code target}; {@code unpinnedHostKey} hears the fingerprint of an unpinned sftp key. */
    public GenericFileEndpoint<?> create(Target target, Consumer<String> unpinnedHostKey) throws Exception {
        TenantConfig.Remote r = target.remote();
        String uri = target.transport() + "://" + r.host() + ":" + r.port() + "/" + relativeDirectory(r.directory())
                + "?" + commonOptions(target);
        GenericFileEndpoint<?> endpoint;
        long minAge = r.minAgeSeconds() * 1000;
        switch (target.transport()) {
            case "sftp" -> {
                PinnedSftpComponent.Endpoint e = (PinnedSftpComponent.Endpoint) sftp.createEndpoint(uri
                        + "&useUserKnownHostsFile=false&strictHostKeyChecking=yes"
                        + (target.privateKey() != null ? "&preferredAuthentications=publickey" : "&preferredAuthentications=password"));
                e.setHostKeys(new HostKeyPin(r.hostKey(), unpinnedHostKey));
                SftpConfiguration c = e.getConfiguration();
                if (target.privateKey() != null) {
                    c.setPrivateKey(target.privateKey().getBytes(StandardCharsets.UTF_8));
                    if (target.privateKeyPassphrase() != null) c.setPrivateKeyPassphrase(target.privateKeyPassphrase());
                }
                endpoint = e;
            }
            case "ftp" -> {
                endpoint = (GenericFileEndpoint<?>) ftp.createEndpoint(uri + "&passiveMode=true");
                minAge += FTP_LIST_PRECISION_MILLIS;
            }
            case "ftps" -> {
                boolean implicit = r.implicitTls();
                FtpsEndpoint e = (FtpsEndpoint) ftps.createEndpoint(uri + "&passiveMode=true&implicit=" + implicit
                        + "&execProt=P&execPbsz=0");
                // explicit TLS (AUTH TLS) or implicit (TLS from the first byte, inbound.tls) with the certificate
                // checked: chain against the trust store of `tls`, host name against the certificate (camel-ftp's
                // default client checks neither)
                FTPSClient client = new FTPSClient(implicit, tls);
                client.setEndpointCheckingEnabled(true);
                client.setParserFactory(new CamelFTPParserFactory(camel.getClassResolver()));
                e.setFtpClient(client);
                endpoint = e;
                minAge += FTP_LIST_PRECISION_MILLIS;
            }
            default -> throw new IllegalArgumentException("not a camel-ftp transport: " + target.transport());
        }
        RemoteFileConfiguration c = (RemoteFileConfiguration) endpoint.getConfiguration();
        c.setUsername(r.username());
        c.setPassword(target.password());
        choose(endpoint, new NewestFileFilter<>(r.filePattern(), minAge, clock));
        return endpoint;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void choose(GenericFileEndpoint endpoint, NewestFileFilter filter) {
        endpoint.setFilter(filter);
        endpoint.setSorter(NewestFileFilter.NEWEST_FIRST);
    }

    private static String commonOptions(Target t) {
        return "binary=true&noop=true&idempotent=false&autoCreate=false&streamDownload=true&stepwise=false&recursive=false"
                + "&eagerMaxMessagesPerPoll=false&maxMessagesPerPoll=1"
                + "&throwExceptionOnConnectFailed=true&maximumReconnectAttempts=0&reconnectDelay=0"
                + "&connectTimeout=" + t.connectTimeoutMillis() + "&soTimeout=" + t.readTimeoutMillis()
                + "&timeout=" + t.readTimeoutMillis();
    }

    /** camel-ftp resolves directories from the login directory (it strips a leading '/' itself, with a warning). */
    static String relativeDirectory(String directory) {
        String d = directory == null ? "" : directory;
        while (d.startsWith("/")) d = d.substring(1);
        return d;
    }
}
