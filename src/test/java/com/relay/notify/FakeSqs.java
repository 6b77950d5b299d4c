package com.relay.notify;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** Records what the delivery does with messages. */
final class FakeSqs implements SqsClient {

    final List<SendMessageRequest> sent = new ArrayList<>();
    final List<String> deleted = new ArrayList<>();
    final List<ChangeMessageVisibilityRequest> visibility = new ArrayList<>();

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest r) {
        sent.add(r);
        return SendMessageResponse.builder().messageId("m" + sent.size()).build();
    }

    @Override
    public DeleteMessageResponse deleteMessage(DeleteMessageRequest r) {
        deleted.add(r.receiptHandle());
        return DeleteMessageResponse.builder().build();
    }

    @Override
    public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest r) {
        visibility.add(r);
        return ChangeMessageVisibilityResponse.builder().build();
    }

    @Override
    public String serviceName() { return "sqs"; }

    @Override
    public void close() { }
}
