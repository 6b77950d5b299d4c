package com.relay.cli;

import com.relay.aws.DynamoItems;
import com.relay.runs.RunCreator;
import com.relay.runs.RunRepository;
import com.relay.tenants.TenantRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code relay dlq redrive} for the jobs DLQ. A job in the DLQ belongs to a run that is terminal
 * (the worker marks it FAILED POISON_JOB before SQS moves it, docs/CONTRACT.md#receiving-a-job rule 6), and a terminal run
 * is never executed again (docs/CONTRACT.md#statuses-and-stages): re-sending the old message would only be acknowledged or
 * dead-lettered again (rules 3 and 4). So redrive creates a <em>new</em> run for the tenant with
 * its latest configuration, through {@link RunCreator} — the path of {@code POST /v1/runs}, with
 * the tenant lock — and deletes the DLQ message once the new run exists.
 */
final class DlqRedrive {

    /**
     * {@code created_by}: one of docs/CONTRACT.md#runs-table's values; an operator command is neither a JWT user nor
     * the scheduler, and its {@code RunsCreated{CreatedBy}} must stay within the known tag values.
     */
    static final String CREATED_BY = "api";
    /**
     * {@code requested_by}: a principal id of its own (docs/CONTRACT.md#principal-ids has none for operator
     * tools), a plain word like {@code scheduler} and {@code system}, so it can never collide with
     * a {@code key:} or {@code jwt:} principal and is easy to filter on.
     */
    static final String REQUESTED_BY = "operator";

    private final DlqQueue dlq;
    private final RunRepository runs;
    private final TenantRepository tenants;
    private final RunCreator creator;
    private final DlqPrinter printer;
    private final Clock clock;

    DlqRedrive(DlqQueue dlq, RunRepository runs, TenantRepository tenants, RunCreator creator, DlqPrinter printer,
               Clock clock) {
        this.dlq = dlq;
        this.runs = runs;
        this.tenants = tenants;
        this.creator = creator;
        this.printer = printer;
        this.clock = clock;
    }

    int run(DlqArguments args) {
        List<Message> messages = dlq.receive(DlqArguments.MAX_LIMIT);
        List<Message> left = new ArrayList<>(messages);
        Map<String, String> redriven = new HashMap<>(); // old run id → new run id, for duplicate deliveries
        int matched = 0;
        int created = 0;
        boolean failed = false;
        try {
            for (Message m : messages) {
                DlqEntry entry = DlqEntry.of(m, DlqArguments.Queue.JOBS);
                if (args.runId() != null && !(entry.parsed() && entry.id().equals(args.runId()))) continue;
                matched++;
                Map<String, Object> line = DlqPrinter.describe(entry, DlqArguments.Queue.JOBS);
                Outcome outcome = entry.parsed() ? redrive(entry, line, redriven) : Outcome.left("unparseable body");
                line.put("result", outcome.result());
                if (outcome.detail() != null) line.put("detail", outcome.detail());
                if (outcome.deleteMessage()) {
                    dlq.delete(m);
                    left.remove(m);
                }
                if (outcome.newRunId() != null) {
                    created++;
                    line.put("new_run_id", outcome.newRunId());
                }
                failed |= outcome.endpointFailure();
                printer.line(line);
            }
        } finally {
            dlq.release(left);
        }
        printer.summary(created + " new run(s) created, " + (matched - created) + " matching message(s) not redriven");
        if (failed) return DlqCommand.ENDPOINT_FAILURE;
        return created == 0 ? DlqCommand.NOTHING_MATCHED : DlqCommand.OK;
    }

    /** What happened to one message. */
    record Outcome(String result, String detail, String newRunId, boolean deleteMessage, boolean endpointFailure) {
        static Outcome left(String why) { return new Outcome("left", why, null, false, false); }
    }

    private Outcome redrive(DlqEntry entry, Map<String, Object> line, Map<String, String> redriven) {
        String oldRunId = entry.id();
        if (redriven.containsKey(oldRunId)) {
            // SQS delivers at least once: a second copy of a job already redriven is only deleted
            return new Outcome("deleted", "duplicate of a message redriven as run " + redriven.get(oldRunId), null, true, false);
        }
        Optional<Map<String, AttributeValue>> run = runs.get(oldRunId);
        DlqPeek.addRun(line, run);
        if (run.isEmpty()) return Outcome.left("run not found");
        String status = DynamoItems.text(run.get(), "status");
        if ("QUEUED".equals(status) || "RUNNING".equals(status)) {
            return Outcome.left("run is still active (" + status + "); the worker owns it");
        }
        if (!"FAILED".equals(status)) return Outcome.left("run is " + status + ": nothing to redo");
        Optional<TenantRepository.TenantVersion> latest = tenants.latest(entry.tenantId());
        if (latest.isEmpty()) return Outcome.left("tenant has no configuration");
        RunCreator.Result result = creator.create(new RunCreator.Request(entry.tenantId(), latest.get().configVersion(),
                CREATED_BY, REQUESTED_BY, UUID.randomUUID().toString()), clock.instant());
        if (result instanceof RunCreator.Created c) {
            String newRunId = c.run().get("run_id").s();
            redriven.put(oldRunId, newRunId);
            return new Outcome("redriven", "config_version " + latest.get().configVersion(), newRunId, true, false);
        }
        if (result instanceof RunCreator.AlreadyRunning a) {
            return Outcome.left("tenant has an active run " + a.activeRunId() + " (lock held)");
        }
        if (result instanceof RunCreator.Paused p) {
            return Outcome.left("run creation is paused (" + p.pause().scope() + "): " + p.pause().reason());
        }
        if (result instanceof RunCreator.QueueUnavailable q) {
            return new Outcome("left", "job queue unavailable: new run " + q.runId() + " was marked FAILED QUEUE_UNAVAILABLE",
                    null, false, true);
        }
        return new Outcome("left", "runs table busy (transactions kept conflicting); try again", null, false, true);
    }
}
