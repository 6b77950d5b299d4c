package com.relay.api;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** TS (docs/CONTRACT.md#conventions): ISO-8601 UTC, three fraction digits, {@code Z}; "now" is the injected clock in ms. */
public final class Timestamps {

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    public static Instant now(Clock clock) { return clock.instant().truncatedTo(ChronoUnit.MILLIS); }

    public static String format(Instant instant) { return TS.format(instant); }

    public static Instant parseTs(String ts) { return Instant.parse(ts); }

    /** Query timestamps (docs/CONTRACT.md#api-conventions): ISO-8601 with {@code Z} or an offset, converted to UTC. */
    public static Optional<Instant> parseQuery(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
