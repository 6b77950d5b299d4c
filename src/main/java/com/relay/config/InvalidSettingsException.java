package com.relay.config;

import java.util.List;

/** Startup refuses to continue: every problem found in the environment, one per line (docs/CONTRACT.md#environment-variables). */
public class InvalidSettingsException extends RelayStartupException {
    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super("invalid Relay configuration:\n  - " + String.join("\n  - ", problems),
                "Fix the environment variables listed above (docs/CONFIGURATION.md lists them all).");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() { return problems; }
}
