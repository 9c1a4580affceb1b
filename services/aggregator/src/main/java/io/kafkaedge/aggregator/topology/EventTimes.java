package io.kafkaedge.aggregator.topology;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/**
 * Parses a reading's {@code timestamp}: ISO-8601 with {@code Z} or an offset, or without a zone
 * (taken as UTC), and the seed firmware's {@code "2022-09-17 18:48:56"} (UTC). The two forms the
 * firmware sends take a fast path without {@link DateTimeFormatter}.
 */
public final class EventTimes {

    private EventTimes() {
    }

    /**
     * Epoch milliseconds of {@code text}.
     *
     * @throws DateTimeException if it is not a date-time in one of the accepted forms
     */
    public static long parse(String text) {
        int n = text.length();
        if ((n == 20 && text.charAt(19) == 'Z' && text.charAt(10) == 'T')
                || (n == 19 && (text.charAt(10) == 'T' || text.charAt(10) == ' '))) {
            return fixed(text);
        }
        String iso = n > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(iso, Instant::from, LocalDateTime::from);
        return parsed instanceof Instant instant
                ? instant.toEpochMilli()
                : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss} with an optional {@code Z}: the date by {@link LocalDate}, the time by arithmetic. */
    private static long fixed(String s) {
        if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            throw new DateTimeException("not yyyy-MM-ddTHH:mm:ss: " + s);
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (hour > 23 || minute > 59 || second > 59) {
            throw new DateTimeException("no such time of day: " + s);
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay(); // the calendar checks
        return ((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L;
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new DateTimeException("not a digit at " + i + ": " + s);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
