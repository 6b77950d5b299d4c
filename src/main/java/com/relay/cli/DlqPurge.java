package com.relay.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code relay dlq purge --older-than DURATION [--yes]}: deletes the messages whose
 * {@code SentTimestamp} is older than the duration. Without {@code --yes} it only lists them
 * ({@code would_delete}) and leaves every message where it was: nothing is deleted unless asked.
 */
final class DlqPurge {

    private final DlqQueue dlq;
    private final DlqPrinter printer;
    private final Clock clock;

    DlqPurge(DlqQueue dlq, DlqPrinter printer, Clock clock) {
        this.dlq = dlq;
        this.printer = printer;
        this.clock = clock;
    }

    int run(DlqArguments args) {
        Instant cutoff = clock.instant().minus(args.olderThan()).truncatedTo(ChronoUnit.MILLIS);
        List<Message> messages = dlq.receive(DlqArguments.MAX_LIMIT);
        List<Message> left = new ArrayList<>(messages);
        int selected = 0;
        try {
            for (Message m : messages) {
                DlqEntry entry = DlqEntry.of(m, args.queue());
                // no SentTimestamp: age unknown, so never old enough to delete
                if (entry.sentAt() == null || !entry.sentAt().isBefore(cutoff)) continue;
                selected++;
                Map<String, Object> line = DlqPrinter.describe(entry, args.queue());
                if (args.yes()) {
                    dlq.delete(m);
                    left.remove(m);
                    line.put("result", "deleted");
                } else {
                    line.put("result", "would_delete");
                }
                printer.line(line);
            }
        } finally {
            dlq.release(left);
        }
        printer.summary(args.yes() ? selected + " message(s) sent before " + cutoff + " deleted"
                : selected + " message(s) sent before " + cutoff + " would be deleted; nothing deleted (add --yes to delete)");
        return selected == 0 ? DlqCommand.NOTHING_MATCHED : DlqCommand.OK;
    }
}
