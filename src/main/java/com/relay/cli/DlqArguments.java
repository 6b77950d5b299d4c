package com.relay.cli;

import java.time.Duration;

/**
 * The parsed command line of {@code relay dlq} (see {@link DlqCommand#USAGE}). Parsing never talks
 * to an endpoint; every mistake is an {@link IllegalArgumentException} whose message is printed
 * above the usage (exit 2).
 */
record DlqArguments(Action action, Queue queue, int max, String runId, String notificationId, boolean all, Duration olderThan,
                    boolean yes, boolean json) {

    enum Action { PEEK, REDRIVE, PURGE }

    /** Which DLQ: the jobs DLQ (docs/CONTRACT.md#attempt-outcomes-retry-and-poison) or the notifications DLQ (docs/CONTRACT.md#notifications-queue). */
    enum Queue {
        JOBS, NOTIFICATIONS;

        static Queue of(String name) {
            return switch (name) {
                case "jobs" -> JOBS;
                case "notifications" -> NOTIFICATIONS;
                default -> throw new IllegalArgumentException("--queue must be jobs or notifications; got '" + name + "'");
            };
        }
    }

    static final int DEFAULT_PEEK_MAX = 10;
    static final int MAX_LIMIT = 10_000;

    static DlqArguments parse(String[] args) {
        if (args.length == 0) throw new IllegalArgumentException("missing sub-command: peek, redrive or purge");
        Action action = switch (args[0]) {
            case "peek" -> Action.PEEK;
            case "redrive" -> Action.REDRIVE;
            case "purge" -> Action.PURGE;
            default -> throw new IllegalArgumentException("unknown sub-command '" + args[0] + "': peek, redrive or purge");
        };
        Queue queue = Queue.JOBS;
        Integer max = null;
        String runId = null;
        String notificationId = null;
        boolean all = false;
        Duration olderThan = null;
        boolean yes = false;
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--queue" -> queue = Queue.of(value(args, ++i, a));
                case "--max" -> max = positive(value(args, ++i, a));
                case "--run-id" -> runId = uuid(value(args, ++i, a), a);
                case "--notification-id" -> notificationId = uuid(value(args, ++i, a), a);
                case "--all" -> all = true;
                case "--older-than" -> olderThan = DlqDuration.parse(value(args, ++i, a));
                case "--yes" -> yes = true;
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        return check(action, queue, max, runId, notificationId, all, olderThan, yes, json);
    }

    private static DlqArguments check(Action action, Queue queue, Integer max, String runId, String notificationId,
                                      boolean all, Duration olderThan, boolean yes, boolean json) {
        if (action != Action.REDRIVE && (runId != null || notificationId != null || all)) {
            throw new IllegalArgumentException("--run-id, --notification-id and --all belong to redrive");
        }
        if (action != Action.PURGE && (olderThan != null || yes)) {
            throw new IllegalArgumentException("--older-than and --yes belong to purge");
        }
        if (action != Action.PEEK && max != null) throw new IllegalArgumentException("--max belongs to peek");
        if (action == Action.REDRIVE) {
            String selector = queue == Queue.JOBS ? "--run-id" : "--notification-id";
            String wrong = queue == Queue.JOBS ? notificationId : runId;
            if (wrong != null) {
                throw new IllegalArgumentException("the " + queue.name().toLowerCase(java.util.Locale.ROOT)
                        + " DLQ is selected by " + selector);
            }
            String id = queue == Queue.JOBS ? runId : notificationId;
            if ((id == null) == !all) throw new IllegalArgumentException("redrive needs exactly one of " + selector + " ID or --all");
        }
        if (action == Action.PURGE && olderThan == null) throw new IllegalArgumentException("purge needs --older-than DURATION");
        return new DlqArguments(action, queue, max == null ? DEFAULT_PEEK_MAX : max, runId, notificationId, all, olderThan,
                yes, json);
    }

    private static String uuid(String value, String flag) {
        if (!com.relay.api.Ids.isRunId(value)) throw new IllegalArgumentException(flag + " must be a UUID; got '" + value + "'");
        return value;
    }

    private static int positive(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_LIMIT) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--max must be an integer from 1 to " + MAX_LIMIT + "; got '" + text + "'");
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }
}
