package com.relay.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code --older-than} value of {@code relay dlq purge}: a whole number and one unit, {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}. */
final class DlqDuration {

    private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,9})([dhms])");

    private DlqDuration() {}

    static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--older-than must be a number and a unit d, h, m or s (e.g. 7d, 12h, 30m); got '"
                    + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "d" -> Duration.ofDays(amount);
            case "h" -> Duration.ofHours(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
