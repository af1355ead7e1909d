package dev.agenttelemetry.launcher;

import dev.agenttelemetry.config.Durations;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** A point in time on the command line: {@code 2026-11-23T10:00:00Z}, {@code 2026-11-23} (midnight UTC), or {@code 30m}, {@code 2h}, {@code 7d} ago. */
public final class TimeArgument {

    private TimeArgument() {
    }

    public static Instant parse(String option, String text, Instant now) {
        String value = text.trim();
        Optional<Duration> ago = Durations.parse(value);
        if (ago.isPresent()) {
            return now.minus(ago.get());
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a time; use 2026-11-23T10:00:00Z, 2026-11-23, or 30m, 2h, 7d ago");
        }
    }

    /** The day after a date: the end of {@code --date D} or of a range's last day. */
    public static Instant endOfDay(String option, String date) {
        return parse(option, date, Instant.now()).plus(Duration.ofDays(1));
    }
}
