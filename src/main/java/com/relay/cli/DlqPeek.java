package com.relay.cli;

import static com.relay.aws.DynamoItems.text;

import com.relay.runs.RunRepository;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code relay dlq peek}: shows up to {@code --max} messages and makes them visible again at once
 * (visibility 0). For jobs it adds the run's current {@code status} and {@code error_code} from the
 * runs table ({@code run_not_found} when there is no such run).
 */
final class DlqPeek {

    private final DlqQueue dlq;
    private final RunRepository runs;
    private final DlqPrinter printer;

    DlqPeek(DlqQueue dlq, RunRepository runs, DlqPrinter printer) {
        this.dlq = dlq;
        this.runs = runs;
        this.printer = printer;
    }

    int run(DlqArguments args) {
        List<Message> messages = dlq.receive(args.max());
        try {
            for (Message m : messages) {
                DlqEntry entry = DlqEntry.of(m, args.queue());
                Map<String, Object> line = DlqPrinter.describe(entry, args.queue());
                if (args.queue() == DlqArguments.Queue.JOBS && entry.parsed()) addRun(line, runs.get(entry.id()));
                printer.line(line);
            }
        } finally {
            dlq.release(messages);
        }
        printer.summary(messages.size() + " message(s) shown" + (messages.isEmpty() ? " (the DLQ is empty)" : ""));
        return messages.isEmpty() ? DlqCommand.NOTHING_MATCHED : DlqCommand.OK;
    }

    static void addRun(Map<String, Object> line, Optional<Map<String, AttributeValue>> run) {
        if (run.isEmpty()) {
            line.put("status", "run_not_found");
            return;
        }
        line.put("status", text(run.get(), "status"));
        line.put("error_code", text(run.get(), "error_code"));
    }
}
