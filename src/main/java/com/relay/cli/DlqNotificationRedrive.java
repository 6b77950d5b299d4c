package com.relay.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * {@code relay dlq redrive --queue notifications}: moves messages back to the notifications queue
 * unchanged (body and attributes; the notification record holds everything needed to deliver,
 * docs/CONTRACT.md#notifications-queue) and deletes each from the DLQ only after the send succeeded. A message
 * whose body cannot be read is left: the notifier would only dead-letter it again.
 */
final class DlqNotificationRedrive {

    private final DlqQueue dlq;
    private final SqsClient sqs;
    private final String notificationsQueueUrl;
    private final DlqPrinter printer;

    DlqNotificationRedrive(DlqQueue dlq, SqsClient sqs, String notificationsQueueUrl, DlqPrinter printer) {
        this.dlq = dlq;
        this.sqs = sqs;
        this.notificationsQueueUrl = notificationsQueueUrl;
        this.printer = printer;
    }

    int run(DlqArguments args) {
        List<Message> messages = dlq.receive(DlqArguments.MAX_LIMIT);
        List<Message> left = new ArrayList<>(messages);
        int moved = 0;
        try {
            for (Message m : messages) {
                DlqEntry entry = DlqEntry.of(m, DlqArguments.Queue.NOTIFICATIONS);
                if (args.notificationId() != null && !(entry.parsed() && entry.id().equals(args.notificationId()))) continue;
                Map<String, Object> line = DlqPrinter.describe(entry, DlqArguments.Queue.NOTIFICATIONS);
                if (entry.parsed()) {
                    sqs.sendMessage(b -> b.queueUrl(notificationsQueueUrl).messageBody(m.body())
                            .messageAttributes(stringAttributes(m)));
                    dlq.delete(m);
                    left.remove(m);
                    moved++;
                    line.put("result", "moved");
                    line.put("detail", "back to the notifications queue");
                } else {
                    line.put("result", "left");
                    line.put("detail", "unparseable body");
                }
                printer.line(line);
            }
        } finally {
            dlq.release(left);
        }
        printer.summary(moved + " message(s) moved back to the notifications queue");
        return moved == 0 ? DlqCommand.NOTHING_MATCHED : DlqCommand.OK;
    }

    /** The message's String attributes (correlation_id, notification_id, tenant_id, traceparent…), as sent. */
    private static Map<String, MessageAttributeValue> stringAttributes(Message m) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        m.messageAttributes().forEach((k, v) -> {
            if (v.stringValue() != null) {
                attributes.put(k, MessageAttributeValue.builder().dataType(v.dataType()).stringValue(v.stringValue()).build());
            }
        });
        return attributes;
    }
}
