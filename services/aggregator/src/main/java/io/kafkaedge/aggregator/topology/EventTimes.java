package io.kafkaedge.aggregator.topology;

import java.time.DateTimeException;
import java.time.Instant;
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

    /** {@code yyyy-MM-ddTHH:mm:ss} with an optional {@code Z}, with the calendar checks of {@link LocalDateTime#of}. */
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
        if (month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
                || hour > 23 || minute > 59 || second > 59) {
            throw new DateTimeException("no such date-time: " + s);
        }
        return ((epochDay(year, month, day) * 24 + hour) * 60 + minute) * 60_000L + second * 1000L;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse, by eras of 400 years). */
    static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
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
