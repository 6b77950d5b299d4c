package com.relay.aws.embedded;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import com.relay.aws.AwsEndpoints;
import com.relay.aws.EmbeddedAws;
import com.relay.config.RelaySettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The embedded default: ElasticMQ (SQS), DynamoDB Local and s3proxy (S3) in this JVM, speaking
 * the real AWS wire protocols. Persistent mode keeps queues, messages, tables and objects under
 * {@code RELAY_DATA_DIR}; in-memory mode (tests) keeps nothing.
 *
 * <p>Lives in the test scope so the production jar stays free of emulators (docs/EMBEDDED.md).
 */
public final class EmbeddedAwsEmulators implements EmbeddedAws {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedAwsEmulators.class);

    private final List<AutoCloseable> stoppers = new ArrayList<>();
    private AwsEndpoints endpoints;

    public static final class Launcher implements EmbeddedAws.Launcher {
        @Override
        public EmbeddedAws start(RelaySettings settings) throws Exception {
            EmbeddedAwsEmulators emulators = new EmbeddedAwsEmulators();
            try {
                emulators.startAll(settings);
                return emulators;
            } catch (Exception | Error e) {
                // DynamoDB Local leaves a non-daemon thread behind: stop what started, then fail
                emulators.close();
                throw e;
            }
        }
    }

    private void startAll(RelaySettings settings) throws Exception {
        long t0 = System.nanoTime();
        RelaySettings.Embedded cfg = settings.embedded();
        String host = cfg.bindHost();
        Path dataDir = settings.dataDir().toAbsolutePath().normalize();
        if (cfg.persistent()) Files.createDirectories(dataDir);

        int sqsPort = port(cfg.sqsPort(), host);
        URI sqs = startSqs(host, sqsPort, cfg.persistent() ? dataDir.resolve("sqs") : null);
        URI ddb = startDynamoDb(host, cfg.dynamoDbPort(), cfg.persistent() ? dataDir.resolve("dynamodb") : null);
        URI s3 = startS3(host, cfg.s3Port(), cfg.persistent() ? dataDir.resolve("s3") : null);
        endpoints = new AwsEndpoints(sqs, s3, ddb, null);
        log.info("embedded AWS emulators started in {} ms: sqs={} dynamodb={} s3={} data={}",
                (System.nanoTime() - t0) / 1_000_000, sqs, ddb, s3, cfg.persistent() ? dataDir : "in-memory");
    }

    private URI startSqs(String host, int port, Path dir) throws IOException {
        StringBuilder conf = new StringBuilder()
                .append("include classpath(\"application.conf\")\n")
                .append("node-address { protocol = http, host = \"").append(host).append("\", port = ").append(port)
                .append(", context-path = \"\" }\n")
                .append("rest-sqs { enabled = true, bind-port = ").append(port).append(", bind-hostname = \"")
                .append(host).append("\", sqs-limits = strict }\n")
                // ARNs (and so redrive policies) are only right with us-east-1
                .append("aws { region = \"us-east-1\", accountId = \"000000000000\" }\n");
        if (dir != null) {
            Files.createDirectories(dir);
            conf.append("messages-storage { enabled = true, uri = \"jdbc:h2:")
                    .append(dir.resolve("elasticmq-h2").toString().replace("\\", "/")).append("\" }\n");
        }
        Config config = ConfigFactory.parseString(conf.toString()).withFallback(ConfigFactory.load()).resolve();
        ElasticMQServer server = new ElasticMQServer(new ElasticMQServerConfig(config));
        scala.Function0<?> shutdown = server.start();
        stoppers.add(shutdown::apply);
        return URI.create("http://" + host + ":" + port);
    }

    /**
     * DynamoDB Local's request handler on a Jetty server of our own: {@code ServerRunner} builds
     * one that listens on every interface, and this one binds to the configured host like the
     * other emulators. A configured port of 0 is resolved by the connector itself (no probe race).
     */
    private URI startDynamoDb(String host, int port, Path dir) throws Exception {
        // the port is the connector's (CommandLineInput refuses 0)
        List<String> args = new ArrayList<>(List.of("-disableTelemetry"));
        if (dir != null) {
            Files.createDirectories(dir);
            args.addAll(List.of("-sharedDb", "-dbPath", dir.toString()));
        } else {
            args.addAll(List.of("-sharedDb", "-inMemory"));
        }
        CommandLineInput input = new CommandLineInput(args.toArray(String[]::new));
        if (!input.init()) throw new IllegalStateException("DynamoDB Local refused its arguments " + args);
        LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0,
                input.isInMemory(), input.getDbPath(), input.getSharedDb(), input.shouldDelayTransientStatuses()),
                input.getCorsParams());
        stoppers.add(handler::close);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("dynamodb-local");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // Jetty caches Authorization and User-Agent values per connection; a signed request's
        // Authorization is new every time, so the cache only churned: ~10 % of the handler thread
        http.setHeaderCacheSize(0);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        jetty.addConnector(connector);
        ContextHandler context = new ContextHandler();
        context.setHandler(handler);
        jetty.setHandler(new ContextHandlerCollection(context));
        stoppers.add(jetty::stop);
        jetty.start();
        return URI.create("http://" + host + ":" + connector.getLocalPort());
    }

    private URI startS3(String host, int port, Path dir) throws Exception {
        var store = dir == null ? new TransientNio2BlobStore() : new FilesystemNio2BlobStore(createDir(dir).toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://" + host + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                // feeds of several hundred MB arrive in one PUT (the SDK does not split them)
                .maxSinglePartObjectSize(5L * 1024 * 1024 * 1024)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equals(proxy.getState()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        stoppers.add(proxy::stop);
        return URI.create("http://" + host + ":" + proxy.getPort());
    }

    private static Path createDir(Path dir) throws IOException {
        return Files.createDirectories(dir);
    }

    private static int port(int configured, String host) throws IOException {
        if (configured != 0) return configured;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    @Override
    public AwsEndpoints endpoints() { return endpoints; }

    @Override
    public AwsCredentials credentials() {
        return AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    }

    @Override
    public void close() {
        for (int i = stoppers.size() - 1; i >= 0; i--) {
            try {
                stoppers.get(i).close();
            } catch (Exception e) {
                log.warn("embedded emulator did not stop cleanly: {}", e.toString());
            }
        }
        stoppers.clear();
    }
}
