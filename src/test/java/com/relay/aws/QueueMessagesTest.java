package com.relay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** What {@link QueueMessages} sends to SQS, and what its caller sees when SQS refuses. */
class QueueMessagesTest {

    private static final String QUEUE_URL = "http://127.0.0.1/000000000000/relay-jobs";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsEndpoint endpoint = new SqsEndpoint();
    private final SqsClient sqs = SqsClient.builder().httpClient(endpoint).region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1"))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    private final QueueMessages queue = new QueueMessages(sqs, QUEUE_URL);
    private final List<RuntimeException> failures = new ArrayList<>();

    @Test
    void deleteSendsTheReceiptHandleOfTheQueue() {
        assertThat(queue.delete("handle-1", failures::add)).isTrue();

        assertThat(endpoint.targets).containsExactly("AmazonSQS.DeleteMessage");
        JsonNode sent = endpoint.bodies.get(0);
        assertThat(sent.path("QueueUrl").asText()).isEqualTo(QUEUE_URL);
        assertThat(sent.path("ReceiptHandle").asText()).isEqualTo("handle-1");
        assertThat(failures).isEmpty();
    }

    @Test
    void changeVisibilitySendsTheTimeoutInSeconds() {
        assertThat(queue.changeVisibility("handle-2", 0, failures::add)).isTrue();
        assertThat(queue.changeVisibility("handle-2", 43_200, failures::add)).isTrue();

        assertThat(endpoint.targets).containsExactly("AmazonSQS.ChangeMessageVisibility",
                "AmazonSQS.ChangeMessageVisibility");
        assertThat(endpoint.bodies.get(0).path("ReceiptHandle").asText()).isEqualTo("handle-2");
        assertThat(endpoint.bodies.get(0).path("VisibilityTimeout").asInt()).isZero();
        assertThat(endpoint.bodies.get(1).path("VisibilityTimeout").asInt()).isEqualTo(43_200);
        assertThat(failures).isEmpty();
    }

    @Test
    void aRefusedCallIsHandedToTheCallerAndReportedAsNotDone() {
        endpoint.refuse("com.amazonaws.sqs#ReceiptHandleIsInvalid", "The input receipt handle is invalid.");

        assertThat(queue.delete("stale", failures::add)).isFalse();
        assertThat(queue.changeVisibility("stale", 30, failures::add)).isFalse();

        assertThat(failures).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(SqsException.class)
                .hasMessageContaining("receipt handle is invalid"));
    }

    @Test
    void aCallerMayLetTheFailurePropagate() {
        endpoint.refuse("com.amazonaws.sqs#ReceiptHandleIsInvalid", "The input receipt handle is invalid.");

        assertThatThrownBy(() -> queue.delete("stale", e -> { throw e; })).isInstanceOf(SqsException.class);
    }

    /** Answers every SQS (JSON protocol) request in-process and keeps what it received. */
    private static final class SqsEndpoint implements SdkHttpClient {
        final List<String> targets = new ArrayList<>();
        final List<JsonNode> bodies = new ArrayList<>();
        private int status = 200;
        private String answer = "{}";

        void refuse(String type, String message) {
            status = 400;
            answer = "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    targets.add(request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse(""));
                    bodies.add(JSON.readTree(request.contentStreamProvider()
                            .map(p -> readAll(p.newStream())).orElse("{}")));
                    SdkHttpResponse response = SdkHttpResponse.builder().statusCode(status)
                            .putHeader("Content-Type", "application/x-amz-json-1.0").build();
                    return HttpExecuteResponse.builder().response(response).responseBody(AbortableInputStream.create(
                            new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)))).build();
                }

                @Override
                public void abort() {}
            };
        }

        private static String readAll(java.io.InputStream in) {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {}
    }
}
