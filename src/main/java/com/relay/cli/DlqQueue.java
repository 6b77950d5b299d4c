package com.relay.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One dead-letter queue as the {@code relay dlq} commands see it. Messages are received with a
 * hold (a visibility timeout long enough for the command to decide) and every message the command
 * does not delete is made visible again at once, so a command changes nothing but the receive
 * counts of the messages it left. A command that dies mid-way only delays them by the hold.
 */
final class DlqQueue {

    /** Long enough to look up a run and create a new one per message; short enough if the command dies. */
    static final int HOLD_SECONDS = 120;
    private static final int BATCH = 10;

    private final SqsClient sqs;
    private final String url;

    DlqQueue(SqsClient sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    String url() { return url; }

    /**
     * Up to {@code max} messages, each received once (the hold keeps a message from coming back
     * during the scan); stops at the first empty receive.
     */
    List<Message> receive(int max) {
        List<Message> received = new ArrayList<>();
        while (received.size() < max) {
            int batch = Math.min(BATCH, max - received.size());
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(batch)
                    .waitTimeSeconds(1).visibilityTimeout(HOLD_SECONDS)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (messages.isEmpty()) break;
            received.addAll(messages);
        }
        return received;
    }

    /** Makes the messages visible again immediately (visibility 0). */
    void release(Collection<Message> messages) {
        List<Message> all = new ArrayList<>(messages);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            List<Message> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            for (int i = 0; i < batch.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("m" + i)
                        .receiptHandle(batch.get(i).receiptHandle()).visibilityTimeout(0).build());
            }
            sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
        }
    }

    void delete(Message message) {
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
    }
}
