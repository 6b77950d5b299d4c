package com.relay.aws;

/** One line of {@code relay provision} output (docs/CONTRACT.md#provisioning): {@code <kind> <name>: <outcome>}. */
public record ProvisionLine(String kind, String name, Outcome outcome, String reason) {

    public enum Outcome { CREATED, UPDATED, UNCHANGED, CONFLICT, SKIPPED }

    public String render(boolean dryRun) {
        String word = switch (outcome) {
            case CREATED -> dryRun ? "would create" : "created";
            case UPDATED -> dryRun ? "would update" : "updated";
            case UNCHANGED -> "unchanged";
            case CONFLICT -> "conflict (" + reason + ")";
            case SKIPPED -> "skipped (" + reason + ")";
        };
        return kind + " " + name + ": " + word;
    }
}
