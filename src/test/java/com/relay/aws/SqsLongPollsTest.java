package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The service's SQS HTTP client ends a long poll at once: against a server that reads the
 * ReceiveMessage request and never answers (a long poll with no message), {@code end()} makes the
 * receive return "no message"; later receives answer the same without reaching the server.
 */
class SqsLongPollsTest {

    /** Accepts connections, reads what arrives and never answers. */
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final SqsLongPolls longPolls = new SqsLongPolls(ApacheHttpClient.create());
    private final SqsClient sqs = SqsClient.builder().httpClient(longPolls).region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getLocalPort()))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s"))).build();

    SqsLongPollsTest() throws Exception {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread reader = new Thread(() -> read(s));
                    reader.setDaemon(true);
                    reader.start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void read(Socket s) {
        try (InputStream in = s.getInputStream()) {
            byte[] buf = new byte[8192];
            StringBuilder text = new StringBuilder();
            int n;
            while ((n = in.read(buf)) > 0) {
                text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (text.indexOf("\r\n\r\n") >= 0) {
                    requests.add(text.toString());
                    text.setLength(0);
                }
            }
        } catch (Exception e) {
            // the client closed the connection
        }
    }

    @AfterEach
    void close() throws Exception {
        sqs.close();
        longPolls.close();
        server.close();
        for (Socket s : sockets) s.close();
    }

    private CompletableFuture<List<Message>> receive() {
        return CompletableFuture.supplyAsync(() -> sqs.receiveMessage(b -> b.queueUrl("http://127.0.0.1/q").waitTimeSeconds(20))
                .messages());
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s for the requests to arrive").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void endAnswersTheReceiveInFlightAndLaterOnesWithNoMessage() throws Exception {
        CompletableFuture<List<Message>> inFlight = receive();
        await(() -> longPolls.receiving() == 1 && !requests.isEmpty());
        assertThat(requests.get(0)).contains("AmazonSQS.ReceiveMessage");
        assertThat(inFlight).isNotDone();

        assertThat(longPolls.end()).isEqualTo(1);

        // the bound only turns a hang (the server never answers) into a failure
        assertThat(inFlight.get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(longPolls.receiving()).isZero();
        int reached = requests.size();
        assertThat(receive().get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(requests).as("a receive after end() never reaches SQS").hasSize(reached);
    }

    @Test
    void otherCallsAndReceivesAfterResumeReachTheServer() throws Exception {
        longPolls.end();
        longPolls.resume();
        CompletableFuture<List<Message>> receive = receive();
        CompletableFuture<?> send = CompletableFuture.runAsync(() -> sqs.sendMessage(b -> b.queueUrl("http://127.0.0.1/q")
                .messageBody("m")));
        await(() -> requests.size() == 2);
        assertThat(requests).anyMatch(r -> r.contains("AmazonSQS.ReceiveMessage"))
                .anyMatch(r -> r.contains("AmazonSQS.SendMessage"));
        assertThat(longPolls.receiving()).isEqualTo(1);
        assertThat(receive).isNotDone();
        assertThat(send).isNotDone();
        longPolls.end();
        assertThat(receive.get(20, TimeUnit.SECONDS)).isEmpty();
    }
}
