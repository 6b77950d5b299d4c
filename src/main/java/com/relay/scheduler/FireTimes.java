package com.relay.scheduler;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * docs/CONTRACT.md#which-tenants-fire: the instants {@code F} with {@code T − 60 s < F ≤ T} produced by a tenant's
 * Quartz cron expression evaluated in its time zone. Quartz's own {@link CronExpression} does the
 * calendar work, including its handling of daylight-saving gaps and overlaps. Pure.
 */
public final class FireTimes {

    /** The evaluation window of one tick: the minute that ends at the tick's scheduled instant. */
    public static final Duration WINDOW = Duration.ofSeconds(60);

    private FireTimes() {}

    /**
     * Fire instants in {@code (tick − 60 s, tick]}, oldest first.
     *
     * @throws IllegalArgumentException when the expression does not parse (stored configurations
     *                                  were validated, so this means a corrupt record)
     */
    public static List<Instant> inWindow(String cron, ZoneId zone, Instant tick) {
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid cron expression: " + e.getMessage(), e);
        }
        expression.setTimeZone(TimeZone.getTimeZone(zone));
        List<Instant> fires = new ArrayList<>();
        Date after = Date.from(tick.minus(WINDOW)); // getNextValidTimeAfter is strictly after: (T − 60 s, …
        while (true) {
            Date next = expression.getNextValidTimeAfter(after);
            if (next == null || next.toInstant().isAfter(tick)) break; // … T]
            fires.add(next.toInstant());
            after = next;
        }
        return fires;
    }
}
