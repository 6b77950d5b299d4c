package com.relay.deploy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What differs between the stages of the CDK app (docs/INFRA.md#deploying-with-cdk): log retention,
 * task counts and sizes, NAT gateways, deletion protection of the tables. Everything else (names
 * apart from the stage, policies, alarms) is the same in every stage.
 */
public enum Stage {
    DEV(7, 1, 1, 1, 1, 512, 1024, false),
    STAGING(14, 1, 2, 1, 1, 1024, 2048, false),
    PROD(30, 2, 2, 2, 2, 1024, 2048, true);

    /** CloudWatch Logs retention of every log group of the stage. */
    public final int logRetentionDays;
    public final int natGateways;
    public final int apiTasks;
    public final int workerTasks;
    public final int notifierTasks;
    public final int taskCpu;
    public final int taskMemoryMiB;
    /** DynamoDB deletion protection (on top of the RETAIN removal policy every stage has). */
    public final boolean tableDeletionProtection;

    Stage(int logRetentionDays, int natGateways, int apiTasks, int workerTasks, int notifierTasks, int taskCpu,
          int taskMemoryMiB, boolean tableDeletionProtection) {
        this.logRetentionDays = logRetentionDays;
        this.natGateways = natGateways;
        this.apiTasks = apiTasks;
        this.workerTasks = workerTasks;
        this.notifierTasks = notifierTasks;
        this.taskCpu = taskCpu;
        this.taskMemoryMiB = taskMemoryMiB;
        this.tableDeletionProtection = tableDeletionProtection;
    }

    /** The stage's name as written on the command line and in resource names ({@code dev}, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Stage of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("context 'stage' is required: cdk deploy --context stage=" + choices());
        }
        for (Stage s : values()) {
            if (s.id().equals(value.trim())) return s;
        }
        throw new IllegalArgumentException("context 'stage' must be one of " + choices() + " (got '" + value + "')");
    }

    private static String choices() {
        return Arrays.stream(values()).map(Stage::id).collect(Collectors.joining("|"));
    }
}
