package com.relay;

import java.util.Arrays;

/**
 * Entry point of the jar. Sub-commands that must start fast or run without a server
 * ({@code local-run}, {@code provision}, {@code dlq}) are dispatched here before any Spring context exists;
 * everything else starts the service.
 */
public final class RelayMain {

    private RelayMain() {}

    public static void main(String[] args) {
        if (args.length > 0) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "local-run" -> System.exit(com.relay.cli.LocalRunCommand.run(rest, System.out, System.err));
                case "provision" -> System.exit(com.relay.aws.ProvisionCommand.run(rest, System.out, System.err));
                case "dlq" -> System.exit(com.relay.cli.DlqCommand.run(rest, System.out, System.err));
                default -> { }
            }
        }
        RelayApplication.main(args);
    }
}
