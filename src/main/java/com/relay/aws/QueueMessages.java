package com.relay.aws;

import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Best-effort changes to a received message of one queue: deleting it and changing its
 * visibility. A failure never fails the caller: SQS redelivers a message that was not deleted,
 * and a visibility change that did not happen leaves the queue's own timeout in force, so the
 * caller only logs and counts the failure (its {@code onFailure}).
 */
public final class QueueMessages {

    private final SqsClient sqs;
    private final String queueUrl;

    public QueueMessages(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Deletes the message; false after handing the failure to {@code onFailure}. */
    public boolean delete(String receiptHandle, Consumer<RuntimeException> onFailure) {
        try {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle));
            return true;
        } catch (RuntimeException e) {
            onFailure.accept(e);
            return false;
        }
    }

    /** Makes the message invisible for {@code seconds} from now; false after handing the failure to {@code onFailure}. */
    public boolean changeVisibility(String receiptHandle, int seconds, Consumer<RuntimeException> onFailure) {
        try {
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle).visibilityTimeout(seconds));
            return true;
        } catch (RuntimeException e) {
            onFailure.accept(e);
            return false;
        }
    }
}
